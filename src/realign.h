/* The counting model `realign` (counting-realign.md), internal.
 *
 * R1  gbcms_realign_prepare(): once per variant, from the reference: the
 *     event region (every placement of the event that gives the same
 *     haplotype), the allele strings over it and the two haplotypes, plus
 *     the ALT haplotypes of the records that share the region (siblings).
 * R2  every read base gets a reference coordinate; soft clips extend the
 *     alignment outward.
 * R3  gbcms_realign_clean(): most reads are decided by exact comparison.
 * R4  the rest are aligned against every haplotype (align_kernel.h) and
 *     decided by the cost difference: gbcms_realign_decide().
 *
 * The engine drives a gbcms_ra_worker_t per thread: gbcms_ra_read() per
 * read and variant, gbcms_ra_finish() when the reads have passed the
 * variant.  Reads that need aligning wait in one queue of up to
 * GBCMS_AK_LANES alignments, shared by the variants in flight, so memory
 * does not grow with depth and SIMD lanes stay full on shallow data too. */
#ifndef GBCMS_REALIGN_H
#define GBCMS_REALIGN_H

#include <stddef.h>
#include <stdint.h>
#include <htslib/faidx.h>
#include <htslib/sam.h>
#include "align_kernel.h"
#include "fragment.h"
#include "gbcms/count.h"
#include "gbcms/variants.h"

/* ---- Parameters: every one in this place, with its reason ---- */

/* R1: reference window F each side of the record.  The window doubles
 * while the haplotypes' common prefix or suffix runs into its edge (a
 * longer repeat), up to 2,500 bases, beyond which the region is cut at the
 * window; so the region does not depend on where F starts, and the spec's
 * 300 only costs reading.  40 bases hold most repeats at the first read,
 * and the preparation (serial, before counting) took 82 ms on 10,000 sites
 * with 300 and takes 49 ms with 40; outputs are byte-identical. */
#define GBCMS_RA_WINDOW 40
#define GBCMS_RA_WINDOW_MAX 2500

/* R4: read bases kept for alignment each side of the allele span.  20
 * bases anchor a read on either haplotype; more only costs time. */
#define GBCMS_RA_PAD 20

/* R1: the haplotypes reach GBCMS_RA_PAD + |len(ALT) - len(REF)| + this
 * beyond the allele span, so every kept read base fits on them: a soft clip
 * projects its bases up to |len(ALT) - len(REF)| off their true place. */
#define GBCMS_RA_HAP_SLACK 10

/* R3: a read is "complete" when it has aligned bases at least this many
 * bases beyond both ends of the allele span.  A read ending closer than
 * that is compared as an overhang (prefix or suffix), which is exact. */
#define GBCMS_RA_GUARD 2

/* R3: how near the allele span a soft clip, an indel outside it or (for a
 * read ending near the span) a mismatch makes the aligner's picture
 * doubtful: such reads go to the slow path.  Aligners write an event near
 * a read end as a clip or as mismatches within a few bases. */
#define GBCMS_RA_NEAR 10

/* Engine bound: the longest soft clip looked for.  A read can reach an
 * event through clipped bases only; a clip is shorter than its read, and
 * short reads are at most 300 bases (2x300 MiSeq).  Longer clips (long
 * reads, split alignments) are not looked for. */
#define GBCMS_RA_CLIP_REACH 300

/* R4 costs, Phred-like: a mismatch costs the base quality clamped to
 * [2, 40] (Q2 bases still count a little; Q40 caps Illumina's binned
 * qualities), an N costs 0, a gap of k bases 35 + 4k (one indel costs about
 * one confident mismatch, so reads do not trade an indel for scattered
 * errors).  A read without qualities (QUAL '*') is taken as Q30. */
#define GBCMS_RA_QUAL_MIN 2
#define GBCMS_RA_QUAL_MAX 40
#define GBCMS_RA_QUAL_MISSING 30
#define GBCMS_RA_GAP_OPEN 35
#define GBCMS_RA_GAP_EXT 4

/* R4: cost difference that decides.  Below one confident mismatch, since
 * one base may be all that separates the alleles (an SNV, a read ending one
 * base past a repeat); above the cost of a Q2-Q9 base, which decides
 * nothing. */
#define GBCMS_RA_T 10

