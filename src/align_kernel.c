/* The alignment kernel: a scalar twin and SSE4.1 / AVX2 versions of one
 * recurrence (Gotoh, saturating 16-bit costs), chosen at run time.
 *
 * Layout, as measured (benchmarks/RESULTS.md): inter-sequence, one
 * alignment (read, haplotype) per lane.  The aligned reads are short (the
 * part near the event, ~40-200 bases) and few per site on WGS data, so
 * lanes carry their own haplotype and a batch mixes sites: every lane is
 * busy, with no cross-lane shuffles.  Striped (Farrar) and anti-diagonal
 * layouts pay for their lazy-F loop or diagonal shifts and suit one long
 * query better.
 *
 * Recurrence, row i = read base, column j = haplotype base:
 *   F[i][j] = min(F[i-1][j] + ext, H[i-1][j] + open + ext)     read base inserted
 *   E[i][j] = min(E[i][j-1] + ext, H[i][j-1] + open + ext)     haplotype base deleted
 *   H[i][j] = min(H[i-1][j-1] + s(i, j), E[i][j], F[i][j])
 *   H[0][j] = 0 (free start on the haplotype), H[i][0] = open + i x ext,
 *   cost = min over j of H[m][j] (free end). */
#include <stdlib.h>
#include <string.h>
#include "align_kernel.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define AK_X86 1
#else
#define AK_X86 0
#endif

#define AK_INF 0xffff
#define AK_SIMD_MAX_HAP 32000   /* column numbers compared as signed 16-bit */

void gbcms_ak_work_free(gbcms_ak_work_t *w)
{
    free(w->prof);
    free(w->row);
    memset(w, 0, sizeof *w);
}

static const char *const kernel_names[] = { "auto", "scalar", "sse41", "avx2", "check" };

const char *gbcms_kernel_name(gbcms_kernel_t k)
{
    return (unsigned)k < sizeof kernel_names / sizeof kernel_names[0] ? kernel_names[k] : "?";
}

int gbcms_kernel_parse(const char *s, gbcms_kernel_t *k)
{
    for (size_t i = 0; i < sizeof kernel_names / sizeof kernel_names[0]; i++)
        if (strcmp(s, kernel_names[i]) == 0) {
            *k = (gbcms_kernel_t)i;
            return 0;
        }
    return -1;
}

int gbcms_kernel_supported(gbcms_kernel_t k)
{
    switch (k) {
    case GBCMS_KERNEL_AUTO: case GBCMS_KERNEL_SCALAR: case GBCMS_KERNEL_CHECK:
        return 1;
#if AK_X86
    case GBCMS_KERNEL_SSE41:
        __builtin_cpu_init();
        return __builtin_cpu_supports("sse4.1") != 0;
    case GBCMS_KERNEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
#endif
    default:
        return 0;
    }
}

gbcms_kernel_t gbcms_kernel_resolve(gbcms_kernel_t k)
{
    if (k != GBCMS_KERNEL_AUTO) return k;
    if (gbcms_kernel_supported(GBCMS_KERNEL_AVX2)) return GBCMS_KERNEL_AVX2;
    if (gbcms_kernel_supported(GBCMS_KERNEL_SSE41)) return GBCMS_KERNEL_SSE41;
    return GBCMS_KERNEL_SCALAR;
}

static int reserve(gbcms_ak_work_t *w, size_t prof_n, size_t row_bytes)
{
    if (prof_n > w->prof_cap) {
        uint16_t *p = realloc(w->prof, prof_n * sizeof *p);
        if (!p) return -1;
        w->prof = p;
        w->prof_cap = prof_n;
    }
    if (row_bytes > w->row_cap) {
        void *r = NULL;
        if (posix_memalign(&r, 64, row_bytes) != 0) return -1;
        free(w->row);
        w->row = r;
        w->row_cap = row_bytes;
    }
    return 0;
}

/* ---- scalar twin ---- */

static inline uint16_t sat_add(uint16_t a, uint16_t b)
{
    uint32_t s = (uint32_t)a + b;
    return s > AK_INF ? AK_INF : (uint16_t)s;
}

static inline uint16_t min_u16(uint16_t a, uint16_t b)
{
    return a < b ? a : b;
}

