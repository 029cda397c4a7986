/* Per-read truth table for counting.md sections 2-4: one hand-written
 * alignment per case and the class it must get.
 *
 * Reference chr1 (1-based positions): the variant sits at POS 21, where the
 * reference reads A C G T G (POS 21..25).  A read is written as POS, CIGAR
 * and a sequence pattern in which '.' is the reference base (aligned) or
 * 'A' (inserted/clipped); other letters are the read's own bases.  Quality
 * patterns: '.' is Q40, other characters are Phred+33 literals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/sam.h>
#include "gbcms/count.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"

static const char *REFSEQ = "GATTACAGATTACAGATTAC" "ACGTGCATCA" "TGCATGCATGCATGCATGCATGCATGCATG";

enum { SKIP = GBCMS_READ_SKIP, DP = GBCMS_READ_DP, REF = GBCMS_READ_REF, ALT = GBCMS_READ_ALT };
enum { DEF = 0, GEN = 1, NOFA = 2 };   /* default rules, --generic-counting, no --fasta */

typedef struct {
    const char *name;
    int mode, baq;
    const char *var;        /* "POS REF ALT" */
    int pos1;
    const char *cigar, *seq, *qual;
    int expect;
} tcase_t;

static const tcase_t cases[] = {
    /* SNV: the read base at p */
    { "snv ref base", DEF, 0, "21 A G", 11, "20M", NULL, NULL, REF },
    { "snv alt base", DEF, 0, "21 A G", 11, "20M", "..........G.........", NULL, ALT },
    { "snv third base is DP only", DEF, 0, "21 A G", 11, "20M", "..........T.........", NULL, DP },
    { "snv N base is DP only", DEF, 0, "21 A G", 11, "20M", "..........N.........", NULL, DP },
    { "snv deletion over p is DP only", DEF, 0, "21 A G", 11, "10M2D8M", NULL, NULL, DP },
    { "snv N-skip over p is DP only", DEF, 0, "21 A G", 11, "10M5N10M", NULL, NULL, DP },
    { "snv soft clip over p does not cover", DEF, 0, "21 A G", 22, "10S10M", NULL, NULL, SKIP },
    { "snv read ending before p", DEF, 0, "21 A G", 1, "20M", NULL, NULL, SKIP },
    { "snv read starting at p", DEF, 0, "21 A G", 21, "10M", "G.........", NULL, ALT },
    { "snv read ending at p", DEF, 0, "21 A G", 12, "10M", ".........G", NULL, ALT },
    { "snv =/X CIGAR is aligned", DEF, 0, "21 A G", 11, "10=1X9=", "..........G.........", NULL, ALT },
    { "snv adjacent insertion does not matter", DEF, 0, "21 A G", 11, "10M2I10M", "..........TTG.........", NULL, ALT },
    { "snv base quality below --baq", DEF, 20, "21 A G", 11, "20M", "..........G.........", "..........#.........", SKIP },
    { "snv base quality equal to --baq is kept", DEF, 20, "21 A G", 11, "20M", "..........G.........", "..........5.........", ALT },
    { "snv low-quality third base removed", DEF, 20, "21 A G", 11, "20M", "..........T.........", "..........#.........", SKIP },
    { "snv low quality elsewhere does not matter", DEF, 20, "21 A G", 11, "20M", "..........G.........", "##########.#########", ALT },
    { "snv deletion over p skips quality", DEF, 20, "21 A G", 11, "10M2D8M", NULL, "##################", DP },
    { "snv QUAL * at --baq 0", DEF, 0, "21 A G", 11, "20M", "..........G.........", "*", ALT },
    { "snv lower-case ALT in VCF", DEF, 0, "21 a g", 11, "20M", "..........G.........", NULL, ALT },

    /* MNV: all bases inside one aligned stretch */
    { "mnv ref", DEF, 0, "21 AC GT", 11, "20M", NULL, NULL, REF },
    { "mnv alt", DEF, 0, "21 AC GT", 11, "20M", "..........GT........", NULL, ALT },
    { "mnv half alt is DP only", DEF, 0, "21 AC GT", 11, "20M", "..........GC........", NULL, DP },
    { "mnv read starting inside is DP only", DEF, 0, "21 AC GT", 22, "20M", NULL, NULL, DP },
    { "mnv read ending inside is DP only", DEF, 0, "21 AC GT", 2, "20M", NULL, NULL, DP },
    { "mnv insertion inside is DP only", DEF, 0, "21 AC GT", 11, "11M1I8M", "..........GTT.......", NULL, DP },
    { "mnv deletion at p is DP only", DEF, 0, "21 AC GT", 11, "10M1D9M", NULL, NULL, DP },
    { "mnv =/X stretch counts as one", DEF, 0, "21 AC GT", 11, "10=2X8=", "..........GT........", NULL, ALT },
    { "mnv lowest base quality decides", DEF, 20, "21 AC GT", 11, "20M", "..........GT........", "...........#........", SKIP },
    { "mnv partial read skips quality", DEF, 20, "21 AC GT", 22, "20M", NULL, "####################", DP },
    { "mnv 3 bases alt", DEF, 0, "21 ACG TTA", 11, "20M", "..........TTA.......", NULL, ALT },

    /* Insertion, default (DMP) rule */
    { "ins alt", DEF, 0, "21 A AT", 11, "11M1I8M", "...........T........", NULL, ALT },
    { "ins wrong sequence is DP only", DEF, 0, "21 A AT", 11, "11M1I8M", "...........G........", NULL, DP },
    { "ins wrong length is DP only", DEF, 0, "21 A AT", 11, "11M2I7M", "...........TT.......", NULL, DP },
    { "ins ref: base at p+1 matches FASTA", DEF, 0, "21 A AT", 11, "20M", NULL, NULL, REF },
    { "ins N at p+1 is DP only", DEF, 0, "21 A AT", 11, "20M", "...........N........", NULL, DP },
    { "ins read ending at the anchor is not counted", DEF, 0, "21 A AT", 2, "20M", NULL, NULL, SKIP },
    { "ins soft clip after the anchor is not counted", DEF, 0, "21 A AT", 11, "11M9S", NULL, NULL, SKIP },
    { "ins N-skip after the anchor is not counted", DEF, 0, "21 A AT", 11, "11M20N9M", NULL, NULL, SKIP },
    { "ins read starting at p+1 is ref", DEF, 0, "21 A AT", 22, "20M", NULL, NULL, REF },
    { "ins read starting after p+1 is not considered", DEF, 0, "21 A AT", 23, "20M", NULL, NULL, SKIP },
    { "ins read ending before p is not considered", DEF, 0, "21 A AT", 1, "20M", NULL, NULL, SKIP },
    { "ins deletion at the anchor is DP only", DEF, 0, "21 A AT", 11, "11M1D9M", NULL, NULL, DP },
    { "ins shifted left: p+1 decides", DEF, 0, "21 A AT", 11, "10M1I10M", "..........T..........", NULL, REF },
    { "ins anchor quality below --baq", DEF, 20, "21 A AT", 11, "11M1I8M", "...........T........", "..........#.........", SKIP },
    { "ins inserted base quality is not checked", DEF, 20, "21 A AT", 11, "11M1I8M", "...........T........", "...........#........", ALT },
    { "ins ref with low quality at p+1", DEF, 20, "21 A AT", 11, "20M", NULL, "...........#........", SKIP },
    { "ins wrong sequence skips quality", DEF, 20, "21 A AT", 11, "11M1I8M", "...........G........", "..........#.........", DP },
    { "ins without FASTA: any base at p+1 is ref", NOFA, 0, "21 A AT", 11, "20M", "...........G........", NULL, REF },
    { "complex TG>CTAG-like: counted as its length difference", DEF, 0, "21 AC TTG", 11, "11M1I8M", "...........G........", NULL, ALT },

    /* Deletion, default (DMP) rule */
    { "del alt", DEF, 0, "21 AC A", 11, "11M1D8M", NULL, NULL, ALT },
    { "del wrong length is DP only", DEF, 0, "21 AC A", 11, "11M2D7M", NULL, NULL, DP },
    { "del ref", DEF, 0, "21 AC A", 11, "20M", NULL, NULL, REF },
    { "del other base at p+1 is DP only", DEF, 0, "21 AC A", 11, "20M", "...........G........", NULL, DP },
    { "del shifted right: p+1 decides", DEF, 0, "21 AC A", 11, "12M1D7M", NULL, NULL, REF },
    { "del shifted left: p+1 decides", DEF, 0, "21 AC A", 11, "10M1D9M", NULL, NULL, REF },
    { "del over p+1 is DP only", DEF, 0, "21 AC A", 11, "9M3D8M", NULL, NULL, DP },
    { "del read ending at the anchor is not counted", DEF, 0, "21 AC A", 2, "20M", NULL, NULL, SKIP },
    { "del =/X CIGAR", DEF, 0, "21 AC A", 11, "11=1D8=", NULL, NULL, ALT },
    { "del X at the anchor joins the stretch", DEF, 0, "21 AC A", 11, "10=1X1D8=", "..........T........", NULL, ALT },
    { "del insertion at the anchor is DP only", DEF, 0, "21 AC A", 11, "11M1I8M", "...........T........", NULL, DP },
    { "del without FASTA uses REF[1]", NOFA, 0, "21 AC A", 11, "20M", NULL, NULL, REF },

    /* --generic-counting */
    { "gen snv alt", GEN, 0, "21 A G", 11, "20M", "..........G.........", NULL, ALT },
    { "gen snv insertion after p joins the allele", GEN, 0, "21 A G", 11, "11M1I8M", "..........GT........", NULL, DP },
    { "gen snv insertion before p joins the allele", GEN, 0, "21 A G", 11, "10M1I10M", "..........TG.........", NULL, DP },
    { "gen del alt", GEN, 0, "21 ACG A", 11, "11M2D7M", NULL, NULL, ALT },
    { "gen del ref", GEN, 0, "21 ACG A", 11, "20M", NULL, NULL, REF },
    { "gen del read starting after p is partial", GEN, 0, "21 ACG A", 22, "20M", NULL, NULL, DP },
    { "gen del read ending before e is partial", GEN, 0, "21 ACG A", 3, "20M", NULL, NULL, DP },
    { "gen del deletion past e is unknown", GEN, 0, "21 ACG A", 11, "11M3D6M", NULL, NULL, DP },
    { "gen del shifted deletion past e is unknown", GEN, 0, "21 ACG A", 11, "12M2D6M", NULL, NULL, DP },
    { "gen ins alt", GEN, 0, "21 A AT", 11, "11M1I8M", "...........T........", NULL, ALT },
    { "gen ins ref", GEN, 0, "21 A AT", 11, "20M", NULL, NULL, REF },
    { "gen ins wrong sequence", GEN, 0, "21 A AT", 11, "11M1I8M", "...........G........", NULL, DP },
    { "gen ins read ending at p has no insertion", GEN, 0, "21 A AT", 2, "20M", NULL, NULL, REF },
    { "gen ins inserted base quality counts", GEN, 20, "21 A AT", 11, "11M1I8M", "...........T........", "...........#........", SKIP },
    { "gen partial read still meets --baq", GEN, 20, "21 ACG A", 22, "20M", NULL, "#...................", SKIP },
    { "gen mnv alt", GEN, 0, "21 AC GT", 11, "20M", "..........GT........", NULL, ALT },
    { "gen read not reaching the window", GEN, 0, "21 ACG A", 24, "10M", NULL, NULL, SKIP },
};

