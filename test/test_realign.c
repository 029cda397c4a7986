/* Per-read truth table of the realign model (counting-realign.md): event
 * regions, the clean path, the slow path and the sibling rule, one
 * alignment per case, each run with every kernel this CPU has.
 *
 * The reference is 300 pseudo-random bases with features written into it:
 * C AAAAAAAA G at 100-109 (0-based; a homopolymer of 8), a (CA)x6 repeat at
 * 200-211, two overlapping 3-base deletions at 241-245, and unique sequence
 * elsewhere.  Reads are slices of a haplotype
 * (the reference, or the reference with an event) with an explicit CIGAR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/sam.h>
#include "gbcms/count.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"
#include "realign.h"

#define REF_LEN 300
static char REF[REF_LEN + 1];

static void make_reference(void)
{
    uint32_t x = 2463534242u;
    const char *acgt = "ACGT";
    for (int i = 0; i < REF_LEN; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        REF[i] = acgt[x % 4];
        /* no runs of 3 in the random part, so the features stand alone */
        if (i >= 2 && REF[i] == REF[i - 1] && REF[i] == REF[i - 2]) REF[i] = acgt[(x / 4 + 1 + (x % 4)) % 4] == REF[i] ? acgt[(x % 4 + 2) % 4] : acgt[(x / 4 + 1 + (x % 4)) % 4];
    }
    memcpy(REF + 99, "TCAAAAAAAAGT", 12);          /* 100: C, 101-108: A x 8, 109: G */
    memcpy(REF + 198, "GTCACACACACACAGT", 16);     /* 200-211: (CA) x 6 */
    memcpy(REF + 239, "TGACTTGCAG", 10);           /* 241-243 ACT, 243-245 TTG: two overlapping deletions */
    REF[REF_LEN] = 0;
}

/* Fetch from the reference string ctx (NUL-terminated), cut at its ends. */
static int fetch_ref(void *ctx, int32_t tid, int64_t beg, int64_t end, char **seq, int64_t *len)
{
    (void)tid;
    const char *ref = ctx;
    int64_t n = (int64_t)strlen(ref);
    if (beg < 0) beg = 0;
    if (end >= n) end = n - 1;
    *len = end >= beg ? end - beg + 1 : 0;
    *seq = malloc((size_t)*len + 1);
    if (!*seq) return -2;
    memcpy(*seq, ref + beg, (size_t)*len);
    (*seq)[*len] = 0;
    return 0;
}

/* A haplotype: the reference with REF at 0-based pos replaced by ALT. */
static void apply(char *out, int pos0, const char *ref, const char *alt)
{
    sprintf(out, "%.*s%s%s", pos0, REF, alt, REF + pos0 + strlen(ref));
}

/* ---- variant stores ---- */

typedef struct {
    gbcms_variants_t vs;
    char ref[8][64], alt[8][64];
} store_t;

/* specs: "POS REF ALT" (1-based, as in a VCF), sorted by POS */
static int store_make(store_t *st, int n, const char *const *specs)
{
    memset(st, 0, sizeof *st);
    st->vs.v = calloc((size_t)n, sizeof *st->vs.v);
    st->vs.n = (size_t)n;
    for (int i = 0; i < n; i++) {
        gbcms_variant_t *v = &st->vs.v[i];
        int pos1;
        sscanf(specs[i], "%d %63s %63s", &pos1, st->ref[i], st->alt[i]);
        v->pos = pos1 - 1;
        v->ref = st->ref[i];
        v->alt = st->alt[i];
        v->ref_len = (int)strlen(v->ref);
        v->alt_len = (int)strlen(v->alt);
        v->primary = (size_t)i;
        v->input_order = (size_t)i;
        gbcms_variant_classify(v, 0);
    }
    return gbcms_realign_prepare(&st->vs, fetch_ref, REF);
}

static void store_free(store_t *st)
{
    for (size_t i = 0; i < st->vs.n; i++) free(st->vs.rprep[i]);
    free(st->vs.rprep);
    free(st->vs.v);
}

