/* Property test: gbcms, end to end, against a second and deliberately simple
 * implementation of counting.md written here (no code shared with src/).
 *
 * Each round, from one seed (printed on any failure), generates:
 *   reference  three contigs of 30-220 bp, partly lower case, as FASTA + .fai;
 *   variants   SNV, MNV, insertion, deletion, "complex" indels, multi-allelic
 *              records, identical duplicates, lower-case alleles and REFs that
 *              differ from the FASTA; in clusters (reads span several) and at
 *              both ends of each contig; the VCF is written in shuffled order;
 *   reads      two samples, BAMs whose headers list the contigs in different
 *              orders; CIGARs of M = X I D N S H; bases mostly the reference,
 *              some the ALT, some random or N; random qualities, or '*'; random
 *              MAPQ and flags (duplicate, QC-fail, secondary, supplementary,
 *              unmapped, improper, mate 1/2, reverse); mates share a name and
 *              often overlap, agreeing or not.  Many reads are placed against
 *              one variant on purpose: starting at p, p+1 or the window's last
 *              base, ending at p or at the window's end, or with an aligned
 *              stretch ending exactly at p followed by the variant's own
 *              insertion/deletion, another one, a clip, a skip or nothing.
 * gbcms_run() counts the set (TSV output) once per option set: default, no
 * FASTA, --generic_counting (with and without --baq), --baq 20, --maq 0 and
 * 30, each read filter, --fragment_count with and without the fractional
 * weight, all filters at once; each with threads 1 or 3, random block size
 * and distance (often 1) and GBCMS_SEEK_GAP unset, 0 or huge.  Every counter
 * of every output row must equal the model's: the model takes every read
 * against every variant, walks each CIGAR base by base, and has no bounds.
 * Coverage counters at the end check that the generator keeps producing the
 * cases that matter (e.g. indel reads starting at p+1 that count).
 *
 * On a mismatch it prints the seed, the option set, the variant, both
 * answers, and the read(s) that reproduce the mismatch on their own (SAM
 * lines), found by re-running gbcms on one read at a time; then it exits 1.
 *
 * Usage: test_property WORKDIR [ROUNDS [FIRST_SEED]]
 * (GBCMS_PROPERTY_ROUNDS in the environment overrides ROUNDS.)
 *
 * Known divergence, not compared unless GBCMS_PROPERTY_STRICT=1: without
 * --fasta, counting.md counts every read with an aligned base at p+1 as REF
 * for any insertion; src/variants.c compares with REF[1] when REF is longer
 * than one base (a "complex" insertion such as AC>TTG). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <htslib/faidx.h>
#include <htslib/sam.h>
#include "gbcms/log.h"
#include "gbcms/opts.h"
#include "gbcms/run.h"

/* ---- random numbers (splitmix64) ---- */

static uint64_t rng;

