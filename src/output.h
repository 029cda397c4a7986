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
} gbcms_writer_t;

/* Write the header of the chosen format (and find the MAF columns the rows
 * read).  0 or -1 (write error logged). */
int gbcms_writer_header(gbcms_writer_t *w);

/* Write the rows of one block; a gbcms_block_sink_t (ctx is the writer). */
int gbcms_writer_block(void *ctx, size_t block, const gbcms_counts_t *counts);

void gbcms_writer_destroy(gbcms_writer_t *w);

#endif
