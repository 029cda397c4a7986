/* gbcms/variants.h -- the variants to count, loaded from VCF/BCF or MAF,
 * sorted and cut into blocks. */
#ifndef GBCMS_VARIANTS_H
#define GBCMS_VARIANTS_H

#include <stddef.h>
#include <stdint.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include "gbcms/opts.h"

typedef enum {
    GBCMS_SNV = 0,
    GBCMS_MNV,
    GBCMS_INS,
    GBCMS_DEL
} gbcms_vtype_t;

typedef struct {
    int32_t tid;            /* contig index in the first BAM's header */
    int64_t pos;            /* 0-based position p (VCF POS - 1) */
    char *ref, *alt;        /* upper-case alleles used for counting */
    int ref_len, alt_len;
    gbcms_vtype_t type;
    char ref_next;          /* reference base at p+1, upper case; 0 if unknown */
    int64_t last_start;     /* largest read start the variant considers */
    int64_t first_end;      /* smallest read end (last aligned base) it considers */
    size_t input_order;     /* record number across the input files */
    size_t primary;         /* sorted index of the identical variant that is counted */
    /* Output only: text as given in the input. */
    char *out_ref, *out_alt, *id;
    long maf_row;           /* row in the MAF table, or -1 */
    char *qfi;              /* VCF input: QUAL, FILTER, INFO as written, tab-separated;
                             * NULL when not kept (see keep_vcf_fields) */
    int alt_index, n_alts;  /* VCF input: this ALT's index among its record's n_alts */
} gbcms_variant_t;

/* A MAF file kept for output: header columns and the split rows. */
typedef struct {
    char **cols;            /* the first MAF's header */
    int n_cols;
    char ***rows;           /* rows[i][j]: column j (of the first MAF's header) of data
                             * row i, "" where the row's file lacks that column */
    char **bufs;            /* bufs[i]: the text rows[i] points into */
    size_t n_rows, m_rows;
    /* MAF output's Center and NCBI_Build, as GBCMS picks them: the first
     * data row's value in the last MAF that has the column (points into
     * bufs); NULL when no MAF has it. */
    const char *center, *build;
} gbcms_maf_table_t;

typedef struct {
    size_t begin, end;      /* [begin, end) in the sorted variant array */
} gbcms_block_t;

typedef struct {
    gbcms_variant_t *v;     /* sorted by (tid, pos), stable */
    size_t n, m;
    gbcms_block_t *blocks;
    size_t n_blocks;
    gbcms_maf_table_t maf;
    const sam_hdr_t *hdr;   /* contig names; borrowed from the caller */
    int generic;            /* --generic-counting: sets each variant's read bound */
    int keep_vcf_fields;    /* keep each VCF record's QUAL/FILTER/INFO and the headers */
    kstring_t vcf_meta;     /* with keep_vcf_fields: the header lines of every input VCF */
    struct gbcms_regions_t *regions;  /* while loading, with --regions: sites outside are skipped */
    size_t n_outside;       /* sites skipped as outside the regions: with n, the sites of the
                             * input, which the output's sites line records for gbcms merge */
    struct gbcms_rprep_s **rprep;   /* --model realign: per variant, NULL for non-primary
                                     * ones; each one malloc'd (src/realign.h) */
} gbcms_variants_t;

/* Load every variant file of the options.  hdr (the first BAM's header)
 * gives contig order and is borrowed for the life of vs.  fai may be NULL
 * for VCF input.  With --regions/--regions-file, only the sites whose POS
 * is in a region are kept (regions.h).  Sorts, marks identical records and
 * cuts blocks.
 * Returns 0, or -1 after logging an error; vs must be destroyed either way.
 */
struct faidx_t;
int gbcms_variants_load(gbcms_variants_t *vs, const gbcms_opts_t *o,
                        const sam_hdr_t *hdr, const struct faidx_t *fai)
    __attribute__((warn_unused_result));

/* Set the type and the read bounds of one variant from its alleles.
 * generic: --generic-counting. */
void gbcms_variant_classify(gbcms_variant_t *v, int generic);

/* Sort, link identical records and cut blocks (called by _load). */
int gbcms_variants_finish(gbcms_variants_t *vs, int max_block_size, int max_block_dist);

/* Free everything vs owns. */
void gbcms_variants_destroy(gbcms_variants_t *vs);

#endif
