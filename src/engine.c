/* The engine: each job streams one BAM region once and compares every read
 * with the variants of its block that it can touch.  Jobs share nothing
 * mutable but the per-block completion counters and the handle pool; each
 * job writes only its own sample's column of its block's counts. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/sam.h>
#include <htslib/thread_pool.h>
#include "engine.h"
#include "fragment.h"
#include "gbcms/log.h"
#include "pool.h"
#include "realign.h"

typedef struct {
    bam1_t *b;
    char *done;             /* per variant of the current block */
    gbcms_frag_list_t *frag;
    size_t cap;
    gbcms_ra_worker_t *ra;  /* --model realign: reads waiting for the aligner */
} worker_t;

typedef struct engine_s engine_t;

typedef struct {
    engine_t *e;
    size_t block;
    int sample;
} job_t;

typedef struct {
    gbcms_counts_t *counts;
    job_t *jobs;
    int remaining;
} slot_t;

struct engine_s {
    const gbcms_opts_t *o;
    gbcms_rules_t rules;
    int realign;                /* --model realign */
    const gbcms_variants_t *vs;
    gbcms_samples_t *ss;
    int n_samples;
    worker_t *workers;
    int n_workers;
    htsThreadPool hts_pool;     /* BGZF decompression threads shared by all files */
    double seek_gap_override;   /* GBCMS_SEEK_GAP, or -1; set before threads start */
    slot_t *slots;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    atomic_int error;           /* the run is failing: jobs not started return at once */
    atomic_size_t *failed_from; /* --keep-going, per sample: the first block that failed, or SIZE_MAX */
};

/* Report a failure, unless one was reported already: the first error of
 * the run is its one line, whichever worker meets it. */
__attribute__((format(printf, 2, 3)))
static void engine_fail(engine_t *e, const char *fmt, ...)
{
    if (atomic_exchange(&e->error, 1)) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gbcms_log(GBCMS_LOG_ERROR, "%s", msg);
}

/* A job of sample s failed reading its file (block bi).  Without
 * --keep-going the run fails (-1).  With it, only the sample does (-2): its
 * cells are missing from its first failed block on, whatever the order the
 * jobs ran in, so the output does not depend on the threads; one line per
 * sample says why. */
__attribute__((format(printf, 4, 5)))
static int sample_fail(engine_t *e, int s, size_t bi, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!e->o->keep_going) {
        engine_fail(e, "%s", msg);
        return -1;
    }
    size_t was = atomic_load(&e->failed_from[s]);
    while (bi < was && !atomic_compare_exchange_weak(&e->failed_from[s], &was, bi))
        ;
    if (was == SIZE_MAX)   /* the first failure of this sample */
        gbcms_log(GBCMS_LOG_ERROR, "%s; sample '%s' is written as missing from here on (--keep-going)", msg,
                  e->ss->s[s].name);
    return -2;
}

/* Before block bi goes to the sink: the cells of samples that failed at
 * or before it are missing. */
static void mark_missing(engine_t *e, size_t bi, gbcms_counts_t *counts)
{
    size_t n = e->vs->blocks[bi].end - e->vs->blocks[bi].begin, ns = (size_t)e->n_samples;
    for (size_t s = 0; e->failed_from && s < ns; s++)
        if (atomic_load(&e->failed_from[s]) <= bi)
            for (size_t i = 0; i < n; i++) counts[i * ns + s].dp = GBCMS_COUNTS_MISSING;
}

static int worker_reserve(worker_t *w, size_t n)
{
    if (n <= w->cap) return 0;
    char *d = realloc(w->done, n);
    if (!d) return -1;
    w->done = d;
    gbcms_frag_list_t *f = realloc(w->frag, n * sizeof *f);
    if (!f) return -1;
    memset(f + w->cap, 0, (n - w->cap) * sizeof *f);
    w->frag = f;
    w->cap = n;
    return 0;
}

