/* Variants: VCF/BCF reading, validation, stable sort, identical-record
 * links and blocks.  MAF reading is in maf.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>
#include "fasta.h"
#include "gbcms/log.h"
#include "gbcms/variants.h"
#include "variants_internal.h"

static void src_where(const gbcms_src_t *src, char *buf, size_t n)
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

/* Upper-cased copy if every base is one of ACGTN, else NULL. */
static char *checked_allele(const char *a)
{
    size_t n = strlen(a);
    if (n == 0) return NULL;
    char *u = malloc(n + 1);
    if (!u) return NULL;
    for (size_t i = 0; i <= n; i++) u[i] = (char)toupper((unsigned char)a[i]);
    if (strspn(u, "ACGTN") != n) { free(u); return NULL; }
    return u;
}

void gbcms_variant_classify(gbcms_variant_t *v, int generic)
{
    if (v->ref_len == v->alt_len) v->type = v->ref_len == 1 ? GBCMS_SNV : GBCMS_MNV;
    else v->type = v->alt_len > v->ref_len ? GBCMS_INS : GBCMS_DEL;
    /* The largest read start that can still matter (counting.md sec. 4). */
    if (generic) v->last_start = v->pos + v->ref_len - 1;
    else if (v->type == GBCMS_SNV) v->last_start = v->pos;
    else if (v->type == GBCMS_MNV) v->last_start = v->pos + v->ref_len - 1;
    else v->last_start = v->pos + 1;
}

static int contig_missing(const gbcms_variants_t *vs, const faidx_t *fai, const char *where,
                          const char *chrom, const char *what)
{
    char hint[300];
    gbcms_log(GBCMS_LOG_ERROR, "%s: contig '%s' is not in %s%s", where, chrom, what,
              fai ? gbcms_contig_hint(chrom, gbcms_fai_has_contig, fai, hint, sizeof hint)
                  : gbcms_contig_hint(chrom, gbcms_hdr_has_contig, vs->hdr, hint, sizeof hint));
    return -1;
}

static int check_against_fasta(gbcms_variant_t *v, const faidx_t *fai, const gbcms_variants_t *vs,
                               const char *where, const char *chrom)
{
    int64_t len = 0;
    char *seq = gbcms_fasta_fetch(fai, chrom, v->pos, v->pos + v->ref_len, &len);
    if (!seq) return contig_missing(vs, fai, where, chrom, "the FASTA");
    if (len < v->ref_len) {
        free(seq);
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s:%lld REF '%s' runs past the end of the contig in the FASTA",
                  where, chrom, (long long)v->pos + 1, v->out_ref);
        return -1;
    }
    if (strncmp(seq, v->ref, (size_t)v->ref_len) != 0)
        gbcms_warn(GBCMS_WARN_REF_MISMATCH, "%s: REF '%s' at %s:%lld differs from the FASTA ('%.*s'); counting as given",
                   where, v->out_ref, chrom, (long long)v->pos + 1, v->ref_len, seq);
    v->ref_next = len > 1 ? seq[1] : 0;
    free(seq);
    return 0;
}

int gbcms_variants_add(gbcms_variants_t *vs, const gbcms_opts_t *o, const faidx_t *fai,
                       const gbcms_src_t *src, const char *chrom, int64_t pos1,
                       const char *id, const char *ref, const char *alt,
                       const char *out_ref, const char *out_alt, long maf_row)
{
    char where[1024];
    src_where(src, where, sizeof where);
    if (is_symbolic(alt)) {
        gbcms_warn(GBCMS_WARN_SYMBOLIC_ALT, "%s: ALT '%s' at %s:%lld is symbolic or missing; skipped",
                   where, alt, chrom, (long long)pos1);
        return 0;
    }
    char *uref = checked_allele(ref), *ualt = checked_allele(alt);
    if (!uref || !ualt) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s allele '%s' is empty or has a character other than A, C, G, T, N",
                  where, uref ? "ALT" : "REF", uref ? alt : ref);
        free(uref); free(ualt);
        return -1;
    }
    int32_t tid = sam_hdr_name2tid((sam_hdr_t *)vs->hdr, chrom);
    if (tid < 0) {
        free(uref); free(ualt);
        return contig_missing(vs, NULL, where, chrom, "the first BAM's header");
    }
    if (vs->n == vs->m) {
        size_t m = vs->m ? 2 * vs->m : 1024;
        gbcms_variant_t *nv = realloc(vs->v, m * sizeof *nv);
        if (!nv) { free(uref); free(ualt); return -1; }
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
    if (!v->out_ref || !v->out_alt || !v->id) return -1;
    gbcms_variant_classify(v, o->generic_counting);
    if (fai) return check_against_fasta(v, fai, vs, where, chrom);
    /* No FASTA: a deletion's base at p+1 is REF[1]; for an insertion any
     * aligned base at p+1 counts as REF (documented in the README). */
    v->ref_next = v->ref_len > 1 ? v->ref[1] : 0;
    return 0;
}

