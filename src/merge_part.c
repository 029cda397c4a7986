/* gbcms merge: one part read site by site.  Text parts (VCF, fillout, MAF,
 * TSV; plain or compressed) are read as lines, so their rows are copied
 * byte for byte; BCF parts through htslib, record by record.  Each site
 * gets a key (what every sample group must have alike) and an order (the
 * contig's index in the header and the counted variant's position). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/hts.h>
#include <htslib/hts_endian.h>
#include <htslib/khash_str2int.h>
#include "gbcms/log.h"
#include "merge_internal.h"

/* Columns of the MAF output (0-based) that differ between samples of one
 * site: Tumor_Sample_Barcode and the counts (t_ref_count, t_alt_count,
 * t_total_count, t_variant_frequency, then the strand/fragment triplets). */
enum {
    MAF_CHROM = 4, MAF_START = 5, MAF_REF = 10, MAF_ALT = 12, MAF_SAMPLE = 15,
    MAF_T_REF = 32, MAF_T_ALT = 33, MAF_T_TOTAL = 37, MAF_MIN_COLS = 39
};

static const char *const fmt_names[] = { "vcf", "fillout", "maf", "tsv" };

static int oom(void)
{
    return gbcms_oom("merging");
}

/* Fields of a row: the start and length of each of the first max. */
typedef struct {
    int n;                      /* fields seen, at most max */
    const char *s[64];
    size_t len[64];
} fields_t;

static void split(fields_t *f, const char *row, size_t len, int max)
{
    const char *end = row + len;
    f->n = 0;
    for (const char *c = row; f->n < max;) {
        const char *tab = memchr(c, '\t', (size_t)(end - c));
        f->s[f->n] = c;
        f->len[f->n] = tab ? (size_t)(tab - c) : (size_t)(end - c);
        f->n++;
        if (!tab) break;
        c = tab + 1;
    }
}

static int field_is(const fields_t *f, int k, const char *s)
{
    return f->len[k] == strlen(s) && memcmp(f->s[k], s, f->len[k]) == 0;
}

/* ---- header ---- */

/* The line of the header starting with key, as a NUL-terminated pointer
 * into h (the line's '\n' becomes NUL; later searches step over it). */
static char *header_line(kstring_t *h, const char *key)
{
    size_t k = strlen(key);
    for (char *s = h->s, *end = h->s + h->l; s && s < end;) {
        char *nl = s + strcspn(s, "\n");
        if (strncmp(s, key, k) == 0) {
            *nl = 0;
            return s;
        }
        s = nl + 1;
    }
    return NULL;
}

static int add_name(char ***list, int *n, const char *s, size_t len)
{
    char **nl = realloc(*list, (size_t)(*n + 1) * sizeof *nl);
    if (!nl) return oom();
    *list = nl;
    if (!(nl[*n] = strndup(s, len))) return oom();
    (*n)++;
    return 0;
}

static int add_names(char ***list, int *n, const char *s, char sep)
{
    while (*s) {
        size_t k = strcspn(s, (char[]){ sep, 0 });
        if (add_name(list, n, s, k) < 0) return -1;
        s += k;
        if (*s) s++;
    }
    return 0;
}

