/* `gbcms count` from checked options: open the BAMs' headers, load the
 * variants, open the output, run the engine, commit the output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include "engine.h"
#include "fasta.h"
#include "gbcms/log.h"
#include "gbcms/run.h"
#include "htslog.h"
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

/* File name without directory and without its last extension. */
static char *name_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *s = strdup(base);
    if (!s) return NULL;
    char *dot = strrchr(s, '.');
    if (dot && dot != s) *dot = 0;
    return s;
}

static char *sample_name(const gbcms_bam_arg_t *arg, sam_hdr_t *h)
{
    if (arg->name) return strdup(arg->name);
    kstring_t ks = { 0, 0, NULL };
    if (sam_hdr_find_tag_pos(h, "RG", 0, "SM", &ks) == 0 && ks.l > 0) return ks.s;
    free(ks.s);
    return name_from_path(arg->path);
}

/* Open each BAM once up front: header, index present, sample name.  The
 * headers are kept; the first one gives the contig order.  Returns 0 or -1. */
static int open_samples(const gbcms_opts_t *o, gbcms_sample_t *samples)
{
    for (int s = 0; s < o->n_bams; s++) {
        const char *path = o->bams[s].path;
        gbcms_sample_t *sm = &samples[s];
        /* No access() check first: it knows nothing of URLs. */
        errno = 0;
        samFile *fp = sam_open(path, "r");
        if (!fp) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the BAM/CRAM: %s", path,
                      errno ? strerror(errno) : "not a readable BAM, CRAM or SAM file");
            return -1;
        }
        int ret = 0;
        const htsFormat *fmt = hts_get_format(fp);
        sam_hdr_t *h = NULL;
        hts_idx_t *idx = NULL;
        if (fmt->format != bam && fmt->format != cram && fmt->format != sam) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: not a BAM, CRAM or SAM file", path);
            ret = -1;
        } else if (fmt->format == cram && !o->fasta) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: CRAM input needs --fasta", path);
            ret = -1;
        } else if (!(h = sam_hdr_read(fp))) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the header", path);
            ret = -1;
        } else if (!(idx = sam_index_load(fp, path))) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: no index found (run 'samtools index %s')", path, path);
            ret = -1;
        }
        hts_idx_destroy(idx);
        if (ret == 0 && !(sm->name = sample_name(&o->bams[s], h))) ret = -1;
        if (ret == 0 && !(sm->path = strdup(path))) ret = -1;
        for (int t = 0; ret == 0 && t < s; t++)
            if (strcmp(samples[t].name, sm->name) == 0) {
                gbcms_log(GBCMS_LOG_ERROR, "%s and %s both have sample name '%s' (name them with NAME:PATH)",
                          samples[t].path, path, sm->name);
                ret = -1;
            }
        sm->hdr = h;   /* freed with the samples */
        if (ret == 0) {
            const sam_hdr_t *ref = samples[0].hdr;
            int n = sam_hdr_nref(ref);
            sm->tid_map = malloc((size_t)(n ? n : 1) * sizeof *sm->tid_map);
            if (!sm->tid_map) ret = -1;
            for (int t = 0; ret == 0 && t < n; t++)
                sm->tid_map[t] = s == 0 ? t : sam_hdr_name2tid(h, sam_hdr_tid2name((sam_hdr_t *)ref, t));
        }
        if (sam_close(fp) < 0 && ret == 0) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: error closing the file", path);
            ret = -1;
        }
        if (ret < 0) return -1;
    }
    return 0;
}

/* Every variant contig must be in every BAM. */
static int check_contigs(const gbcms_variants_t *vs, const gbcms_sample_t *samples, int n)
{
    for (size_t i = 0; i < vs->n; i++) {
        if (i > 0 && vs->v[i].tid == vs->v[i - 1].tid) continue;
        for (int s = 0; s < n; s++) {
            if (samples[s].tid_map[vs->v[i].tid] >= 0) continue;
            const char *ctg = sam_hdr_tid2name((sam_hdr_t *)vs->hdr, vs->v[i].tid);
            char hint[300];
            gbcms_log(GBCMS_LOG_ERROR, "%s: contig '%s' of the variants is not in this file's header%s",
                      samples[s].path, ctg,
                      gbcms_contig_hint(ctg, gbcms_hdr_has_contig, samples[s].hdr, hint, sizeof hint));
            return -1;
        }
    }
    return 0;
}

int gbcms_run(gbcms_opts_t *o)
{
    gbcms_log_setup(o->quiet ? GBCMS_LOG_ERROR : o->realign_stats ? GBCMS_LOG_INFO : GBCMS_LOG_WARNING,
                    o->suppress_warning);
    gbcms_htslog_start(o->quiet, o->suppress_warning);   /* htslib's messages, prefixed and capped */
    int ret = -1, n = o->n_bams;
    gbcms_sample_t *samples = calloc((size_t)n, sizeof *samples);
    char **names = calloc((size_t)n, sizeof *names);
    faidx_t *fai = NULL;
    gbcms_variants_t vs;
    memset(&vs, 0, sizeof vs);
    gbcms_outfile_t of;
    memset(&of, 0, sizeof of);
    gbcms_writer_t w;
    memset(&w, 0, sizeof w);
    if (!samples || !names) goto done;
    /* The output location is checked before any work. */
    if (gbcms_outfile_open(&of, o) < 0) goto done;
    if (open_samples(o, samples) < 0) goto done;
    if (o->fasta && !(fai = gbcms_fasta_open(o->fasta))) goto done;
    if (gbcms_variants_load(&vs, o, samples[0].hdr, fai) < 0) goto done;
    if (check_contigs(&vs, samples, n) < 0) goto done;
    for (int s = 0; s < n; s++) names[s] = samples[s].name;
    w.fp = of.fp;
    w.o = o;
    w.vs = &vs;
    w.names = names;
    w.n_samples = n;
    if (gbcms_writer_header(&w) < 0) goto done;
    progress_t prog = { &w, &vs, !o->quiet && isatty(STDERR_FILENO), 0, 0, now_seconds(), 0 };
    int r = gbcms_engine_run(o, &vs, samples, n, progress_sink, &prog);
    if (prog.shown) fputc('\n', stderr);
    if (r < 0) goto done;
    if (gbcms_writer_finish(&w) < 0) goto done;   /* before the data file is committed */
    if (gbcms_outfile_commit(&of) < 0) goto done;
    if (gbcms_writer_commit_index(&w) < 0) goto done;
    ret = 0;
    long mism = gbcms_warn_count(GBCMS_WARN_REF_MISMATCH);
    if (mism > 0)
        gbcms_log(GBCMS_LOG_WARNING, "%ld variant%s had a REF differing from the FASTA", mism, mism == 1 ? "" : "s");
done:
    if (ret < 0) gbcms_outfile_abort(&of);
    gbcms_writer_destroy(&w);
    gbcms_variants_destroy(&vs);
    if (fai) fai_destroy(fai);
    for (int s = 0; samples && s < n; s++) {
        sam_hdr_destroy(samples[s].hdr);
        free(samples[s].name);
        free(samples[s].path);
        free(samples[s].tid_map);
    }
    free(samples);
    free(names);
    gbcms_htslog_stop();
    return ret == 0 ? GBCMS_EXIT_OK : GBCMS_EXIT_DATA;
}
