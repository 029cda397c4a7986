/* The counting model `realign`: variant preparation (R1), read projection
 * (R2), the clean path (R3), the slow path (R4) and the sibling rule.  The
 * parameters and their reasons are in realign.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fasta.h"
#include "gbcms/log.h"
#include "realign.h"

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static inline uint8_t char_code(char c)
{
    switch (c) {
    case 'A': return 0;
    case 'C': return 1;
    case 'G': return 2;
    case 'T': return 3;
    default: return 4;
    }
}

/* BAM 4-bit bases (=ACMGRSVTWYHKDBN) to codes 0..4. */
static const uint8_t nt16_code[16] = { 4, 0, 1, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4 };

/* ================= R1: variant preparation ================= */

/* One window of the reference and the record's ALT haplotype over it,
 * read through accessors so the ALT window is never built. */
typedef struct {
    const char *ref;
    int64_t len_ref, len_alt, off;   /* off: the record's POS in the window */
    const char *alt;
    int ref_len, alt_len;            /* the record's allele lengths */
} hapwin_t;

static inline char alt_at(const hapwin_t *w, int64_t k)
{
    if (k < w->off) return w->ref[k];
    if (k < w->off + w->alt_len) return w->alt[k - w->off];
    return w->ref[k - w->alt_len + w->ref_len];
}

typedef struct {
    int64_t lo, hi;     /* event region [E_lo, E_hi) */
    int no_event;
} region_t;

/* The event region of one record: the common prefix P and suffix S of the
 * reference and ALT windows bound every placement of the event. */
static int event_region(gbcms_ra_fetch_fn fetch, void *ctx, const gbcms_variant_t *v, region_t *out)
{
    int64_t f = GBCMS_RA_WINDOW;
    for (;;) {
        int64_t w0 = max64(0, v->pos - f), want_end = v->pos + v->ref_len + f - 1;
        char *seq = NULL;
        int64_t len = 0;
        int r = fetch(ctx, v->tid, w0, want_end, &seq, &len);
        if (r < 0) return r;
        if (len < v->pos - w0 + v->ref_len) {   /* the loader checked this; never trust a short read */
            free(seq);
            return -1;
        }
        hapwin_t w = { seq, len, len - v->ref_len + v->alt_len, v->pos - w0, v->alt, v->ref_len, v->alt_len };
        int64_t n = min64(w.len_ref, w.len_alt), p = 0, s = 0;
        while (p < n && seq[p] == alt_at(&w, p)) p++;
        while (s < n && seq[w.len_ref - 1 - s] == alt_at(&w, w.len_alt - 1 - s)) s++;
        int grow_right = p == n && len == want_end - w0 + 1;   /* a repeat runs into the right edge */
        int grow_left = s == n && w0 > 0;
        if ((grow_right || grow_left) && f < GBCMS_RA_WINDOW_MAX) {
            free(seq);
            f = min64(2 * f, GBCMS_RA_WINDOW_MAX);
            continue;
        }
        out->no_event = w.len_ref == w.len_alt && p == w.len_ref;
        out->lo = w0 + min64(p, min64(w.len_alt - s, w.len_ref - s));
        out->hi = w0 + max64(p + max64(0, w.len_ref - w.len_alt), w.len_ref - s);
        if (out->no_event) out->lo = out->hi = v->pos;
        free(seq);
        return 0;
    }
}

/* Siblings: records whose event regions overlap.  An insertion point
 * (E_lo == E_hi) overlaps a region it lies strictly inside, or another
 * insertion at the same point. */
static int regions_overlap(const region_t *a, const region_t *b)
{
    if (a->no_event || b->no_event) return 0;
    int ea = a->lo == a->hi, eb = b->lo == b->hi;
    if (ea && eb) return a->lo == b->lo;
    if (ea) return b->lo < a->lo && a->lo < b->hi;
    if (eb) return a->lo < b->lo && b->lo < a->hi;
    return max64(a->lo, b->lo) < min64(a->hi, b->hi);
}

typedef struct {
    size_t *idx;        /* sibling variant indexes */
    int n, m;
} sibs_t;

static int sibs_add(sibs_t *s, size_t j)
{
    if (s->n >= GBCMS_RA_MAX_SIBS) return 0;
    if (s->n == s->m) {
        int m = s->m ? 2 * s->m : 4;
        size_t *ni = realloc(s->idx, (size_t)m * sizeof *ni);
        if (!ni) return -1;
        s->idx = ni;
        s->m = m;
    }
    s->idx[s->n++] = j;
    return 0;
}

typedef struct {
    int32_t tid;
    int64_t lo, hi;
    size_t i;
} span_key_t;

