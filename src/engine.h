/* The counting engine (internal): jobs of (BAM, block) on the pool,
 * finished blocks handed to a sink in variant order. */
#ifndef GBCMS_ENGINE_H
#define GBCMS_ENGINE_H

#include <stdint.h>
#include <htslib/sam.h>
#include "gbcms/count.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"
#include "sample.h"

/* Called once per block, in block order, from the calling thread.
 * counts[(i - block.begin) * n_samples + s] holds variant i, sample s
 * (for primary variants; identical records read their primary's slot).
 * Returns 0, or -1 to stop the run (having logged why). */
typedef int (*gbcms_block_sink_t)(void *ctx, size_t block, const gbcms_counts_t *counts);

/* Count every block in every sample (opened and mapped to the variants'
 * contigs: gbcms_samples_open() and _check_contigs()).  Every handle is
 * closed again on return.  Returns 0, or -1 after logging one line (only
 * the first failure of the run is reported). */
int gbcms_engine_run(const gbcms_opts_t *o, const gbcms_variants_t *vs, gbcms_samples_t *samples,
                     gbcms_block_sink_t sink, void *ctx);

#endif
