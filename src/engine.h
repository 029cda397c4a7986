/* The counting engine (internal): jobs of (BAM, block) on the pool,
 * finished blocks handed to a sink in variant order. */
#ifndef GBCMS_ENGINE_H
#define GBCMS_ENGINE_H

#include <stdint.h>
#include <htslib/sam.h>
#include "gbcms/count.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"

typedef struct {
    char *name;         /* sample name in the output */
    char *path;         /* BAM/CRAM path */
    int32_t *tid_map;   /* variant tid (first BAM's header) -> this file's tid, -1 if absent */
    sam_hdr_t *hdr;     /* this file's header, as read up front */
} gbcms_sample_t;

/* Called once per block, in block order, from the calling thread.
 * counts[(i - block.begin) * n_samples + s] holds variant i, sample s
 * (for primary variants; identical records read their primary's slot).
 * Returns 0, or -1 to stop the run (having logged why). */
typedef int (*gbcms_block_sink_t)(void *ctx, size_t block, const gbcms_counts_t *counts);

/* Count every block in every sample.  Returns 0, or -1 after logging. */
int gbcms_engine_run(const gbcms_opts_t *o, const gbcms_variants_t *vs,
                     const gbcms_sample_t *samples, int n_samples,
                     gbcms_block_sink_t sink, void *ctx);

#endif