/* Version, options, format, contigs and samples from the header text. */
static int parse_meta(gbcms_part_t *p, int vcf)
{
    kstring_t tmp = { 0, 0, NULL };   /* a copy to cut into lines */
    if (kputsn(p->header.s, p->header.l, &tmp) < 0) return oom();
    int ret = 0;
    const char *ver = header_line(&tmp, vcf ? "##source=" : "#gbcms ");
    const char *opt = header_line(&tmp, vcf ? "##gbcms_options=" : "#gbcms_options=");
    if (!ver || !opt) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: no gbcms provenance line (%s): not an output of gbcms count, or of "
                  "one older than gbcms merge", p->path, vcf ? "##gbcms_options" : "#gbcms_options");
        free(tmp.s);
        return -1;
    }
    const char *sites = header_line(&tmp, vcf ? "##gbcms_sites=" : "#gbcms_sites=");
    char tail = 0;
    long long counted = -1, input = -1;
    if (!sites || sscanf(sites + (vcf ? 14 : 13), "counted=%lld input=%lld%c", &counted, &input, &tail) != 2 ||
        counted < 0 || input < counted) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s %s line (how many of the input's sites it holds)", p->path,
                  sites ? "a bad" : "no", vcf ? "##gbcms_sites" : "#gbcms_sites");
        free(tmp.s);
        return -1;
    }
    p->sites_counted = counted;
    p->sites_input = input;
    p->version = strdup(ver);
    p->options = strdup(opt + (vcf ? 16 : 15));
    if (!p->version || !p->options) ret = oom();
    const char *f = p->options ? strstr(p->options, "format=") : NULL;
    int fmt = -1;
    for (int i = 0; f && i < 4; i++) {
        size_t k = strlen(fmt_names[i]);
        if (strncmp(f + 7, fmt_names[i], k) == 0 && (f[7 + k] == ' ' || !f[7 + k])) fmt = i;
    }
    if (ret == 0 && (fmt < 0 || (fmt == GBCMS_MF_VCF) != vcf)) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: the provenance names no output format this file has", p->path);
        ret = -1;
    }
    p->fmt = (gbcms_mfmt_t)fmt;
    if (ret == 0 && vcf) {
        /* contigs: the ##contig lines; samples: the #CHROM line after FORMAT */
        for (char *s = p->header.s; ret == 0 && s < p->header.s + p->header.l;) {
            char *nl = strchr(s, '\n');
            if (strncmp(s, "##contig=<ID=", 13) == 0)
                ret = add_name(&p->contigs, &p->n_contigs, s + 13, strcspn(s + 13, ",>\n"));
            else if (strncmp(s, "#CHROM\t", 7) == 0) {
                fields_t fl;
                split(&fl, s, (size_t)(nl - s), 64);
                if (fl.n <= GBCMS_VCF_FIXED_COLS) {
                    gbcms_log(GBCMS_LOG_ERROR, "%s: no sample columns in the #CHROM line", p->path);
                    ret = -1;
                    break;
                }
                *nl = 0;
                ret = add_names(&p->samples, &p->n_samples, fl.s[GBCMS_VCF_FIXED_COLS], '\t');
                *nl = '\n';
            }
            s = nl + 1;
        }
    } else if (ret == 0) {
        const char *c = header_line(&tmp, "#gbcms_contigs="), *sm = header_line(&tmp, "#gbcms_samples=");
        if (!c || !sm) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: no %s line in the header", p->path, c ? "#gbcms_samples" : "#gbcms_contigs");
            ret = -1;
        }
        if (ret == 0) ret = add_names(&p->contigs, &p->n_contigs, c + 15, ',');
        if (ret == 0) ret = add_names(&p->samples, &p->n_samples, sm + 15, '\t');
    }
    if (ret == 0 && p->n_samples == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: no samples in the header", p->path);
        ret = -1;
    }
    for (int i = 0; ret == 0 && i < p->n_contigs; i++)
        if (khash_str2int_set(p->contig_ids, p->contigs[i], i) < 0) ret = oom();
    free(tmp.s);
    return ret;
}

static int read_text_header(gbcms_part_t *p)
{
    char *s;
    size_t len;
    int r, vcf = -1;
    while ((r = gbcms_lines_next(&p->lr, &s, &len)) > 0) {
        if (vcf < 0) vcf = strncmp(s, "##fileformat=VCF", 16) == 0;
        if (kputsn(s, len, &p->header) < 0 || kputc('\n', &p->header) < 0) return oom();
        if (vcf && strncmp(s, "#CHROM", 6) == 0) break;
        if (s[0] != '#') {
            if (vcf) r = 0;   /* rows before the #CHROM line */
            break;
        }
    }
    if (r < 0) return -1;
    if (r == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: the header is incomplete (%s line): not a gbcms output, or cut short",
                  p->path, vcf > 0 ? "no #CHROM" : "no column header");
        return -1;
    }
    if (parse_meta(p, vcf) < 0) return -1;
    if (p->fmt == GBCMS_MF_FILLOUT) {   /* the column header ends with the samples */
        fields_t f;
        const char *last = p->header.s + p->header.l - len - 1;
        split(&f, last, len, 64);
        int n = 1;
        for (size_t i = 0; i < len; i++) n += last[i] == '\t';
        if (n != GBCMS_FILLOUT_FIXED_COLS + p->n_samples || !field_is(&f, 0, "Sample")) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: the fillout column header does not match #gbcms_samples", p->path);
            return -1;
        }
    }
    return 0;
}