static void resolve_fragments(engine_t *e, worker_t *w, size_t i, const gbcms_variant_t *v, gbcms_counts_t *c)
{
    gbcms_frag_resolve(&w->frag[i], c, e->o->fragment_fractional_weight,
                       sam_hdr_tid2name((sam_hdr_t *)e->vs->hdr, v->tid), (long long)v->pos + 1);
    /* Free now: memory then follows the variants in flight, not the
     * deepest variant each slot of the block has ever held. */
    gbcms_frag_free(&w->frag[i]);
}

/* No read can reach variant i (slot in the block) any more.  rp: the
 * block's realign data, or NULL; realign may still hold reads of it for
 * the aligner, and then reports it through gbcms_ra_next_done(). */
static void finish_variant(engine_t *e, worker_t *w, size_t i, const gbcms_variant_t *v,
                           gbcms_counts_t *c, struct gbcms_rprep_s *const *rp)
{
    w->done[i] = 1;
    if (rp && !gbcms_ra_finish(w->ra, i)) return;
    if (e->o->fragment_count) resolve_fragments(e, w, i, v, c);
}

/* realign: fragments of the variants whose last reads were just aligned. */
static void finish_aligned(engine_t *e, worker_t *w, int s, const gbcms_variant_t *v, gbcms_counts_t *counts)
{
    size_t i;
    while (gbcms_ra_next_done(w->ra, &i))
        if (e->o->fragment_count) resolve_fragments(e, w, i, &v[i], &counts[i * (size_t)e->n_samples + (size_t)s]);
}

/* Seek or read through.  Reading through a gap costs decoding its reads.
 * A new index query cannot start closer than the BAI/CSI linear-index
 * window (16 kb) before its region, so a seek only saves anything when the
 * gap is wider than that window and holds more reads (by the index's
 * mapped reads per bp) than a seek's own overhead, about one BGZF block.
 * Measured on the benchmark data: splitting at every gap is 25x slower on
 * 60x WGS, and splitting at 10 kb target gaps was 1.6x slower on a panel.
 * o->seek_gap = N (GBCMS_SEEK_GAP=N to the program, for tests) replaces the rule by "split
 * where the gap exceeds N bp". */
#define GBCMS_SEEK_WINDOW 16384.0
#define GBCMS_SEEK_READS 512.0

static double seek_gap_bp(const engine_t *e, const hts_idx_t *idx, int32_t tid, hts_pos_t len)
{
    if (e->seek_gap_override >= 0) return e->seek_gap_override;
    uint64_t mapped = 0, unmapped = 0;
    /* hts_idx_get_stat does not bound tid; a CRAM index has no statistics */
    if (hts_idx_fmt((hts_idx_t *)idx) == HTS_FMT_CRAI || tid >= hts_idx_nseq(idx) ||
        hts_idx_get_stat(idx, tid, &mapped, &unmapped) < 0 || mapped == 0 || len <= 0)
        return 1e18;   /* no statistics: read the block through */
    double by_reads = GBCMS_SEEK_READS / ((double)mapped / (double)len);
    return by_reads > GBCMS_SEEK_WINDOW ? by_reads : GBCMS_SEEK_WINDOW;
}

/* Variants [i0, i1) of the block, one region query from the smallest read
 * end any of them considers to stop, the largest read start: each read is
 * decoded once and compared with the variants it can reach.  The model
 * sets each variant's bounds (first_end, last_start); rp is the block's
 * realign data, or NULL for the GBCMS rules. */
