/* The counting rules of counting.md sections 2-4, one read against one
 * variant.  Everything here is a pure function of its arguments.
 *
 * Consecutive M/=/X operations form one aligned stretch: '=' and 'X' are
 * aligned bases exactly like 'M', so "5=1X4=" behaves as "10M". */
#include <string.h>
#include "gbcms/count.h"

void gbcms_rules_from_opts(gbcms_rules_t *r, const gbcms_opts_t *o)
{
    r->min_mapq = o->min_mapq;
    r->min_baseq = o->min_baseq;
    r->filter_duplicate = o->filter_duplicate;
    r->filter_improper_pair = o->filter_improper_pair;
    r->filter_qc_failed = o->filter_qc_failed;
    r->filter_indel = o->filter_indel;
    r->filter_non_primary = o->filter_non_primary;
    r->generic = o->generic_counting;
}

static inline int is_aligned(int op)
{
    return op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF;
}

int gbcms_read_passes(const bam1_t *b, const gbcms_rules_t *r)
{
    uint16_t fl = b->core.flag;
    if (fl & BAM_FUNMAP) return 0;
    if (b->core.qual < r->min_mapq) return 0;
    if (r->filter_duplicate && (fl & BAM_FDUP)) return 0;
    if (r->filter_qc_failed && (fl & BAM_FQCFAIL)) return 0;
    if (r->filter_improper_pair && !(fl & BAM_FPROPER_PAIR)) return 0;
    if (r->filter_non_primary && (fl & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY))) return 0;
    /* Without CIGAR or SEQ there is nothing to compare. */
    if (b->core.n_cigar == 0 || b->core.l_qseq == 0) return 0;
    /* QUAL '*' cannot meet a base-quality threshold above 0. */
    if (r->min_baseq > 0 && bam_get_qual(b)[0] == 0xff) return 0;
    if (r->filter_indel) {
        const uint32_t *cig = bam_get_cigar(b);
        for (uint32_t i = 0; i < b->core.n_cigar; i++) {
            int op = bam_cigar_op(cig[i]);
            if (op == BAM_CINS || op == BAM_CDEL) return 0;
        }
    }
    return 1;
}

static inline char read_base(const bam1_t *b, int64_t q)
{
    return seq_nt16_str[bam_seqi(bam_get_seq(b), q)];
}

static inline int qual_ok(const bam1_t *b, int64_t q, const gbcms_rules_t *r)
{
    return r->min_baseq == 0 || bam_get_qual(b)[q] >= r->min_baseq;
}

/* Last reference position covered by the read. */
static inline int64_t read_last(const bam1_t *b)
{
    return b->core.pos + bam_cigar2rlen(b->core.n_cigar, bam_get_cigar(b)) - 1;
}

/* Length of the aligned stretch starting at op i; *next gets the index of
 * the first op after it. */
static inline int64_t stretch_len(const uint32_t *cig, uint32_t n, uint32_t i, uint32_t *next)
{
    int64_t len = 0;
    while (i < n && is_aligned(bam_cigar_op(cig[i]))) len += bam_cigar_oplen(cig[i++]);
    *next = i;
    return len;
}

/* The read bound of each rule: the largest read start whose read can
 * still be counted for v (counting.md sec. 4).  The engine stops offering
 * reads to v past it, so it must agree with the classify functions below:
 * an SNV is decided at p, an MNV over p..p+len-1, an indel at p and p+1,
 * and the generic comparison over the whole REF span. */
int64_t gbcms_last_read_start(const gbcms_variant_t *v, int generic)
{
    if (generic) return v->pos + v->ref_len - 1;
    switch (v->type) {
    case GBCMS_SNV: return v->pos;
    case GBCMS_MNV: return v->pos + v->ref_len - 1;
    default: return v->pos + 1;   /* INS, DEL: the base after the anchor */
    }
}