/* A longer reference for the window's growth: 4,000 bases with no run of
 * three, then a run of A written over [LONG_RUN_AT, LONG_RUN_AT + run). */
#define LONG_LEN 4000
#define LONG_RUN_AT 1000
static char LONG_REF[LONG_LEN + 1];

static void make_long_reference(int run)
{
    uint32_t x = 88172645u;
    for (int i = 0; i < LONG_LEN; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        char c = "CGT"[x % 3];   /* no A outside the run, and no run of 3 */
        if (i >= 2 && c == LONG_REF[i - 1] && c == LONG_REF[i - 2]) c = c == 'C' ? 'G' : 'C';
        LONG_REF[i] = c;
    }
    memset(LONG_REF + LONG_RUN_AT, 'A', (size_t)run);
    LONG_REF[LONG_LEN] = 0;
}

/* ---- reads ---- */

static sam_hdr_t *hdr;

/* A read: SEQ is hap[from, from + len) unless seq is given; qual NULL is Q40,
 * else a string of Phred+33 characters ('.' = Q40). */
static bam1_t *make_read(int pos0, const char *cigar, const char *hap, int from, int len, const char *seq_override,
                         const char *qpat)
{
    char seq[1024], qual[1024], line[4096];
    if (seq_override) snprintf(seq, sizeof seq, "%s", seq_override);
    else snprintf(seq, sizeof seq, "%.*s", len, hap + from);
    size_t n = strlen(seq);
    for (size_t i = 0; i < n; i++) qual[i] = (!qpat || qpat[i] == '.') ? 'I' : qpat[i];
    qual[n] = 0;
    snprintf(line, sizeof line, "r1\t0\tchr1\t%d\t60\t%s\t*\t0\t0\t%s\t%s", pos0 + 1, cigar, seq, qual);
    kstring_t ks = { strlen(line), sizeof line, line };
    bam1_t *b = bam_init1();
    if (sam_parse1(&ks, hdr, b) < 0) {
        printf("bad test read: %s\n", line);
        exit(1);
    }
    return b;
}

static int passed, failed;
static gbcms_kernel_t kernels[3];
static int n_kernels;
static gbcms_ra_scratch_t sc;
static gbcms_ak_work_t akw;
static const char *cls_name[] = { "SKIP", "DP", "REF", "ALT" };

enum { SKIP = GBCMS_READ_SKIP, DP = GBCMS_READ_DP, REF_ = GBCMS_READ_REF, ALT = GBCMS_READ_ALT };
enum { ANY = -1, CLEAN = 0, SLOW = 1 };

/* Classify b against variant vi of the store with every kernel. */
static void expect(const char *name, store_t *st, int vi, bam1_t *b, int baq, int want, int path)
{
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    o.min_baseq = baq;
    gbcms_rules_t r;
    gbcms_rules_from_opts(&r, &o);
    for (int k = 0; k < n_kernels; k++) {
        int slow = 0;
        int got = gbcms_realign_classify(b, st->vs.rprep[vi], &r, kernels[k], &sc, &akw, &slow);
        int ok = got == want && (path == ANY || path == slow);
        if (ok) { passed++; continue; }
        failed++;
        printf("FAIL %s [%s]: expected %s%s, got %s%s\n", name, gbcms_kernel_name(kernels[k]), cls_name[want],
               path == ANY ? "" : path ? " (slow path)" : " (clean path)", got >= 0 ? cls_name[got] : "error",
               slow ? " (slow path)" : " (clean path)");
    }
}

static void expect_int(const char *name, long got, long want)
{
    if (got == want) passed++;
    else { failed++; printf("FAIL %s: got %ld, expected %ld\n", name, got, want); }
}

static void codes_to_str(const uint8_t *a, int n, char *out)
{
    for (int i = 0; i < n; i++) out[i] = "ACGTN"[a[i]];
    out[n] = 0;
}