static int read_bcf_header(gbcms_part_t *p)
{
    if (!(p->bhdr = bcf_hdr_read(p->hts))) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the BCF header", p->path);
        return -1;
    }
    if (!(p->rec = bcf_init()) || bcf_hdr_format(p->bhdr, 0, &p->header) < 0) return oom();
    return parse_meta(p, 1);
}

int gbcms_part_open(gbcms_part_t *p, const char *path)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    if (!(p->contig_ids = khash_str2int_init())) return oom();
    errno = 0;
    htsFile *fp = hts_open(path, "r");
    if (!fp) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the part: %s", path, errno ? strerror(errno) : "unknown format");
        return -1;
    }
    const htsFormat *f = hts_get_format(fp);
    if (f->format == bcf) {
        p->hts = fp;
        p->is_bcf = 1;
        return read_bcf_header(p);
    }
    if (f->category == sequence_data || f->format == bam || f->format == cram || f->format == binary_format) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: not a gbcms output (a binary file that is not BCF)", path);
        hts_close(fp);
        return -1;
    }
    if (gbcms_check_bgzf_eof(fp, path) < 0) {
        hts_close(fp);
        return -1;
    }
    gbcms_lines_attach(&p->lr, fp, path);
    return read_text_header(p);
}

/* ---- sites ---- */

static int bad_row(const gbcms_part_t *p, const char *what)
{
    gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: %s", p->path, p->lr.line, what);
    return -1;
}

/* Order of the site: contig index and 0-based position. */
static int set_order(gbcms_part_t *p, const char *chrom, size_t clen, const char *pos, size_t plen, int shift)
{
    char name[256];
    int64_t v = 0;
    for (size_t i = 0; i < plen; i++) {
        if (pos[i] < '0' || pos[i] > '9' || v > (INT64_C(1) << 40)) { v = -1; break; }
        v = v * 10 + (pos[i] - '0');
    }
    if (plen == 0 || v - shift < 1) return bad_row(p, "the position is not a whole number >= 1");
    snprintf(p->where, sizeof p->where, "%.*s:%lld", (int)(clen < 60 ? clen : 60), chrom, (long long)v);
    kstring_t tmp = { 0, 0, NULL };
    const char *c = chrom;
    if (clen < sizeof name) { memcpy(name, chrom, clen); name[clen] = 0; c = name; }
    else if (kputsn(chrom, clen, &tmp) < 0) return oom();
    else c = tmp.s;
    int found = khash_str2int_get(p->contig_ids, c, &p->tid);
    free(tmp.s);
    if (found < 0) return bad_row(p, "the contig is not in the header's list of contigs");
    p->pos = v - shift - 1;
    return 0;
}

/* A MAF output row's counted position is its Start_Position, less one for
 * an indel anchored on the base before it (maf.c, convert_alleles). */
static int maf_shift(const fields_t *f)
{
    int ins = field_is(f, MAF_REF, "-"), del = field_is(f, MAF_ALT, "-");
    return !ins && (del || f->len[MAF_REF] != f->len[MAF_ALT]);
}

static int append_key(kstring_t *key, const fields_t *f, int from, int to)
{
    for (int k = from; k < to; k++)
        if (kputsn(f->s[k], f->len[k], key) < 0 || kputc('\t', key) < 0) return oom();
    return 0;
}