/* SNV: the read base at p. */
static gbcms_read_class_t classify_snv(const bam1_t *b, const gbcms_variant_t *v,
                                       const gbcms_rules_t *r)
{
    const uint32_t *cig = bam_get_cigar(b);
    int64_t p = v->pos, rpos = b->core.pos, qpos = 0;
    for (uint32_t i = 0; i < b->core.n_cigar && rpos <= p; i++) {
        int op = bam_cigar_op(cig[i]);
        int64_t len = bam_cigar_oplen(cig[i]);
        if (is_aligned(op)) {
            if (p < rpos + len) {
                int64_t q = qpos + (p - rpos);
                if (!qual_ok(b, q, r)) return GBCMS_READ_SKIP;
                char c = read_base(b, q);
                if (c == v->ref[0]) return GBCMS_READ_REF;
                if (c == v->alt[0]) return GBCMS_READ_ALT;
                return GBCMS_READ_DP;
            }
            rpos += len;
            qpos += len;
        } else if (op == BAM_CINS || op == BAM_CSOFT_CLIP) {
            qpos += len;
        } else if (op == BAM_CDEL || op == BAM_CREF_SKIP) {
            if (p < rpos + len) return GBCMS_READ_DP;   /* p deleted or skipped */
            rpos += len;
        }
    }
    return GBCMS_READ_SKIP;   /* p not covered */
}

/* MNV: all n bases inside one aligned stretch. */
static gbcms_read_class_t classify_mnv(const bam1_t *b, const gbcms_variant_t *v,
                                       const gbcms_rules_t *r)
{
    const uint32_t *cig = bam_get_cigar(b);
    const uint32_t n_cig = b->core.n_cigar;
    int64_t p = v->pos, e = v->pos + v->ref_len - 1;
    if (b->core.pos > e || read_last(b) < p) return GBCMS_READ_SKIP;
    int64_t rpos = b->core.pos, qpos = 0;
    uint32_t i = 0;
    while (i < n_cig && rpos <= p) {
        int op = bam_cigar_op(cig[i]);
        int64_t len = bam_cigar_oplen(cig[i]);
        if (is_aligned(op)) {
            uint32_t next;
            int64_t slen = stretch_len(cig, n_cig, i, &next);
            if (rpos <= p && p < rpos + slen) {
                if (e >= rpos + slen) return GBCMS_READ_DP;   /* stretch ends inside */
                int64_t q0 = qpos + (p - rpos);
                if (r->min_baseq > 0)
                    for (int k = 0; k < v->ref_len; k++)
                        if (!qual_ok(b, q0 + k, r)) return GBCMS_READ_SKIP;
                int is_ref = 1, is_alt = 1;
                for (int k = 0; k < v->ref_len; k++) {
                    char c = read_base(b, q0 + k);
                    is_ref &= c == v->ref[k];
                    is_alt &= c == v->alt[k];
                }
                return is_ref ? GBCMS_READ_REF : is_alt ? GBCMS_READ_ALT : GBCMS_READ_DP;
            }
            rpos += slen;
            qpos += slen;
            i = next;
            continue;
        }
        if (op == BAM_CINS || op == BAM_CSOFT_CLIP) qpos += len;
        else if (op == BAM_CDEL || op == BAM_CREF_SKIP) rpos += len;
        i++;
    }
    return GBCMS_READ_DP;   /* p itself not on an aligned base, or read starts inside */
}

/* Insertions and deletions, default ("DMP") rule. */
static gbcms_read_class_t classify_indel(const bam1_t *b, const gbcms_variant_t *v,
                                         const gbcms_rules_t *r)
{
    const uint32_t *cig = bam_get_cigar(b);
    const uint32_t n_cig = b->core.n_cigar;
    int64_t p = v->pos;
    if (b->core.pos > p + 1 || read_last(b) < p) return GBCMS_READ_SKIP;
    int64_t rpos = b->core.pos, qpos = 0;
    uint32_t i = 0;
    while (i < n_cig && rpos <= p + 1) {
        int op = bam_cigar_op(cig[i]);
        int64_t len = bam_cigar_oplen(cig[i]);
        if (!is_aligned(op)) {
            if (op == BAM_CINS || op == BAM_CSOFT_CLIP) qpos += len;
            else if (op == BAM_CDEL || op == BAM_CREF_SKIP) rpos += len;
            i++;
            continue;
        }
        uint32_t next;
        int64_t slen = stretch_len(cig, n_cig, i, &next);
        if (rpos + slen - 1 == p) {
            /* p is the anchor: the operation after the stretch decides. */
            int64_t qa = qpos + slen - 1;
            int nop = next < n_cig ? (int)bam_cigar_op(cig[next]) : -1;
            int64_t nlen = next < n_cig ? bam_cigar_oplen(cig[next]) : 0;
            if (nop == BAM_CINS) {
                if (v->type != GBCMS_INS || nlen != v->alt_len - v->ref_len) return GBCMS_READ_DP;
                for (int64_t k = 0; k < nlen; k++)
                    if (read_base(b, qpos + slen + k) != v->alt[v->ref_len + k]) return GBCMS_READ_DP;
                return qual_ok(b, qa, r) ? GBCMS_READ_ALT : GBCMS_READ_SKIP;
            }
            if (nop == BAM_CDEL) {
                if (v->type != GBCMS_DEL || nlen != v->ref_len - v->alt_len) return GBCMS_READ_DP;
                return qual_ok(b, qa, r) ? GBCMS_READ_ALT : GBCMS_READ_SKIP;
            }
            return GBCMS_READ_SKIP;   /* clip, skip or end of read right after the anchor */
        }
        if (rpos <= p + 1 && p + 1 < rpos + slen) {
            int64_t q1 = qpos + (p + 1 - rpos);
            if (!qual_ok(b, q1, r)) return GBCMS_READ_SKIP;
            if (v->ref_next == 0 || read_base(b, q1) == v->ref_next) return GBCMS_READ_REF;
            return GBCMS_READ_DP;
        }
        rpos += slen;
        qpos += slen;
        i = next;
    }
    return GBCMS_READ_DP;   /* e.g. a deletion over p+1 */
}

