/* Output formats: VCF, GBCMS fillout, MAF, TSV (internal).  output.c
 * dispatches; out_text.c writes fillout, MAF and TSV, out_vcf.c VCF. */
#ifndef GBCMS_OUTPUT_H
#define GBCMS_OUTPUT_H

#include <stdio.h>
#include <htslib/kstring.h>
#include "gbcms/count.h"
#include "gbcms/variants.h"

/* The MAF columns the fillout and MAF outputs read. */
typedef enum {
    GBCMS_MAF_SAMPLE, GBCMS_MAF_NORMAL, GBCMS_MAF_CLASS, GBCMS_MAF_ONCOTATOR, GBCMS_MAF_GENE,
    GBCMS_MAF_N_REF, GBCMS_MAF_N_ALT, GBCMS_MAF_T_REF, GBCMS_MAF_T_ALT, GBCMS_MAF_START,
    GBCMS_MAF_END, GBCMS_MAF_CALLER, GBCMS_MAF_NUM_COLS
} gbcms_maf_col_t;

/* Where the bytes go: the FILE outfile gave (text), or BGZF or BCF through
 * htslib on a duplicate of its file descriptor; and the index. */
typedef struct {
    char type;                      /* 'v' text, 'z' BGZF, 'b' BCF, 'u' uncompressed BCF */
    struct BGZF *bgzf;              /* 'z' */
    struct htsFile *hts;            /* 'b', 'u' */
    struct bcf1_t *rec;             /* 'b', 'u': the row being converted */
    struct hts_idx_t *idx;          /* 'z' with an index */
    int idx_fmt;                    /* HTS_FMT_TBI or HTS_FMT_CSI, when idx_path is set */
    char *idx_path;                 /* the index's name; NULL: no index */
    char *idx_tmp;                  /* its temporary name beside it; "" until made */
} gbcms_sink_t;

typedef struct {
    FILE *fp;                       /* borrowed */
    const gbcms_opts_t *o;
    const gbcms_variants_t *vs;
    char **names;                   /* sample names, command-line order; borrowed */
    int n_samples;
    kstring_t line;                 /* owned: text not yet written */
    kstring_t scratch;              /* owned scratch */
    struct bcf_hdr_t *vcf_hdr;      /* owned: VCF output's header; set by _header */
    int maf_col[GBCMS_MAF_NUM_COLS]; /* index in the MAF table, or -1; set by _header */
    gbcms_sink_t sink;              /* owned; opened by _header */
} gbcms_writer_t;

/* Set up the output type (o->output_type) on w->fp and write the header of
 * the chosen format.  With a compressed type, fp is only used for its file
 * descriptor, which is duplicated: nothing is written through the FILE.
 * 0 or -1 (error logged). */
int gbcms_writer_header(gbcms_writer_t *w);

/* Write the rows of one block; a gbcms_block_sink_t (ctx is the writer). */
int gbcms_writer_block(void *ctx, size_t block, const gbcms_counts_t *counts);

/* After the last block and before the output file is committed: write
 * what is buffered, end the BGZF/BCF stream (closing the duplicate file
 * descriptor) and write the index under a temporary name beside its own.
 * 0 or -1 (error logged). */
int gbcms_writer_finish(gbcms_writer_t *w);

/* After the output file is committed: rename the index into place.  0 or
 * -1 (error logged; the temporary index is removed). */
int gbcms_writer_commit_index(gbcms_writer_t *w);

/* Free everything; an unfinished stream is abandoned and a temporary
 * index removed. */
void gbcms_writer_destroy(gbcms_writer_t *w);

#endif
