/* `gbcms count` from checked options: open the BAMs' headers, load the
 * variants, open the output, run the engine, commit the output. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <htslib/hts.h>
#include "engine.h"
#include "fasta.h"
#include "gbcms/log.h"
#include "gbcms/run.h"
#include "outfile.h"
#include "output.h"

/* Progress on a terminal: sites written / total, rate and ETA, at most
 * twice a second.  Wraps the writer as the engine's block sink. */
typedef struct {
    gbcms_writer_t *w;
    const gbcms_variants_t *vs;
    int enabled, shown;
    size_t done;
    double start, last;
} progress_t;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int progress_sink(void *ctx, size_t block, const gbcms_counts_t *counts)
{
    progress_t *p = ctx;
    if (gbcms_writer_block(p->w, block, counts) < 0) return -1;
    if (!p->enabled) return 0;
    p->done += p->vs->blocks[block].end - p->vs->blocks[block].begin;
    double t = now_seconds();
    if (t - p->last < 0.5 && p->done < p->vs->n) return 0;
    p->last = t;
    double rate = p->done / (t - p->start + 1e-9);
    long eta = rate > 0 ? (long)((double)(p->vs->n - p->done) / rate) : 0;
    fprintf(stderr, "\rgbcms: %zu/%zu sites in %d BAM%s, %.0f sites/s, ETA %ld:%02ld   ", p->done, p->vs->n,
            p->w->n_samples, p->w->n_samples == 1 ? "" : "s", rate, eta / 60, eta % 60);
    p->shown = 1;
    return 0;
}

int gbcms_run(gbcms_opts_t *o)
{
    gbcms_log_setup(o->quiet ? GBCMS_LOG_ERROR : o->realign_stats ? GBCMS_LOG_INFO : GBCMS_LOG_WARNING,
                    o->suppress_warning);
    int ret = -1, n = o->n_bams;
    gbcms_samples_t samples;
    memset(&samples, 0, sizeof samples);
    char **names = calloc((size_t)n, sizeof *names);
    faidx_t *fai = NULL;
    gbcms_variants_t vs;
    memset(&vs, 0, sizeof vs);
    gbcms_outfile_t of;
    memset(&of, 0, sizeof of);
    gbcms_writer_t w;
    memset(&w, 0, sizeof w);
    if (!names) { gbcms_oom("the sample names"); goto done; }
    /* The output location is checked before any work. */
    if (gbcms_outfile_open(&of, o) < 0) goto done;
    if (gbcms_samples_open(&samples, o) < 0) goto done;
    if (o->fasta && !(fai = gbcms_fasta_open(o->fasta))) goto done;
    if (gbcms_variants_load(&vs, o, samples.s[gbcms_samples_first(&samples)].hdr, fai) < 0) goto done;
    if (gbcms_samples_check_contigs(&samples, &vs) < 0) goto done;
    for (int s = 0; s < n; s++) names[s] = samples.s[s].name;
    w.fp = of.fp;
    w.o = o;
    w.vs = &vs;
    w.names = names;
    w.n_samples = n;
    if (gbcms_writer_header(&w) < 0) goto done;
    progress_t prog = { &w, &vs, !o->quiet && isatty(STDERR_FILENO), 0, 0, now_seconds(), 0 };
    int r = gbcms_engine_run(o, &vs, &samples, progress_sink, &prog);
    if (prog.shown) fputc('\n', stderr);
    if (r < 0) goto done;
    if (gbcms_writer_finish(&w) < 0) goto done;   /* before the data file is committed */
    if (gbcms_outfile_commit(&of) < 0) goto done;
    if (gbcms_writer_commit_index(&w) < 0) goto done;
    ret = 0;
    for (int s = 0; s < n; s++)   /* each was reported when it failed */
        if (samples.s[s].failed_from != SIZE_MAX) ret = 1;
    long mism = gbcms_warn_count(GBCMS_WARN_REF_MISMATCH);
    if (mism > 0)
        gbcms_log(GBCMS_LOG_WARNING, "%ld variant%s had a REF differing from the FASTA", mism, mism == 1 ? "" : "s");
done:
    if (ret < 0) gbcms_outfile_abort(&of);
    gbcms_writer_destroy(&w);
    gbcms_variants_destroy(&vs);
    if (fai) fai_destroy(fai);
    gbcms_samples_destroy(&samples);
    free(names);
    return ret == 0 ? GBCMS_EXIT_OK : ret > 0 ? GBCMS_EXIT_PARTIAL : GBCMS_EXIT_DATA;
}