static int cmp_span(const void *a, const void *b)
{
    const span_key_t *x = a, *y = b;
    if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Link every pair of primary records with overlapping regions: sort by
 * region start and sweep (each pair is looked at once). */
static int link_siblings(const gbcms_variants_t *vs, const region_t *reg, sibs_t *sibs)
{
    size_t n = 0;
    span_key_t *keys = malloc((vs->n ? vs->n : 1) * sizeof *keys);
    if (!keys) return -1;
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i].primary == i && !reg[i].no_event)
            keys[n++] = (span_key_t){ vs->v[i].tid, reg[i].lo, reg[i].hi, i };
    qsort(keys, n, sizeof *keys, cmp_span);
    int ret = 0;
    for (size_t a = 0; a < n && ret == 0; a++)
        for (size_t b = a + 1; b < n && keys[b].tid == keys[a].tid && keys[b].lo <= keys[a].hi; b++) {
            if (!regions_overlap(&reg[keys[a].i], &reg[keys[b].i])) continue;
            if (sibs_add(&sibs[keys[a].i], keys[b].i) < 0 || sibs_add(&sibs[keys[b].i], keys[a].i) < 0) {
                ret = -1;
                break;
            }
        }
    free(keys);
    /* sorted order of the store, so the cap keeps the same ones whatever the sweep order */
    for (size_t i = 0; i < vs->n; i++)
        if (sibs[i].n > 1) qsort(sibs[i].idx, (size_t)sibs[i].n, sizeof *sibs[i].idx, cmp_size);
    return ret;
}

/* Build the prepared record: allele strings over the allele span and
 * haplotypes over the padded span, for the reference, the record's ALT and
 * its siblings' ALTs, all in one allocation. */
static int build_prep(const gbcms_variants_t *vs, size_t i, const region_t *reg, const sibs_t *sb,
                      gbcms_ra_fetch_fn fetch, void *ctx, gbcms_rprep_t **out)
{
    const gbcms_variant_t *v = &vs->v[i];
    int n_alt = 1 + sb->n;
    int64_t g_lo = reg[i].lo, g_hi = reg[i].hi, maxdl = abs(v->alt_len - v->ref_len);
    int64_t w_lo = v->pos, w_hi = v->pos + v->ref_len - 1;
    for (int k = 0; k < sb->n; k++) {
        const gbcms_variant_t *u = &vs->v[sb->idx[k]];
        g_lo = min64(g_lo, reg[sb->idx[k]].lo);
        g_hi = max64(g_hi, reg[sb->idx[k]].hi);
        maxdl = max64(maxdl, abs(u->alt_len - u->ref_len));
        w_lo = min64(w_lo, u->pos);
        w_hi = max64(w_hi, u->pos + u->ref_len - 1);
    }
    int64_t a_lo = max64(0, g_lo - 1), a_hi = g_hi;
    int64_t padx = GBCMS_RA_PAD + maxdl + GBCMS_RA_HAP_SLACK;
    int64_t h_lo = max64(0, a_lo - padx), h_hi = a_hi + padx;
    w_lo = min64(w_lo, h_lo);
    w_hi = max64(w_hi, h_hi);
    char *seq = NULL;
    int64_t len = 0;
    int r = fetch(ctx, v->tid, w_lo, w_hi, &seq, &len);
    if (r < 0) return r;
    /* the span may end at the contig end */
    int64_t last = w_lo + len - 1;
    a_hi = min64(a_hi, last);
    h_hi = min64(h_hi, last);
    int64_t r_len = a_hi - a_lo + 1, hr_len = h_hi - h_lo + 1;
    size_t bytes = sizeof(gbcms_rprep_t) + (size_t)n_alt * sizeof(gbcms_ra_allele_t) +
                   (size_t)(r_len + hr_len);
    for (int k = 0; k < n_alt; k++) {
        const gbcms_variant_t *u = k ? &vs->v[sb->idx[k - 1]] : v;
        bytes += (size_t)(r_len + hr_len + 2 * (u->alt_len - u->ref_len > 0 ? u->alt_len - u->ref_len : 0));
    }
    gbcms_rprep_t *p = malloc(bytes);
    if (!p) { free(seq); return -2; }
    p->a_lo = a_lo;
    p->a_hi = a_hi;
    p->e_lo = reg[i].lo;
    p->e_hi = reg[i].hi;
    p->h_lo = h_lo;
    p->no_event = reg[i].no_event;
    p->n_alt = n_alt;
    uint8_t *mem = (uint8_t *)(p->alt + n_alt);
    uint8_t *ra = mem, *hr = mem + r_len;
    for (int64_t x = a_lo; x <= a_hi; x++) ra[x - a_lo] = char_code(seq[x - w_lo]);
    for (int64_t x = h_lo; x <= h_hi; x++) hr[x - h_lo] = char_code(seq[x - w_lo]);
    p->ref = (gbcms_ra_allele_t){ ra, (int)r_len, hr, (int)hr_len };
    mem += r_len + hr_len;
    for (int k = 0; k < n_alt; k++) {
        const gbcms_variant_t *u = k ? &vs->v[sb->idx[k - 1]] : v;
        /* The ALT haplotype agrees with the reference left of the event
         * region and, shifted by dl, right of it; the spans end outside
         * every region, so each is one slice of the window with ALT applied. */
        hapwin_t w = { seq, len, len - u->ref_len + u->alt_len, u->pos - w_lo, u->alt, u->ref_len, u->alt_len };
        int64_t dl = u->alt_len - u->ref_len;
        int64_t al = r_len + dl, hl = hr_len + dl;
        if (al < 0) al = 0;
        if (hl < 1) hl = 1;
        uint8_t *aa = mem, *ha = mem + al;
        for (int64_t t = 0; t < al; t++) aa[t] = char_code(alt_at(&w, a_lo - w_lo + t));
        for (int64_t t = 0; t < hl; t++) {
            int64_t kk = h_lo - w_lo + t;
            ha[t] = kk < w.len_alt ? char_code(alt_at(&w, kk)) : 4;
        }
        p->alt[k] = (gbcms_ra_allele_t){ aa, (int)al, ha, (int)hl };
        mem += al + hl;
    }
    free(seq);
    *out = p;
    return 0;
}