static uint16_t align_scalar1(const uint8_t *qb, const uint8_t *qc, int m, const uint8_t *hap, int n,
                              uint16_t go, uint16_t ge, uint16_t *h, uint16_t *f)
{
    uint16_t oe = sat_add(go, ge);
    for (int j = 0; j <= n; j++) { h[j] = 0; f[j] = AK_INF; }
    uint16_t col0 = 0;
    for (int i = 1; i <= m; i++) {
        uint16_t s[5];
        for (int c = 0; c < 4; c++) s[c] = qb[i - 1] == c ? 0 : qc[i - 1];
        s[4] = 0;
        uint16_t diag = h[0];
        col0 = i == 1 ? oe : sat_add(col0, ge);
        h[0] = col0;
        uint16_t left = col0, e = AK_INF;
        for (int j = 1; j <= n; j++) {
            uint16_t up = h[j];
            uint16_t fj = min_u16(sat_add(f[j], ge), sat_add(up, oe));
            f[j] = fj;
            e = min_u16(sat_add(e, ge), sat_add(left, oe));
            uint16_t hj = min_u16(sat_add(diag, s[hap[j - 1]]), min_u16(e, fj));
            diag = up;
            h[j] = hj;
            left = hj;
        }
    }
    uint16_t best = AK_INF;
    for (int j = 0; j <= n; j++) best = min_u16(best, h[j]);
    return best;
}

static int align_scalar(gbcms_ak_work_t *w, const gbcms_ak_batch_t *b, uint16_t go, uint16_t ge, uint16_t *out)
{
    for (int l = 0; l < b->n; l++) {
        int n = b->hap_len[l];
        if (reserve(w, 0, 2 * ((size_t)n + 1) * sizeof(uint16_t)) < 0) return -1;
        uint16_t *h = w->row, *f = h + n + 1;
        out[l] = align_scalar1(b->base[l], b->cost[l], b->len[l], b->hap[l], n, go, ge, h, f);
    }
    return 0;
}

#if AK_X86

/* Lanes [l0, l0 + width) of a SIMD chunk: the longest read and haplotype. */
static void chunk_dims(const gbcms_ak_batch_t *b, int l0, int width, int *maxm, int *maxn)
{
    *maxm = *maxn = 0;
    for (int l = l0; l < b->n && l < l0 + width; l++) {
        if (b->len[l] > *maxm) *maxm = b->len[l];
        if (b->hap_len[l] > *maxn) *maxn = b->hap_len[l];
    }
}

/* Profiles of lanes [l0, l0 + width): per row the lanes' read bases then
 * their costs, then per column the lanes' haplotype bases.  Bases are one
 * bit each (A 1, C 2, G 4, T 8); a read N is 0 (it costs 0 anyway), a
 * haplotype N is 15, so "no common bit" means a mismatch.  Lanes past the
 * batch, rows past a read's end and columns past a haplotype's end are 0:
 * cells there are computed but never read, since no cell depends on a cell
 * to its right or below, and the end-of-read minimum skips them. */
static int build_profile(gbcms_ak_work_t *w, const gbcms_ak_batch_t *b, int l0, int width, int maxm,
                         int maxn, size_t row_bytes)
{
    static const uint16_t hot[5] = { 1, 2, 4, 8, 0 };
    size_t nr = (size_t)maxm * 2 * (size_t)width, np = nr + (size_t)maxn * (size_t)width;
    if (reserve(w, np, row_bytes) < 0) return -1;
    memset(w->prof, 0, np * sizeof *w->prof);
    uint16_t *hp = w->prof + nr;
    for (int l = l0; l < b->n && l < l0 + width; l++) {
        for (int i = 0; i < b->len[l]; i++) {
            w->prof[(size_t)i * 2 * width + (l - l0)] = hot[b->base[l][i]];
            w->prof[(size_t)i * 2 * width + width + (l - l0)] = b->cost[l][i];
        }
        for (int j = 0; j < b->hap_len[l]; j++) hp[(size_t)j * width + (l - l0)] = b->hap[l][j] == 4 ? 15 : hot[b->hap[l][j]];
    }
    return 0;
}

/* Does a read of lanes [l0, l0 + width) end at row i? */
static int ends_at(const gbcms_ak_batch_t *b, int l0, int width, int i)
{
    for (int l = l0; l < b->n && l < l0 + width; l++)
        if (b->len[l] == i) return 1;
    return 0;
}

static void chunk_lengths(const gbcms_ak_batch_t *b, int l0, int width, uint16_t *lens, uint16_t *hlens)
{
    for (int l = 0; l < width; l++) lens[l] = hlens[l] = 0;
    for (int l = l0; l < b->n && l < l0 + width; l++) {
        lens[l - l0] = (uint16_t)b->len[l];
        hlens[l - l0] = (uint16_t)b->hap_len[l];
    }
}

/* ---- SSE4.1: 8 lanes ---- */