static int count_run(engine_t *e, worker_t *w, gbcms_handle_t *h, int32_t tid, const gbcms_variant_t *v,
                     struct gbcms_rprep_s *const *rp, size_t i0, size_t i1, int64_t stop,
                     gbcms_counts_t *counts, size_t bi)
{
    int ns = e->n_samples, s = h->sample;
    /* lead: how far before its position a variant's rule reads (0 for the
     * GBCMS rules), so the loop below can stop at the first variant out of
     * the read's reach in position order */
    int64_t beg = v[i0].first_end, lead = 0;
    for (size_t i = i0; i < i1; i++) {
        if (v[i].first_end < beg) beg = v[i].first_end;
        int64_t touch = rp && rp[i] ? rp[i]->a_lo : v[i].pos;   /* first position the rule reads */
        if (v[i].pos - touch > lead) lead = v[i].pos - touch;
    }
    if (beg < 0) beg = 0;
    const char *ctg = sam_hdr_tid2name((sam_hdr_t *)e->vs->hdr, v[i0].tid);
    hts_itr_t *itr = sam_itr_queryi(h->idx, tid, beg, stop + 1);
    if (!itr)
        return sample_fail(e, s, bi, "%s: cannot query %s:%lld-%lld", e->ss->s[s].path, ctg, (long long)beg + 1,
                           (long long)stop + 1);
    bam1_t *b = w->b;
    size_t first = i0;
    int r, ret = 0;
    while (ret == 0 && (r = sam_itr_next(h->fp, itr, b)) >= 0) {
        if (!gbcms_read_passes(b, &e->rules)) continue;
        int64_t start = b->core.pos;
        int64_t last = start + bam_cigar2rlen(b->core.n_cigar, bam_get_cigar(b)) - 1;
        int positive = !(b->core.flag & BAM_FREVERSE);
        int mate = (b->core.flag & BAM_FREAD1) ? 1 : 2;
        uint64_t hash = 0;
        size_t name_len = 0;
        int hashed = 0;
        int64_t plo = start, phi = last;   /* realign: the span with soft clips */
        if (rp) gbcms_ra_projection(b, start, last, &plo, &phi);
        for (size_t i = first; i < i1 && v[i].pos - lead <= phi; i++) {
            if (w->done[i]) continue;
            gbcms_counts_t *c = &counts[i * (size_t)ns + (size_t)s];
            if (v[i].last_start < start) {   /* reads are sorted: none can reach it now */
                finish_variant(e, w, i, &v[i], c, rp);
                continue;
            }
            if (v[i].first_end > last) continue;
            if (rp) {   /* realign counts the read itself, now or when its batch is aligned */
                if (phi < rp[i]->a_lo || plo > rp[i]->a_hi) continue;
                int rc = gbcms_ra_read(w->ra, i, b, rp[i], &e->rules, c, e->o->fragment_count ? &w->frag[i] : NULL);
                if (rc < 0) {
                    engine_fail(e, "%s", gbcms_ra_strerror(rc));
                    ret = -1;
                    break;
                }
                continue;
            }
            gbcms_read_class_t k = gbcms_classify(b, &v[i], &e->rules);
            if (k == GBCMS_READ_SKIP) continue;
            gbcms_counts_add(c, k, positive);
            if (!e->o->fragment_count) continue;
            if (!hashed) {
                name_len = strlen(bam_get_qname(b));
                hash = gbcms_name_hash(bam_get_qname(b), name_len);
                hashed = 1;
            }
            if (gbcms_frag_add(&w->frag[i], bam_get_qname(b), name_len, hash, mate, k) < 0) {
                engine_fail(e, "out of memory");
                ret = -1;
                break;
            }
        }
        while (first < i1 && w->done[first]) first++;
        if (rp) finish_aligned(e, w, s, v, counts);
    }
    if (ret == 0 && r < -1)
        ret = sample_fail(e, s, bi, "%s: read error in %s:%lld-%lld (truncated or corrupt file?)", e->ss->s[s].path,
                          ctg, (long long)beg + 1, (long long)stop + 1);
    hts_itr_destroy(itr);
    for (size_t i = first; i < i1; i++)
        if (!w->done[i]) finish_variant(e, w, i, &v[i], &counts[i * (size_t)ns + (size_t)s], rp);
    if (rp) {
        int rc = ret == 0 ? gbcms_ra_flush(w->ra) : 0;
        if (rc < 0) {
            engine_fail(e, "%s", gbcms_ra_strerror(rc));
            ret = -1;
        }
        if (ret < 0) {   /* the run's counts are lost anyway; no record may linger in a slot */
            gbcms_ra_worker_reset(w->ra);
            for (size_t i = i0; i < i1; i++) gbcms_frag_free(&w->frag[i]);
        }
        finish_aligned(e, w, s, v, counts);
    }
    return ret;
}