/* R3: the cost given to an allele a clean read's string does not equal,
 * so that exact and aligned decisions share gbcms_realign_decide(). */
#define GBCMS_RA_BIG 1000

/* Siblings considered per record: a pathological pile of overlapping
 * records keeps the first ones (in sorted order) and stays linear. */
#define GBCMS_RA_MAX_SIBS 31

/* ---- Prepared variant (R1) ---- */

typedef struct {
    const uint8_t *a;       /* allele string over the allele span, codes 0..4 (ACGTN) */
    int a_len;
    const uint8_t *h;       /* haplotype over the padded span, codes */
    int h_len;
} gbcms_ra_allele_t;

typedef struct gbcms_rprep_s {
    int64_t a_lo, a_hi;     /* allele span [E_lo - 1, E_hi], 0-based inclusive (union with siblings) */
    int64_t e_lo, e_hi;     /* the record's own event region [E_lo, E_hi) */
    int64_t h_lo;           /* reference position of each haplotype's first base */
    int no_event;           /* ALT gives the reference haplotype: no read is counted */
    int n_alt;              /* alt[0]: the record's ALT; alt[1..]: its siblings' */
    gbcms_ra_allele_t ref;
    gbcms_ra_allele_t alt[];
} gbcms_rprep_t;

/* Reference bases [beg, end] (0-based, inclusive) of contig tid, upper
 * case, in a malloc'd *seq (short at the contig end).  Returns 0, -1 on a
 * read error, -2 when out of memory. */
typedef int (*gbcms_ra_fetch_fn)(void *ctx, int32_t tid, int64_t beg, int64_t end, char **seq,
                                 int64_t *len);

/* R1 for every counted (primary) variant of the sorted store: fills
 * vs->rprep (one malloc'd gbcms_rprep_t per primary, NULL for the others;
 * gbcms_variants_destroy frees them) and sets each variant's read bounds
 * (first_end, last_start).  Returns 0, or -1 after logging. */
int gbcms_realign_prepare(gbcms_variants_t *vs, gbcms_ra_fetch_fn fetch, void *ctx)
    __attribute__((warn_unused_result));

/* The same with an indexed FASTA; contig names from vs->hdr. */
int gbcms_realign_prepare_fai(gbcms_variants_t *vs, const faidx_t *fai)
    __attribute__((warn_unused_result));

/* ---- One read (R2-R4), pure functions for the engine and the tests ---- */

enum {
    GBCMS_RA_SLOW = -1,     /* needs the slow path */
    GBCMS_RA_OOM = -2,
    GBCMS_RA_AWAY = -3      /* the read does not touch the allele span: not counted */
};

/* Scratch buffers of one thread; zero-initialise, free with _scratch_free. */
typedef struct {
    uint8_t *s;             /* the read's allele string */
    size_t s_cap;
    uint8_t *qb, *qc;       /* R4 query: bases and mismatch costs */
    size_t q_cap;
    int q_len;
    int spans;              /* the read's projection covers the allele span */
    int masked;             /* a base in the allele span fell below --baq */
} gbcms_ra_scratch_t;

void gbcms_ra_scratch_free(gbcms_ra_scratch_t *sc);

/* R2 + R3: a gbcms_read_class_t, or GBCMS_RA_SLOW, GBCMS_RA_AWAY, GBCMS_RA_OOM. */
int gbcms_realign_clean(const bam1_t *b, const gbcms_rprep_t *p, int min_baseq, gbcms_ra_scratch_t *sc);

/* R4: the read's bases (clips included) projecting within GBCMS_RA_PAD of
 * the allele span, into sc->qb/qc/q_len, with sc->spans and sc->masked.
 * Returns 0, or -1 when out of memory. */
int gbcms_realign_query(const bam1_t *b, const gbcms_rprep_t *p, int min_baseq, gbcms_ra_scratch_t *sc);

/* The decision from costs: cost[0] against the reference, cost[1 + j]
 * against alt[j] (cost[1] the record's own ALT).  ALT when the own ALT
 * beats the reference by >= T and no sibling fits better (ties share);
 * REF when the reference beats every ALT by >= T; otherwise DP-only for a
 * read spanning the allele span with no base below --baq in it, else not
 * counted. */