/* Expand a pattern along the CIGAR into SEQ; returns 0 or -1. */
static int expand_seq(int pos1, const char *cigar, const char *pat, char *out, size_t cap)
{
    size_t q = 0;
    int r = pos1 - 1;
    for (const char *c = cigar; *c;) {
        char *end;
        long len = strtol(c, &end, 10);
        char op = *end;
        c = end + 1;
        for (long k = 0; k < len; k++) {
            if (op == 'M' || op == '=' || op == 'X') {
                if (q + 1 >= cap) return -1;
                char p = pat ? pat[q] : '.';
                out[q++] = p == '.' ? REFSEQ[r] : p;
                r++;
            } else if (op == 'I' || op == 'S') {
                if (q + 1 >= cap) return -1;
                char p = pat ? pat[q] : '.';
                out[q++] = p == '.' ? 'A' : p;
            } else if (op == 'D' || op == 'N') {
                r++;
            }
        }
    }
    out[q] = 0;
    if (pat && strlen(pat) != q) return -1;
    return 0;
}

static bam1_t *make_read(sam_hdr_t *h, int pos1, const char *cigar, const char *pat,
                         const char *qpat, int flag)
{
    char seq[512], qual[512], line[2048];
    if (expand_seq(pos1, cigar, pat, seq, sizeof seq) < 0) return NULL;
    size_t n = strlen(seq);
    if (qpat && strcmp(qpat, "*") == 0) strcpy(qual, "*");
    else {
        if (qpat && strlen(qpat) != n) return NULL;
        for (size_t i = 0; i < n; i++) qual[i] = (!qpat || qpat[i] == '.') ? 'I' : qpat[i];
        qual[n] = 0;
    }
    snprintf(line, sizeof line, "r\t%d\tchr1\t%d\t60\t%s\t*\t0\t0\t%s\t%s", flag, pos1, cigar, seq, qual);
    kstring_t ks = { strlen(line), sizeof line, line };
    bam1_t *b = bam_init1();
    if (sam_parse1(&ks, h, b) < 0) { bam_destroy1(b); return NULL; }
    return b;
}