int gbcms_realign_prepare(gbcms_variants_t *vs, gbcms_ra_fetch_fn fetch, void *ctx)
{
    size_t n = vs->n;
    region_t *reg = calloc(n ? n : 1, sizeof *reg);
    sibs_t *sibs = calloc(n ? n : 1, sizeof *sibs);
    vs->rprep = calloc(n ? n : 1, sizeof *vs->rprep);
    int ret = 0;
    if (!reg || !sibs || !vs->rprep) ret = -2;
    for (size_t i = 0; ret == 0 && i < n; i++)
        if (vs->v[i].primary == i) ret = event_region(fetch, ctx, &vs->v[i], &reg[i]);
    if (ret == 0 && link_siblings(vs, reg, sibs) < 0) ret = -2;
    for (size_t i = 0; ret == 0 && i < n; i++) {
        gbcms_variant_t *v = &vs->v[i];
        if (v->primary != i) continue;
        if ((ret = build_prep(vs, i, reg, &sibs[i], fetch, ctx, &vs->rprep[i])) < 0) break;
        /* Reads are looked at from the first that can reach the allele span
         * through a clip to the last. */
        v->first_end = vs->rprep[i]->a_lo - GBCMS_RA_CLIP_REACH;
        v->last_start = vs->rprep[i]->a_hi + GBCMS_RA_CLIP_REACH;
    }
    for (size_t i = 0; ret == 0 && i < n; i++) {
        gbcms_variant_t *v = &vs->v[i];
        if (v->primary == i) continue;
        v->first_end = vs->v[v->primary].first_end;
        v->last_start = vs->v[v->primary].last_start;
    }
    for (size_t i = 0; sibs && i < n; i++) free(sibs[i].idx);
    free(sibs);
    free(reg);
    if (ret == -2) return gbcms_oom("preparing the realign model");
    if (ret < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "cannot read the reference around the variants for --model realign "
                  "(truncated FASTA, or its .fai does not match it)");
        return -1;
    }
    return 0;
}

typedef struct {
    const faidx_t *fai;
    const sam_hdr_t *hdr;
} fai_ctx_t;

static int fetch_fai(void *ctx, int32_t tid, int64_t beg, int64_t end, char **seq, int64_t *len)
{
    const fai_ctx_t *c = ctx;
    return gbcms_fasta_fetch(c->fai, sam_hdr_tid2name((sam_hdr_t *)c->hdr, tid), beg, end, seq, len);
}

int gbcms_realign_prepare_fai(gbcms_variants_t *vs, const faidx_t *fai)
{
    fai_ctx_t c = { fai, vs->hdr };
    return gbcms_realign_prepare(vs, fetch_fai, &c);
}

/* ================= R2 + R3: projection and the clean path ================= */

void gbcms_ra_scratch_free(gbcms_ra_scratch_t *sc)
{
    free(sc->s);
    free(sc->qb);
    free(sc->qc);
    memset(sc, 0, sizeof *sc);
}