/* Count block `bi` in sample `s`: the block is read through in runs of
 * variants close enough that reading the gap is cheaper than a seek. */
static int count_block(engine_t *e, worker_t *w, size_t bi, int s, gbcms_counts_t *counts)
{
    const gbcms_block_t *blk = &e->vs->blocks[bi];
    const gbcms_variant_t *v = e->vs->v + blk->begin;
    struct gbcms_rprep_s *const *rp = e->realign ? e->vs->rprep + blk->begin : NULL;
    size_t n = blk->end - blk->begin;
    if (worker_reserve(w, n) < 0) {
        engine_fail(e, "out of memory");
        return -1;
    }
    char err[1024];
    gbcms_handle_t *h = gbcms_samples_borrow(e->ss, s, err, sizeof err);
    if (!h) return sample_fail(e, s, bi, "%s", err) == -2 ? 0 : -1;
    for (size_t i = 0; i < n; i++)   /* identical records are counted once */
        w->done[i] = v[i].primary != blk->begin + i;
    int32_t tid = e->ss->s[s].tid_map[v[0].tid];
    /* the contigs' lengths agree in every file (gbcms_samples_check_contigs) */
    double gap = seek_gap_bp(e, h->idx, tid, sam_hdr_tid2len(e->vs->hdr, v[0].tid));
    size_t i0 = 0;
    int64_t reach = v[0].last_start;
    int ret = 0;
    for (size_t i = 1; i <= n && ret == 0; i++) {
        if (i < n && (double)(v[i].pos - reach) <= gap) {
            if (v[i].last_start > reach) reach = v[i].last_start;
            continue;
        }
        ret = count_run(e, w, h, tid, v, rp, i0, i, reach, counts, bi);
        if (i < n) { i0 = i; reach = v[i].last_start; }
    }
    gbcms_samples_give_back(e->ss, h, ret < 0);
    return ret == -2 ? 0 : ret;   /* -2: only the sample failed (--keep-going) */
}

/* Sample s failed at an earlier block: its cells here are missing anyway. */
static int sample_stopped(engine_t *e, size_t bi, int s)
{
    return e->failed_from && atomic_load(&e->failed_from[s]) <= bi;
}

static void run_job(void *arg, int worker)
{
    job_t *j = arg;
    engine_t *e = j->e;
    slot_t *sl = &e->slots[j->block];
    if (!atomic_load(&e->error) && !sample_stopped(e, j->block, j->sample))
        (void)count_block(e, &e->workers[worker], j->block, j->sample, sl->counts);
    pthread_mutex_lock(&e->lock);
    if (--sl->remaining == 0) pthread_cond_broadcast(&e->finished);
    pthread_mutex_unlock(&e->lock);
}

static int slot_open(engine_t *e, size_t bi)
{
    slot_t *sl = &e->slots[bi];
    size_t n = e->vs->blocks[bi].end - e->vs->blocks[bi].begin;
    sl->counts = calloc(n * (size_t)e->n_samples, sizeof *sl->counts);
    sl->jobs = calloc((size_t)e->n_samples, sizeof *sl->jobs);
    if (!sl->counts || !sl->jobs) {
        engine_fail(e, "out of memory");
        return -1;
    }
    sl->remaining = e->n_samples;
    for (int s = 0; s < e->n_samples; s++) sl->jobs[s] = (job_t){ e, bi, s };
    return 0;
}

static void slot_close(slot_t *sl)
{
    free(sl->counts);
    free(sl->jobs);
    sl->counts = NULL;
    sl->jobs = NULL;
}

