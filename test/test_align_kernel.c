/* The alignment kernel: known answers, then every SIMD kernel this CPU has
 * against the scalar twin and against an independent 32-bit reference
 * (three full matrices, no saturation) on random batches, including the
 * extremes of the overflow bound. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align_kernel.h"

static int failed, passed;

static void check(int ok, const char *what)
{
    if (ok) passed++;
    else { failed++; printf("FAIL %s\n", what); }
}

/* Gotoh with separate M, I (read base inserted), D (haplotype base
 * deleted) matrices in 32 bits; all of the read, free haplotype ends. */
static long ref_cost(const uint8_t *qb, const uint8_t *qc, int m, const uint8_t *h, int n, int go, int ge)
{
    const long INF = 1L << 40;
    size_t w = (size_t)n + 1;
    long *M = malloc((size_t)(m + 1) * w * sizeof *M), *I = malloc((size_t)(m + 1) * w * sizeof *I),
         *D = malloc((size_t)(m + 1) * w * sizeof *D);
    for (int j = 0; j <= n; j++) { M[j] = 0; I[j] = INF; D[j] = INF; }
    for (int i = 1; i <= m; i++) {
        M[i * w] = INF; D[i * w] = INF;
        I[i * w] = go + (long)ge * i;
        for (int j = 1; j <= n; j++) {
            long best_prev = M[(i - 1) * w + j - 1];
            if (I[(i - 1) * w + j - 1] < best_prev) best_prev = I[(i - 1) * w + j - 1];
            if (D[(i - 1) * w + j - 1] < best_prev) best_prev = D[(i - 1) * w + j - 1];
            long s = (qb[i - 1] == 4 || h[j - 1] == 4 || qb[i - 1] == h[j - 1]) ? 0 : qc[i - 1];
            M[i * w + j] = best_prev + s;
            long up = M[(i - 1) * w + j];
            if (D[(i - 1) * w + j] < up) up = D[(i - 1) * w + j];
            long a = up + go + ge, b = I[(i - 1) * w + j] + ge;
            I[i * w + j] = a < b ? a : b;
            long left = M[i * w + j - 1];
            if (I[i * w + j - 1] < left) left = I[i * w + j - 1];
            a = left + go + ge;
            b = D[i * w + j - 1] + ge;
            D[i * w + j] = a < b ? a : b;
        }
    }
    long best = INF;
    for (int j = 0; j <= n; j++) {
        long v = M[(size_t)m * w + j];
        if (I[(size_t)m * w + j] < v) v = I[(size_t)m * w + j];
        if (D[(size_t)m * w + j] < v) v = D[(size_t)m * w + j];
        if (v < best) best = v;
    }
    if (m == 0) best = 0;
    free(M); free(I); free(D);
    return best;
}

static uint8_t code(char c)
{
    return c == 'A' ? 0 : c == 'C' ? 1 : c == 'G' ? 2 : c == 'T' ? 3 : 4;
}