static int s_reserve(gbcms_ra_scratch_t *sc, size_t n)
{
    if (n <= sc->s_cap) return 0;
    size_t cap = sc->s_cap ? sc->s_cap : 256;
    while (cap < n) cap *= 2;
    uint8_t *s = realloc(sc->s, cap);
    if (!s) return -1;
    sc->s = s;
    sc->s_cap = cap;
    return 0;
}

static inline int is_aligned(int op)
{
    return op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF;
}

/* Soft clips at the read's ends (hard clips skipped). */
static void clips(const uint32_t *cig, uint32_t n, int *lead, int *trail)
{
    uint32_t a = 0, z = n;
    while (a < n && bam_cigar_op(cig[a]) == BAM_CHARD_CLIP) a++;
    while (z > a && bam_cigar_op(cig[z - 1]) == BAM_CHARD_CLIP) z--;
    *lead = a < z && bam_cigar_op(cig[a]) == BAM_CSOFT_CLIP ? (int)bam_cigar_oplen(cig[a]) : 0;
    *trail = z > a + 1 && bam_cigar_op(cig[z - 1]) == BAM_CSOFT_CLIP ? (int)bam_cigar_oplen(cig[z - 1]) : 0;
}

static inline int base_masked(const uint8_t *qual, int64_t k, int min_baseq)
{
    return min_baseq > 0 && qual[0] != 0xff && qual[k] < min_baseq;
}

/* How the read's string s (length n) compares with allele a: whole
 * (mode 0), as a prefix (1) or as a suffix (2). */
static int allele_match(const uint8_t *s, size_t n, const gbcms_ra_allele_t *a, int mode)
{
    if (mode == 0) return n == (size_t)a->a_len && memcmp(s, a->a, n) == 0;
    if (n > (size_t)a->a_len) return 0;
    return memcmp(s, mode == 1 ? a->a : a->a + (a->a_len - (int)n), n) == 0;
}

int gbcms_realign_clean(const bam1_t *b, const gbcms_rprep_t *p, int min_baseq, gbcms_ra_scratch_t *sc)
{
    const uint32_t *cig = bam_get_cigar(b);
    const uint32_t nc = b->core.n_cigar;
    const uint8_t *seq = bam_get_seq(b), *qual = bam_get_qual(b);
    const int64_t lo = p->a_lo, hi = p->a_hi;
    int64_t start = b->core.pos, end = start + bam_cigar2rlen((int)nc, cig) - 1;
    int lead, trail;
    clips(cig, nc, &lead, &trail);
    if (end + trail < lo || start - lead > hi) return GBCMS_RA_AWAY;
    if (p->no_event) return GBCMS_READ_SKIP;   /* it matches both alleles */
    if ((lead && start > lo - GBCMS_RA_NEAR) || (trail && end < hi + GBCMS_RA_NEAR)) return GBCMS_RA_SLOW;
    if (start > hi || end < lo) return GBCMS_RA_SLOW;   /* only clipped bases there (long clips) */
    const int check_left = start > lo - GBCMS_RA_NEAR, check_right = end < hi + GBCMS_RA_NEAR;
    /* the window in which indels and (near read ends) mismatches matter */
    const int64_t wlo = lo - GBCMS_RA_NEAR, whi = hi + GBCMS_RA_NEAR;
    size_t ns = 0;
    if (s_reserve(sc, (size_t)(hi - lo + 1)) < 0) return GBCMS_RA_OOM;
    int64_t rpos = start, qpos = 0;
    for (uint32_t i = 0; i < nc && rpos <= whi + 1; i++) {
        int op = bam_cigar_op(cig[i]);
        int64_t len = bam_cigar_oplen(cig[i]);
        if (is_aligned(op)) {
            int64_t x0 = max64(rpos, check_left ? wlo : lo), x1 = min64(rpos + len - 1, check_right ? whi : hi);
            for (int64_t x = x0; x <= x1; x++) {
                int64_t k = qpos + (x - rpos);
                uint8_t c = nt16_code[bam_seqi(seq, k)];
                int masked = base_masked(qual, k, min_baseq);
                if (x >= lo && x <= hi) {
                    if (masked) return GBCMS_RA_SLOW;
                    if (ns >= sc->s_cap && s_reserve(sc, ns + 1) < 0) return GBCMS_RA_OOM;
                    sc->s[ns++] = c;
                } else if (masked || c == 4 || c != p->ref.h[x - p->h_lo]) {
                    return GBCMS_RA_SLOW;   /* a mismatch between the span and a near read end */
                }
            }
            rpos += len;
            qpos += len;
        } else if (op == BAM_CINS) {
            int64_t anchor = rpos - 1;
            if (anchor >= wlo && anchor <= whi) {
                if (anchor < lo || anchor > hi - 1) return GBCMS_RA_SLOW;   /* an indel just outside */
                if (s_reserve(sc, ns + (size_t)len) < 0) return GBCMS_RA_OOM;
                for (int64_t k = qpos; k < qpos + len; k++) {
                    if (base_masked(qual, k, min_baseq)) return GBCMS_RA_SLOW;
                    sc->s[ns++] = nt16_code[bam_seqi(seq, k)];
                }
            }
            qpos += len;
        } else if (op == BAM_CDEL || op == BAM_CREF_SKIP) {
            int64_t d1 = rpos + len - 1;
            if (d1 >= wlo && rpos <= whi && (op == BAM_CREF_SKIP || rpos < lo + 1 || d1 > hi - 1))
                return GBCMS_RA_SLOW;
            rpos += len;
        } else if (op == BAM_CSOFT_CLIP) {
            qpos += len;
        }
    }
    int left_ok = start <= lo - GBCMS_RA_GUARD, right_ok = end >= hi + GBCMS_RA_GUARD;
    int mode = left_ok && right_ok ? 0 : left_ok ? 1 : right_ok ? 2 : -1;
    if (mode < 0) return GBCMS_RA_SLOW;   /* starts and ends near the span */
    uint16_t cost[1 + GBCMS_RA_MAX_SIBS + 1];
    int any = 0;
    cost[0] = allele_match(sc->s, ns, &p->ref, mode) ? 0 : GBCMS_RA_BIG;
    any |= cost[0] == 0;
    for (int j = 0; j < p->n_alt; j++) {
        cost[1 + j] = allele_match(sc->s, ns, &p->alt[j], mode) ? 0 : GBCMS_RA_BIG;
        any |= cost[1 + j] == 0;
    }
    if (!any) return GBCMS_RA_SLOW;
    return (int)gbcms_realign_decide(cost, p->n_alt, mode == 0, 0);
}