/* Split a line on tabs in place; returns the number of fields. */
static int split_tabs(char *s, char **f, int max)
{
    int n = 0;
    f[n++] = s;
    for (char *c = s; *c; c++)
        if (*c == '\t') { *c = 0; if (n < max) f[n++] = c + 1; else break; }
    return n;
}

static int add_alts(gbcms_variants_t *vs, const gbcms_opts_t *o, const faidx_t *fai,
                    const gbcms_src_t *src, const char *chrom, int64_t pos1, const char *id,
                    const char *ref, char *alts)
{
    char *save = NULL;
    int n = 0;
    for (char *a = strtok_r(alts, ",", &save); a; a = strtok_r(NULL, ",", &save), n++)
        if (gbcms_variants_add(vs, o, fai, src, chrom, pos1, id, ref, a, ref, a, -1) < 0) return -1;
    if (n == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: empty ALT", src->file, src->line);
        return -1;
    }
    return 0;
}

static int load_vcf_text(gbcms_variants_t *vs, const gbcms_opts_t *o, htsFile *fp,
                         const char *file, const faidx_t *fai)
{
    kstring_t ks = { 0, 0, NULL };
    gbcms_src_t src = { file, 0, 0 };
    int ret = 0, r;
    while ((r = hts_getline(fp, '\n', &ks)) >= 0) {
        src.line++;
        while (ks.l > 0 && (ks.s[ks.l - 1] == '\r' || ks.s[ks.l - 1] == ' ')) ks.s[--ks.l] = 0;
        if (ks.l == 0 || ks.s[0] == '#') continue;
        char *f[6];
        int nf = split_tabs(ks.s, f, 6);
        if (nf < 5) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: %d field%s, a VCF record needs at least 5 (CHROM POS ID REF ALT)",
                      file, src.line, nf, nf == 1 ? "" : "s");
            ret = -1;
            break;
        }
        int64_t pos1 = gbcms_parse_pos(f[1]);
        if (pos1 < 0) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: POS '%s' is not a position (a whole number >= 1)",
                      file, src.line, f[1]);
            ret = -1;
            break;
        }
        if ((ret = add_alts(vs, o, fai, &src, f[0], pos1, f[2], f[3], f[4])) < 0) break;
    }
    if (ret == 0 && r < -1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: read error after line %ld (truncated or corrupt file?)", file, src.line);
        ret = -1;
    }
    free(ks.s);
    return ret;
}

static int load_bcf(gbcms_variants_t *vs, const gbcms_opts_t *o, htsFile *fp,
                    const char *file, const faidx_t *fai)
{
    bcf_hdr_t *h = bcf_hdr_read(fp);
    if (!h) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the BCF header", file);
        return -1;
    }
    bcf1_t *rec = bcf_init();
    gbcms_src_t src = { file, 0, 1 };
    kstring_t alts = { 0, 0, NULL };
    int ret = 0, r;
    while (rec && (r = bcf_read(fp, h, rec)) >= 0) {
        src.line++;
        if (bcf_unpack(rec, BCF_UN_STR) < 0 || rec->n_allele < 1) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: record %ld cannot be decoded", file, src.line);
            ret = -1;
            break;
        }
        alts.l = 0;
        for (int i = 1; i < rec->n_allele; i++) {
            if (i > 1) kputc(',', &alts);
            kputs(rec->d.allele[i], &alts);
        }
        if (rec->n_allele < 2) kputs(".", &alts);
        ret = add_alts(vs, o, fai, &src, bcf_seqname(h, rec), (int64_t)rec->pos + 1,
                       rec->d.id, rec->d.allele[0], alts.s);
        if (ret < 0) break;
    }
    if (ret == 0 && r < -1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: read error after record %ld (truncated or corrupt file?)", file, src.line);
        ret = -1;
    }
    free(alts.s);
    bcf_destroy(rec);
    bcf_hdr_destroy(h);
    return ret;
}