static void make_variant(gbcms_variant_t *v, const char *spec, int mode, char *ref, char *alt)
{
    int pos1;
    sscanf(spec, "%d %63s %63s", &pos1, ref, alt);
    for (char *c = ref; *c; c++) *c = (char)(*c & ~0x20);   /* the loader upper-cases */
    for (char *c = alt; *c; c++) *c = (char)(*c & ~0x20);
    memset(v, 0, sizeof *v);
    v->pos = pos1 - 1;
    v->ref = ref;
    v->alt = alt;
    v->ref_len = (int)strlen(ref);
    v->alt_len = (int)strlen(alt);
    gbcms_variant_classify(v, mode == GEN);
    v->ref_next = mode == NOFA ? (v->ref_len > 1 ? ref[1] : 0) : REFSEQ[v->pos + 1];
}

typedef struct {
    const char *name;
    int flag, mapq;
    const char *cigar, *qual;
    const char *setting;    /* option to switch on, or NULL */
    int baq;
    int expect;             /* 1 passes, 0 filtered */
} fcase_t;

static const fcase_t filters[] = {
    { "plain read passes", 0, 60, "20M", NULL, NULL, 0, 1 },
    { "unmapped is always ignored", 0x4, 60, "20M", NULL, NULL, 0, 0 },
    { "MAPQ below --maq", 0, 19, "20M", NULL, NULL, 0, 0 },
    { "MAPQ equal to --maq passes", 0, 20, "20M", NULL, NULL, 0, 1 },
    { "duplicate dropped by default", 0x400, 60, "20M", NULL, NULL, 0, 0 },
    { "duplicate kept with --filter_duplicate 0", 0x400, 60, "20M", NULL, "nodup", 0, 1 },
    { "QC-fail kept by default", 0x200, 60, "20M", NULL, NULL, 0, 1 },
    { "QC-fail dropped with --filter_qc_failed", 0x200, 60, "20M", NULL, "qc", 0, 0 },
    { "improper pair kept by default", 0x1, 60, "20M", NULL, NULL, 0, 1 },
    { "improper pair dropped with --filter_improper_pair", 0x1, 60, "20M", NULL, "improper", 0, 0 },
    { "proper pair passes --filter_improper_pair", 0x3, 60, "20M", NULL, "improper", 0, 1 },
    { "secondary kept by default", 0x100, 60, "20M", NULL, NULL, 0, 1 },
    { "secondary dropped with --filter_non_primary", 0x100, 60, "20M", NULL, "nonprimary", 0, 0 },
    { "supplementary dropped with --filter_non_primary", 0x800, 60, "20M", NULL, "nonprimary", 0, 0 },
    { "insertion dropped with --filter_indel", 0, 60, "10M1I9M", NULL, "indel", 0, 0 },
    { "deletion dropped with --filter_indel", 0, 60, "10M1D10M", NULL, "indel", 0, 0 },
    { "N-skip kept with --filter_indel", 0, 60, "10M5N10M", NULL, "indel", 0, 1 },
    { "QUAL * passes at --baq 0", 0, 60, "20M", "*", NULL, 0, 1 },
    { "QUAL * ignored at --baq 1", 0, 60, "20M", "*", NULL, 1, 0 },
};