/* ================= R4: the slow path ================= */

static int q_reserve(gbcms_ra_scratch_t *sc, size_t n)
{
    if (n <= sc->q_cap) return 0;
    size_t cap = sc->q_cap ? sc->q_cap : 512;
    while (cap < n) cap *= 2;
    uint8_t *qb = realloc(sc->qb, cap);
    if (!qb) return -1;
    sc->qb = qb;
    uint8_t *qc = realloc(sc->qc, cap);
    if (!qc) return -1;
    sc->qc = qc;
    sc->q_cap = cap;
    return 0;
}

int gbcms_realign_query(const bam1_t *b, const gbcms_rprep_t *p, int min_baseq, gbcms_ra_scratch_t *sc)
{
    const uint32_t *cig = bam_get_cigar(b);
    const uint32_t nc = b->core.n_cigar;
    const uint8_t *seq = bam_get_seq(b), *qual = bam_get_qual(b);
    const int64_t lo = p->a_lo, hi = p->a_hi, qlo = lo - GBCMS_RA_PAD, qhi = hi + GBCMS_RA_PAD;
    int64_t start = b->core.pos, end = start + bam_cigar2rlen((int)nc, cig) - 1;
    int lead, trail;
    clips(cig, nc, &lead, &trail);
    sc->spans = start - lead <= lo && end + trail >= hi;
    sc->masked = 0;
    if (q_reserve(sc, (size_t)b->core.l_qseq) < 0) return -1;
    int n = 0, seen_aligned = 0;
    int64_t rpos = start, qpos = 0;
    for (uint32_t i = 0; i < nc; i++) {
        int op = bam_cigar_op(cig[i]);
        int64_t len = bam_cigar_oplen(cig[i]);
        int consumes_query = is_aligned(op) || op == BAM_CINS || op == BAM_CSOFT_CLIP;
        if (!consumes_query) {
            if (op == BAM_CDEL || op == BAM_CREF_SKIP) rpos += len;
            continue;
        }
        for (int64_t t = 0; t < len; t++) {
            int64_t proj;
            if (is_aligned(op)) proj = rpos + t;
            else if (op == BAM_CINS) proj = rpos - 1;
            else proj = seen_aligned ? end + 1 + (qpos + t - (b->core.l_qseq - trail)) : start - lead + qpos + t;
            if (proj < qlo || proj > qhi) continue;
            int64_t k = qpos + t;
            uint8_t c = nt16_code[bam_seqi(seq, k)];
            int q = qual[0] == 0xff ? GBCMS_RA_QUAL_MISSING : qual[k];
            if (base_masked(qual, k, min_baseq)) {
                c = 4;
                if (proj >= lo && proj <= hi) sc->masked = 1;
            }
            sc->qb[n] = c;
            sc->qc[n] = c == 4 ? 0 : (uint8_t)(q < GBCMS_RA_QUAL_MIN ? GBCMS_RA_QUAL_MIN :
                                               q > GBCMS_RA_QUAL_MAX ? GBCMS_RA_QUAL_MAX : q);
            n++;
        }
        if (is_aligned(op)) { rpos += len; seen_aligned = 1; }
        qpos += len;
    }
    /* Reads longer than the kernel takes (long reads over a long event)
     * keep their middle part. */
    if (n > GBCMS_AK_MAX_QLEN) {
        int cut = (n - GBCMS_AK_MAX_QLEN) / 2;
        memmove(sc->qb, sc->qb + cut, GBCMS_AK_MAX_QLEN);
        memmove(sc->qc, sc->qc + cut, GBCMS_AK_MAX_QLEN);
        n = GBCMS_AK_MAX_QLEN;
    }
    sc->q_len = n;
    return 0;
}