int main(void)
{
    make_reference();
    const char *htxt = "@SQ\tSN:chr1\tLN:300\n";
    hdr = sam_hdr_parse(strlen(htxt), htxt);
    gbcms_kernel_t all[3] = { GBCMS_KERNEL_SCALAR, GBCMS_KERNEL_SSE41, GBCMS_KERNEL_AVX2 };
    for (int i = 0; i < 3; i++)
        if (gbcms_kernel_supported(all[i])) kernels[n_kernels++] = all[i];

    /* The homopolymer deletion written three ways: left-aligned, right-shifted, padded delins. */
    static const char *const del_forms[3] = { "101 CA C", "108 AA A", "101 CAAAAAAAAG CAAAAAAAG" };
    static const char *const form_name[3] = { "left", "right", "delins" };
    char hap_alt[512], buf[600], what[200];
    apply(hap_alt, 100, "CA", "C");   /* C + 7 A + G */

    for (int f = 0; f < 3; f++) {
        store_t st;
        if (store_make(&st, 1, &del_forms[f]) < 0) { printf("FAIL prepare %s\n", form_name[f]); return 1; }
        const gbcms_rprep_t *p = st.vs.rprep[0];
        snprintf(what, sizeof what, "%s: event region start", form_name[f]);
        expect_int(what, p->e_lo, 101);
        snprintf(what, sizeof what, "%s: event region end", form_name[f]);
        expect_int(what, p->e_hi, 109);
        codes_to_str(p->ref.a, p->ref.a_len, buf);
        snprintf(what, sizeof what, "%s: REF allele string CAAAAAAAAG", form_name[f]);
        expect_int(what, strcmp(buf, "CAAAAAAAAG"), 0);
        codes_to_str(p->alt[0].a, p->alt[0].a_len, buf);
        snprintf(what, sizeof what, "%s: ALT allele string CAAAAAAAG", form_name[f]);
        expect_int(what, strcmp(buf, "CAAAAAAAG"), 0);
        snprintf(what, sizeof what, "%s: read bound covers clips", form_name[f]);
        expect_int(what, st.vs.v[0].last_start, 109 + GBCMS_RA_CLIP_REACH);

        bam1_t *b;
#define CASE(desc, pos0, cigar, hap, from, len, seq, qual, baq, want, path) \
        b = make_read(pos0, cigar, hap, from, len, seq, qual); \
        snprintf(what, sizeof what, "%s: %s", form_name[f], desc); \
        expect(what, &st, 0, b, baq, want, path); \
        bam_destroy1(b)
        CASE("clean REF read", 80, "40M", REF, 80, 40, NULL, NULL, 0, REF_, CLEAN);
        CASE("clean ALT read, deletion left in the run", 80, "21M1D18M", hap_alt, 80, 39, NULL, NULL, 0, ALT, CLEAN);
        CASE("clean ALT read, deletion right in the run", 80, "28M1D11M", hap_alt, 80, 39, NULL, NULL, 0, ALT, CLEAN);
        CASE("read ending inside the run is not counted", 70, "35M", REF, 70, 35, NULL, NULL, 0, SKIP, CLEAN);
        CASE("read starting inside the run is not counted", 104, "30M", REF, 104, 30, NULL, NULL, 0, SKIP, CLEAN);
        CASE("overhang ending on the flank, 8 A: REF", 80, "30M", REF, 80, 30, NULL, NULL, 0, REF_, CLEAN);
        CASE("overhang ending on the flank, 7 A as a mismatch: ALT", 80, "29M", hap_alt, 80, 29, NULL, NULL, 0, ALT, CLEAN);
        CASE("overhang from the right, 7 A as a mismatch: ALT", 101, "30M", hap_alt, 100, 30, NULL, NULL, 0, ALT, CLEAN);
        CASE("ALT read with the event soft-clipped", 109, "13S27M", hap_alt, 95, 40, NULL, NULL, 0, ALT, SLOW);
        CASE("REF read with the run soft-clipped", 109, "14S26M", REF, 95, 40, NULL, NULL, 0, REF_, SLOW);
        CASE("ALT read with a trailing clip over the event", 80, "20M20S", hap_alt, 80, 40, NULL, NULL, 0, ALT, SLOW);
        CASE("ALT read written without the deletion (mismatches near the end)", 90, "20M", hap_alt, 90, 20, NULL, NULL, 0, ALT, ANY);
        CASE("read away from the event", 150, "40M", REF, 150, 40, NULL, NULL, 0, SKIP, ANY);
        /* an N inside the run: the clean comparison fails, the alignment decides */
        snprintf(buf, sizeof buf, "%.*sN%s", 25, hap_alt + 80, hap_alt + 106);
        buf[39] = 0;
        CASE("ALT read with an N in the run", 80, "21M1D18M", NULL, 0, 0, buf, NULL, 0, ALT, SLOW);
        /* low base qualities inside the span: a spanning read that cannot be decided */
        CASE("REF read with the run below --baq: its length still tells", 80, "40M", REF, 80, 40, NULL,
             "....................##########..........", 20, REF_, SLOW);
        CASE("REF read, low quality outside the span", 80, "40M", REF, 80, 40, NULL,
             "##########..............................", 20, REF_, CLEAN);
#undef CASE
        store_free(&st);
    }

    /* Multi-allelic siblings in the run: deletion and insertion of one A. */
    {
        static const char *const specs[2] = { "101 CA C", "101 C CA" };
        store_t st;
        if (store_make(&st, 2, specs) < 0) { printf("FAIL prepare siblings\n"); return 1; }
        expect_int("siblings: each sees the other", st.vs.rprep[0]->n_alt * 10 + st.vs.rprep[1]->n_alt, 22);
        char hap_ins[512];
        apply(hap_ins, 100, "C", "CA");
        bam1_t *b = make_read(80, "21M1D18M", hap_alt, 80, 39, NULL, NULL);
        expect("siblings: 7 A is ALT for the deletion", &st, 0, b, 0, ALT, CLEAN);
        expect("siblings: 7 A is DP for the insertion", &st, 1, b, 0, DP, CLEAN);
        bam_destroy1(b);
        b = make_read(80, "21M1I19M", hap_ins, 80, 41, NULL, NULL);
        expect("siblings: 9 A is DP for the deletion", &st, 0, b, 0, DP, CLEAN);
        expect("siblings: 9 A is ALT for the insertion", &st, 1, b, 0, ALT, CLEAN);
        bam_destroy1(b);
        b = make_read(80, "40M", REF, 80, 40, NULL, NULL);
        expect("siblings: 8 A is REF for the deletion", &st, 0, b, 0, REF_, CLEAN);
        expect("siblings: 8 A is REF for the insertion", &st, 1, b, 0, REF_, CLEAN);
        bam_destroy1(b);
        /* 9 A ending one base past the run, the last A written as a mismatch
         * on the flank: its prefix is the insertion's, but the base after the
         * span mismatches too, so the aligner's picture is doubted */
        {
            static const char *const ins_only[1] = { "101 C CA" };
            store_t si;
            if (store_make(&si, 1, ins_only) < 0) { printf("FAIL prepare insertion\n"); return 1; }
            b = make_read(80, "31M", hap_ins, 80, 31, NULL, NULL);
            expect("insertion: 9 A written as mismatches at the read end goes to alignment, ALT", &si, 0, b, 0, ALT, SLOW);
            bam_destroy1(b);
            store_free(&si);
        }
        /* 9 A, soft-clipped: the alignment picks the insertion, not the deletion */
        b = make_read(110, "30S11M", hap_ins, 80, 41, NULL, NULL);
        expect("siblings: clipped 9 A is DP for the deletion", &st, 0, b, 0, DP, SLOW);
        expect("siblings: clipped 9 A is ALT for the insertion", &st, 1, b, 0, ALT, SLOW);
        bam_destroy1(b);
        store_free(&st);
    }

    /* The same event twice in one file (left and right): equal haplotypes tie, both are ALT. */
    {
        static const char *const specs[2] = { "101 CA C", "108 AA A" };
        store_t st;
        if (store_make(&st, 2, specs) < 0) { printf("FAIL prepare twins\n"); return 1; }
        bam1_t *b = make_read(80, "28M1D11M", hap_alt, 80, 39, NULL, NULL);
        expect("twins: left form ALT", &st, 0, b, 0, ALT, CLEAN);
        expect("twins: right form ALT", &st, 1, b, 0, ALT, CLEAN);
        bam_destroy1(b);
        b = make_read(109, "13S27M", hap_alt, 95, 40, NULL, NULL);
        expect("twins: clipped, left form ALT", &st, 0, b, 0, ALT, SLOW);
        expect("twins: clipped, right form ALT", &st, 1, b, 0, ALT, SLOW);
        bam_destroy1(b);
        store_free(&st);
    }

    /* Overlapping deletions (241-243 and 243-245): a read with the other
     * deletion is not REF, though it beats this record's ALT by far. */
    {
        char s1[32], s2[32], r2[8], hap_d2[512];
        snprintf(s1, sizeof s1, "241 %.4s %c", REF + 240, REF[240]);
        snprintf(r2, sizeof r2, "%.4s", REF + 242);
        snprintf(s2, sizeof s2, "243 %s %c", r2, r2[0]);
        const char *specs[2] = { s1, s2 };
        apply(hap_d2, 242, r2, (char[]){ r2[0], 0 });
        store_t st, alone;
        if (store_make(&st, 2, specs) < 0 || store_make(&alone, 1, specs) < 0) { printf("FAIL prepare pair\n"); return 1; }
        expect_int("overlapping deletions are siblings", st.vs.rprep[0]->n_alt, 2);
        bam1_t *b = make_read(220, "23M3D17M", hap_d2, 220, 40, NULL, NULL);
        expect("other deletion: ALT for itself", &st, 1, b, 0, ALT, ANY);
        expect("other deletion: DP for its sibling", &st, 0, b, 0, DP, ANY);
        expect("other deletion: REF for the record alone (no sibling)", &alone, 0, b, 0, REF_, ANY);
        store_free(&st);
        store_free(&alone);
        bam_destroy1(b);
    }

    /* A 20-base insertion; one sequencing error inside it. */
    {
        const char *ins = "GATTACAGGTTCCAGTTGCA";
        char spec[96], alt[64], hap_ins[512], seq[128];
        snprintf(alt, sizeof alt, "%c%s", REF[150], ins);
        snprintf(spec, sizeof spec, "151 %c %s", REF[150], alt);
        const char *specs[1] = { spec };
        char r0[2] = { REF[150], 0 };
        apply(hap_ins, 150, r0, alt);
        store_t st;
        if (store_make(&st, 1, specs) < 0) { printf("FAIL prepare insertion\n"); return 1; }
        bam1_t *b = make_read(120, "31M20I29M", hap_ins, 120, 80, NULL, NULL);
        expect("long insertion: clean ALT", &st, 0, b, 0, ALT, CLEAN);
        bam_destroy1(b);
        snprintf(seq, sizeof seq, "%.80s", hap_ins + 120);
        seq[40] = seq[40] == 'A' ? 'C' : 'A';   /* one error in the inserted bases */
        b = make_read(120, "31M20I29M", NULL, 0, 0, seq, NULL);
        expect("long insertion: one error inside, still ALT", &st, 0, b, 0, ALT, SLOW);
        bam_destroy1(b);
        b = make_read(120, "31M49S", hap_ins, 120, 80, NULL, NULL);
        expect("long insertion: clipped, ALT", &st, 0, b, 0, ALT, SLOW);
        bam_destroy1(b);
        b = make_read(120, "60M", REF, 120, 60, NULL, NULL);
        expect("long insertion: REF", &st, 0, b, 0, REF_, CLEAN);
        bam_destroy1(b);
        store_free(&st);
    }

    /* Repeat unit deletion in (CA)x6, written left and right. */
    {
        static const char *const forms[2] = { "200 TCA T", "210 ACA A" };
        char hap_tr[512];
        apply(hap_tr, 199, "TCA", "T");
        for (int f = 0; f < 2; f++) {
            store_t st;
            if (store_make(&st, 1, &forms[f]) < 0) { printf("FAIL prepare repeat\n"); return 1; }
            snprintf(what, sizeof what, "repeat %s: region (200, 212)", f ? "right" : "left");
            expect_int(what, st.vs.rprep[0]->e_lo * 1000 + st.vs.rprep[0]->e_hi, 200 * 1000 + 212);
            bam1_t *b = make_read(180, "20M2D18M", hap_tr, 180, 38, NULL, NULL);
            snprintf(what, sizeof what, "repeat %s: ALT read", f ? "right" : "left");
            expect(what, &st, 0, b, 0, ALT, CLEAN);
            bam_destroy1(b);
            b = make_read(180, "40M", REF, 180, 40, NULL, NULL);
            snprintf(what, sizeof what, "repeat %s: REF read", f ? "right" : "left");
            expect(what, &st, 0, b, 0, REF_, CLEAN);
            bam_destroy1(b);
            b = make_read(185, "20M", REF, 185, 20, NULL, NULL);
            snprintf(what, sizeof what, "repeat %s: read ending in the repeat", f ? "right" : "left");
            expect(what, &st, 0, b, 0, SKIP, CLEAN);
            bam_destroy1(b);
            store_free(&st);
        }
    }

    /* SNV, and an SNV three bases after the homopolymer deletion. */
    {
        char spec[32], alt_c = REF[112] == 'A' ? 'C' : 'A', hap_snv[512], hap_both[512];
        snprintf(spec, sizeof spec, "113 %c %c", REF[112], alt_c);
        const char *specs[1] = { spec };
        store_t st;
        if (store_make(&st, 1, specs) < 0) { printf("FAIL prepare snv\n"); return 1; }
        expect_int("snv: region is the base", st.vs.rprep[0]->e_lo * 1000 + st.vs.rprep[0]->e_hi, 112 * 1000 + 113);
        char a[2] = { alt_c, 0 }, r[2] = { REF[112], 0 };
        apply(hap_snv, 112, r, a);
        bam1_t *b = make_read(90, "40M", REF, 90, 40, NULL, NULL);
        expect("snv: REF", &st, 0, b, 0, REF_, CLEAN);
        bam_destroy1(b);
        b = make_read(90, "40M", hap_snv, 90, 40, NULL, NULL);
        expect("snv: ALT", &st, 0, b, 0, ALT, CLEAN);
        bam_destroy1(b);
        b = make_read(93, "20M", hap_snv, 93, 20, NULL, NULL);
        expect("snv: ALT on the read's last base", &st, 0, b, 0, ALT, CLEAN);
        bam_destroy1(b);
        b = make_read(90, "40M", hap_snv, 90, 40, NULL, "......................#.................");
        expect("snv: ALT base below --baq is not counted", &st, 0, b, 20, SKIP, SLOW);
        bam_destroy1(b);
        /* the deletion and the SNV on one read: the indel nearby sends it to the slow path */
        snprintf(hap_both, sizeof hap_both, "%.101s%.7s%s", hap_snv, hap_snv + 102, hap_snv + 109);
        b = make_read(80, "21M1D29M", hap_both, 80, 50, NULL, NULL);
        expect("snv next to a deletion: ALT", &st, 0, b, 0, ALT, SLOW);
        bam_destroy1(b);
        b = make_read(80, "21M1D29M", hap_alt, 80, 50, NULL, NULL);
        expect("snv next to a deletion: REF", &st, 0, b, 0, REF_, SLOW);
        bam_destroy1(b);
        store_free(&st);
    }

    /* Records at the contig's ends: windows and spans are cut there. */
    {
        char s1[32], s2[32], hap_end[512];
        snprintf(s1, sizeof s1, "1 %c %c", REF[0], REF[0] == 'A' ? 'C' : 'A');
        snprintf(s2, sizeof s2, "299 %.2s %c", REF + 298, REF[298]);
        const char *specs[2] = { s1, s2 };
        store_t st;
        if (store_make(&st, 2, specs) < 0) { printf("FAIL prepare contig ends\n"); return 1; }
        expect_int("contig start: span starts at 0", st.vs.rprep[0]->a_lo, 0);
        expect_int("contig end: span ends at the last base", st.vs.rprep[1]->a_hi, REF_LEN - 1);
        bam1_t *b = make_read(0, "30M", REF, 0, 30, NULL, NULL);
        expect("contig start: REF read", &st, 0, b, 0, REF_, ANY);
        bam_destroy1(b);
        snprintf(hap_end, sizeof hap_end, "%.299s", REF);
        b = make_read(269, "30M", hap_end, 269, 30, NULL, NULL);
        expect("contig end: read ending before the deleted last base is not counted", &st, 1, b, 0, SKIP, ANY);
        bam_destroy1(b);
        b = make_read(270, "30M", REF, 270, 30, NULL, NULL);
        expect("contig end: read with the last base is REF", &st, 1, b, 0, REF_, ANY);
        bam_destroy1(b);
        store_free(&st);
    }

    /* Random reads (every CIGAR operation, clips at both ends, N bases, low
     * qualities) against records of every kind: every kernel gives the same
     * class, which is a valid one; run under the sanitizers in CI. */
    {
        static const char *const specs[6] = { "101 CA C", "101 C CA", "113 A C", "151 T TGATTACAGG",
                                              "200 TCA T", "241 GACT G" };
        char sp[6][64];
        const char *fixed[6];
        for (int i = 0; i < 6; i++) {   /* REF from the reference, so the records are real */
            int pos1, n;
            char r[32], a[32];
            sscanf(specs[i], "%d %31s %31s", &pos1, r, a);
            n = (int)strlen(r);
            snprintf(sp[i], sizeof sp[i], "%d %.*s %c%s", pos1, n, REF + pos1 - 1, REF[pos1 - 1], a + 1);
            fixed[i] = sp[i];
        }
        store_t st;
        if (store_make(&st, 6, fixed) < 0) { printf("FAIL prepare random\n"); return 1; }
        uint32_t x = 99991;
#define RND() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
        int bad = 0, n_slow = 0;
        gbcms_opts_t o;
        gbcms_opts_init(&o);
        o.min_baseq = 10;
        gbcms_rules_t r;
        gbcms_rules_from_opts(&r, &o);
        for (int t = 0; t < 3000; t++) {
            char cigar[256] = "", seq[600], qual[600], part[32];
            int qlen = 0, rlen = 0, nops = 1 + (int)(RND() % 6);
            static const char ops[] = "MMMMIDNX=";
            if (RND() % 4 == 0) { int c = 1 + (int)(RND() % 40); snprintf(part, sizeof part, "%dS", c); strcat(cigar, part); qlen += c; }
            for (int k = 0; k < nops; k++) {
                char op = k == 0 || k == nops - 1 ? 'M' : ops[RND() % 9];
                int len = 1 + (int)(RND() % (op == 'M' ? 60 : 8));
                snprintf(part, sizeof part, "%d%c", len, op);
                strcat(cigar, part);
                if (op != 'D' && op != 'N') qlen += len;
                if (op != 'I') rlen += len;
            }
            if (RND() % 4 == 0) { int c = 1 + (int)(RND() % 40); snprintf(part, sizeof part, "%dS", c); strcat(cigar, part); qlen += c; }
            int pos0 = (int)(RND() % (unsigned)(REF_LEN - rlen > 1 ? REF_LEN - rlen : 1));
            for (int k = 0; k < qlen; k++) {
                int from = pos0 + k < REF_LEN ? pos0 + k : REF_LEN - 1;
                seq[k] = RND() % 10 ? REF[from] : "ACGTN"[RND() % 5];
                qual[k] = (char)(33 + RND() % 42);
            }
            seq[qlen] = qual[qlen] = 0;
            bam1_t *b = make_read(pos0, cigar, NULL, 0, 0, seq, qual);
            for (int vi = 0; vi < 6; vi++) {
                int got[3], slow = 0;
                for (int k = 0; k < n_kernels; k++) {
                    got[k] = gbcms_realign_classify(b, st.vs.rprep[vi], &r, kernels[k], &sc, &akw, &slow);
                    if (got[k] < 0 || got[k] > ALT || got[k] != got[0]) bad++;
                }
                n_slow += slow;
            }
            bam_destroy1(b);
        }
#undef RND
        expect_int("random reads: every kernel agrees, classes valid", bad, 0);
        if (n_slow < 100) { failed++; printf("FAIL random reads: only %d aligned\n", n_slow); } else passed++;
        store_free(&st);
    }

    /* The window grows from GBCMS_RA_WINDOW while the run reaches its edge:
     * a deletion of one A, written at either end of a run of 100 or 1,500,
     * gets the whole run as its region; in a run of 3,000 the region is cut
     * 2,500 bases from the record, on the side the run goes on. */
    {
        static const int runs[3] = { 100, 1500, 3000 };
        for (int k = 0; k < 3; k++) {
            int run = runs[k];
            make_long_reference(run);
            char specs[2][64], anchor = LONG_REF[LONG_RUN_AT - 1];
            snprintf(specs[0], sizeof specs[0], "%d %cA %c", LONG_RUN_AT, anchor, anchor);   /* left */
            snprintf(specs[1], sizeof specs[1], "%d AA A", LONG_RUN_AT + run - 1);            /* right */
            for (int f = 0; f < 2; f++) {
                gbcms_variants_t vs;
                memset(&vs, 0, sizeof vs);
                gbcms_variant_t v;
                memset(&v, 0, sizeof v);
                char r[64], a[64];
                int pos1;
                sscanf(specs[f], "%d %63s %63s", &pos1, r, a);
                v.pos = pos1 - 1;
                v.ref = r;
                v.alt = a;
                v.ref_len = (int)strlen(r);
                v.alt_len = (int)strlen(a);
                gbcms_variant_classify(&v, 0);
                vs.v = &v;
                vs.n = 1;
                if (gbcms_realign_prepare(&vs, fetch_ref, LONG_REF) < 0) {
                    failed++;
                    printf("FAIL long run prepare\n");
                    continue;
                }
                const gbcms_rprep_t *p = vs.rprep[0];
                /* the window is cut at 2,500 bases each side of the record */
                long lo = run <= 1500 ? LONG_RUN_AT : f == 0 ? LONG_RUN_AT : (long)v.pos - GBCMS_RA_WINDOW_MAX;
                long hi = run <= 1500 ? LONG_RUN_AT + run : f == 0 ? (long)v.pos + v.ref_len + GBCMS_RA_WINDOW_MAX
                                                                  : LONG_RUN_AT + run;
                snprintf(what, sizeof what, "run of %d A, %s deletion: event region start", run, f ? "right" : "left");
                expect_int(what, p->e_lo, lo);
                snprintf(what, sizeof what, "run of %d A, %s deletion: event region end", run, f ? "right" : "left");
                expect_int(what, p->e_hi, hi);
                free(vs.rprep[0]);
                free(vs.rprep);
            }
        }
    }

    /* The decision rule itself. */
    {
        uint16_t c1[2] = { 40, 30 }, c2[2] = { 30, 40 }, c3[2] = { 39, 30 }, c4[2] = { 30, 39 };
        expect_int("decide: ALT at exactly T", gbcms_realign_decide(c1, 1, 1, 0), ALT);
        expect_int("decide: REF at exactly T", gbcms_realign_decide(c2, 1, 1, 0), REF_);
        expect_int("decide: below T spanning is DP", gbcms_realign_decide(c3, 1, 1, 0), DP);
        expect_int("decide: below T not spanning is not counted", gbcms_realign_decide(c4, 1, 0, 0), SKIP);
        expect_int("decide: below T with a masked base is not counted", gbcms_realign_decide(c3, 1, 1, 1), SKIP);
        uint16_t s1[3] = { 50, 20, 10 }, s2[3] = { 50, 10, 10 }, s3[3] = { 10, 30, 15 };
        expect_int("decide: a sibling fits better: DP", gbcms_realign_decide(s1, 2, 1, 0), DP);
        expect_int("decide: tie with a sibling: ALT", gbcms_realign_decide(s2, 2, 1, 0), ALT);
        expect_int("decide: REF must beat every sibling by T", gbcms_realign_decide(s3, 2, 1, 0), DP);
    }

    gbcms_ra_scratch_free(&sc);
    gbcms_ak_work_free(&akw);
    sam_hdr_destroy(hdr);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