__attribute__((target("sse4.1")))
static int align_sse41_chunk(gbcms_ak_work_t *w, const gbcms_ak_batch_t *b, int l0, uint16_t go, uint16_t ge,
                             uint16_t *out)
{
    enum { W = 8 };
    int maxm, n;
    chunk_dims(b, l0, W, &maxm, &n);
    if (build_profile(w, b, l0, W, maxm, n, 2 * ((size_t)n + 1) * sizeof(__m128i)) < 0) return -1;
    const uint16_t *hp = w->prof + (size_t)maxm * 2 * W;
    __m128i *h = w->row, *f = h + n + 1;
    const __m128i inf = _mm_set1_epi16((short)AK_INF), zero = _mm_setzero_si128();
    const __m128i gev = _mm_set1_epi16((short)ge), oev = _mm_set1_epi16((short)sat_add(go, ge));
    for (int j = 0; j <= n; j++) { h[j] = zero; f[j] = inf; }
    uint16_t lens[W], hlens[W];
    chunk_lengths(b, l0, W, lens, hlens);
    const __m128i lenv = _mm_loadu_si128((const __m128i *)lens), hlenv = _mm_loadu_si128((const __m128i *)hlens);
    __m128i res = zero, col0 = zero;
    for (int i = 1; i <= maxm; i++) {
        const uint16_t *pr = w->prof + (size_t)(i - 1) * 2 * W;
        __m128i qb = _mm_loadu_si128((const __m128i *)pr), qc = _mm_loadu_si128((const __m128i *)(pr + W));
        __m128i diag = h[0];
        col0 = i == 1 ? oev : _mm_adds_epu16(col0, gev);
        h[0] = col0;
        __m128i left = col0, e = inf;
        for (int j = 1; j <= n; j++) {
            __m128i hb = _mm_loadu_si128((const __m128i *)(hp + (size_t)(j - 1) * W));
            __m128i sc = _mm_and_si128(_mm_cmpeq_epi16(_mm_and_si128(qb, hb), zero), qc);
            __m128i up = h[j];
            __m128i fj = _mm_min_epu16(_mm_adds_epu16(f[j], gev), _mm_adds_epu16(up, oev));
            f[j] = fj;
            e = _mm_min_epu16(_mm_adds_epu16(e, gev), _mm_adds_epu16(left, oev));
            __m128i hj = _mm_min_epu16(_mm_adds_epu16(diag, sc), _mm_min_epu16(e, fj));
            diag = up;
            h[j] = hj;
            left = hj;
        }
        if (ends_at(b, l0, W, i)) {
            /* the minimum over each lane's own columns 0..hap_len */
            __m128i m = h[0];
            for (int j = 1; j <= n; j++)
                m = _mm_min_epu16(m, _mm_or_si128(h[j], _mm_cmpgt_epi16(_mm_set1_epi16((short)j), hlenv)));
            res = _mm_blendv_epi8(res, m, _mm_cmpeq_epi16(lenv, _mm_set1_epi16((short)i)));
        }
    }
    uint16_t r[W];
    _mm_storeu_si128((__m128i *)r, res);
    for (int l = l0; l < b->n && l < l0 + W; l++) out[l] = r[l - l0];
    return 0;
}

/* ---- AVX2: 16 lanes ---- */