/* Row i of the current site (already appended to p->site at off). */
static int take_row(gbcms_part_t *p, size_t off, size_t len, int i)
{
    const char *row = p->site.s + off;
    fields_t f;
    int ret = 0;
    switch (p->fmt) {
    case GBCMS_MF_VCF: case GBCMS_MF_FILLOUT: {
        int fixed = p->fmt == GBCMS_MF_VCF ? GBCMS_VCF_FIXED_COLS : GBCMS_FILLOUT_FIXED_COLS;
        split(&f, row, len, fixed + 1);
        int n = fixed;
        for (const char *c = f.n > fixed ? f.s[fixed] : row + len; c < row + len; c++) n += *c == '\t';
        if (f.n <= fixed || n + 1 != fixed + p->n_samples) return bad_row(p, "not as many columns as the header has");
        if (kputsn(row, (size_t)(f.s[fixed] - row), &p->key) < 0) return oom();
        p->data_off = (size_t)(f.s[fixed] - p->site.s);
        ret = p->fmt == GBCMS_MF_VCF ? set_order(p, f.s[0], f.len[0], f.s[1], f.len[1], 0)
                                     : set_order(p, f.s[2], f.len[2], f.s[3], f.len[3], 0);
        break;
    }
    case GBCMS_MF_TSV: {
        split(&f, row, len, 7);
        if (f.n < 7) return bad_row(p, "too few columns for a TSV row");
        if (!field_is(&f, 0, p->samples[i])) return bad_row(p, "not the row of the sample the header lists here");
        size_t klen = (size_t)(f.s[6] - f.s[1]);
        if (i == 0) {
            if (kputsn(f.s[1], klen, &p->key) < 0) return oom();
            ret = set_order(p, f.s[1], f.len[1], f.s[2], f.len[2], 0);
        } else if (klen != p->key.l || memcmp(f.s[1], p->key.s, klen) != 0) {
            return bad_row(p, "a sample row of another site where the header's next sample's row of this site belongs");
        }
        break;
    }
    case GBCMS_MF_MAF: {
        split(&f, row, len, 64);
        if (f.n < MAF_MIN_COLS) return bad_row(p, "too few columns for a MAF row");
        if (!field_is(&f, MAF_SAMPLE, p->samples[i])) return bad_row(p, "not the row of the sample the header lists here");
        size_t mark = p->key.l;
        if (append_key(&p->key, &f, 0, MAF_SAMPLE) < 0 || append_key(&p->key, &f, MAF_SAMPLE + 1, MAF_T_REF) < 0 ||
            append_key(&p->key, &f, MAF_T_ALT + 1, MAF_T_TOTAL) < 0)
            return -1;
        if (i == 0) {
            ret = set_order(p, f.s[MAF_CHROM], f.len[MAF_CHROM], f.s[MAF_START], f.len[MAF_START], maf_shift(&f));
        } else {
            size_t klen = p->key.l - mark;
            int same = klen == mark && memcmp(p->key.s, p->key.s + mark, klen) == 0;
            p->key.l = mark;
            if (!same) return bad_row(p, "a sample row of another site where the header's next sample's row of this site belongs");
        }
        break;
    }
    }
    return ret;
}

static int next_text(gbcms_part_t *p)
{
    int rows = p->fmt == GBCMS_MF_TSV || p->fmt == GBCMS_MF_MAF ? p->n_samples : 1;
    p->site.l = p->key.l = 0;
    for (int i = 0; i < rows; i++) {
        char *s;
        size_t len;
        int r = gbcms_lines_next(&p->lr, &s, &len);
        if (r < 0) return -1;
        if (r == 0) {
            if (i == 0) return 0;
            return bad_row(p, "the file ends inside the rows of a site (cut short?)");
        }
        if (i == 0) p->line = p->lr.line;
        if (len == 0) return bad_row(p, "an empty line");
        size_t off = p->site.l;
        if (kputsn(s, len, &p->site) < 0 || kputc('\n', &p->site) < 0) return oom();
        if (take_row(p, off, len, i) < 0) return -1;
    }
    return 1;
}

static int next_bcf(gbcms_part_t *p)
{
    int r = bcf_read(p->hts, p->bhdr, p->rec);
    if (r == -1) return 0;
    if (r < -1 || bcf_unpack(p->rec, BCF_UN_FMT) < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: read error after record %ld (truncated or corrupt file?)", p->path, p->line);
        return -1;
    }
    p->line++;
    if (p->rec->n_sample != p->n_samples || p->rec->rid < 0 || p->rec->rid >= p->n_contigs) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: record %ld does not match the header", p->path, p->line);
        return -1;
    }
    p->tid = p->rec->rid;
    p->pos = p->rec->pos;
    snprintf(p->where, sizeof p->where, "%.60s:%lld", p->contigs[p->tid], (long long)p->pos + 1);
    return 1;
}

int gbcms_part_next(gbcms_part_t *p)
{
    return p->is_bcf ? next_bcf(p) : next_text(p);
}

int gbcms_part_same_site(const gbcms_part_t *a, const gbcms_part_t *b)
{
    if (!a->is_bcf) return a->key.l == b->key.l && memcmp(a->key.s, b->key.s, a->key.l) == 0;
    const bcf1_t *x = a->rec, *y = b->rec;
    if (x->rid != y->rid || x->pos != y->pos || x->rlen != y->rlen || memcmp(&x->qual, &y->qual, sizeof x->qual) != 0 ||
        x->n_info != y->n_info || x->n_allele != y->n_allele || x->n_fmt != y->n_fmt ||
        x->shared.l != y->shared.l || memcmp(x->shared.s, y->shared.s, x->shared.l) != 0)
        return 0;
    for (int i = 0; i < x->n_fmt; i++)
        if (x->d.fmt[i].id != y->d.fmt[i].id || x->d.fmt[i].n != y->d.fmt[i].n) return 0;
    return 1;
}