gbcms_read_class_t gbcms_realign_decide(const uint16_t *cost, int n_alt, int spans, int masked);

/* Everything for one read, aligning it alone (tests).  *slow (may be NULL)
 * tells whether it took the slow path.  Returns a class, or -1 when out of
 * memory, -2 when the kernels disagree (GBCMS_KERNEL_CHECK). */
int gbcms_realign_classify(const bam1_t *b, const gbcms_rprep_t *p, const gbcms_rules_t *r,
                           gbcms_kernel_t k, gbcms_ra_scratch_t *sc, gbcms_ak_work_t *w, int *slow);

/* ---- Per-thread driver ---- */

typedef struct {
    uint64_t touched;       /* read x variant pairs whose read touches the allele span */
    uint64_t slow;          /* ... of which took the slow path */
    uint64_t cells;         /* kernel cells: read bases x haplotype bases */
    double kernel_s;        /* seconds in the kernel (when timing is on) */
} gbcms_ra_stats_t;

typedef struct gbcms_ra_worker_s gbcms_ra_worker_t;

/* kernel: as resolved by the caller; timing: measure kernel time. */
gbcms_ra_worker_t *gbcms_ra_worker_init(gbcms_kernel_t kernel, int timing);
void gbcms_ra_worker_destroy(gbcms_ra_worker_t *w);

/* One read (that passed the filters) against the variant in block slot
 * `slot`: counted now into c (and fl, if not NULL), or queued for the slow
 * path (c and fl must then stay valid until the slot is reported done).
 * Returns 0; -1 when out of memory; -2 when the SIMD kernel and its scalar
 * twin disagree (GBCMS_KERNEL_CHECK).  Nothing is logged: the caller
 * reports the run's one error (gbcms_ra_strerror). */
int gbcms_ra_read(gbcms_ra_worker_t *w, size_t slot, const bam1_t *b, const gbcms_rprep_t *p,
                  const gbcms_rules_t *r, gbcms_counts_t *c, gbcms_frag_list_t *fl)
    __attribute__((warn_unused_result));

/* No more reads come for slot: 1 when its counts are complete; 0 when
 * reads of it still wait in the queue, and gbcms_ra_next_done() will
 * report the slot once they are counted. */
int gbcms_ra_finish(gbcms_ra_worker_t *w, size_t slot);

/* Align and count every queued read.  Returns 0, -1 or -2 as
 * gbcms_ra_read. */
int gbcms_ra_flush(gbcms_ra_worker_t *w) __attribute__((warn_unused_result));

/* Pop a slot whose counts a flush completed after gbcms_ra_finish()
 * deferred it: 1 and *slot, or 0 when there is none. */
int gbcms_ra_next_done(gbcms_ra_worker_t *w, size_t *slot);

/* The reference span a read's bases project onto (R2: aligned span
 * extended by its soft clips), for a cheap test before gbcms_ra_read. */
static inline void gbcms_ra_projection(const bam1_t *b, int64_t start, int64_t last, int64_t *lo, int64_t *hi)
{
    const uint32_t *cig = bam_get_cigar(b);
    uint32_t n = b->core.n_cigar, a = 0, z = n;
    while (a < n && bam_cigar_op(cig[a]) == BAM_CHARD_CLIP) a++;
    while (z > a && bam_cigar_op(cig[z - 1]) == BAM_CHARD_CLIP) z--;
    *lo = start - (a < z && bam_cigar_op(cig[a]) == BAM_CSOFT_CLIP ? (int64_t)bam_cigar_oplen(cig[a]) : 0);
    *hi = last + (z > a + 1 && bam_cigar_op(cig[z - 1]) == BAM_CSOFT_CLIP ? (int64_t)bam_cigar_oplen(cig[z - 1]) : 0);
}

/* The message for an error code of gbcms_ra_read / gbcms_ra_flush. */
static inline const char *gbcms_ra_strerror(int rc)
{
    return rc == -2 ? "realign: the SIMD alignment kernel and its scalar twin disagree" : "out of memory";
}

/* Drop every queued read (after an error). */
void gbcms_ra_worker_reset(gbcms_ra_worker_t *w);

/* Add this worker's counters into *st. */
void gbcms_ra_worker_stats(const gbcms_ra_worker_t *w, gbcms_ra_stats_t *st);

#endif
