/* MAF input: columns found by name in each file's own header, '-' alleles
 * converted to VCF style with the reference base before the event, and
 * each row kept, in the first MAF's column order, for output. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <htslib/kstring.h>
#include "fasta.h"
#include "gbcms/log.h"
#include "lines.h"
#include "variants_internal.h"

enum { C_CHROM, C_START, C_END, C_REF, C_ALT1, C_ALT2, C_NUM_REQUIRED };
static const char *required_cols[C_NUM_REQUIRED] = {
    "Chromosome", "Start_Position", "End_Position", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2"
};

/* One file's header: where each required column is, and where each of the
 * output's (first MAF's) columns is in this file (-1: absent). */
typedef struct {
    int req[C_NUM_REQUIRED];
    int center, build;      /* Center, NCBI_Build, or -1 */
    int *map;
    int n_fields;
} maf_layout_t;

/* Split s on tabs in place into a malloc'd array; returns the count or -1. */
static int split_row(char *s, char ***out)
{
    int n = 1, cap = 64;
    char **f = malloc((size_t)cap * sizeof *f);
    if (!f) return -1;
    f[0] = s;
    for (char *c = s; *c; c++) {
        if (*c != '\t') continue;
        *c = 0;
        if (n == cap) {
            cap *= 2;
            char **nf = realloc(f, (size_t)cap * sizeof *nf);
            if (!nf) { free(f); return -1; }
            f = nf;
        }
        f[n++] = c + 1;
    }
    *out = f;
    return n;
}

static int find_col(char **f, int n, const char *name)
{
    for (int j = 0; j < n; j++)
        if (strcmp(f[j], name) == 0) return j;
    return -1;
}

/* The first MAF's header becomes the output's columns. */
static int keep_columns(gbcms_maf_table_t *t, char **f, int n)
{
    t->cols = calloc((size_t)n, sizeof *t->cols);
    if (!t->cols) return gbcms_oom("the MAF header");
    t->n_cols = n;
    for (int j = 0; j < n; j++)
        if (!(t->cols[j] = strdup(f[j]))) return gbcms_oom("the MAF header");
    return 0;
}

static int read_header(gbcms_maf_table_t *t, gbcms_lines_t *lr, const char *file, maf_layout_t *lay)
{
    char *s;
    size_t len;
    int r;
    while ((r = gbcms_lines_next(lr, &s, &len)) > 0)
        if (len > 0 && s[0] != '#') break;
    if (r < 0) return -1;
    if (r == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: no MAF header line found", file);
        return -1;
    }
    char **f;
    int n = split_row(s, &f);
    if (n < 0) return gbcms_oom("the MAF header");
    int ret = t->n_cols == 0 ? keep_columns(t, f, n) : 0;
    kstring_t missing = { 0, 0, NULL };
    for (int k = 0; ret == 0 && k < C_NUM_REQUIRED; k++)
        if ((lay->req[k] = find_col(f, n, required_cols[k])) < 0) {
            if (missing.l) kputs(", ", &missing);
            kputs(required_cols[k], &missing);
        }
    if (ret == 0 && missing.l) {
        gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: MAF header lacks required column(s): %s", file, lr->line, missing.s);
        ret = -1;
    }
    lay->n_fields = n;
    lay->center = find_col(f, n, "Center");
    lay->build = find_col(f, n, "NCBI_Build");
    lay->map = ret == 0 ? malloc((size_t)t->n_cols * sizeof *lay->map) : NULL;
    if (ret == 0 && !lay->map) ret = gbcms_oom("the MAF header");
    for (int j = 0; ret == 0 && j < t->n_cols; j++) lay->map[j] = find_col(f, n, t->cols[j]);
    free(missing.s);
    free(f);
    return ret;
}

/* MAF alleles to VCF style (counting.md sec. 1).  Fills *p1 (1-based),
 * ref and alt (malloc'd).  Returns 0 or -1 after logging. */
static int convert_alleles(const faidx_t *fai, const char *where, const char *chrom, int64_t start,
                           const char *mref, const char *malt, int64_t *p1, char **ref, char **alt)
{
    int ins = strcmp(mref, "-") == 0, del = strcmp(malt, "-") == 0;
    size_t lr = ins ? 0 : strlen(mref), la = del ? 0 : strlen(malt);
    if (!ins && !del && lr == la) {
        *p1 = start;
        *ref = strdup(mref);
        *alt = strdup(malt);
        return *ref && *alt ? 0 : gbcms_oom("an allele");
    }
    /* Insertion: the base at Start is the anchor; otherwise the base before. */
    int64_t anchor = ins ? start : start - 1;
    if (anchor < 1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s:%lld has no reference base before the event", where, chrom, (long long)start);
        return -1;
    }
    int64_t len = 0;
    char *b = NULL;
    if (!faidx_has_seq(fai, chrom)) {
        char hint[300];
        gbcms_log(GBCMS_LOG_ERROR, "%s: contig '%s' is not in the FASTA%s", where, chrom,
                  gbcms_contig_hint(chrom, gbcms_fai_has_contig, fai, hint, sizeof hint));
        return -1;
    }
    if (anchor > faidx_seq_len(fai, chrom)) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s:%lld is past the end of the contig (length %d in the FASTA)",
                  where, chrom, (long long)anchor, faidx_seq_len(fai, chrom));
        return -1;
    }
    int r = gbcms_fasta_fetch(fai, chrom, anchor - 1, anchor - 1, &b, &len);
    if (r < 0 || len != 1) {
        free(b);
        if (r == -2) return gbcms_oom("reading the FASTA");
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the base at %s:%lld from the FASTA (truncated file, "
                  "or its .fai does not match it)", where, chrom, (long long)anchor);
        return -1;
    }
    *p1 = anchor;
    *ref = malloc(lr + 2);
    *alt = malloc(la + 2);
    if (!*ref || !*alt) { free(b); return gbcms_oom("an allele"); }
    snprintf(*ref, lr + 2, "%c%s", b[0], ins ? "" : mref);
    snprintf(*alt, la + 2, "%c%s", b[0], del ? "" : malt);
    free(b);
    return 0;
}