int main(void)
{
    const char *htxt = "@SQ\tSN:chr1\tLN:60\n";
    sam_hdr_t *h = sam_hdr_parse(strlen(htxt), htxt);
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const tcase_t *t = &cases[i];
        gbcms_opts_t o;
        gbcms_opts_init(&o);
        o.min_baseq = t->baq;
        o.generic_counting = t->mode == GEN;
        gbcms_rules_t r;
        gbcms_rules_from_opts(&r, &o);
        char ref[64], alt[64];
        gbcms_variant_t v;
        make_variant(&v, t->var, t->mode, ref, alt);
        bam1_t *b = make_read(h, t->pos1, t->cigar, t->seq, t->qual, 0);
        if (!b) { printf("FAIL %s: bad test read\n", t->name); failed++; continue; }
        int got = gbcms_read_passes(b, &r) ? (int)gbcms_classify(b, &v, &r) : -1;
        static const char *names[] = { "SKIP", "DP", "REF", "ALT" };
        if (got == t->expect) passed++;
        else {
            printf("FAIL %s: expected %s, got %s\n", t->name, names[t->expect], got < 0 ? "filtered" : names[got]);
            failed++;
        }
        bam_destroy1(b);
    }
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        const fcase_t *t = &filters[i];
        gbcms_opts_t o;
        gbcms_opts_init(&o);
        o.min_baseq = t->baq;
        if (t->setting) {
            if (!strcmp(t->setting, "nodup")) o.filter_duplicate = 0;
            else if (!strcmp(t->setting, "qc")) o.filter_qc_failed = 1;
            else if (!strcmp(t->setting, "improper")) o.filter_improper_pair = 1;
            else if (!strcmp(t->setting, "nonprimary")) o.filter_non_primary = 1;
            else if (!strcmp(t->setting, "indel")) o.filter_indel = 1;
        }
        gbcms_rules_t r;
        gbcms_rules_from_opts(&r, &o);
        bam1_t *b = make_read(h, 11, t->cigar, NULL, t->qual, t->flag);
        if (!b) { printf("FAIL %s: bad test read\n", t->name); failed++; continue; }
        b->core.qual = (uint8_t)t->mapq;
        int got = gbcms_read_passes(b, &r);
        if (got == t->expect) passed++;
        else { printf("FAIL %s: expected %s\n", t->name, t->expect ? "pass" : "filtered"); failed++; }
        bam_destroy1(b);
    }
    sam_hdr_destroy(h);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