__attribute__((target("avx2")))
static int align_avx2_chunk(gbcms_ak_work_t *w, const gbcms_ak_batch_t *b, int l0, uint16_t go, uint16_t ge,
                            uint16_t *out)
{
    enum { W = 16 };
    int maxm, n;
    chunk_dims(b, l0, W, &maxm, &n);
    if (build_profile(w, b, l0, W, maxm, n, 2 * ((size_t)n + 1) * sizeof(__m256i)) < 0) return -1;
    const uint16_t *hp = w->prof + (size_t)maxm * 2 * W;
    __m256i *h = w->row, *f = h + n + 1;
    const __m256i inf = _mm256_set1_epi16((short)AK_INF), zero = _mm256_setzero_si256();
    const __m256i gev = _mm256_set1_epi16((short)ge), oev = _mm256_set1_epi16((short)sat_add(go, ge));
    for (int j = 0; j <= n; j++) { h[j] = zero; f[j] = inf; }
    uint16_t lens[W], hlens[W];
    chunk_lengths(b, l0, W, lens, hlens);
    const __m256i lenv = _mm256_loadu_si256((const __m256i *)lens);
    const __m256i hlenv = _mm256_loadu_si256((const __m256i *)hlens);
    __m256i res = zero, col0 = zero;
    for (int i = 1; i <= maxm; i++) {
        const uint16_t *pr = w->prof + (size_t)(i - 1) * 2 * W;
        __m256i qb = _mm256_loadu_si256((const __m256i *)pr);
        __m256i qc = _mm256_loadu_si256((const __m256i *)(pr + W));
        __m256i diag = h[0];
        col0 = i == 1 ? oev : _mm256_adds_epu16(col0, gev);
        h[0] = col0;
        __m256i left = col0, e = inf;
        for (int j = 1; j <= n; j++) {
            __m256i hb = _mm256_loadu_si256((const __m256i *)(hp + (size_t)(j - 1) * W));
            __m256i sc = _mm256_and_si256(_mm256_cmpeq_epi16(_mm256_and_si256(qb, hb), zero), qc);
            __m256i up = h[j];
            __m256i fj = _mm256_min_epu16(_mm256_adds_epu16(f[j], gev), _mm256_adds_epu16(up, oev));
            f[j] = fj;
            e = _mm256_min_epu16(_mm256_adds_epu16(e, gev), _mm256_adds_epu16(left, oev));
            __m256i hj = _mm256_min_epu16(_mm256_adds_epu16(diag, sc), _mm256_min_epu16(e, fj));
            diag = up;
            h[j] = hj;
            left = hj;
        }
        if (ends_at(b, l0, W, i)) {
            __m256i m = h[0];
            for (int j = 1; j <= n; j++)
                m = _mm256_min_epu16(m, _mm256_or_si256(h[j], _mm256_cmpgt_epi16(_mm256_set1_epi16((short)j), hlenv)));
            res = _mm256_blendv_epi8(res, m, _mm256_cmpeq_epi16(lenv, _mm256_set1_epi16((short)i)));
        }
    }
    uint16_t r[W];
    _mm256_storeu_si256((__m256i *)r, res);
    for (int l = l0; l < b->n && l < l0 + W; l++) out[l] = r[l - l0];
    return 0;
}

#endif

static int align_with(gbcms_kernel_t k, gbcms_ak_work_t *w, const gbcms_ak_batch_t *b, uint16_t go, uint16_t ge,
                      uint16_t *out)
{
    switch (k) {
#if AK_X86
    case GBCMS_KERNEL_SSE41:
        for (int l0 = 0; l0 < b->n; l0 += 8)
            if (align_sse41_chunk(w, b, l0, go, ge, out) < 0) return -1;
        return 0;
    case GBCMS_KERNEL_AVX2:
        return align_avx2_chunk(w, b, 0, go, ge, out);
#endif
    default:
        return align_scalar(w, b, go, ge, out);
    }
}

int gbcms_ak_align(gbcms_kernel_t k, gbcms_ak_work_t *w, const gbcms_ak_batch_t *b,
                   int gap_open, int gap_ext, uint16_t *out)
{
    int long_hap = 0;
    if (b->n < 0 || b->n > GBCMS_AK_LANES || gap_open < 0 || gap_open > GBCMS_AK_MAX_OPEN ||
        gap_ext < 0 || gap_ext > GBCMS_AK_MAX_COST)
        return -1;
    for (int l = 0; l < b->n; l++) {
        if (b->len[l] < 0 || b->len[l] > GBCMS_AK_MAX_QLEN || b->hap_len[l] < 1) return -1;
        /* the SIMD kernels number columns in 16 bits: a longer haplotype
         * (an ALT of tens of kb) goes to the scalar twin */
        if (b->hap_len[l] > AK_SIMD_MAX_HAP) long_hap = 1;
        for (int i = 0; i < b->len[l]; i++)
            if (b->cost[l][i] > GBCMS_AK_MAX_COST || b->base[l][i] > 4) return -1;
        for (int j = 0; j < b->hap_len[l]; j++)
            if (b->hap[l][j] > 4) return -1;
    }
    uint16_t go = (uint16_t)gap_open, ge = (uint16_t)gap_ext;
    if (k == GBCMS_KERNEL_AUTO) k = gbcms_kernel_resolve(k);
    if (long_hap) k = GBCMS_KERNEL_SCALAR;
    if (k != GBCMS_KERNEL_CHECK) return align_with(k, w, b, go, ge, out);
    uint16_t twin[GBCMS_AK_LANES];
    if (align_with(gbcms_kernel_resolve(GBCMS_KERNEL_AUTO), w, b, go, ge, out) < 0 ||
        align_with(GBCMS_KERNEL_SCALAR, w, b, go, ge, twin) < 0)
        return -1;
    return memcmp(out, twin, (size_t)b->n * sizeof *out) == 0 ? 0 : -2;
}
