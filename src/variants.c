/* The variant store: validation of one record, stable sort, links between
 * identical records, and blocks.  The readers (vcf_in.c, maf.c) feed it;
 * input.c picks the reader. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include "fasta.h"
#include "gbcms/count.h"
#include "gbcms/log.h"
#include "gbcms/variants.h"
#include "regions.h"
#include "variants_internal.h"

void gbcms_src_where(const gbcms_src_t *src, char *buf, size_t n)
{
    snprintf(buf, n, src->is_record ? "%s: record %ld" : "%s:%ld", src->file, src->line);
}

int64_t gbcms_parse_pos(const char *s)
{
    if (!*s) return -1;
    int64_t v = 0;
    for (const char *c = s; *c; c++) {
        if (!isdigit((unsigned char)*c) || v > (INT64_C(1) << 40)) return -1;
        v = v * 10 + (*c - '0');
    }
    return v >= 1 ? v : -1;
}

static int is_symbolic(const char *alt)
{
    return alt[0] == '<' || strcmp(alt, "*") == 0 || strcmp(alt, ".") == 0 ||
           strchr(alt, '[') || strchr(alt, ']');
}

/* Upper-cased copy into *out.  Returns 0, -1 when a base is not ACGTN or
 * the allele is empty, -2 when out of memory. */
static int checked_allele(const char *a, char **out)
{
    size_t n = strlen(a);
    *out = NULL;
    if (n == 0) return -1;
    char *u = malloc(n + 1);
    if (!u) return -2;
    for (size_t i = 0; i <= n; i++) u[i] = (char)toupper((unsigned char)a[i]);
    if (strspn(u, "ACGTN") != n) { free(u); return -1; }
    *out = u;
    return 0;
}

void gbcms_variant_classify(gbcms_variant_t *v, int generic)
{
    if (v->ref_len == v->alt_len) v->type = v->ref_len == 1 ? GBCMS_SNV : GBCMS_MNV;
    else v->type = v->alt_len > v->ref_len ? GBCMS_INS : GBCMS_DEL;
    v->last_start = gbcms_last_read_start(v, generic);
    v->first_end = v->pos;   /* every rule reads p or later */
}

static int contig_missing(const gbcms_variants_t *vs, const faidx_t *fai, const char *where,
                          const char *chrom, const char *what)
{
    char hint[300], ab[GBCMS_ABBREV_LEN];
    gbcms_log(GBCMS_LOG_ERROR, "%s: contig '%s' is not in %s%s", where, gbcms_abbrev(chrom, ab), what,
              fai ? gbcms_contig_hint(chrom, gbcms_fai_has_contig, fai, hint, sizeof hint)
                  : gbcms_contig_hint(chrom, gbcms_hdr_has_contig, vs->hdr, hint, sizeof hint));
    return -1;
}

static int past_end(const gbcms_variant_t *v, const char *where, const char *chrom, int64_t len,
                    const char *what)
{
    char ab[GBCMS_ABBREV_LEN];
    gbcms_log(GBCMS_LOG_ERROR, "%s: %s:%lld REF '%s' runs past the end of the contig (length %lld in %s)",
              where, chrom, (long long)v->pos + 1, gbcms_abbrev(v->out_ref, ab), (long long)len, what);
    return -1;
}

static int check_against_fasta(gbcms_variant_t *v, const faidx_t *fai, const gbcms_variants_t *vs,
                               const char *where, const char *chrom)
{
    if (!faidx_has_seq(fai, chrom)) return contig_missing(vs, fai, where, chrom, "the FASTA");
    /* htslib clamps a fetch to the contig, so the length is checked first. */
    int64_t clen = faidx_seq_len(fai, chrom);
    if (clen >= 0 && v->pos + v->ref_len > clen) return past_end(v, where, chrom, clen, "the FASTA");
    int64_t len = 0;
    char *seq = NULL;
    int r = gbcms_fasta_fetch(fai, chrom, v->pos, v->pos + v->ref_len, &seq, &len);
    if (r < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read %s:%lld from the FASTA: %s", where, chrom,
                  (long long)v->pos + 1, r == -2 ? "out of memory" :
                  "truncated file, or its .fai does not match it (re-run samtools faidx)");
        return -1;
    }
    if (len < v->ref_len) {
        free(seq);
        return past_end(v, where, chrom, clen, "the FASTA");
    }
    if (strncmp(seq, v->ref, (size_t)v->ref_len) != 0) {
        char a[GBCMS_ABBREV_LEN], b[GBCMS_ABBREV_LEN];
        char keep = seq[v->ref_len];   /* the base at p+len, still needed below */
        seq[v->ref_len] = 0;
        gbcms_warn(GBCMS_WARN_REF_MISMATCH, "%s: REF '%s' at %s:%lld differs from the FASTA ('%s'); counting as given",
                   where, gbcms_abbrev(v->out_ref, a), chrom, (long long)v->pos + 1, gbcms_abbrev(seq, b));
        seq[v->ref_len] = keep;
    }
    v->ref_next = len > 1 ? seq[1] : 0;
    free(seq);
    return 0;
}