/* One read against one haplotype, strings; all bases cost q. */
static int one(gbcms_kernel_t k, const char *read, int q, const char *hap)
{
    uint8_t qb[256], qc[256], h[256];
    int m = (int)strlen(read), n = (int)strlen(hap);
    for (int i = 0; i < m; i++) { qb[i] = code(read[i]); qc[i] = qb[i] == 4 ? 0 : (uint8_t)q; }
    for (int j = 0; j < n; j++) h[j] = code(hap[j]);
    gbcms_ak_batch_t b = { .n = 1 };
    b.len[0] = m; b.base[0] = qb; b.cost[0] = qc; b.hap[0] = h; b.hap_len[0] = n;
    gbcms_ak_work_t w;
    memset(&w, 0, sizeof w);
    uint16_t out[GBCMS_AK_LANES];
    int r = gbcms_ak_align(k, &w, &b, 35, 4, out);
    gbcms_ak_work_free(&w);
    return r < 0 ? -1 : out[0];
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

int main(void)
{
    gbcms_kernel_t kernels[] = { GBCMS_KERNEL_SCALAR, GBCMS_KERNEL_SSE41, GBCMS_KERNEL_AVX2 };
    int n_k = 0;
    gbcms_kernel_t have[3];
    for (int i = 0; i < 3; i++)
        if (gbcms_kernel_supported(kernels[i])) have[n_k++] = kernels[i];
    printf("kernels: ");
    for (int i = 0; i < n_k; i++) printf("%s ", gbcms_kernel_name(have[i]));
    printf("(auto: %s)\n", gbcms_kernel_name(gbcms_kernel_resolve(GBCMS_KERNEL_AUTO)));

    /* Known answers, every kernel. */
    for (int i = 0; i < n_k; i++) {
        char what[128];
        gbcms_kernel_t k = have[i];
#define KA(read, q, hap, want) \
        snprintf(what, sizeof what, "%s: %s vs %s = %d", gbcms_kernel_name(k), read, hap, want); \
        check(one(k, read, q, hap) == (want), what)
        KA("ACGTACGT", 30, "TTACGTACGTTT", 0);           /* exact, free haplotype ends */
        KA("ACGTTCGT", 30, "TTACGTACGTTT", 30);          /* one mismatch */
        KA("ACGTNCGT", 30, "TTACGTACGTTT", 0);           /* N costs nothing */
        KA("ACGTACGT", 30, "TTACGTNCGTTT", 0);           /* N in the haplotype too */
        KA("CCGGAATTCAGT", 30, "GGCCGGATTCAGTCC", 39);  /* one base inserted in the read: 35 + 4 */
        KA("CCGGATTCAGT", 30, "GGCCGGAATTCAGTCC", 39);  /* one haplotype base deleted */
        KA("CCGGTTCAGT", 30, "GGCCGGAATTCAGTCC", 43);   /* two deleted: 35 + 2 x 4 */
        KA("ACGT", 30, "A", 35 + 4 * 3);                /* read longer than the haplotype */
        KA("", 30, "ACGT", 0);                          /* empty read */
#undef KA
    }

    /* Random batches: every kernel equals the scalar twin and the 32-bit reference. */
    gbcms_ak_work_t w;
    memset(&w, 0, sizeof w);
    static uint8_t qb[GBCMS_AK_LANES][GBCMS_AK_MAX_QLEN], qc[GBCMS_AK_LANES][GBCMS_AK_MAX_QLEN];
    static uint8_t haps[GBCMS_AK_LANES][400], *hap = haps[0];
    int n_rounds = 400, bad = 0;
    for (int round = 0; round < n_rounds; round++) {
        int extreme = round % 50 == 0;   /* longest reads, all mismatching, largest costs */
        int go = extreme ? GBCMS_AK_MAX_OPEN : (int)(rnd() % 60), ge = extreme ? GBCMS_AK_MAX_COST : (int)(rnd() % 8);
        /* lanes share a haplotype or have their own, of other lengths */
        int shared = rnd() % 2, n0 = extreme ? 1 + (int)(rnd() % 60) : 1 + (int)(rnd() % 300);
        gbcms_ak_batch_t b = { .n = 1 + (int)(rnd() % GBCMS_AK_LANES) };
        for (int l = 0; l < b.n; l++) {
            int n = shared ? n0 : extreme ? 1 + (int)(rnd() % 60) : 1 + (int)(rnd() % 300);
            uint8_t *hl = shared ? haps[0] : haps[l];
            if (!shared || l == 0)
                for (int j = 0; j < n; j++) hl[j] = extreme ? 0 : (uint8_t)(rnd() % 5 == 0 ? 4 * (rnd() % 8 == 0) : rnd() % 4);
            b.hap[l] = hl;
            b.hap_len[l] = n;
            hap = hl;
            int m = extreme ? GBCMS_AK_MAX_QLEN - (int)(rnd() % 3) : (int)(rnd() % 200);
            /* reads: a slice of the haplotype with errors, or random */
            int from = n > 1 ? (int)(rnd() % (unsigned)n) : 0;
            for (int i = 0; i < m; i++) {
                uint8_t c = (uint8_t)(rnd() % 4);
                if (!extreme && rnd() % 4 && from + i < n) c = hap[from + i];
                if (extreme) c = 1;
                if (!extreme && rnd() % 50 == 0) c = 4;
                qb[l][i] = c;
                qc[l][i] = c == 4 ? 0 : (uint8_t)(extreme ? GBCMS_AK_MAX_COST : rnd() % (GBCMS_AK_MAX_COST + 1));
            }
            b.len[l] = m;
            b.base[l] = qb[l];
            b.cost[l] = qc[l];
        }
        uint16_t out[3][GBCMS_AK_LANES];
        for (int i = 0; i < n_k; i++)
            if (gbcms_ak_align(have[i], &w, &b, go, ge, out[i]) != 0) { bad++; printf("kernel %s failed\n", gbcms_kernel_name(have[i])); }
        for (int l = 0; l < b.n; l++) {
            long want = ref_cost(qb[l], qc[l], b.len[l], b.hap[l], b.hap_len[l], go, ge);
            for (int i = 0; i < n_k; i++)
                if (out[i][l] != want) {
                    if (bad++ < 10)
                        printf("round %d lane %d: %s gives %u, reference %ld (m %d n %d go %d ge %d)\n", round, l,
                               gbcms_kernel_name(have[i]), out[i][l], want, b.len[l], b.hap_len[l], go, ge);
                }
        }
        uint16_t chk[GBCMS_AK_LANES];
        if (gbcms_ak_align(GBCMS_KERNEL_CHECK, &w, &b, go, ge, chk) != 0) bad++;
    }
    check(bad == 0, "random batches: all kernels equal the 32-bit reference");

    /* Out-of-bound inputs are refused, not computed wrongly. */
    gbcms_ak_batch_t b = { .n = 1 };
    static uint8_t big[GBCMS_AK_MAX_QLEN + 1];
    b.len[0] = GBCMS_AK_MAX_QLEN + 1; b.base[0] = big; b.cost[0] = big; b.hap[0] = haps[0]; b.hap_len[0] = 10;
    uint16_t out[GBCMS_AK_LANES];
    check(gbcms_ak_align(GBCMS_KERNEL_SCALAR, &w, &b, 35, 4, out) == -1, "read too long is refused");
    b.len[0] = 1; big[0] = GBCMS_AK_MAX_COST + 1;
    check(gbcms_ak_align(GBCMS_KERNEL_SCALAR, &w, &b, 35, 4, out) == -1, "cost too high is refused");
    big[0] = 0;
    check(gbcms_ak_align(GBCMS_KERNEL_SCALAR, &w, &b, GBCMS_AK_MAX_OPEN + 1, 4, out) == -1, "gap open too high is refused");
    b.hap_len[0] = 0;
    check(gbcms_ak_align(GBCMS_KERNEL_SCALAR, &w, &b, 35, 4, out) == -1, "empty haplotype is refused");
    /* a haplotype longer than the SIMD kernels number (a huge ALT) is aligned by the scalar twin */
    static uint8_t longhap[40000];
    for (int j = 0; j < 40000; j++) longhap[j] = (uint8_t)(j * 7 % 4);
    static uint8_t q[60], qcost[60];
    for (int i = 0; i < 60; i++) { q[i] = longhap[39000 + i]; qcost[i] = 30; }
    b.len[0] = 60; b.base[0] = q; b.cost[0] = qcost; b.hap[0] = longhap; b.hap_len[0] = 40000;
    for (int i = 0; i < n_k; i++) {
        out[0] = 1;
        check(gbcms_ak_align(have[i], &w, &b, 35, 4, out) == 0 && out[0] == 0, "40 kb haplotype, read near its end");
    }
    gbcms_kernel_t k;
    check(gbcms_kernel_parse("avx2", &k) == 0 && k == GBCMS_KERNEL_AVX2 && gbcms_kernel_parse("neon9", &k) < 0, "kernel names");
    gbcms_ak_work_free(&w);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
