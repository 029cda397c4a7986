/* Output formats: VCF, GBCMS fillout, MAF, TSV (internal). */
#ifndef GBCMS_OUTPUT_H
#define GBCMS_OUTPUT_H

#include <stdio.h>
#include <htslib/kstring.h>
#include "gbcms/count.h"
#include "gbcms/variants.h"

typedef struct {
    FILE *fp;                       /* borrowed */
    const gbcms_opts_t *o;
    const gbcms_variants_t *vs;
    char **names;                   /* sample names, command-line order; borrowed */
    int n_samples;
    kstring_t line;                 /* owned scratch */
} gbcms_writer_t;

/* Write the header of the chosen format.  0 or -1 (write error logged). */
int gbcms_writer_header(gbcms_writer_t *w);

/* Write the rows of one block; a gbcms_block_sink_t (ctx is the writer). */
int gbcms_writer_block(void *ctx, size_t block, const gbcms_counts_t *counts);

void gbcms_writer_destroy(gbcms_writer_t *w);

#endif