gbcms_read_class_t gbcms_realign_decide(const uint16_t *cost, int n_alt, int spans, int masked)
{
    int ref_wins = 1, own_best = 1;
    for (int j = 0; j < n_alt; j++) {
        if ((int)cost[1 + j] - (int)cost[0] < GBCMS_RA_T) ref_wins = 0;
        if (cost[1 + j] < cost[1]) own_best = 0;
    }
    if (own_best && (int)cost[0] - (int)cost[1] >= GBCMS_RA_T) return GBCMS_READ_ALT;
    if (ref_wins) return GBCMS_READ_REF;
    return spans && !masked ? GBCMS_READ_DP : GBCMS_READ_SKIP;
}

/* One alignment: a read's query against one haplotype. */
typedef struct {
    const uint8_t *qb, *qc;
    int len;
    const gbcms_ra_allele_t *hap;
} lane_t;

/* A read's lanes: the reference, then every ALT haplotype. */
static int add_lanes(lane_t *lane, const gbcms_rprep_t *p, const uint8_t *qb, const uint8_t *qc, int len)
{
    lane[0] = (lane_t){ qb, qc, len, &p->ref };
    for (int j = 0; j < p->n_alt; j++) lane[1 + j] = (lane_t){ qb, qc, len, &p->alt[j] };
    return 1 + p->n_alt;
}

/* Align n lanes, GBCMS_AK_LANES at a time; out[l] gets lane l's cost. */
static int align_lanes(gbcms_kernel_t k, gbcms_ak_work_t *w, const lane_t *lane, int n, uint16_t *out)
{
    for (int l0 = 0; l0 < n; l0 += GBCMS_AK_LANES) {
        gbcms_ak_batch_t ab;
        ab.n = n - l0 < GBCMS_AK_LANES ? n - l0 : GBCMS_AK_LANES;
        for (int l = 0; l < ab.n; l++) {
            const lane_t *ln = &lane[l0 + l];
            ab.len[l] = ln->len;
            ab.base[l] = ln->qb;
            ab.cost[l] = ln->qc;
            ab.hap[l] = ln->hap->h;
            ab.hap_len[l] = ln->hap->h_len;
        }
        int r = gbcms_ak_align(k, w, &ab, GBCMS_RA_GAP_OPEN, GBCMS_RA_GAP_EXT, out + l0);
        if (r < 0) return r;
    }
    return 0;
}

#define RA_MAX_HAPS (1 + GBCMS_RA_MAX_SIBS + 1)

int gbcms_realign_classify(const bam1_t *b, const gbcms_rprep_t *p, const gbcms_rules_t *r,
                           gbcms_kernel_t k, gbcms_ra_scratch_t *sc, gbcms_ak_work_t *w, int *slow)
{
    int c = gbcms_realign_clean(b, p, r->min_baseq, sc);
    if (slow) *slow = c == GBCMS_RA_SLOW;
    if (c == GBCMS_RA_OOM) return -1;
    if (c == GBCMS_RA_AWAY) return GBCMS_READ_SKIP;
    if (c != GBCMS_RA_SLOW) return c;
    if (gbcms_realign_query(b, p, r->min_baseq, sc) < 0) return -1;
    lane_t lane[RA_MAX_HAPS];
    uint16_t cost[RA_MAX_HAPS];
    int n = add_lanes(lane, p, sc->qb, sc->qc, sc->q_len);
    int rc = align_lanes(k, w, lane, n, cost);
    if (rc < 0) return rc;
    return (int)gbcms_realign_decide(cost, p->n_alt, sc->spans, sc->masked);
}