int gbcms_part_close(gbcms_part_t *p)
{
    int ret = 0;
    if (p->lr.fp && gbcms_lines_close(&p->lr) < 0) ret = -1;
    if (p->hts && hts_close(p->hts) < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: error closing the file", p->path);
        ret = -1;
    }
    if (p->rec) bcf_destroy(p->rec);
    if (p->bhdr) bcf_hdr_destroy(p->bhdr);
    khash_str2int_destroy(p->contig_ids);
    for (int i = 0; i < p->n_samples; i++) free(p->samples[i]);
    for (int i = 0; i < p->n_contigs; i++) free(p->contigs[i]);
    free(p->samples);
    free(p->contigs);
    free(p->version);
    free(p->options);
    free(p->header.s);
    free(p->site.s);
    free(p->key.s);
    memset(p, 0, sizeof *p);
    return ret;
}

/* ---- BCF sample columns ---- */

static int32_t int_at(const bcf_fmt_t *f, int i)
{
    const uint8_t *p = f->p;
    switch (f->type) {
    case BCF_BT_INT8: {
        int8_t x = (int8_t)p[i];
        return x == bcf_int8_missing ? bcf_int32_missing : x == bcf_int8_vector_end ? bcf_int32_vector_end : x;
    }
    case BCF_BT_INT16: {
        int16_t x = le_to_i16(p + 2 * (size_t)i);
        return x == bcf_int16_missing ? bcf_int32_missing : x == bcf_int16_vector_end ? bcf_int32_vector_end : x;
    }
    default: return le_to_i32(p + 4 * (size_t)i);
    }
}

/* The FORMAT block as vcf_parse() writes it for all samples at once
 * (bcf_enc_vint picks the integer width from every sample's values), so
 * the result is the record a single run would have written. */
int gbcms_bcf_paste(bcf1_t *out, gbcms_part_t *const *parts, int n, kstring_t *scratch)
{
    bcf1_t *r0 = parts[0]->rec;
    int total = 0;
    for (int g = 0; g < n; g++) total += parts[g]->rec->n_sample;
    bcf_copy(out, r0);
    kstring_t *ks = &out->indiv;
    ks->l = 0;
    for (int i = 0; i < r0->n_fmt; i++) {
        const bcf_fmt_t *f0 = &r0->d.fmt[i];
        int ints = f0->type == BCF_BT_INT8 || f0->type == BCF_BT_INT16 || f0->type == BCF_BT_INT32;
        if (bcf_enc_int1(ks, f0->id) < 0) return oom();
        if (ints) {
            scratch->l = 0;
            if (ks_resize(scratch, (size_t)total * (size_t)f0->n * sizeof(int32_t)) < 0) return oom();
            int32_t *v = (int32_t *)scratch->s;
            size_t k = 0;
            for (int g = 0; g < n; g++) {
                const bcf_fmt_t *f = &parts[g]->rec->d.fmt[i];
                for (int j = 0; j < f->n * parts[g]->rec->n_sample; j++) v[k++] = int_at(f, j);
            }
            if (bcf_enc_vint(ks, (int)k, v, f0->n) < 0) return oom();
            continue;
        }
        if (f0->type != BCF_BT_FLOAT && f0->type != BCF_BT_CHAR) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: a FORMAT field of a type gbcms never writes", parts[0]->path);
            return -1;
        }
        for (int g = 1; g < n; g++)
            if (parts[g]->rec->d.fmt[i].type != f0->type) {
                gbcms_log(GBCMS_LOG_ERROR, "%s and %s: a FORMAT field of different types at %s", parts[0]->path,
                          parts[g]->path, parts[0]->where);
                return -1;
            }
        if (bcf_enc_size(ks, f0->n, f0->type) < 0) return oom();
        for (int g = 0; g < n; g++) {   /* little-endian floats and characters: copied as they are */
            const bcf_fmt_t *f = &parts[g]->rec->d.fmt[i];
            if (kputsn((const char *)f->p, (size_t)f->size * (size_t)parts[g]->rec->n_sample, ks) < 0) return oom();
        }
    }
    out->n_sample = total;
    return 0;
}