static uint64_t rnd64(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rnd(int n) { return (int)(rnd64() % (uint64_t)n); }   /* 0 .. n-1 */
static int rnd_in(int lo, int hi) { return lo + rnd(hi - lo + 1); }
static int chance(double p) { return (double)(rnd64() >> 11) * 0x1.0p-53 < p; }
static char rnd_base(void) { return "ACGT"[rnd(4)]; }

/* ---- the generated world ---- */

#define N_CTG 3
#define MAX_CTG_LEN 220
#define MAX_ALLELE 12
#define MAX_RECS 120
#define MAX_VARS (MAX_RECS * 4)   /* up to four ALTs a record */
#define MAX_OPS 32
#define MAX_SEQ 200
#define MAX_READS 1500

typedef struct {
    char name[8];
    char seq[MAX_CTG_LEN + 1];   /* as written to the FASTA (mixed case) */
    int len;
} contig_t;

typedef struct {                 /* one VCF record */
    int tid, pos;                /* contig index, 0-based p */
    char id[16], ref[MAX_ALLELE];
    char alt[4][MAX_ALLELE];
    int n_alt;
} record_t;

typedef struct {                 /* one variant (one ALT of a record) */
    int tid, pos;
    char ref[MAX_ALLELE], alt[MAX_ALLELE];          /* upper case: what is counted */
    char out_ref[MAX_ALLELE], out_alt[MAX_ALLELE];  /* as written in the VCF */
    char id[16];
    int ref_len, alt_len;
    int order;                   /* input order */
} var_t;

typedef struct {
    char name[24];
    int flag, mapq, tid, pos;
    int n_ops;
    char op[MAX_OPS];            /* M = X I D N S H */
    int len[MAX_OPS];
    char seq[MAX_SEQ + 1];
    int l_seq;
    int qual[MAX_SEQ];
    int has_qual;                /* 0: QUAL is '*' */
    int order;                   /* generation order, the tie-break of the sort */
} read_t;

static contig_t ctg[N_CTG];
static record_t recs[MAX_RECS];
static int n_recs;
static var_t vars[MAX_VARS];
static int n_vars;
static read_t reads[2][MAX_READS];
static int n_reads[2];
static int hdr_order[2][N_CTG];   /* header position -> contig index, per sample */
static int frag_serial;

static int ctg_rank0(int tid)     /* position of a contig in the first BAM's header */
{
    for (int k = 0; k < N_CTG; k++)
        if (hdr_order[0][k] == tid) return k;
    return -1;
}

static char ref_base(int tid, int x)
{
    return (char)toupper((unsigned char)ctg[tid].seq[x]);
}

/* ---- the model: counting.md, read by read, variant by variant ---- */

enum { M_SKIP = 0, M_DP, M_REF, M_ALT };
static const char *class_name[] = { "not counted", "DP only", "REF", "ALT" };

typedef struct {
    const char *name;
    int fasta, generic, baq, maq;
    int dup, qc, improper, indel, nonprimary;
    int frag, fractional;
    int threads, block_size, block_dist;
    const char *seek_gap;        /* GBCMS_SEEK_GAP, or NULL for unset */
} cfg_t;

typedef struct {
    long dp, rd, ad, dpp, rdp, adp, dpf, rdf2, adf2;   /* fragment REF/ALT doubled */
} cnt_t;

static int is_aligned_op(char op) { return op == 'M' || op == '=' || op == 'X'; }
static int ref_consuming(char op) { return is_aligned_op(op) || op == 'D' || op == 'N'; }

static int read_end(const read_t *r)   /* last reference base covered */
{
    int e = r->pos - 1;
    for (int i = 0; i < r->n_ops; i++)
        if (ref_consuming(r->op[i])) e += r->len[i];
    return e;
}

/* Section 2: a read failing any filter is ignored completely. */
static int model_read_used(const read_t *r, const cfg_t *c)
{
    if (r->flag & 0x4) return 0;
    if (r->mapq < c->maq) return 0;
    if (c->dup && (r->flag & 0x400)) return 0;
    if (c->qc && (r->flag & 0x200)) return 0;
    if (c->improper && !(r->flag & 0x2)) return 0;
    if (c->nonprimary && (r->flag & (0x100 | 0x800))) return 0;
    if (c->indel)
        for (int i = 0; i < r->n_ops; i++)
            if (r->op[i] == 'I' || r->op[i] == 'D') return 0;
    if (!r->has_qual && c->baq > 0) return 0;
    return 1;
}

/* The CIGAR as a list of operations where consecutive M/=/X are merged into
 * one aligned stretch ("= and X are aligned bases exactly like M"), each with
 * where it starts on the reference and in the read. */
typedef struct {
    char op;                    /* 'A' aligned stretch, or I D N S H */
    int len, rs, qs;
} step_t;

static int steps_of(const read_t *r, step_t *st)
{
    int n = 0, rs = r->pos, qs = 0;
    for (int i = 0; i < r->n_ops; i++) {
        char op = is_aligned_op(r->op[i]) ? 'A' : r->op[i];
        if (n > 0 && op == 'A' && st[n - 1].op == 'A') st[n - 1].len += r->len[i];
        else st[n++] = (step_t){ op, r->len[i], rs, qs };
        if (ref_consuming(r->op[i])) rs += r->len[i];
        if (is_aligned_op(r->op[i]) || r->op[i] == 'I' || r->op[i] == 'S') qs += r->len[i];
    }
    return n;
}

/* Which step holds reference base x: its index, and in *q the read index
 * of the base when the step is aligned (-1 for D/N).  -1 if not covered. */
static int step_at(const step_t *st, int n, int x, int *q)
{
    for (int i = 0; i < n; i++) {
        if (st[i].op != 'A' && st[i].op != 'D' && st[i].op != 'N') continue;
        if (x < st[i].rs || x >= st[i].rs + st[i].len) continue;
        *q = st[i].op == 'A' ? st[i].qs + (x - st[i].rs) : -1;
        return i;
    }
    return -1;
}

static int low_quality(const read_t *r, int q, const cfg_t *c)
{
    return r->has_qual && r->qual[q] < c->baq;
}

/* Reference base at p+1 as the contract defines it: from --fasta; without
 * it REF[1] for a deletion, and "any base" (0) for an insertion. */
static char model_ref_next(const var_t *v, const cfg_t *c)
{
    if (c->fasta) return v->pos + 1 < ctg[v->tid].len ? ref_base(v->tid, v->pos + 1) : 0;
    return v->ref_len > v->alt_len ? v->ref[1] : 0;
}

static int model_snv(const read_t *r, const var_t *v, const cfg_t *c, const step_t *st, int n)
{
    int p = v->pos, q;
    if (r->pos > p || read_end(r) < p) return M_SKIP;   /* does not cover p */
    if (step_at(st, n, p, &q) < 0 || q < 0) return M_DP;   /* p in a D or N */
    if (low_quality(r, q, c)) return M_SKIP;
    if (r->seq[q] == v->ref[0]) return M_REF;
    if (r->seq[q] == v->alt[0]) return M_ALT;
    return M_DP;
}

static int model_mnv(const read_t *r, const var_t *v, const cfg_t *c, const step_t *st, int n)
{
    int p = v->pos, len = v->ref_len, q0;
    if (r->pos > p + len - 1 || read_end(r) < p) return M_SKIP;
    int s0 = step_at(st, n, p, &q0);
    if (s0 < 0 || q0 < 0) return M_DP;
    for (int k = 1; k < len; k++) {   /* every base in the same aligned stretch */
        int q, s = step_at(st, n, p + k, &q);
        if (s != s0) return M_DP;
    }
    for (int k = 0; k < len; k++)
        if (low_quality(r, q0 + k, c)) return M_SKIP;
    if (strncmp(r->seq + q0, v->ref, (size_t)len) == 0) return M_REF;
    if (strncmp(r->seq + q0, v->alt, (size_t)len) == 0) return M_ALT;
    return M_DP;
}

/* Insertions and deletions, the "DMP" rule. */
static int model_indel(const read_t *r, const var_t *v, const cfg_t *c, const step_t *st, int n)
{
    int p = v->pos;
    if (r->pos > p + 1 || read_end(r) < p) return M_SKIP;
    /* 1. an aligned stretch ends exactly at p: the next operation decides */
    for (int i = 0; i < n; i++) {
        if (st[i].op != 'A' || st[i].rs + st[i].len - 1 != p) continue;
        int qa = st[i].qs + st[i].len - 1;
        char next = i + 1 < n ? st[i + 1].op : 0;
        if (next == 'I') {
            int want = v->alt_len - v->ref_len, ilen = st[i + 1].len;
            if (want > 0 && ilen == want &&
                strncmp(r->seq + st[i + 1].qs, v->alt + v->ref_len, (size_t)ilen) == 0)
                return low_quality(r, qa, c) ? M_SKIP : M_ALT;
            return M_DP;
        }
        if (next == 'D') {
            int want = v->ref_len - v->alt_len;
            if (want > 0 && st[i + 1].len == want) return low_quality(r, qa, c) ? M_SKIP : M_ALT;
            return M_DP;
        }
        return M_SKIP;   /* S, H, N or the end of the read after the anchor */
    }
    /* 2. an aligned stretch holds p+1 */
    int q;
    if (step_at(st, n, p + 1, &q) >= 0 && q >= 0) {
        if (low_quality(r, q, c)) return M_SKIP;
        char want = model_ref_next(v, c);
        return want == 0 || r->seq[q] == want ? M_REF : M_DP;
    }
    return M_DP;   /* 3. otherwise */
}

/* --generic-counting: the read's allele over the window [p, e].
 * Insertions are taken while the reference cursor is in [p, e+1]: the one
 * right before p and the one right after e included, none further on. */
static int model_generic(const read_t *r, const var_t *v, const cfg_t *c, const step_t *st, int n)
{
    int p = v->pos, e = v->pos + v->ref_len - 1, end = read_end(r);
    if (r->pos > e || end < p) return M_SKIP;
    int partial = r->pos > p || end < e, unknown = 0;
    char allele[MAX_SEQ + 1];
    int k = 0, minq = 1000;
    for (int i = 0; i < n; i++) {
        const step_t *s = &st[i];
        if (s->rs > e && s->op != 'I') break;   /* the first operation after e */
        if (s->op == 'A') {
            for (int j = 0; j < s->len; j++) {
                int x = s->rs + j;
                if (x < p || x > e) continue;
                allele[k++] = r->seq[s->qs + j];
                if (r->has_qual && r->qual[s->qs + j] < minq) minq = r->qual[s->qs + j];
            }
        } else if (s->op == 'I') {
            if (s->rs < p || s->rs > e + 1) continue;
            for (int j = 0; j < s->len; j++) {
                allele[k++] = r->seq[s->qs + j];
                if (r->has_qual && r->qual[s->qs + j] < minq) minq = r->qual[s->qs + j];
            }
        } else if (s->op == 'D' || s->op == 'N') {
            if (s->rs >= p && s->rs <= e && s->rs + s->len - 1 > e) unknown = 1;
        }
    }
    allele[k] = 0;
    if (minq < c->baq) return M_SKIP;
    if (partial || unknown) return M_DP;
    if (strcmp(allele, v->ref) == 0) return M_REF;
    if (strcmp(allele, v->alt) == 0) return M_ALT;
    return M_DP;
}

static int model_class(const read_t *r, const var_t *v, const cfg_t *c)
{
    if (r->tid != v->tid || !model_read_used(r, c)) return M_SKIP;
    step_t st[MAX_OPS];
    int n = steps_of(r, st);
    if (c->generic) return model_generic(r, v, c, st, n);
    if (v->ref_len == v->alt_len) return v->ref_len == 1 ? model_snv(r, v, c, st, n) : model_mnv(r, v, c, st, n);
    return model_indel(r, v, c, st, n);
}

/* Coverage: cases the generator must keep producing. */
enum { COV_SNV, COV_MNV, COV_INS, COV_DEL, COV_GEN, N_COV_TYPES };
static long cov[N_COV_TYPES][4];
static long cov_start_p, cov_indel_start_p1, cov_end_p, cov_frag_both, cov_frag_multi;

static int mate_of(const read_t *r) { return (r->flag & 0x40) ? 1 : 2; }

/* Section 5, by brute force over the classified reads. */
static void model_fragments(const read_t *rs, const int *cls, int n, int fractional, cnt_t *out)
{
    for (int i = 0; i < n; i++) {
        if (cls[i] == M_SKIP) continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = cls[j] != M_SKIP && strcmp(rs[i].name, rs[j].name) == 0;
        if (seen) continue;
        int n1 = 0, n2 = 0, has_ref = 0, has_alt = 0;
        for (int j = i; j < n; j++) {
            if (cls[j] == M_SKIP || strcmp(rs[i].name, rs[j].name) != 0) continue;
            n1 += mate_of(&rs[j]) == 1;
            n2 += mate_of(&rs[j]) == 2;
            has_ref |= cls[j] == M_REF;
            has_alt |= cls[j] == M_ALT;
        }
        out->dpf++;
        if (n1 > 1 || n2 > 1) { cov_frag_multi++; continue; }
        if (has_ref && has_alt) { out->rdf2 += fractional; out->adf2 += fractional; cov_frag_both++; }
        else if (has_ref) out->rdf2 += 2;
        else if (has_alt) out->adf2 += 2;
    }
}

static void model_counts(int s, const var_t *v, const cfg_t *c, cnt_t *out, int *cls)
{
    memset(out, 0, sizeof *out);
    int t = c->generic ? COV_GEN : v->ref_len == v->alt_len ? (v->ref_len == 1 ? COV_SNV : COV_MNV)
                                 : v->alt_len > v->ref_len ? COV_INS : COV_DEL;
    for (int i = 0; i < n_reads[s]; i++) {
        const read_t *r = &reads[s][i];
        int k = cls[i] = model_class(r, v, c);
        if (r->tid == v->tid && model_read_used(r, c)) cov[t][k]++;
        if (k == M_SKIP) continue;
        int pos_strand = !(r->flag & 0x10);
        out->dp++; out->dpp += pos_strand;
        if (k == M_REF) { out->rd++; out->rdp += pos_strand; }
        if (k == M_ALT) { out->ad++; out->adp += pos_strand; }
        cov_start_p += r->pos == v->pos;
        cov_end_p += read_end(r) == v->pos;
        cov_indel_start_p1 += (t == COV_INS || t == COV_DEL) && r->pos == v->pos + 1;
    }
    if (c->frag) model_fragments(reads[s], cls, n_reads[s], c->fractional, out);
}

/* ---- generation ---- */

static void gen_reference(void)
{
    for (int t = 0; t < N_CTG; t++) {
        contig_t *g = &ctg[t];
        snprintf(g->name, sizeof g->name, "c%d", t + 1);
        g->len = rnd_in(30, MAX_CTG_LEN);
        int lower = 0;
        for (int x = 0; x < g->len; x++) {
            if (chance(0.05)) lower = !lower;   /* soft-masked stretches */
            char b = chance(0.01) ? 'N' : rnd_base();
            g->seq[x] = lower ? (char)tolower((unsigned char)b) : b;
        }
        g->seq[g->len] = 0;
    }
    for (int s = 0; s < 2; s++) {
        for (int k = 0; k < N_CTG; k++) hdr_order[s][k] = k;
        for (int k = N_CTG - 1; k > 0; k--) {
            int j = rnd(k + 1), tmp = hdr_order[s][k];
            hdr_order[s][k] = hdr_order[s][j];
            hdr_order[s][j] = tmp;
        }
    }
}

static void ref_slice(int tid, int pos, int len, char *out)
{
    for (int k = 0; k < len; k++) out[k] = ref_base(tid, pos + k);
    out[len] = 0;
}

static void mutate_to_differ(char *s, const char *from)   /* s becomes != from */
{
    while (strcmp(s, from) == 0) s[rnd((int)strlen(s))] = rnd_base();
}

static void random_string(char *s, int len)
{
    for (int k = 0; k < len; k++) s[k] = rnd_base();
    s[len] = 0;
}

/* One ALT for REF of the given kind; 0 if it does not fit. */
static int gen_alt(int kind, const char *ref, char *alt)
{
    int rl = (int)strlen(ref);
    switch (kind) {
    case 0:   /* same length: SNV or MNV */
        strcpy(alt, ref);
        for (int k = 0; k < rl; k++) if (chance(0.7)) alt[k] = rnd_base();
        mutate_to_differ(alt, ref);
        return 1;
    case 1:   /* insertion after the first base */
        alt[0] = ref[0];
        random_string(alt + 1, rnd_in(1, 4));
        if (rl > 1) { strcpy(alt, ref); random_string(alt + rl, rnd_in(1, 3)); }
        return 1;
    default:   /* deletion down to the first base */
        if (rl < 2) return 0;
        alt[0] = ref[0];
        alt[1] = 0;
        return 1;
    }
}

static void add_record(int tid, int pos)
{
    if (n_recs >= MAX_RECS) return;
    record_t *rc = &recs[n_recs];
    memset(rc, 0, sizeof *rc);
    rc->tid = tid;
    rc->pos = pos;
    snprintf(rc->id, sizeof rc->id, "v%d", n_recs + 1);
    int room = ctg[tid].len - pos, u = rnd(100);
    if (u < 10 && n_recs > 0) {   /* identical duplicate of an earlier record */
        record_t *old = &recs[rnd(n_recs)];
        *rc = *old;
        snprintf(rc->id, sizeof rc->id, "v%d", n_recs + 1);
        n_recs++;
        return;
    }
    int rl;
    if (u < 35) rl = 1;                                  /* SNV or insertion */
    else if (u < 55) rl = rnd_in(2, 4);                  /* MNV */
    else if (u < 80) rl = rnd_in(2, 6);                  /* deletion */
    else rl = rnd_in(1, 3);                              /* complex or multi-allelic */
    if (rl > room) rl = room;
    ref_slice(tid, pos, rl, rc->ref);
    if (chance(0.06)) { random_string(rc->ref, rl); }   /* REF differing from the FASTA */
    if (u < 25) { rc->n_alt = 1; gen_alt(0, rc->ref, rc->alt[0]); }
    else if (u < 35) { rc->n_alt = 1; gen_alt(1, rc->ref, rc->alt[0]); }
    else if (u < 55) { rc->n_alt = 1; gen_alt(0, rc->ref, rc->alt[0]); }
    else if (u < 80) { rc->n_alt = 1; if (!gen_alt(2, rc->ref, rc->alt[0])) gen_alt(1, rc->ref, rc->alt[0]); }
    else if (u < 88) {   /* complex: unequal lengths, first bases differ */
        rc->n_alt = 1;
        if (rl >= 2 && chance(0.5)) random_string(rc->alt[0], rnd_in(1, rl - 1));
        else random_string(rc->alt[0], rl + rnd_in(1, 3));
        rc->alt[0][0] = rc->ref[0] == 'A' ? 'C' : 'A';
    } else {             /* multi-allelic: 2-3 ALTs of mixed kinds */
        rc->n_alt = rnd_in(2, 3);
        for (int a = 0; a < rc->n_alt; a++)
            if (!gen_alt(rnd(3), rc->ref, rc->alt[a])) gen_alt(0, rc->ref, rc->alt[a]);
        for (int a = 1; a < rc->n_alt; a++)   /* keep the ALTs distinct */
            for (int b = 0; b < a; b++)
                if (strcmp(rc->alt[a], rc->alt[b]) == 0) { rc->n_alt = a; break; }
    }
    if (chance(0.05)) for (char *x = rc->ref; *x; x++) *x = (char)tolower((unsigned char)*x);
    if (chance(0.05)) for (char *x = rc->alt[0]; *x; x++) *x = (char)tolower((unsigned char)*x);
    n_recs++;
}

static void gen_variants(void)
{
    n_recs = 0;
    for (int t = 0; t < N_CTG; t++) {
        int len = ctg[t].len;
        if (chance(0.5)) add_record(t, 0);
        if (chance(0.5)) add_record(t, len - 1);
        if (chance(0.3)) add_record(t, len - 2);
        int clusters = rnd_in(1, len / 25 + 1);
        for (int k = 0; k < clusters; k++) {
            int at = rnd(len), m = rnd_in(1, 4);
            for (int j = 0; j < m; j++) {
                int pos = at + rnd_in(-3, 3);
                if (pos >= 0 && pos < len) add_record(t, pos);
            }
        }
    }
    for (int k = n_recs - 1; k > 0; k--) {   /* the VCF is not sorted */
        int j = rnd(k + 1);
        record_t tmp = recs[k]; recs[k] = recs[j]; recs[j] = tmp;
    }
    n_vars = 0;
    for (int i = 0; i < n_recs; i++)
        for (int a = 0; a < recs[i].n_alt && n_vars < MAX_VARS; a++) {
            var_t *v = &vars[n_vars];
            memset(v, 0, sizeof *v);
            v->tid = recs[i].tid;
            v->pos = recs[i].pos;
            strcpy(v->out_ref, recs[i].ref);
            strcpy(v->out_alt, recs[i].alt[a]);
            for (int k = 0; recs[i].ref[k]; k++) v->ref[k] = (char)toupper((unsigned char)recs[i].ref[k]);
            for (int k = 0; recs[i].alt[a][k]; k++) v->alt[k] = (char)toupper((unsigned char)recs[i].alt[a][k]);
            v->ref_len = (int)strlen(v->ref);
            v->alt_len = (int)strlen(v->alt);
            strcpy(v->id, recs[i].id);
            v->order = n_vars++;
        }
}

static int push_op(read_t *r, char op, int len)
{
    if (len <= 0) return 0;
    if (r->n_ops > 0 && r->op[r->n_ops - 1] == op) { r->len[r->n_ops - 1] += len; return 0; }
    if (r->n_ops >= MAX_OPS) return -1;
    r->op[r->n_ops] = op;
    r->len[r->n_ops++] = len;
    return 0;
}

/* An aligned stretch of len bases: one M, =, or X, or a mix of them. */
static void push_aligned(read_t *r, int len)
{
    if (len < 2 || chance(0.7)) { push_op(r, chance(0.8) ? 'M' : "=X"[rnd(2)], len); return; }
    while (len > 0) {
        int piece = rnd_in(1, len);
        push_op(r, "M=X"[rnd(3)], piece);
        len -= piece;
    }
}

static void push_middle(read_t *r)   /* one non-aligned operation inside a read */
{
    int u = rnd(10);
    if (u < 4) push_op(r, 'I', rnd_in(1, 4));
    else if (u < 8) push_op(r, 'D', rnd_in(1, 4));
    else push_op(r, 'N', rnd_in(1, 40));
}

/* The rest of a read after its forced part: aligned stretches with random
 * operations between them, then maybe a clip. */
static void push_tail(read_t *r, int events)
{
    push_aligned(r, rnd_in(1, 25));
    for (int k = 0; k < events; k++) {
        push_middle(r);
        push_aligned(r, rnd_in(1, 25));
    }
    if (chance(0.02)) push_op(r, chance(0.5) ? 'I' : 'D', rnd_in(1, 3));   /* odd, still legal */
    if (chance(0.2)) push_op(r, 'S', rnd_in(1, 6));
    if (chance(0.1)) push_op(r, 'H', rnd_in(1, 6));
}

static void push_head(read_t *r)
{
    if (chance(0.1)) push_op(r, 'H', rnd_in(1, 6));
    if (chance(0.2)) push_op(r, 'S', rnd_in(1, 6));
    if (chance(0.02)) push_op(r, chance(0.5) ? 'I' : 'D', rnd_in(1, 3));
}

static int ref_span(const read_t *r)
{
    return read_end(r) - r->pos + 1;
}

/* Fill the bases and qualities along the CIGAR.  alt_for: put this
 * variant's ALT bases where the read aligns over its window (SNV/MNV), or
 * NULL.  ins_op/ins_seq: the insertion at op index ins_op gets these bases. */
static void fill_read(read_t *r, const var_t *alt_for, int ins_op, const char *ins_seq)
{
    double err = chance(0.5) ? 0.02 : 0.15;
    int q = 0, x = r->pos;
    for (int i = 0; i < r->n_ops; i++) {
        char op = r->op[i];
        for (int j = 0; j < r->len[i]; j++) {
            if (is_aligned_op(op)) {
                char b = ref_base(r->tid, x);
                if (alt_for && alt_for->ref_len == alt_for->alt_len && x >= alt_for->pos &&
                    x < alt_for->pos + alt_for->alt_len)
                    b = alt_for->alt[x - alt_for->pos];
                if (chance(err)) b = chance(0.1) ? 'N' : rnd_base();
                r->seq[q++] = b;
                x++;
            } else if (op == 'I' || op == 'S') {
                r->seq[q++] = (i == ins_op && ins_seq && j < (int)strlen(ins_seq)) ? ins_seq[j] : rnd_base();
            } else if (op == 'D' || op == 'N') {
                x++;
            }
        }
    }
    r->seq[q] = 0;
    r->l_seq = q;
    r->has_qual = !chance(0.05);
    for (int k = 0; k < q; k++) {
        int u = rnd(10);
        r->qual[k] = u < 7 ? rnd_in(30, 41) : u < 9 ? rnd_in(0, 29) : rnd_in(19, 21);
    }
    if (q == 1 && r->qual[0] == '*' - 33) r->qual[0]++;   /* SAM would read it as no QUAL */
}

/* A read of sample s around variant v (or anywhere when v is NULL), placed
 * on purpose against p.  Returns NULL when it does not fit the contig. */
static read_t *gen_read(int s, int tid, const var_t *v)
{
    if (n_reads[s] >= MAX_READS) return NULL;
    read_t *r = &reads[s][n_reads[s]];
    memset(r, 0, sizeof *r);
    r->tid = tid;
    int len = ctg[tid].len, p = v ? v->pos : rnd(len), w = v ? v->ref_len : 1;
    int ins_op = -1;
    const char *ins_seq = NULL;
    char seqbuf[MAX_ALLELE + 8];
    const var_t *alt_for = v && chance(0.4) ? v : NULL;
    int kind = v ? rnd(4) : 0;
    push_head(r);
    if (kind == 0) {            /* starts at a chosen place */
        static const int offs[] = { 0, 1, -1, 2, -5, -12 };
        int start = p + offs[rnd(6)];
        if (v && chance(0.3)) start = p + w - 1 + rnd_in(0, 1);   /* last base of the window, or after */
        r->pos = start;
        push_tail(r, rnd(3));
    } else if (kind == 1) {     /* ends at a chosen place */
        push_tail(r, rnd(3));
        static const int ends[] = { 0, -1, 1 };
        int end = chance(0.5) ? p + ends[rnd(3)] : p + w - 1 + ends[rnd(3)];
        r->pos = end - ref_span(r) + 1;
    } else if (kind == 2) {     /* an aligned stretch ends at the anchor, then an event */
        static const int anchors[] = { 0, 0, 0, -1, 1 };
        int anchor = p + anchors[rnd(5)], a_len = rnd_in(1, 20);
        if (chance(0.2)) anchor = p + w - 1;
        r->pos = anchor - a_len + 1;
        push_aligned(r, a_len);
        int u = rnd(12);
        if (u < 4) {            /* insertion: the variant's own, or another */
            int want = v->alt_len - v->ref_len;
            if (want > 0 && chance(0.6)) {
                snprintf(seqbuf, sizeof seqbuf, "%s", v->alt + v->ref_len);
                if (chance(0.2)) seqbuf[rnd(want)] = rnd_base();
                ins_op = r->n_ops;
                ins_seq = seqbuf;
                push_op(r, 'I', want);
            } else {
                push_op(r, 'I', rnd_in(1, 4));
            }
        } else if (u < 8) {     /* deletion: the variant's length, or another */
            int want = v->ref_len - v->alt_len;
            push_op(r, 'D', want > 0 && chance(0.6) ? want : rnd_in(1, 5));
        } else if (u == 8) {
            push_op(r, 'N', rnd_in(1, 30));
        } else if (u == 9) {
            push_op(r, 'S', rnd_in(1, 5));
            if (chance(0.3)) push_op(r, 'H', 2);
        } else if (u == 10) {
            push_op(r, 'H', rnd_in(1, 5));
        }   /* u == 11: the read ends at the anchor */
        if (u < 9 && !chance(0.1)) push_tail(r, rnd(2));
    } else {                    /* spans the window with room on both sides */
        r->pos = p - rnd_in(0, 15);
        push_aligned(r, p - r->pos + w + rnd_in(0, 15));
        if (chance(0.5)) push_tail(r, rnd(2));
    }
    if (r->n_ops >= MAX_OPS) return NULL;
    int aligned = 0, qlen = 0;
    for (int i = 0; i < r->n_ops; i++) {
        aligned += is_aligned_op(r->op[i]);
        if (is_aligned_op(r->op[i]) || r->op[i] == 'I' || r->op[i] == 'S') qlen += r->len[i];
    }
    if (!aligned || qlen > MAX_SEQ || r->pos < 0 || read_end(r) >= len) return NULL;
    fill_read(r, alt_for, ins_op, ins_seq);
    r->mapq = (int[]){ 0, 10, 19, 20, 21, 29, 30, 31, 60, 60, 60, 255 }[rnd(12)];
    r->order = n_reads[s]++;
    return r;
}

static read_t *gen_read_retry(int s, int tid, const var_t *v)
{
    for (int k = 0; k < 6; k++) {
        read_t *r = gen_read(s, tid, v);
        if (r) return r;
    }
    return NULL;
}

/* A fragment: one read, often with a mate that overlaps it, sometimes a
 * secondary or supplementary copy, sometimes the same name reused. */
static void gen_fragment(int s, int tid, const var_t *v)
{
    read_t *a = gen_read_retry(s, tid, v);
    if (!a) return;
    snprintf(a->name, sizeof a->name, "f%d", ++frag_serial);
    int paired = chance(0.7), dup = chance(0.08) ? 0x400 : 0, proper = chance(0.8) ? 0x2 : 0;
    int rev = chance(0.5) ? 0x10 : 0;
    a->flag = dup | (chance(0.05) ? 0x200 : 0) | rev;
    if (!paired) return;
    a->flag |= 0x1 | 0x40 | proper;
    read_t *b = gen_read_retry(s, tid, chance(0.8) ? v : NULL);
    if (!b) return;
    snprintf(b->name, sizeof b->name, "%s", a->name);
    b->flag = 0x1 | 0x80 | proper | dup | (chance(0.05) ? 0x200 : 0) | (rev ? 0 : 0x10);
    if (!chance(0.1)) { a->flag |= (b->flag & 0x10) ? 0x20 : 0; b->flag |= (a->flag & 0x10) ? 0x20 : 0; }
    else { a->flag |= rnd(2) * 0x20; b->flag |= rnd(2) * 0x20; }   /* mate strand may disagree */
    if (chance(0.04)) { a->flag |= 0x4; b->flag |= 0x8; }          /* an unmapped mate, still placed */
    if (chance(0.1)) {          /* another alignment of one mate */
        read_t *c = gen_read_retry(s, tid, chance(0.5) ? v : NULL);
        if (c) {
            const read_t *m = chance(0.5) ? a : b;
            snprintf(c->name, sizeof c->name, "%s", m->name);
            c->flag = (m->flag & (0x1 | 0x2 | 0x40 | 0x80)) | (chance(0.5) ? 0x800 : 0x100) | rnd(2) * 0x10;
        }
    }
}

static void gen_reads(void)
{
    for (int s = 0; s < 2; s++) {
        n_reads[s] = 0;
        for (int i = 0; i < n_vars; i++) {
            int n = rnd_in(1, 5);
            for (int k = 0; k < n; k++) gen_fragment(s, vars[i].tid, &vars[i]);
        }
        for (int t = 0; t < N_CTG; t++)
            for (int k = ctg[t].len / 15; k > 0; k--) gen_fragment(s, t, NULL);
        if (chance(0.3) && n_reads[s] > 0 && n_reads[s] < MAX_READS) {   /* a name reused by an unpaired read */
            read_t *r = gen_read_retry(s, vars[0].tid, &vars[0]);
            if (r) { snprintf(r->name, sizeof r->name, "%s", reads[s][rnd(n_reads[s] - 1)].name); r->flag = 0; }
        }
    }
}

/* ---- files ---- */

static char workdir[4096];

/* A path in the work directory; the result lives until 16 more calls. */
static const char *path_of(const char *name)
{
    static char buf[16][4200];
    static int k;
    k = (k + 1) % 16;
    snprintf(buf[k], sizeof buf[k], "%s/%s", workdir, name);
    return buf[k];
}

static int write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (!fp) { printf("FAIL cannot create %s: %s\n", path, strerror(errno)); return -1; }
    int ok = fputs(text, fp) >= 0;
    if (fclose(fp) != 0 || !ok) { printf("FAIL cannot write %s\n", path); return -1; }
    return 0;
}