/* ================= Per-thread driver ================= */

/* A read waiting for the kernel.  Reads of every open variant share one
 * queue, so a batch fills its lanes even where sites have one such read. */
typedef struct {
    size_t slot;
    const gbcms_rprep_t *p;
    gbcms_counts_t *c;
    gbcms_frag_list_t *fl;
    size_t off;                     /* bases at buf + off, costs right after */
    int len;
    uint8_t spans, masked, positive, mate;
    size_t name_off, name_len;
} ra_entry_t;

struct gbcms_ra_worker_s {
    gbcms_kernel_t kernel;
    int timing;
    gbcms_ra_scratch_t sc;
    gbcms_ak_work_t ak;
    ra_entry_t *q;                  /* the queue */
    int nq, mq, lanes;
    uint8_t *buf;
    size_t buf_len, buf_cap;
    char *names;
    size_t names_len, names_cap;
    lane_t *lane;                   /* a flush's lanes and their costs */
    uint16_t *cost;
    int m_lane;
    uint32_t *pending;              /* per block slot: its reads in the queue */
    uint8_t *want;                  /* per block slot: the engine is done with it */
    size_t n_slot;
    size_t *done;                   /* slots finished by a flush, for the engine */
    size_t n_done, m_done;
    gbcms_ra_stats_t st;
};

gbcms_ra_worker_t *gbcms_ra_worker_init(gbcms_kernel_t kernel, int timing)
{
    gbcms_ra_worker_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->kernel = kernel;
    w->timing = timing;
    return w;
}

void gbcms_ra_worker_destroy(gbcms_ra_worker_t *w)
{
    if (!w) return;
    free(w->q);
    free(w->buf);
    free(w->names);
    free(w->lane);
    free(w->cost);
    free(w->pending);
    free(w->want);
    free(w->done);
    gbcms_ra_scratch_free(&w->sc);
    gbcms_ak_work_free(&w->ak);
    free(w);
}

static void queue_clear(gbcms_ra_worker_t *w)
{
    w->nq = w->lanes = 0;
    w->buf_len = w->names_len = 0;
}

void gbcms_ra_worker_reset(gbcms_ra_worker_t *w)
{
    queue_clear(w);
    if (w->n_slot) {
        memset(w->pending, 0, w->n_slot * sizeof *w->pending);
        memset(w->want, 0, w->n_slot);
    }
    w->n_done = 0;
}

void gbcms_ra_worker_stats(const gbcms_ra_worker_t *w, gbcms_ra_stats_t *st)
{
    st->touched += w->st.touched;
    st->slow += w->st.slow;
    st->cells += w->st.cells;
    st->kernel_s += w->st.kernel_s;
}

static int grow(void *pp, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need) n *= 2;
    void *np = realloc(*(void **)pp, n * elem);
    if (!np) return -1;
    *(void **)pp = np;
    *cap = n;
    return 0;
}

static int slots_reserve(gbcms_ra_worker_t *w, size_t slot)
{
    if (slot < w->n_slot) return 0;
    size_t n = w->n_slot ? w->n_slot : 64;
    while (n <= slot) n *= 2;
    uint32_t *np = realloc(w->pending, n * sizeof *np);
    if (!np) return -1;
    w->pending = np;
    uint8_t *nw = realloc(w->want, n);
    if (!nw) return -1;
    w->want = nw;
    memset(w->pending + w->n_slot, 0, (n - w->n_slot) * sizeof *np);
    memset(w->want + w->n_slot, 0, n - w->n_slot);
    w->n_slot = n;
    return 0;
}

