/* gbcms/engine.h -- counting from a host program.
 *
 * The steps `gbcms count` takes, for a program that wants the counts
 * rather than an output file:
 *
 *     gbcms_opts_t o;  gbcms_opts_init(&o);  ... gbcms_opts_check(&o);
 *     gbcms_samples_t *ss = gbcms_samples_load(&o);        // BAMs checked
 *     gbcms_variants_t vs;
 *     gbcms_variants_load(&vs, &o, gbcms_samples_header(ss), fai);
 *     gbcms_count(&o, &vs, ss, my_sink, my_ctx);           // blocks, in order
 *     gbcms_variants_destroy(&vs);  gbcms_samples_free(ss);  gbcms_opts_destroy(&o);
 *
 * Every function logs one line through gbcms/log.h on failure and returns
 * an error; none exits, installs signal handlers or reads the environment.
 * The process-wide settings of the program (htslib's message hook, signal
 * clean-up of the output) are src/main.c's and not part of this API.
 */
#ifndef GBCMS_ENGINE_PUBLIC_H
#define GBCMS_ENGINE_PUBLIC_H

#include <stddef.h>
#include <htslib/sam.h>
#include "gbcms/count.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"

/* The BAM/CRAM inputs of a run: opened, checked, their indexes loaded. */
typedef struct gbcms_samples_s gbcms_samples_t;

/* Receives each block's counts, once per block, in block order, on the
 * thread that called gbcms_count().  counts[(i - block.begin) * n_samples + s]
 * holds variant i (of vs->v, sorted) in sample s; an identical record i
 * reads the slot of vs->v[i].primary.  The array is the engine's: valid only
 * during the call.  RDF and ADF are kept doubled (rdf2, adf2) so a
 * fractional weight of 0.5 stays an integer.  Return 0, or -1 to stop. */
typedef int (*gbcms_block_sink_t)(void *ctx, size_t block, const gbcms_counts_t *counts);

/* Open and check every --bam of o (which passed gbcms_opts_check()).
 * Returns a new set the caller frees with gbcms_samples_free(), or NULL
 * after logging one line. */
gbcms_samples_t *gbcms_samples_load(const gbcms_opts_t *o);

/* Number of samples, and sample s's name (owned by ss), in --bam order. */
int gbcms_samples_n(const gbcms_samples_t *ss);
const char *gbcms_samples_name(const gbcms_samples_t *ss, int s);

/* The first BAM's header: its contig order is the variants' (pass it to
 * gbcms_variants_load()).  Owned by ss; valid until gbcms_samples_free(). */
const sam_hdr_t *gbcms_samples_header(const gbcms_samples_t *ss);

/* Count every variant of vs (loaded against gbcms_samples_header(ss)) in
 * every sample, with o's rules and threads, handing each block to sink.
 * Returns 0, or -1 after logging one line (a sink's -1 included).  A set of
 * samples counts once: load them again for another set of variants. */
int gbcms_count(const gbcms_opts_t *o, const gbcms_variants_t *vs, gbcms_samples_t *ss,
                gbcms_block_sink_t sink, void *ctx) __attribute__((warn_unused_result));

/* Close and free everything ss owns, and ss. */
void gbcms_samples_free(gbcms_samples_t *ss);

#endif
