/* VCF input: VCF text (plain or bgzipped, read line by line so damaged
 * lines are reported with their number) and BCF (through htslib). */
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>
#include "gbcms/log.h"
#include "lines.h"
#include "variants_internal.h"

/* Split a line on tabs in place; returns the number of fields. */
static int split_tabs(char *s, char **f, int max)
{
    int n = 0;
    f[n++] = s;
    for (char *c = s; *c; c++)
        if (*c == '\t') { *c = 0; if (n < max) f[n++] = c + 1; else break; }
    return n;
}

/* Each allele of a comma-separated ALT is a record of its own.  An empty
 * allele ("A,", ",A", "A,,C") is an error: it is a damaged line, not a
 * request to count nothing. */
static int add_alts(gbcms_variants_t *vs, const faidx_t *fai, const gbcms_src_t *src,
                    const char *chrom, int64_t pos1, const char *id, const char *ref, char *alts,
                    const char *qfi)
{
    char where[1024], ab[GBCMS_ABBREV_LEN];
    int n_alts = 1, k = 0;
    for (const char *c = alts; *c; c++) n_alts += *c == ',';
    for (char *a = alts;; k++) {
        char *comma = strchr(a, ',');
        if (comma) *comma = 0;
        if (!*a) {
            gbcms_src_where(src, where, sizeof where);
            if (comma) *comma = ',';
            gbcms_log(GBCMS_LOG_ERROR, "%s: empty ALT allele in '%s'", where, gbcms_abbrev(alts, ab));
            return -1;
        }
        size_t n = vs->n;
        if (gbcms_variants_add(vs, fai, src, chrom, pos1, id, ref, a, ref, a, -1) < 0) return -1;
        if (vs->n > n) {   /* added, not skipped: keep what the VCF output carries */
            gbcms_variant_t *v = &vs->v[n];
            v->alt_index = k;
            v->n_alts = n_alts;
            if (qfi && !(v->qfi = strdup(qfi))) return gbcms_oom("the variant table");
        }
        if (!comma) return 0;
        *comma = ',';
        a = comma + 1;
    }
}

/* QUAL, FILTER and INFO (n of them given, '.' for each missing or empty
 * one), tab-separated, into ks; NULL when out of memory. */
static const char *take_qfi(kstring_t *ks, char **f, int n)
{
    ks->l = 0;
    for (int k = 0; k < 3; k++)
        if ((k && kputc('\t', ks) < 0) || kputs(k < n && *f[k] ? f[k] : ".", ks) < 0) return NULL;
    return ks->s;
}

static int load_vcf_text(gbcms_variants_t *vs, gbcms_lines_t *lr, const char *file, const faidx_t *fai)
{
    gbcms_src_t src = { file, 0, 0 };
    char *s, ab[GBCMS_ABBREV_LEN];
    size_t len;
    int r;
    kstring_t qfi = { 0, 0, NULL };
    while ((r = gbcms_lines_next(lr, &s, &len)) > 0) {
        src.line = lr->line;
        while (len > 0 && s[len - 1] == ' ') s[--len] = 0;
        if (len > 0 && s[0] == '#' && vs->keep_vcf_fields &&
            (kputsn(s, len, &vs->vcf_meta) < 0 || kputc('\n', &vs->vcf_meta) < 0)) {
            r = gbcms_oom("reading the VCF header");
            break;
        }
        if (len == 0 || s[0] == '#') continue;
        char *f[8];
        int nf = split_tabs(s, f, 8);
        if (nf < 5) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: %d field%s, a VCF record needs at least 5 (CHROM POS ID REF ALT)",
                      file, src.line, nf, nf == 1 ? "" : "s");
            r = -1;
            break;
        }
        int64_t pos1 = gbcms_parse_pos(f[1]);
        if (pos1 < 0) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: POS '%s' is not a position (a whole number >= 1)",
                      file, src.line, gbcms_abbrev(f[1], ab));
            r = -1;
            break;
        }
        if (!*f[4]) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: empty ALT", file, src.line);
            r = -1;
            break;
        }
        const char *q = vs->keep_vcf_fields ? take_qfi(&qfi, f + 5, nf - 5) : NULL;
        if (vs->keep_vcf_fields && !q) { r = gbcms_oom("reading the VCF"); break; }
        if (add_alts(vs, fai, &src, f[0], pos1, f[2], f[3], f[4], q) < 0) { r = -1; break; }
    }
    free(qfi.s);
    return r;
}

static int load_bcf(gbcms_variants_t *vs, htsFile *fp, const char *file, const faidx_t *fai)
{
    bcf_hdr_t *h = bcf_hdr_read(fp);
    if (!h) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the BCF header", file);
        return -1;
    }
    bcf1_t *rec = bcf_init();
    gbcms_src_t src = { file, 0, 1 };
    kstring_t alts = { 0, 0, NULL }, text = { 0, 0, NULL }, qfi = { 0, 0, NULL };
    int ret = rec ? 0 : gbcms_oom("reading a BCF record"), r = 0;
    /* the header, for the VCF output's */
    if (ret == 0 && vs->keep_vcf_fields && bcf_hdr_format(h, 0, &vs->vcf_meta) < 0)
        ret = gbcms_oom("reading the BCF header");
    while (ret == 0 && (r = bcf_read(fp, h, rec)) >= 0) {
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
        if (!alts.s) { ret = gbcms_oom("reading a BCF record"); break; }
        const char *q = NULL;
        if (vs->keep_vcf_fields) {   /* QUAL FILTER INFO as text: columns 6-8 of the line */
            text.l = 0;
            if (vcf_format(h, rec, &text) < 0) {
                gbcms_log(GBCMS_LOG_ERROR, "%s: record %ld cannot be decoded", file, src.line);
                ret = -1;
                break;
            }
            if (text.s[text.l - 1] == '\n') text.s[--text.l] = 0;
            char *f[8];
            int nf = split_tabs(text.s, f, 8);
            if (!(q = take_qfi(&qfi, f + 5, nf - 5))) { ret = gbcms_oom("reading a BCF record"); break; }
        }
        ret = add_alts(vs, fai, &src, bcf_seqname(h, rec), (int64_t)rec->pos + 1,
                       rec->d.id, rec->d.allele[0], alts.s, q);
    }
    if (ret == 0 && r < -1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: read error after record %ld (truncated or corrupt file?)", file, src.line);
        ret = -1;
    }
    free(alts.s);
    free(text.s);
    free(qfi.s);
    if (rec) bcf_destroy(rec);
    bcf_hdr_destroy(h);
    return ret;
}

int gbcms_vcf_load(gbcms_variants_t *vs, const char *file, const faidx_t *fai)
{
    gbcms_lines_t lr;
    if (gbcms_lines_open(&lr, file, "the variant file") < 0) return -1;
    const htsFormat *fmt = hts_get_format(lr.fp);
    int ret;
    if (fmt->format == bcf) ret = load_bcf(vs, lr.fp, file, fai);
    else if (fmt->category == sequence_data || fmt->format == bam || fmt->format == cram) {
        char *desc = hts_format_description(fmt);   /* malloc'd by htslib */
        gbcms_log(GBCMS_LOG_ERROR, "%s: this is %s, not a VCF", file, desc ? desc : "another format");
        free(desc);
        ret = -1;
    } else ret = load_vcf_text(vs, &lr, file, fai);
    if (gbcms_lines_close(&lr) < 0 && ret == 0) ret = -1;
    return ret;
}
