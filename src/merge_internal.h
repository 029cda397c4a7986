/* gbcms merge (internal): reading one part (merge_part.c) and joining the
 * sample columns of one BCF site (merge_bcf.c).  merge.c drives them. */
#ifndef GBCMS_MERGE_INTERNAL_H
#define GBCMS_MERGE_INTERNAL_H

#include <stdint.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>
#include "lines.h"

/* The output format a part was written in (its #gbcms_options format=). */
typedef enum { GBCMS_MF_VCF = 0, GBCMS_MF_FILLOUT, GBCMS_MF_MAF, GBCMS_MF_TSV } gbcms_mfmt_t;

/* Columns of the fillout and VCF rows before the sample columns. */
enum { GBCMS_FILLOUT_FIXED_COLS = 34, GBCMS_VCF_FIXED_COLS = 9 };

/* One part: a gbcms count output (or an earlier merge's), read site by
 * site.  A site is one row (VCF, BCF, fillout) or one row per sample
 * (TSV, MAF). */
typedef struct {
    const char *path;           /* borrowed */
    int is_bcf;
    gbcms_mfmt_t fmt;
    kstring_t header;           /* the header lines, each ending in '\n'; for BCF as VCF text */
    char *version;              /* the "##source=" / "#gbcms " line, in header */
    char *options;              /* the "#gbcms_options=" line's value, in header */
    int64_t sites_counted;      /* the "#gbcms_sites=" line: sites in this part, */
    int64_t sites_input;        /* and in the input it was counted from */
    char **samples;             /* owned, output order */
    int n_samples;
    char **contigs;             /* owned, in header order (the first BAM's) */
    int n_contigs;
    void *contig_ids;           /* owned: name -> index (khash_str2int) */
    /* reading */
    gbcms_lines_t lr;           /* text */
    htsFile *hts;               /* BCF */
    bcf_hdr_t *bhdr;            /* BCF */
    bcf1_t *rec;                /* BCF: the current site */
    /* the current site */
    kstring_t site;             /* text: its row(s), each ending in '\n' */
    kstring_t key;              /* text: what every sample group must have alike */
    size_t data_off;            /* VCF/fillout text: where the sample columns start in site */
    int tid;                    /* contig index */
    int64_t pos;                /* 0-based position of the counted variant */
    long line;                  /* text: line of the site's first row; BCF: record number */
    char where[96];             /* "chr1:301 T>A", for messages */
} gbcms_part_t;

/* Open a part and read its header (and nothing else).  0, or -1 after
 * logging; close the part either way. */
int gbcms_part_open(gbcms_part_t *p, const char *path) __attribute__((warn_unused_result));

/* The next site into p.  1, 0 at the end, -1 after logging (a damaged
 * row, a contig not in the header, a sample row out of place). */
int gbcms_part_next(gbcms_part_t *p) __attribute__((warn_unused_result));

/* Close and free; 0, or -1 after logging a close error. */
int gbcms_part_close(gbcms_part_t *p);

/* Are the current sites of a and b the same site (BCF: same CHROM to
 * INFO and FORMAT keys; text: same key)? */
int gbcms_part_same_site(const gbcms_part_t *a, const gbcms_part_t *b);

/* Into out, the current record of parts[0] with the sample columns of
 * every part's current record, in order (BCF, sites alike).  0, or -1
 * after logging. */
int gbcms_bcf_paste(bcf1_t *out, gbcms_part_t *const *parts, int n, kstring_t *scratch);

#endif
