/* The alignment kernel of the realign model (internal): semi-global,
 * affine-gap costs of up to 16 reads against one haplotype.
 *
 * Costs are minimised: all of the read is aligned, both ends of the
 * haplotype are free.  A base costs 0 when it equals the haplotype base or
 * either is N (code 4), else its mismatch cost; a gap of k bases costs
 * open + k x ext.  One alignment (a read and a haplotype) per 16-bit lane
 * (inter-sequence layout): lanes share nothing, so the reads of different
 * sites, against their own haplotypes, fill one batch.
 *
 * Overflow: arithmetic saturates at 65535 in every kernel alike.  With
 * mismatch and gap-extension costs <= 40, a gap-open cost <= 1000 and reads
 * of at most 800 bases, one alignment always costs at most 1000 + 40 x 800
 * = 33000 (every base mismatched, the bases past the haplotype's end, if
 * any, in one gap), so the optimum does too.  Costs only grow along a path,
 * so no cell on the optimal path saturates, and a saturated cell (65535)
 * can never win the final minimum: the result is exact.  The scalar twin
 * saturates the same way, so all kernels agree cell for cell. */
#ifndef GBCMS_ALIGN_KERNEL_H
#define GBCMS_ALIGN_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define GBCMS_AK_LANES 16           /* reads per batch: one AVX2 register of 16-bit costs */
#define GBCMS_AK_MAX_QLEN 800       /* longest read part aligned: see the bound above */
#define GBCMS_AK_MAX_COST 40        /* largest mismatch (and gap-extension) cost */
#define GBCMS_AK_MAX_OPEN 1000      /* largest gap-open cost */

typedef enum {
    GBCMS_KERNEL_AUTO = 0,      /* the best this CPU supports */
    GBCMS_KERNEL_SCALAR,
    GBCMS_KERNEL_SSE41,
    GBCMS_KERNEL_AVX2,
    GBCMS_KERNEL_CHECK          /* the best SIMD kernel and the scalar twin, compared (tests) */
} gbcms_kernel_t;

/* Up to GBCMS_AK_LANES alignments.  base[l][k] is 0..3 for A, C, G, T and
 * 4 for N; cost[l][k] its mismatch cost (<= GBCMS_AK_MAX_COST; 0 for an
 * N); hap[l] the haplotype of lane l, codes 0..4, hap_len[l] >= 1. */
typedef struct {
    int n;
    int len[GBCMS_AK_LANES];                /* 0..GBCMS_AK_MAX_QLEN */
    const uint8_t *base[GBCMS_AK_LANES];
    const uint8_t *cost[GBCMS_AK_LANES];
    const uint8_t *hap[GBCMS_AK_LANES];
    int hap_len[GBCMS_AK_LANES];
} gbcms_ak_batch_t;

/* Scratch space, grown on demand and reused; zero-initialise it, free
 * with gbcms_ak_work_free(). */
typedef struct {
    uint16_t *prof;         /* query profile (bases, costs) per row, then haplotype bases
                             * per column, lane by lane */
    size_t prof_cap;        /* in uint16_t */
    void *row;              /* H row and F column, one SIMD vector (or value) per cell */
    size_t row_cap;         /* in bytes */
} gbcms_ak_work_t;

void gbcms_ak_work_free(gbcms_ak_work_t *w);

/* Name of a kernel ("scalar", "sse41", "avx2", "check", "auto"). */
const char *gbcms_kernel_name(gbcms_kernel_t k);

/* Parse a kernel name; returns 0, or -1 for an unknown name. */
int gbcms_kernel_parse(const char *s, gbcms_kernel_t *k);

/* 1 if this CPU (and build) can run kernel k. */
int gbcms_kernel_supported(gbcms_kernel_t k);

/* The kernel that will run for a request: AUTO becomes the best supported
 * one; others are returned as they are (check support first). */
gbcms_kernel_t gbcms_kernel_resolve(gbcms_kernel_t k);

/* Align every lane of b and write its cost to out[0..b->n-1].  Returns 0;
 * -1 when out of memory or when a length or a cost is out of bounds; -2
 * (GBCMS_KERNEL_CHECK only) when the SIMD kernel and the scalar twin
 * disagree. */
int gbcms_ak_align(gbcms_kernel_t k, gbcms_ak_work_t *w, const gbcms_ak_batch_t *b,
                   int gap_open, int gap_ext, uint16_t *out)
    __attribute__((warn_unused_result));

#endif