int gbcms_variants_add(gbcms_variants_t *vs, const faidx_t *fai, const gbcms_src_t *src,
                       const char *chrom, int64_t pos1, const char *id, const char *ref,
                       const char *alt, const char *out_ref, const char *out_alt, long maf_row)
{
    char where[1024], ab[GBCMS_ABBREV_LEN];
    gbcms_src_where(src, where, sizeof where);
    /* Outside the regions: the alleles are still checked (a damaged file
     * fails in every shard of a split run), nothing else is. */
    int in = vs->regions ? gbcms_regions_has(vs->regions, chrom, pos1 - 1) : 1;
    if (in < 0) return -1;
    if (is_symbolic(alt)) {
        if (in)
            gbcms_warn(GBCMS_WARN_SYMBOLIC_ALT, "%s: ALT '%s' at %s:%lld is symbolic or missing; skipped",
                       where, gbcms_abbrev(alt, ab), chrom, (long long)pos1);
        return 0;
    }
    char *uref = NULL, *ualt = NULL;
    int rr = checked_allele(ref, &uref), ra = rr == 0 ? checked_allele(alt, &ualt) : 0;
    if (rr == -2 || ra == -2) {
        free(uref);
        return gbcms_oom("an allele");
    }
    if (rr < 0 || ra < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s allele '%s' is empty or has a character other than A, C, G, T, N",
                  where, rr < 0 ? "REF" : "ALT", gbcms_abbrev(rr < 0 ? ref : alt, ab));
        free(uref);
        return -1;
    }
    if (!in) {
        free(uref);
        free(ualt);
        vs->n_outside++;
        return 0;
    }
    int32_t tid = sam_hdr_name2tid((sam_hdr_t *)vs->hdr, chrom);
    if (tid < 0) {
        free(uref); free(ualt);
        return contig_missing(vs, NULL, where, chrom, "the first BAM's header");
    }
    if (vs->n == vs->m) {
        size_t m = vs->m ? 2 * vs->m : 1024;
        gbcms_variant_t *nv = realloc(vs->v, m * sizeof *nv);
        if (!nv) { free(uref); free(ualt); return gbcms_oom("the variant table"); }
        vs->v = nv;
        vs->m = m;
    }
    gbcms_variant_t *v = &vs->v[vs->n];
    memset(v, 0, sizeof *v);
    v->tid = tid;
    v->pos = pos1 - 1;
    v->ref = uref;
    v->alt = ualt;
    v->ref_len = (int)strlen(uref);
    v->alt_len = (int)strlen(ualt);
    v->out_ref = strdup(out_ref);
    v->out_alt = strdup(out_alt);
    v->id = strdup(id ? id : ".");
    v->maf_row = maf_row;
    v->input_order = vs->n;
    vs->n++;   /* counted now so destroy frees the strings on any error below */
    if (!v->out_ref || !v->out_alt || !v->id) return gbcms_oom("the variant table");
    gbcms_variant_classify(v, vs->generic);
    /* The site must lie on the contig the reads are aligned to. */
    hts_pos_t clen = sam_hdr_tid2len(vs->hdr, tid);
    if (clen > 0 && v->pos + v->ref_len > clen) return past_end(v, where, chrom, clen, "the first BAM's header");
    if (fai) return check_against_fasta(v, fai, vs, where, chrom);
    /* No FASTA: a deletion's base at p+1 is REF[1]; for an insertion any
     * aligned base at p+1 counts as REF (documented in the README). */
    v->ref_next = v->ref_len > 1 ? v->ref[1] : 0;
    return 0;
}

