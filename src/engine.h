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

/* Count every block in every sample (opened and mapped to the variants'
 * contigs: gbcms_samples_open() and _check_contigs()).  Every handle is
 * closed again on return.  Returns 0, or -1 after logging one line (only
 * the first failure of the run is reported). */
int gbcms_engine_run(const gbcms_opts_t *o, const gbcms_variants_t *vs, gbcms_samples_t *samples,
                     gbcms_block_sink_t sink, void *ctx);

#endif