static int emit(gbcms_counts_t *c, gbcms_frag_list_t *fl, gbcms_read_class_t k, int positive,
                const char *name, size_t name_len, int mate)
{
    if (k == GBCMS_READ_SKIP) return 0;
    gbcms_counts_add(c, k, positive);
    if (!fl) return 0;
    return gbcms_frag_add(fl, name, name_len, gbcms_name_hash(name, name_len), mate, k);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int gbcms_ra_flush(gbcms_ra_worker_t *w)
{
    if (w->nq == 0) return 0;
    size_t cap = (size_t)w->m_lane;
    if (grow(&w->lane, &cap, (size_t)w->lanes, sizeof *w->lane) < 0) return -1;
    cap = (size_t)w->m_lane;
    if (grow(&w->cost, &cap, (size_t)w->lanes, sizeof *w->cost) < 0) return -1;
    w->m_lane = (int)cap;
    int n = 0;
    for (int e = 0; e < w->nq; e++) {
        const ra_entry_t *en = &w->q[e];
        n += add_lanes(w->lane + n, en->p, w->buf + en->off, w->buf + en->off + en->len, en->len);
    }
    for (int l = 0; l < n; l++) w->st.cells += (uint64_t)w->lane[l].len * (uint64_t)w->lane[l].hap->h_len;
    double t0 = w->timing ? now_s() : 0;
    int rc = align_lanes(w->kernel, &w->ak, w->lane, n, w->cost);
    if (w->timing) w->st.kernel_s += now_s() - t0;
    if (rc < 0) return rc;
    const uint16_t *cost = w->cost;
    for (int e = 0; e < w->nq; e++) {
        const ra_entry_t *en = &w->q[e];
        gbcms_read_class_t k = gbcms_realign_decide(cost, en->p->n_alt, en->spans, en->masked);
        cost += 1 + en->p->n_alt;
        if (emit(en->c, en->fl, k, en->positive, w->names + en->name_off, en->name_len, en->mate) < 0)
            return -1;
        if (--w->pending[en->slot] == 0 && w->want[en->slot]) {
            w->want[en->slot] = 0;
            if (grow(&w->done, &w->m_done, w->n_done + 1, sizeof *w->done) < 0) return -1;
            w->done[w->n_done++] = en->slot;
        }
    }
    queue_clear(w);
    return 0;
}

int gbcms_ra_read(gbcms_ra_worker_t *w, size_t slot, const bam1_t *b, const gbcms_rprep_t *p,
                  const gbcms_rules_t *r, gbcms_counts_t *c, gbcms_frag_list_t *fl)
{
    int positive = !(b->core.flag & BAM_FREVERSE), mate = (b->core.flag & BAM_FREAD1) ? 1 : 2;
    const char *name = bam_get_qname(b);
    int k = gbcms_realign_clean(b, p, r->min_baseq, &w->sc);
    if (k == GBCMS_RA_AWAY) return 0;
    if (k == GBCMS_RA_OOM) return -1;
    w->st.touched++;
    if (k != GBCMS_RA_SLOW) {
        if (emit(c, fl, (gbcms_read_class_t)k, positive, name, fl ? strlen(name) : 0, mate) < 0) return -1;
        return 0;
    }
    w->st.slow++;
    if (gbcms_realign_query(b, p, r->min_baseq, &w->sc) < 0) return -1;
    int need = 1 + p->n_alt;
    /* a batch is full at GBCMS_AK_LANES lanes: align what waits before it overflows */
    int rc;
    if (w->lanes > 0 && w->lanes + need > GBCMS_AK_LANES && (rc = gbcms_ra_flush(w)) < 0) return rc;
    size_t nl = strlen(name), mq = (size_t)w->mq;
    if (slots_reserve(w, slot) < 0 || grow(&w->q, &mq, (size_t)w->nq + 1, sizeof *w->q) < 0 ||
        grow(&w->buf, &w->buf_cap, w->buf_len + 2 * (size_t)w->sc.q_len, 1) < 0 ||
        grow(&w->names, &w->names_cap, w->names_len + nl + 1, 1) < 0)
        return -1;
    w->mq = (int)mq;
    ra_entry_t *en = &w->q[w->nq++];
    *en = (ra_entry_t){ slot, p, c, fl, w->buf_len, w->sc.q_len, (uint8_t)w->sc.spans, (uint8_t)w->sc.masked,
                        (uint8_t)positive, (uint8_t)mate, w->names_len, nl };
    memcpy(w->buf + w->buf_len, w->sc.qb, (size_t)w->sc.q_len);
    memcpy(w->buf + w->buf_len + w->sc.q_len, w->sc.qc, (size_t)w->sc.q_len);
    w->buf_len += 2 * (size_t)w->sc.q_len;
    memcpy(w->names + w->names_len, name, nl + 1);
    w->names_len += nl + 1;
    w->lanes += need;
    w->pending[slot]++;
    return w->lanes >= GBCMS_AK_LANES ? gbcms_ra_flush(w) : 0;
}

int gbcms_ra_finish(gbcms_ra_worker_t *w, size_t slot)
{
    if (slot >= w->n_slot || w->pending[slot] == 0) return 1;
    w->want[slot] = 1;
    return 0;
}

int gbcms_ra_next_done(gbcms_ra_worker_t *w, size_t *slot)
{
    if (w->n_done == 0) return 0;
    *slot = w->done[--w->n_done];
    return 1;
}