static int load_vcf(gbcms_variants_t *vs, const gbcms_opts_t *o, const char *file, const faidx_t *fai)
{
    if (access(file, R_OK) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the variant file: %s", file, strerror(errno));
        return -1;
    }
    htsFile *fp = hts_open(file, "r");
    if (!fp) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the variant file", file);
        return -1;
    }
    const htsFormat *fmt = hts_get_format(fp);
    int ret;
    if (fmt->format == bcf) ret = load_bcf(vs, o, fp, file, fai);
    else if (fmt->category == sequence_data || fmt->format == bam || fmt->format == cram) {
        char *desc = hts_format_description(fmt);   /* malloc'd by htslib */
        gbcms_log(GBCMS_LOG_ERROR, "%s: this is %s, not a VCF", file, desc ? desc : "another format");
        free(desc);
        ret = -1;
    } else ret = load_vcf_text(vs, o, fp, file, fai);
    if (hts_close(fp) < 0 && ret == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: error closing the variant file", file);
        ret = -1;
    }
    return ret;
}

static int cmp_variant(const void *a, const void *b)
{
    const gbcms_variant_t *x = a, *y = b;
    if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    /* ties keep input order: the sort is stable */
    return x->input_order < y->input_order ? -1 : x->input_order > y->input_order;
}

int gbcms_variants_finish(gbcms_variants_t *vs, const gbcms_opts_t *o)
{
    if (vs->n) qsort(vs->v, vs->n, sizeof *vs->v, cmp_variant);
    /* Identical (contig, pos, REF, ALT) records share the first one's counts. */
    for (size_t i = 0; i < vs->n; i++) {
        vs->v[i].primary = i;
        for (size_t j = i; j-- > 0 && vs->v[j].tid == vs->v[i].tid && vs->v[j].pos == vs->v[i].pos;)
            if (strcmp(vs->v[j].ref, vs->v[i].ref) == 0 && strcmp(vs->v[j].alt, vs->v[i].alt) == 0)
                vs->v[i].primary = vs->v[j].primary;
    }
    free(vs->blocks);
    vs->blocks = NULL;
    vs->n_blocks = 0;
    if (vs->n == 0) return 0;
    size_t cap = 16;
    vs->blocks = malloc(cap * sizeof *vs->blocks);
    if (!vs->blocks) return -1;
    size_t start = 0;
    for (size_t i = 1; i <= vs->n; i++) {
        int cut = i == vs->n;
        if (!cut) {
            const gbcms_variant_t *f = &vs->v[start], *c = &vs->v[i];
            /* never split records at one position: identical ones share counts */
            int same_pos = c->tid == vs->v[i - 1].tid && c->pos == vs->v[i - 1].pos;
            cut = !same_pos && (c->tid != f->tid || i - start >= (size_t)o->max_block_size ||
                                c->pos - f->pos > o->max_block_dist);
        }
        if (!cut) continue;
        if (vs->n_blocks == cap) {
            cap *= 2;
            gbcms_block_t *nb = realloc(vs->blocks, cap * sizeof *nb);
            if (!nb) return -1;
            vs->blocks = nb;
        }
        vs->blocks[vs->n_blocks].begin = start;
        vs->blocks[vs->n_blocks].end = i;
        vs->n_blocks++;
        start = i;
    }
    return 0;
}

int gbcms_variants_load(gbcms_variants_t *vs, const gbcms_opts_t *o,
                        const sam_hdr_t *hdr, const struct faidx_t *fai)
{
    memset(vs, 0, sizeof *vs);
    vs->hdr = hdr;
    for (int i = 0; i < o->n_variant_files; i++) {
        int r = o->input_is_maf ? gbcms_maf_load(vs, o, o->variant_files[i], fai)
                                : load_vcf(vs, o, o->variant_files[i], fai);
        if (r < 0) return -1;
    }
    return gbcms_variants_finish(vs, o);
}

void gbcms_variants_destroy(gbcms_variants_t *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        gbcms_variant_t *v = &vs->v[i];
        free(v->ref); free(v->alt); free(v->out_ref); free(v->out_alt); free(v->id);
    }
    free(vs->v);
    free(vs->blocks);
    gbcms_maf_table_t *t = &vs->maf;
    for (int j = 0; j < t->n_cols; j++) free(t->cols[j]);
    free(t->cols);
    for (size_t i = 0; i < t->n_rows; i++) {
        if (t->rows[i]) free(t->rows[i][0]);   /* one buffer holds the whole row */
        free(t->rows[i]);
    }
    free(t->rows);
    memset(vs, 0, sizeof *vs);
}
