/* The public counting API (gbcms/engine.h) over the samples and engine. */
#include <stdlib.h>
#include "engine.h"
#include "gbcms/engine.h"
#include "gbcms/log.h"
#include "sample.h"

gbcms_samples_t *gbcms_samples_load(const gbcms_opts_t *o)
{
    gbcms_samples_t *ss = calloc(1, sizeof *ss);
    if (!ss) {
        gbcms_oom("the samples");
        return NULL;
    }
    if (gbcms_samples_open(ss, o) < 0) {
        gbcms_samples_free(ss);
        return NULL;
    }
    return ss;
}

int gbcms_samples_n(const gbcms_samples_t *ss)
{
    return ss->n;
}

const char *gbcms_samples_name(const gbcms_samples_t *ss, int s)
{
    return ss->s[s].name;
}

const sam_hdr_t *gbcms_samples_header(const gbcms_samples_t *ss)
{
    return ss->s[gbcms_samples_first(ss)].hdr;
}

int gbcms_count(const gbcms_opts_t *o, const gbcms_variants_t *vs, gbcms_samples_t *ss,
                gbcms_block_sink_t sink, void *ctx)
{
    /* The contig check maps the files onto these variants and drops the
     * headers it no longer needs, so a set of samples counts once. */
    if (ss->n > 0 && ss->s[0].tid_map) {
        gbcms_log(GBCMS_LOG_ERROR, "gbcms_count: these samples have counted already; load them again");
        return -1;
    }
    if (gbcms_samples_check_contigs(ss, vs) < 0) return -1;
    return gbcms_engine_run(o, vs, ss, sink, ctx);
}

void gbcms_samples_free(gbcms_samples_t *ss)
{
    if (!ss) return;
    gbcms_samples_destroy(ss);
    free(ss);
}