/* Compare an allele built base by base with REF and ALT, without a buffer. */
typedef struct {
    int k, ref_ok, alt_ok, minq;
} allele_cmp_t;

static inline void allele_push(allele_cmp_t *a, const gbcms_variant_t *v, char c, int q)
{
    a->ref_ok &= a->k < v->ref_len && v->ref[a->k] == c;
    a->alt_ok &= a->k < v->alt_len && v->alt[a->k] == c;
    a->k++;
    if (q < a->minq) a->minq = q;
}

static void push_bases(allele_cmp_t *a, const bam1_t *b, const gbcms_variant_t *v, int64_t q, int64_t n)
{
    const uint8_t *qual = bam_get_qual(b);
    for (int64_t k = 0; k < n; k++)
        allele_push(a, v, read_base(b, q + k), qual[0] == 0xff ? 255 : (int)qual[q + k]);
}

/* --generic-counting: the read's whole allele over [p, e]. */
static gbcms_read_class_t classify_generic(const bam1_t *b, const gbcms_variant_t *v,
                                           const gbcms_rules_t *r)
{
    const uint32_t *cig = bam_get_cigar(b);
    int64_t p = v->pos, e = v->pos + v->ref_len - 1;
    int64_t start = b->core.pos, last = read_last(b);
    if (start > e || last < p) return GBCMS_READ_SKIP;
    int partial = start > p || last < e, unknown = 0;
    allele_cmp_t a = { 0, 1, 1, 256 };
    int64_t rpos = start, qpos = 0;
    for (uint32_t i = 0; i < b->core.n_cigar; i++) {
        int op = bam_cigar_op(cig[i]);
        int64_t len = bam_cigar_oplen(cig[i]);
        if (rpos > e && op != BAM_CINS) break;
        if (is_aligned(op)) {
            int64_t lo = rpos > p ? rpos : p, hi = rpos + len - 1 < e ? rpos + len - 1 : e;
            if (lo <= hi) push_bases(&a, b, v, qpos + (lo - rpos), hi - lo + 1);
            rpos += len;
            qpos += len;
        } else if (op == BAM_CINS) {
            if (rpos >= p && rpos <= e + 1) push_bases(&a, b, v, qpos, len);
            qpos += len;
        } else if (op == BAM_CSOFT_CLIP) {
            qpos += len;
        } else if (op == BAM_CDEL || op == BAM_CREF_SKIP) {
            if (rpos >= p && rpos <= e && rpos + len - 1 > e) unknown = 1;
            rpos += len;
        }
    }
    if (a.minq < 256 && a.minq < r->min_baseq) return GBCMS_READ_SKIP;
    if (partial || unknown) return GBCMS_READ_DP;
    if (a.ref_ok && a.k == v->ref_len) return GBCMS_READ_REF;
    if (a.alt_ok && a.k == v->alt_len) return GBCMS_READ_ALT;
    return GBCMS_READ_DP;
}

gbcms_read_class_t gbcms_classify(const bam1_t *b, const gbcms_variant_t *v, const gbcms_rules_t *r)
{
    if (r->generic) return classify_generic(b, v, r);
    switch (v->type) {
    case GBCMS_SNV: return classify_snv(b, v, r);
    case GBCMS_MNV: return classify_mnv(b, v, r);
    default: return classify_indel(b, v, r);
    }
}