static int write_fasta(void)
{
    char text[N_CTG * (MAX_CTG_LEN + 40)];
    size_t l = 0;
    for (int t = 0; t < N_CTG; t++) {
        l += (size_t)snprintf(text + l, sizeof text - l, ">%s test contig\n", ctg[t].name);
        for (int x = 0; x < ctg[t].len; x += 50)   /* 50 bases a line */
            l += (size_t)snprintf(text + l, sizeof text - l, "%.50s\n", ctg[t].seq + x);
    }
    const char *fa = path_of("ref.fa");
    if (write_text(fa, text) < 0) return -1;
    if (fai_build(fa) < 0) { printf("FAIL fai_build %s\n", fa); return -1; }
    return 0;
}

static int write_vcf(void)
{
    static char text[64 + MAX_RECS * 96 + N_CTG * 48];
    size_t l = (size_t)snprintf(text, sizeof text, "##fileformat=VCFv4.2\n");
    for (int t = 0; t < N_CTG; t++)
        l += (size_t)snprintf(text + l, sizeof text - l, "##contig=<ID=%s,length=%d>\n", ctg[t].name, ctg[t].len);
    l += (size_t)snprintf(text + l, sizeof text - l, "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
    for (int i = 0; i < n_recs; i++) {
        const record_t *rc = &recs[i];
        l += (size_t)snprintf(text + l, sizeof text - l, "%s\t%d\t%s\t%s\t", ctg[rc->tid].name, rc->pos + 1, rc->id, rc->ref);
        for (int a = 0; a < rc->n_alt; a++)
            l += (size_t)snprintf(text + l, sizeof text - l, "%s%s", a ? "," : "", rc->alt[a]);
        l += (size_t)snprintf(text + l, sizeof text - l, "\t.\tPASS\t.\n");
    }
    return write_text(path_of("variants.vcf"), text);
}

static void cigar_string(const read_t *r, char *buf, size_t n)
{
    size_t l = 0;
    buf[0] = 0;
    for (int i = 0; i < r->n_ops && l < n; i++) l += (size_t)snprintf(buf + l, n - l, "%d%c", r->len[i], r->op[i]);
}

static void sam_line(const read_t *r, char *buf, size_t n)
{
    char cig[MAX_OPS * 8], qual[MAX_SEQ + 1];
    cigar_string(r, cig, sizeof cig);
    if (r->has_qual) {
        for (int k = 0; k < r->l_seq; k++) qual[k] = (char)(r->qual[k] + 33);
        qual[r->l_seq] = 0;
    } else {
        strcpy(qual, "*");
    }
    snprintf(buf, n, "%s\t%d\t%s\t%d\t%d\t%s\t*\t0\t0\t%s\t%s", r->name, r->flag, ctg[r->tid].name,
             r->pos + 1, r->mapq, cig, r->seq, qual);
}

typedef struct {
    bam1_t *b;
    int order;
} rec_t;

static int cmp_rec(const void *x, const void *y)
{
    const rec_t *a = x, *b = y;
    if (a->b->core.tid != b->b->core.tid) return a->b->core.tid < b->b->core.tid ? -1 : 1;
    if (a->b->core.pos != b->b->core.pos) return a->b->core.pos < b->b->core.pos ? -1 : 1;
    return a->order - b->order;
}

/* A coordinate-sorted, indexed BAM of the given reads, with sample s's header. */
static int write_bam(const char *path, int s, const read_t *rs, const int *pick, int n)
{
    char htext[512];
    size_t l = (size_t)snprintf(htext, sizeof htext, "@HD\tVN:1.6\tSO:coordinate\n");
    for (int k = 0; k < N_CTG; k++)
        l += (size_t)snprintf(htext + l, sizeof htext - l, "@SQ\tSN:%s\tLN:%d\n",
                              ctg[hdr_order[s][k]].name, ctg[hdr_order[s][k]].len);
    snprintf(htext + l, sizeof htext - l, "@SQ\tSN:unused\tLN:500\n");
    sam_hdr_t *h = sam_hdr_parse(strlen(htext), htext);
    rec_t *recs_out = calloc((size_t)(n ? n : 1), sizeof *recs_out);
    int ret = h && recs_out ? 0 : -1;
    for (int i = 0; ret == 0 && i < n; i++) {
        char line[1024];
        sam_line(&rs[pick ? pick[i] : i], line, sizeof line);
        kstring_t ks = { strlen(line), sizeof line, line };
        recs_out[i].b = bam_init1();
        recs_out[i].order = i;
        if (!recs_out[i].b || sam_parse1(&ks, h, recs_out[i].b) < 0) {
            printf("FAIL htslib rejects a generated read: %s\n", line);
            ret = -1;
        }
    }
    if (ret == 0) qsort(recs_out, (size_t)n, sizeof *recs_out, cmp_rec);
    samFile *fp = ret == 0 ? sam_open(path, "wb") : NULL;
    if (ret == 0 && (!fp || sam_hdr_write(fp, h) < 0)) ret = -1;
    for (int i = 0; ret == 0 && i < n; i++)
        if (sam_write1(fp, h, recs_out[i].b) < 0) ret = -1;
    if (fp && sam_close(fp) < 0) ret = -1;
    if (ret == 0 && sam_index_build(path, 0) < 0) ret = -1;
    if (ret < 0) printf("FAIL cannot write %s\n", path);
    for (int i = 0; recs_out && i < n; i++) bam_destroy1(recs_out[i].b);
    free(recs_out);
    sam_hdr_destroy(h);
    return ret;
}

/* ---- running gbcms and reading its output ---- */

static int run_gbcms(const cfg_t *c, const char *bam1, const char *bam2, const char *out)
{
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    int ok = gbcms_opts_add_bam(&o, "s1", bam1) == 0 && gbcms_opts_add_bam(&o, "s2", bam2) == 0 &&
             gbcms_opts_add_variant_file(&o, path_of("variants.vcf")) == 0 &&
             (o.output = strdup(out)) != NULL && (!c->fasta || (o.fasta = strdup(path_of("ref.fa"))));
    o.format = GBCMS_FORMAT_TSV;
    o.quiet = 1;
    o.seek_gap = c->seek_gap ? atof(c->seek_gap) : -1;   /* what main.c does with GBCMS_SEEK_GAP */
    o.threads = c->threads;
    o.min_mapq = c->maq;
    o.min_baseq = c->baq;
    o.filter_duplicate = c->dup;
    o.filter_qc_failed = c->qc;
    o.filter_improper_pair = c->improper;
    o.filter_indel = c->indel;
    o.filter_non_primary = c->nonprimary;
    o.fragment_count = c->frag;
    o.fragment_fractional_weight = c->fractional;
    o.generic_counting = c->generic;
    o.max_block_size = c->block_size;
    o.max_block_dist = c->block_dist;
    int rc = ok && gbcms_opts_check(&o) == 0 ? gbcms_run(&o) : -1;
    gbcms_opts_destroy(&o);
    return rc;
}

typedef struct {
    char sample[8], chrom[8], id[16], ref[MAX_ALLELE], alt[MAX_ALLELE];
    int pos;
    cnt_t n;
    long dpn, rdn, adn;
    double vf;
    char rdf[24], adf[24];
} row_t;

static row_t rows[2 * MAX_VARS];

/* Parse gbcms's TSV; returns the number of rows, or -1. */
static int read_tsv(const char *path, int frag)
{
    FILE *fp = fopen(path, "r");
    if (!fp) { printf("FAIL no output %s\n", path); return -1; }
    char line[1024];
    int n = -1;
    const char *want = frag ? "Sample\tChrom\tPos\tID\tRef\tAlt\tDP\tRD\tAD\tVF\tDPP\tDPN\tRDP\tRDN\tADP\tADN\tDPF\tRDF\tADF\n"
                            : "Sample\tChrom\tPos\tID\tRef\tAlt\tDP\tRD\tAD\tVF\tDPP\tDPN\tRDP\tRDN\tADP\tADN\n";
    int got_line;
    while ((got_line = fgets(line, sizeof line, fp) != NULL) && line[0] == '#')
        ;   /* provenance lines */
    if (got_line && strcmp(line, want) == 0) n = 0;
    else printf("FAIL unexpected TSV header: %s", line);
    while (n >= 0 && fgets(line, sizeof line, fp)) {
        if (n >= 2 * MAX_VARS) { n = -1; break; }
        row_t *w = &rows[n];
        memset(w, 0, sizeof *w);
        int used = 0, got = sscanf(line, "%7s %7s %d %15s %11s %11s %ld %ld %ld %lf %ld %ld %ld %ld %ld %ld%n",
                                   w->sample, w->chrom, &w->pos, w->id, w->ref, w->alt, &w->n.dp, &w->n.rd,
                                   &w->n.ad, &w->vf, &w->n.dpp, &w->dpn, &w->n.rdp, &w->rdn, &w->n.adp,
                                   &w->adn, &used);
        if (got != 16) { printf("FAIL unreadable row: %s", line); n = -1; break; }
        if (frag && sscanf(line + used, "%ld %23s %23s", &w->n.dpf, w->rdf, w->adf) != 3) {
            printf("FAIL unreadable fragment columns: %s", line);
            n = -1;
            break;
        }
        n++;
    }
    if (fclose(fp) != 0) n = -1;
    return n;
}

static void half_string(long twice, char *buf, size_t n)
{
    snprintf(buf, n, "%ld%s", twice / 2, twice & 1 ? ".5" : "");
}

/* Differences between a row and the model; "" if none. */
static void diff_row(const row_t *w, const cnt_t *m, int frag, char *buf, size_t n)
{
    size_t l = 0;
    buf[0] = 0;
#define CHECK(name, got, want) \
    if ((got) != (want)) l += (size_t)snprintf(buf + l, n - l, " %s=%ld(model %ld)", name, (long)(got), (long)(want))
    CHECK("DP", w->n.dp, m->dp); CHECK("RD", w->n.rd, m->rd); CHECK("AD", w->n.ad, m->ad);
    CHECK("DPP", w->n.dpp, m->dpp); CHECK("DPN", w->dpn, m->dp - m->dpp);
    CHECK("RDP", w->n.rdp, m->rdp); CHECK("RDN", w->rdn, m->rd - m->rdp);
    CHECK("ADP", w->n.adp, m->adp); CHECK("ADN", w->adn, m->ad - m->adp);
    if (frag) CHECK("DPF", w->n.dpf, m->dpf);
#undef CHECK
    double vf = m->dp ? (double)m->ad / (double)m->dp : 0;
    if (w->vf - vf > 1e-6 || vf - w->vf > 1e-6)
        l += (size_t)snprintf(buf + l, n - l, " VF=%g(model %g)", w->vf, vf);
    if (frag) {
        char r[24], a[24];
        half_string(m->rdf2, r, sizeof r);
        half_string(m->adf2, a, sizeof a);
        if (strcmp(w->rdf, r) != 0) l += (size_t)snprintf(buf + l, n - l, " RDF=%s(model %s)", w->rdf, r);
        if (strcmp(w->adf, a) != 0) snprintf(buf + l, n - l, " ADF=%s(model %s)", w->adf, a);
    }
}

static int cmp_var_sorted(const void *x, const void *y)
{
    const var_t *a = *(const var_t *const *)x, *b = *(const var_t *const *)y;
    int ra = ctg_rank0(a->tid), rb = ctg_rank0(b->tid);
    if (ra != rb) return ra - rb;
    if (a->pos != b->pos) return a->pos - b->pos;
    return a->order - b->order;
}

static int strict;

static int known_divergence(const var_t *v, const cfg_t *c)
{
    return !strict && !c->fasta && !c->generic && v->alt_len > v->ref_len && v->ref_len > 1;
}

static void print_cfg(const cfg_t *c)
{
    printf("  options: %s: %s--maq %d --baq %d --filter_duplicate %d --filter_qc_failed %d "
           "--filter_improper_pair %d --filter_indel %d --filter_non_primary %d%s%s%s "
           "--threads %d --max_block_size %d --max_block_dist %d, GBCMS_SEEK_GAP=%s\n",
           c->name, c->fasta ? "--fasta ref.fa " : "", c->maq, c->baq, c->dup, c->qc, c->improper,
           c->indel, c->nonprimary, c->generic ? " --generic_counting" : "",
           c->frag ? " --fragment_count 1" : "", c->fractional ? " --fragment_fractional_weight" : "",
           c->threads, c->block_size, c->block_dist, c->seek_gap ? c->seek_gap : "(unset)");
}

/* Re-run gbcms with the reads of sample s one at a time, to name the read
 * that alone gives a different answer for variant v. */
static void isolate(int s, const var_t *v, const cfg_t *c, int vrow)
{
    static int cls[MAX_READS];
    int shown = 0, tried = 0;
    char line[1024], diff[512];
    for (int i = 0; i < n_reads[s] && shown < 3; i++) {
        const read_t *r = &reads[s][i];
        if (r->tid != v->tid || r->pos > v->pos + v->ref_len + 1 || read_end(r) < v->pos - 1) continue;
        tried++;
        const char *one = path_of("one.bam");
        if (write_bam(one, s, reads[s], &i, 1) < 0) return;
        const char *other = s == 0 ? path_of("s2.bam") : path_of("s1.bam");
        if (run_gbcms(c, s == 0 ? one : other, s == 0 ? other : one, path_of("one.tsv")) != 0) {
            printf("  gbcms fails on the read alone\n");
            return;
        }
        if (read_tsv(path_of("one.tsv"), c->frag) < 0) return;
        cnt_t m;
        memset(&m, 0, sizeof m);
        int k = cls[0] = model_class(r, v, c);
        if (k != M_SKIP) {
            int pos_strand = !(r->flag & 0x10);
            m.dp = 1; m.dpp = pos_strand;
            if (k == M_REF) { m.rd = 1; m.rdp = pos_strand; }
            if (k == M_ALT) { m.ad = 1; m.adp = pos_strand; }
        }
        if (c->frag) model_fragments(r, cls, 1, c->fractional, &m);
        diff_row(&rows[vrow], &m, c->frag, diff, sizeof diff);
        if (!diff[0]) continue;
        sam_line(r, line, sizeof line);
        printf("  read (alone reproduces it; model: %s):%s\n    %s\n", class_name[k], diff, line);
        shown++;
    }
    if (shown == 0) {
        printf("  no single read reproduces it (%d tried); the reads near the variant:\n", tried);
        for (int i = 0; i < n_reads[s]; i++) {
            const read_t *r = &reads[s][i];
            if (r->tid != v->tid || r->pos > v->pos + v->ref_len + 1 || read_end(r) < v->pos - 1) continue;
            sam_line(r, line, sizeof line);
            printf("    model %-11s %s\n", class_name[model_class(r, v, c)], line);
        }
    }
}

static long rows_checked, runs, skipped_divergent;

/* Run gbcms on the round's files and compare every row; 0 or -1. */
static int check_run(uint64_t seed, const cfg_t *c)
{
    runs++;
    const char *out = path_of("out.tsv");
    remove(out);
    int rc = run_gbcms(c, path_of("s1.bam"), path_of("s2.bam"), out);
    if (rc != 0) {
        printf("FAIL seed %" PRIu64 ": gbcms_run returned %d\n", seed, rc);
        print_cfg(c);
        return -1;
    }
    int n = read_tsv(out, c->frag);
    static const var_t *sorted[MAX_VARS];
    for (int i = 0; i < n_vars; i++) sorted[i] = &vars[i];
    qsort(sorted, (size_t)n_vars, sizeof *sorted, cmp_var_sorted);
    if (n != 2 * n_vars) {
        printf("FAIL seed %" PRIu64 ": %d output rows, expected %d\n", seed, n, 2 * n_vars);
        print_cfg(c);
        return -1;
    }
    static int cls[MAX_READS];
    for (int i = 0; i < n_vars; i++) {
        const var_t *v = sorted[i];
        for (int s = 0; s < 2; s++) {
            const row_t *w = &rows[2 * i + s];
            char diff[512] = "";
            if (strcmp(w->sample, s ? "s2" : "s1") != 0 || strcmp(w->chrom, ctg[v->tid].name) != 0 ||
                w->pos != v->pos + 1 || strcmp(w->id, v->id) != 0 || strcmp(w->ref, v->out_ref) != 0 ||
                strcmp(w->alt, v->out_alt) != 0) {
                printf("FAIL seed %" PRIu64 ": row %d is %s %s:%d %s %s>%s, expected %s %s:%d %s %s>%s\n",
                       seed, 2 * i + s + 1, w->sample, w->chrom, w->pos, w->id, w->ref, w->alt, s ? "s2" : "s1",
                       ctg[v->tid].name, v->pos + 1, v->id, v->out_ref, v->out_alt);
                print_cfg(c);
                return -1;
            }
            cnt_t m;
            model_counts(s, v, c, &m, cls);
            if (known_divergence(v, c)) { skipped_divergent++; continue; }
            rows_checked++;
            diff_row(w, &m, c->frag, diff, sizeof diff);
            if (!diff[0]) continue;
            printf("FAIL seed %" PRIu64 ": sample %s, variant %s %s:%d %s>%s (VCF %s>%s):%s\n", seed, w->sample,
                   v->id, ctg[v->tid].name, v->pos + 1, v->ref, v->alt, v->out_ref, v->out_alt, diff);
            print_cfg(c);
            isolate(s, v, c, 2 * i + s);
            return -1;
        }
    }
    return 0;
}

/* The option sets of one round: every mode, with random engine settings. */
static void make_cfg(int mode, cfg_t *c)
{
    memset(c, 0, sizeof *c);
    c->fasta = 1;
    c->maq = 20;
    c->dup = 1;
    c->frag = chance(0.5);
    c->fractional = c->frag && chance(0.5);
    c->threads = chance(0.5) ? 1 : 3;
    c->block_size = (int[]){ 1, 1, 2, 3, 5, 10000 }[rnd(6)];
    c->block_dist = (int[]){ 1, 1, 2, 5, 30, 100000 }[rnd(6)];
    c->seek_gap = (const char *[]){ NULL, NULL, "0", "1e12" }[rnd(4)];
    switch (mode) {
    case 0: c->name = "default"; break;
    case 1: c->name = "no FASTA"; c->fasta = 0; break;
    case 2: c->name = "generic"; c->generic = 1; break;
    case 3: c->name = "generic, baq"; c->generic = 1; c->baq = rnd_in(15, 25); break;
    case 4: c->name = "baq 20"; c->baq = 20; break;
    case 5: c->name = "maq 0"; c->maq = 0; break;
    case 6: c->name = "maq 30"; c->maq = 30; break;
    case 7: c->name = "duplicates kept"; c->dup = 0; break;
    case 8: c->name = "QC-failed filtered"; c->qc = 1; break;
    case 9: c->name = "improper pairs filtered"; c->improper = 1; break;
    case 10: c->name = "indel reads filtered"; c->indel = 1; break;
    case 11: c->name = "non-primary filtered"; c->nonprimary = 1; break;
    case 12: c->name = "fragments"; c->frag = 1; c->fractional = 0; c->maq = 0; c->dup = 0; break;
    case 13: c->name = "fragments, fractional"; c->frag = 1; c->fractional = 1; c->maq = 0; break;
    case 14: c->name = "no FASTA, fragments, baq"; c->fasta = 0; c->frag = 1; c->baq = 20; break;
    default:
        c->name = "all filters";
        c->qc = c->improper = c->indel = c->nonprimary = 1;
        c->baq = rnd_in(0, 30);
        c->maq = rnd_in(0, 40);
        c->generic = chance(0.3);
        break;
    }
}
#define N_MODES 16

static int make_dir(const char *d)
{
    if (mkdir(d, 0777) == 0 || errno == EEXIST) return 0;
    printf("FAIL cannot create %s: %s\n", d, strerror(errno));
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_property WORKDIR [ROUNDS [FIRST_SEED]]\n");
        return 2;
    }
    snprintf(workdir, sizeof workdir, "%s", argv[1]);
    if (make_dir(workdir) < 0) return 1;
    int rounds = argc > 2 ? atoi(argv[2]) : 100;
    const char *env = getenv("GBCMS_PROPERTY_ROUNDS");
    if (env) rounds = atoi(env);
    uint64_t first = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    strict = getenv("GBCMS_PROPERTY_STRICT") != NULL;
    long total_reads = 0, total_vars = 0;
    for (int round = 0; round < rounds; round++) {
        uint64_t seed = first + (uint64_t)round;
        rng = seed;
        frag_serial = 0;   /* read names depend on the seed alone */
        gen_reference();
        gen_variants();
        gen_reads();
        total_reads += n_reads[0] + n_reads[1];
        total_vars += n_vars;
        if (write_fasta() < 0 || write_vcf() < 0 ||
            write_bam(path_of("s1.bam"), 0, reads[0], NULL, n_reads[0]) < 0 ||
            write_bam(path_of("s2.bam"), 1, reads[1], NULL, n_reads[1]) < 0) {
            printf("FAIL seed %" PRIu64 ": cannot write the test files\n", seed);
            return 1;
        }
        for (int mode = 0; mode < N_MODES; mode++) {
            cfg_t c;
            make_cfg(mode, &c);
            if (check_run(seed, &c) < 0) {
                printf("Reproduce: test_property %s 1 %" PRIu64 "\n", workdir, seed);
                return 1;
            }
        }
    }
    printf("%d rounds (seeds %" PRIu64 "-%" PRIu64 "), %ld runs, %ld reads, %ld variants, %ld rows compared",
           rounds, first, first + (uint64_t)rounds - 1, runs, total_reads, total_vars, rows_checked);
    if (skipped_divergent) printf(", %ld rows of the known divergence not compared", skipped_divergent);
    printf("\nmodel classes per type (not counted / DP only / REF / ALT), filtered reads aside:\n");
    static const char *tname[] = { "SNV", "MNV", "insertion", "deletion", "generic" };
    int thin = 0;
    for (int t = 0; t < N_COV_TYPES; t++) {
        printf("  %-9s %7ld %7ld %7ld %7ld\n", tname[t], cov[t][0], cov[t][1], cov[t][2], cov[t][3]);
        for (int k = 0; k < 4; k++) thin |= cov[t][k] == 0;
    }
    printf("reads starting at p %ld, ending at p %ld, indel reads starting at p+1 %ld; "
           "fragments with both alleles %ld, left out of RDF/ADF %ld\n",
           cov_start_p, cov_end_p, cov_indel_start_p1, cov_frag_both, cov_frag_multi);
    if (rounds > 0 && (thin || !cov_start_p || !cov_end_p || !cov_indel_start_p1 || !cov_frag_both || !cov_frag_multi)) {
        printf("FAIL the generator no longer produces every case above\n");
        return 1;
    }
    return 0;
}