static int workers_init(engine_t *e)
{
    e->workers = calloc((size_t)e->n_workers, sizeof *e->workers);
    if (!e->workers) return -1;
    for (int i = 0; i < e->n_workers; i++) {
        if (!(e->workers[i].b = bam_init1())) return -1;
        if (e->realign && !(e->workers[i].ra = gbcms_ra_worker_init(gbcms_kernel_resolve((gbcms_kernel_t)e->o->kernel),
                                                                    e->o->realign_stats)))
            return -1;
    }
    return 0;
}

static void workers_destroy(engine_t *e)
{
    gbcms_ra_stats_t st = { 0, 0, 0, 0 };
    for (int i = 0; e->workers && i < e->n_workers; i++) {
        worker_t *w = &e->workers[i];
        if (w->ra) gbcms_ra_worker_stats(w->ra, &st);
        gbcms_ra_worker_destroy(w->ra);
        for (size_t k = 0; k < w->cap; k++) gbcms_frag_free(&w->frag[k]);
        free(w->frag);
        free(w->done);
        if (w->b) bam_destroy1(w->b);
    }
    free(e->workers);
    if (e->realign && e->o->realign_stats)
        gbcms_log(GBCMS_LOG_INFO, "realign: %llu read-variant pairs at events, %llu (%.2f%%) aligned; kernel %s: "
                  "%llu cells in %.3f s (%.0f Mcells/s)", (unsigned long long)st.touched,
                  (unsigned long long)st.slow, st.touched ? 100.0 * (double)st.slow / (double)st.touched : 0.0,
                  gbcms_kernel_name(gbcms_kernel_resolve((gbcms_kernel_t)e->o->kernel)),
                  (unsigned long long)st.cells, st.kernel_s,
                  st.kernel_s > 0 ? (double)st.cells / st.kernel_s / 1e6 : 0.0);
}

/* One thread: jobs run in order on the calling thread. */
static int run_inline(engine_t *e, gbcms_block_sink_t sink, void *ctx)
{
    for (size_t bi = 0; bi < e->vs->n_blocks; bi++) {
        if (slot_open(e, bi) < 0) return -1;
        for (int s = 0; s < e->n_samples; s++)
            if (!sample_stopped(e, bi, s) && count_block(e, &e->workers[0], bi, s, e->slots[bi].counts) < 0)
                return -1;
        mark_missing(e, bi, e->slots[bi].counts);
        int r = sink(ctx, bi, e->slots[bi].counts);
        slot_close(&e->slots[bi]);
        if (r < 0) return -1;
    }
    return 0;
}

/* Many threads: a window of blocks in flight, written back in order.  The
 * window holds about 2 jobs per worker (at least 2 blocks, so workers
 * move on while a block's last jobs finish): the counters in flight then
 * grow with the workers by 2 blocks' worth of one sample each, not of
 * every sample. */
static int run_pooled(engine_t *e, gbcms_block_sink_t sink, void *ctx)
{
    gbcms_pool_t *pool = gbcms_pool_init(e->n_workers);
    if (!pool) {
        engine_fail(e, "cannot start %d threads", e->n_workers);
        return -1;
    }
    size_t ns = (size_t)e->n_samples, nb = e->vs->n_blocks, next = 0;
    size_t window = 1 + (2 * (size_t)e->n_workers + ns - 1) / ns;
    if (window < 2) window = 2;
    int ret = 0;
    for (size_t bi = 0; bi < nb && ret == 0; bi++) {
        while (next < nb && next < bi + window && ret == 0) {
            if (slot_open(e, next) < 0) { ret = -1; break; }
            for (int s = 0; s < e->n_samples && ret == 0; s++)
                if (gbcms_pool_submit(pool, run_job, &e->slots[next].jobs[s]) < 0) {
                    /* count the unsubmitted jobs as done so nobody waits for them */
                    pthread_mutex_lock(&e->lock);
                    e->slots[next].remaining -= e->n_samples - s;
                    pthread_mutex_unlock(&e->lock);
                    engine_fail(e, "out of memory");
                    ret = -1;
                }
            next++;
        }
        if (ret < 0) break;
        pthread_mutex_lock(&e->lock);
        while (e->slots[bi].remaining > 0) pthread_cond_wait(&e->finished, &e->lock);
        pthread_mutex_unlock(&e->lock);
        if (!atomic_load(&e->error)) mark_missing(e, bi, e->slots[bi].counts);
        if (atomic_load(&e->error) || sink(ctx, bi, e->slots[bi].counts) < 0) ret = -1;
        slot_close(&e->slots[bi]);
    }
    if (ret < 0) atomic_store(&e->error, 1);   /* queued jobs then return at once */
    gbcms_pool_destroy(pool);
    for (size_t bi = 0; bi < next; bi++) slot_close(&e->slots[bi]);
    return ret;
}