static int cmp_variant(const void *a, const void *b)
{
    const gbcms_variant_t *x = a, *y = b;
    if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    /* ties keep input order: the sort is stable */
    return x->input_order < y->input_order ? -1 : x->input_order > y->input_order;
}

typedef struct {
    const char *ref, *alt;
    size_t i;
} allele_key_t;

static int cmp_alleles(const void *a, const void *b)
{
    const allele_key_t *x = a, *y = b;
    int c = strcmp(x->ref, y->ref);
    if (!c) c = strcmp(x->alt, y->alt);
    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/* Identical (contig, pos, REF, ALT) records share the first one's counts.
 * Each position's records are sorted by allele, so a position with many
 * records costs n log n, not n^2. */
static int link_identical(gbcms_variants_t *vs)
{
    allele_key_t *keys = NULL;
    size_t cap = 0;
    for (size_t a = 0, b; a < vs->n; a = b) {
        vs->v[a].primary = a;
        for (b = a + 1; b < vs->n && vs->v[b].tid == vs->v[a].tid && vs->v[b].pos == vs->v[a].pos; b++)
            vs->v[b].primary = b;
        if (b - a == 1) continue;
        if (b - a > cap) {
            cap = b - a;
            allele_key_t *nk = realloc(keys, cap * sizeof *nk);
            if (!nk) { free(keys); return gbcms_oom("linking identical records"); }
            keys = nk;
        }
        for (size_t i = a; i < b; i++) keys[i - a] = (allele_key_t){ vs->v[i].ref, vs->v[i].alt, i };
        qsort(keys, b - a, sizeof *keys, cmp_alleles);
        for (size_t k = 1; k < b - a; k++)
            if (strcmp(keys[k].ref, keys[k - 1].ref) == 0 && strcmp(keys[k].alt, keys[k - 1].alt) == 0)
                vs->v[keys[k].i].primary = vs->v[keys[k - 1].i].primary;
    }
    free(keys);
    return 0;
}

int gbcms_variants_finish(gbcms_variants_t *vs, int max_block_size, int max_block_dist)
{
    if (vs->n) qsort(vs->v, vs->n, sizeof *vs->v, cmp_variant);
    if (link_identical(vs) < 0) return -1;
    free(vs->blocks);
    vs->blocks = NULL;
    vs->n_blocks = 0;
    if (vs->n == 0) return 0;
    size_t cap = 16;
    vs->blocks = malloc(cap * sizeof *vs->blocks);
    if (!vs->blocks) return gbcms_oom("the block table");
    size_t start = 0;
    for (size_t i = 1; i <= vs->n; i++) {
        int cut = i == vs->n;
        if (!cut) {
            const gbcms_variant_t *f = &vs->v[start], *c = &vs->v[i];
            /* never split records at one position: identical ones share counts */
            int same_pos = c->tid == vs->v[i - 1].tid && c->pos == vs->v[i - 1].pos;
            cut = !same_pos && (c->tid != f->tid || i - start >= (size_t)max_block_size ||
                                c->pos - f->pos > max_block_dist);
        }
        if (!cut) continue;
        if (vs->n_blocks == cap) {
            cap *= 2;
            gbcms_block_t *nb = realloc(vs->blocks, cap * sizeof *nb);
            if (!nb) return gbcms_oom("the block table");
            vs->blocks = nb;
        }
        vs->blocks[vs->n_blocks].begin = start;
        vs->blocks[vs->n_blocks].end = i;
        vs->n_blocks++;
        start = i;
    }
    return 0;
}

void gbcms_variants_destroy(gbcms_variants_t *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        gbcms_variant_t *v = &vs->v[i];
        free(v->ref); free(v->alt); free(v->out_ref); free(v->out_alt); free(v->id); free(v->qfi);
    }
    for (size_t i = 0; vs->rprep && i < vs->n; i++) free(vs->rprep[i]);
    free(vs->rprep);
    free(vs->vcf_meta.s);
    free(vs->v);
    free(vs->blocks);
    gbcms_maf_table_t *t = &vs->maf;
    for (int j = 0; j < t->n_cols; j++) free(t->cols[j]);
    free(t->cols);
    for (size_t i = 0; i < t->n_rows; i++) {
        free(t->rows[i]);
        free(t->bufs[i]);
    }
    free(t->rows);
    free(t->bufs);
    memset(vs, 0, sizeof *vs);
}