static int add_row(gbcms_variants_t *vs, const faidx_t *fai, const char *file, long lineno,
                   char **f, const int *idx)
{
    char where[1024], ab[GBCMS_ABBREV_LEN];
    snprintf(where, sizeof where, "%s:%ld", file, lineno);
    const char *chrom = f[idx[C_CHROM]], *mref = f[idx[C_REF]];
    const char *malt = f[idx[C_ALT1]];
    if (!*malt || strcasecmp(malt, mref) == 0) malt = f[idx[C_ALT2]];
    if (!*malt || strcasecmp(malt, mref) == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: no alternate allele (Tumor_Seq_Allele1 and 2 are empty or equal REF '%s')",
                  where, gbcms_abbrev(mref, ab));
        return -1;
    }
    if (!*mref) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: empty Reference_Allele", where);
        return -1;
    }
    int64_t start = gbcms_parse_pos(f[idx[C_START]]), end = gbcms_parse_pos(f[idx[C_END]]);
    if (start < 0 || end < 0) {
        const char *col = start < 0 ? "Start_Position" : "End_Position";
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s '%s' is not a position (a whole number >= 1)", where, col,
                  gbcms_abbrev(f[idx[start < 0 ? C_START : C_END]], ab));
        return -1;
    }
    if (end < start) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: End_Position %lld is before Start_Position %lld", where,
                  (long long)end, (long long)start);
        return -1;
    }
    int64_t p1 = 0;
    char *ref = NULL, *alt = NULL;
    int ret = convert_alleles(fai, where, chrom, start, mref, malt, &p1, &ref, &alt);
    if (ret == 0) {
        gbcms_src_t src = { file, lineno, 0 };
        ret = gbcms_variants_add(vs, fai, &src, chrom, p1, ".", ref, alt, mref, malt,
                                 (long)vs->maf.n_rows - 1);
    }
    free(ref);
    free(alt);
    return ret;
}

/* Keep the row in the output's column order. */
static int keep_row(gbcms_maf_table_t *t, const maf_layout_t *lay, char *buf, char **f)
{
    if (t->n_rows == t->m_rows) {
        size_t m = t->m_rows ? 2 * t->m_rows : 256;
        char ***nr = realloc(t->rows, m * sizeof *nr);
        if (nr) t->rows = nr;
        char **nb = realloc(t->bufs, m * sizeof *nb);
        if (nb) t->bufs = nb;
        if (!nr || !nb) return gbcms_oom("the MAF rows");
        t->m_rows = m;
    }
    char **row = malloc((size_t)(t->n_cols ? t->n_cols : 1) * sizeof *row);
    if (!row) return gbcms_oom("the MAF rows");
    for (int j = 0; j < t->n_cols; j++) row[j] = lay->map[j] >= 0 ? f[lay->map[j]] : (char *)"";
    t->rows[t->n_rows] = row;
    t->bufs[t->n_rows] = buf;
    t->n_rows++;
    return 0;
}

int gbcms_maf_load(gbcms_variants_t *vs, const char *file, const faidx_t *fai)
{
    gbcms_lines_t lr;
    if (gbcms_lines_open(&lr, file, "the MAF") < 0) return -1;
    gbcms_maf_table_t *t = &vs->maf;
    maf_layout_t lay = { { 0 }, -1, -1, NULL, 0 };
    char *s;
    size_t len;
    int ret = read_header(t, &lr, file, &lay), r = 0;
    size_t first_row = t->n_rows;
    while (ret == 0 && (r = gbcms_lines_next(&lr, &s, &len)) > 0) {
        if (len == 0 || s[0] == '#' || strspn(s, " \t") == len) continue;
        /* the row's own copy: the buffer is owned by the table from here */
        char *buf = malloc(len + 1), **f = NULL;
        if (!buf) { ret = gbcms_oom("a MAF row"); break; }
        memcpy(buf, s, len + 1);
        int n = split_row(buf, &f);
        if (n < 0) { free(buf); ret = gbcms_oom("a MAF row"); break; }
        if (n < lay.n_fields) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: row has %d field%s, the header has %d", file, lr.line,
                      n, n == 1 ? "" : "s", lay.n_fields);
            free(f); free(buf);
            ret = -1;
            break;
        }
        if ((ret = keep_row(t, &lay, buf, f)) < 0) { free(f); free(buf); break; }
        if (lay.center >= 0 && t->n_rows == first_row + 1) t->center = f[lay.center];
        if (lay.build >= 0 && t->n_rows == first_row + 1) t->build = f[lay.build];
        ret = add_row(vs, fai, file, lr.line, f, lay.req);
        free(f);
    }
    if (r < 0) ret = -1;
    free(lay.map);
    if (gbcms_lines_close(&lr) < 0 && ret == 0) ret = -1;
    return ret;
}