int gbcms_engine_run(const gbcms_opts_t *o, const gbcms_variants_t *vs, gbcms_samples_t *samples,
                     gbcms_block_sink_t sink, void *ctx)
{
    engine_t e;
    memset(&e, 0, sizeof e);
    e.o = o;
    gbcms_rules_from_opts(&e.rules, o);
    e.realign = o->model == GBCMS_MODEL_REALIGN;
    if (e.realign && vs->n && !vs->rprep) {
        gbcms_log(GBCMS_LOG_ERROR, "--model realign: the variants were loaded without it (no event regions)");
        return -1;
    }
    e.vs = vs;
    e.ss = samples;
    int n_samples = e.n_samples = samples->n;
    e.seek_gap_override = o->seek_gap;
    /* Threads go to counting jobs first, as many as can run at once; any
     * left over decompress BGZF for all files, so the total is --threads. */
    size_t n_jobs = vs->n_blocks * (size_t)n_samples;
    int threads = o->threads > 1 ? o->threads : 1;
    e.n_workers = n_jobs < (size_t)threads ? (n_jobs > 0 ? (int)n_jobs : 1) : threads;
    if (threads > e.n_workers && !(e.hts_pool.pool = hts_tpool_init(threads - e.n_workers))) {
        gbcms_log(GBCMS_LOG_ERROR, "cannot start %d decompression threads", threads - e.n_workers);
        return -1;
    }
    atomic_init(&e.error, 0);
    pthread_mutex_init(&e.lock, NULL);
    pthread_cond_init(&e.finished, NULL);
    e.slots = calloc(vs->n_blocks ? vs->n_blocks : 1, sizeof *e.slots);
    if (o->keep_going && (e.failed_from = malloc((size_t)(n_samples ? n_samples : 1) * sizeof *e.failed_from)))
        for (int s = 0; s < n_samples; s++) atomic_init(&e.failed_from[s], samples->s[s].failed_from);
    int ret;
    if (!e.slots || workers_init(&e) < 0 || (o->keep_going && !e.failed_from)) {
        gbcms_log(GBCMS_LOG_ERROR, "out of memory");
        ret = -1;
    } else if (gbcms_samples_start(samples, e.n_workers, e.hts_pool.pool ? &e.hts_pool : NULL) < 0) {
        ret = -1;
    } else {
        ret = e.n_workers > 1 ? run_pooled(&e, sink, ctx) : run_inline(&e, sink, ctx);
    }
    /* Handles go before the decompression threads they may use; after a
     * failure their close errors would be second lines. */
    if (gbcms_samples_close_handles(samples, ret < 0) < 0) ret = -1;
    samples->hts_pool = NULL;
    workers_destroy(&e);
    if (e.hts_pool.pool) hts_tpool_destroy(e.hts_pool.pool);
    for (size_t bi = 0; e.slots && bi < vs->n_blocks; bi++) slot_close(&e.slots[bi]);
    free(e.slots);
    for (int s = 0; e.failed_from && s < n_samples; s++) samples->s[s].failed_from = atomic_load(&e.failed_from[s]);
    free(e.failed_from);
    pthread_mutex_destroy(&e.lock);
    pthread_cond_destroy(&e.finished);
    return ret;
}
