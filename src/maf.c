/* MAF input: header columns by name, '-' alleles converted to VCF style
 * with the reference base before the event, original row kept for output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include "fasta.h"
#include "gbcms/log.h"
#include "variants_internal.h"

enum { C_CHROM, C_START, C_END, C_REF, C_ALT1, C_ALT2, C_NUM_REQUIRED };
static const char *required_cols[C_NUM_REQUIRED] = {
    "Chromosome", "Start_Position", "End_Position", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2"
};

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

static void chomp(kstring_t *ks)
{
    while (ks->l > 0 && (ks->s[ks->l - 1] == '\r' || ks->s[ks->l - 1] == '\n')) ks->s[--ks->l] = 0;
}

static int read_header(gbcms_maf_table_t *t, htsFile *fp, kstring_t *ks, long *lineno,
                       const char *file, int *idx)
{
    int r;
    while ((r = hts_getline(fp, '\n', ks)) >= 0) {
        (*lineno)++;
        chomp(ks);
        if (ks->l > 0 && ks->s[0] != '#') break;
    }
    if (r < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: no MAF header line found", file);
        return -1;
    }
    char **f;
    char *buf = strdup(ks->s);
    int n = buf ? split_row(buf, &f) : -1;
    if (n < 0) { free(buf); return -1; }
    if (t->n_cols == 0) {   /* the first MAF's header is the output's */
        t->cols = calloc((size_t)n, sizeof *t->cols);
        if (!t->cols) { free(f); free(buf); return -1; }
        for (int j = 0; j < n; j++) t->cols[j] = strdup(f[j]);
        t->n_cols = n;
    } else if (n != t->n_cols) {
        gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: MAF header has %d columns, the first MAF had %d",
                  file, *lineno, n, t->n_cols);
        free(f); free(buf);
        return -1;
    }
    kstring_t missing = { 0, 0, NULL };
    for (int k = 0; k < C_NUM_REQUIRED; k++) {
        idx[k] = -1;
        for (int j = 0; j < n; j++)
            if (strcmp(f[j], required_cols[k]) == 0) { idx[k] = j; break; }
        if (idx[k] < 0) { if (missing.l) kputs(", ", &missing); kputs(required_cols[k], &missing); }
        else if (strcmp(t->cols[idx[k]], required_cols[k]) != 0) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: MAF columns are not in the order of the first MAF", file, *lineno);
            free(f); free(buf); free(missing.s);
            return -1;
        }
    }
    free(f);
    free(buf);
    if (missing.l) {
        gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: MAF header lacks required column(s): %s", file, *lineno, missing.s);
        free(missing.s);
        return -1;
    }
    return 0;
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
        return *ref && *alt ? 0 : -1;
    }
    /* Insertion: the base at Start is the anchor; otherwise the base before. */
    int64_t anchor = ins ? start : start - 1;
    if (anchor < 1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: %s:%lld has no reference base before the event", where, chrom, (long long)start);
        return -1;
    }
    int64_t len = 0;
    char *b = gbcms_fasta_fetch(fai, chrom, anchor - 1, anchor - 1, &len);
    if (!b || len != 1) {
        char hint[300];
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the base at %s:%lld from the FASTA%s", where, chrom,
                  (long long)anchor, gbcms_contig_hint(chrom, gbcms_fai_has_contig, fai, hint, sizeof hint));
        free(b);
        return -1;
    }
    *p1 = anchor;
    *ref = malloc(lr + 2);
    *alt = malloc(la + 2);
    if (!*ref || !*alt) { free(b); return -1; }
    snprintf(*ref, lr + 2, "%c%s", b[0], ins ? "" : mref);
    snprintf(*alt, la + 2, "%c%s", b[0], del ? "" : malt);
    free(b);
    return 0;
}

static int add_row(gbcms_variants_t *vs, const gbcms_opts_t *o, const faidx_t *fai, const char *file,
                   long lineno, char **f, const int *idx)
{
    char where[1024];
    snprintf(where, sizeof where, "%s:%ld", file, lineno);
    const char *chrom = f[idx[C_CHROM]], *mref = f[idx[C_REF]];
    const char *malt = f[idx[C_ALT1]];
    if (!*malt || strcasecmp(malt, mref) == 0) malt = f[idx[C_ALT2]];
    if (!*malt || strcasecmp(malt, mref) == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: no alternate allele (Tumor_Seq_Allele1 and 2 are empty or equal REF '%s')",
                  where, mref);
        return -1;
    }
    if (!*mref) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: empty Reference_Allele", where);
        return -1;
    }
    int64_t start = gbcms_parse_pos(f[idx[C_START]]);
    if (start < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: Start_Position '%s' is not a position (a whole number >= 1)",
                  where, f[idx[C_START]]);
        return -1;
    }
    int64_t p1;
    char *ref = NULL, *alt = NULL;
    int ret = convert_alleles(fai, where, chrom, start, mref, malt, &p1, &ref, &alt);
    if (ret == 0) {
        gbcms_src_t src = { file, lineno, 0 };
        ret = gbcms_variants_add(vs, o, fai, &src, chrom, p1, ".", ref, alt, mref, malt,
                                 (long)vs->maf.n_rows - 1);
    }
    free(ref);
    free(alt);
    return ret;
}

int gbcms_maf_load(gbcms_variants_t *vs, const gbcms_opts_t *o, const char *file, const faidx_t *fai)
{
    if (access(file, R_OK) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the MAF: %s", file, strerror(errno));
        return -1;
    }
    htsFile *fp = hts_open(file, "r");
    if (!fp) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the MAF", file);
        return -1;
    }
    gbcms_maf_table_t *t = &vs->maf;
    kstring_t ks = { 0, 0, NULL };
    long lineno = 0;
    int idx[C_NUM_REQUIRED], ret = read_header(t, fp, &ks, &lineno, file, idx), r = 0;
    while (ret == 0 && (r = hts_getline(fp, '\n', &ks)) >= 0) {
        lineno++;
        chomp(&ks);
        if (ks.l == 0 || ks.s[0] == '#' || strspn(ks.s, " \t") == ks.l) continue;
        char *buf = strdup(ks.s), **f = NULL;
        int n = buf ? split_row(buf, &f) : -1;
        if (n < 0) { free(buf); ret = -1; break; }
        if (n < t->n_cols) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: row has %d field%s, the header has %d", file, lineno,
                      n, n == 1 ? "" : "s", t->n_cols);
            free(f); free(buf);
            ret = -1;
            break;
        }
        if (t->n_rows == t->m_rows) {
            size_t m = t->m_rows ? 2 * t->m_rows : 256;
            char ***nr = realloc(t->rows, m * sizeof *nr);
            if (!nr) { free(f); free(buf); ret = -1; break; }
            t->rows = nr;
            t->m_rows = m;
        }
        t->rows[t->n_rows++] = f;
        ret = add_row(vs, o, fai, file, lineno, f, idx);
    }
    if (ret == 0 && r < -1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: read error after line %ld (truncated or corrupt file?)", file, lineno);
        ret = -1;
    }
    free(ks.s);
    if (hts_close(fp) < 0 && ret == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: error closing the MAF", file);
        ret = -1;
    }
    return ret;
}
