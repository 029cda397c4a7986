/* VCF output: GBCMS's FORMAT fields per sample, and the input's ID, QUAL,
 * FILTER and INFO with the FILTER, INFO and contig definitions of the input
 * headers (merged: the first definition of an ID wins).  The header is an
 * htslib bcf_hdr_t, so it is well formed and BCF output can share it. */
#include <stdlib.h>
#include <string.h>
#include <htslib/hts.h>
#include <htslib/vcf.h>
#include "gbcms/log.h"
#include "output_internal.h"
#include "version.h"

static const char *const not_defined = "Not defined in the input header";

/* GBCMS's FORMAT fields, in its order; the last three with --fragment_count. */
static const char *const gbcms_fmt[][3] = {
    { "DP", "Integer", "Reads covering the variant" },
    { "RD", "Integer", "Reads supporting the reference allele" },
    { "AD", "Integer", "Reads supporting the alternate allele" },
    { "VF", "Float", "Variant fraction AD/DP" },
    { "DPP", "Integer", "Reads on the positive strand" },
    { "DPN", "Integer", "Reads on the negative strand" },
    { "RDP", "Integer", "Reference-allele reads on the positive strand" },
    { "RDN", "Integer", "Reference-allele reads on the negative strand" },
    { "ADP", "Integer", "Alternate-allele reads on the positive strand" },
    { "ADN", "Integer", "Alternate-allele reads on the negative strand" },
    { "DPF", "Integer", "Fragments covering the variant" },
    { "RDF", "Float", "Fragments supporting the reference allele" },
    { "ADF", "Float", "Fragments supporting the alternate allele" } };

/* --vcf-fields standard: the VCF specification's and bcftools mpileup's
 * per-allele depths (Number=R: REF, ALT), bcftools +fill-tags' VAF, and
 * fragment counts under names no standard or common tool uses. */
static const char *const std_fmt[][4] = {
    { "DP", "1", "Integer", "Reads counted at the variant, whichever allele they carry" },
    { "AD", "R", "Integer", "Reads supporting each allele (REF, ALT)" },
    { "ADF", "R", "Integer", "Reads on the forward strand supporting each allele (REF, ALT)" },
    { "ADR", "R", "Integer", "Reads on the reverse strand supporting each allele (REF, ALT)" },
    { "VAF", "A", "Float", "Fraction of the reads supporting REF or ALT that support ALT" },
    { "FRAGDP", "1", "Integer", "Fragments (read names) counted at the variant" },
    { "FRAGAD", "R", "Float", "Fragments supporting each allele (REF, ALT)" } };

static int append(bcf_hdr_t *h, const char *line)
{
    if (bcf_hdr_append(h, line) == 0) return 0;
    char ab[GBCMS_ABBREV_LEN];
    gbcms_log(GBCMS_LOG_ERROR, "cannot make the VCF header line '%s'", gbcms_abbrev(line, ab));
    return -1;
}

static int same_key(bcf_hrec_t *a, bcf_hrec_t *b, const char *key)
{
    int i = bcf_hrec_find_key(a, key), j = bcf_hrec_find_key(b, key);
    return i < 0 || j < 0 ? i == j : strcmp(a->vals[i], b->vals[j]) == 0;
}

/* One FILTER, INFO or contig line of an input header into dst, unless its
 * ID is there already (the first definition wins; a different INFO
 * Number/Type is worth a warning).  Lines htslib cannot parse are left out
 * with a warning: the records still carry their values. */
static void carry_line(bcf_hdr_t *dst, int type, const char *line)
{
    char ab[GBCMS_ABBREV_LEN];
    int len;
    bcf_hrec_t *r = bcf_hdr_parse_line(dst, line, &len);
    int k = r ? bcf_hrec_find_key(r, "ID") : -1;
    if (k < 0) {
        gbcms_log(GBCMS_LOG_WARNING, "input VCF header line not understood, left out: %s", gbcms_abbrev(line, ab));
        if (r) bcf_hrec_destroy(r);
        return;
    }
    bcf_hrec_t *old = bcf_hdr_get_hrec(dst, type, "ID", r->vals[k], NULL);
    if (old) {
        if (type == BCF_HL_INFO && (!same_key(old, r, "Number") || !same_key(old, r, "Type")))
            gbcms_log(GBCMS_LOG_WARNING, "the input VCF headers define INFO '%s' twice, differently; "
                      "the first definition is kept", gbcms_abbrev(r->vals[k], ab));
        bcf_hrec_destroy(r);
        return;
    }
    if (bcf_hdr_add_hrec(dst, r) < 0) {
        bcf_hrec_destroy(r);
        gbcms_log(GBCMS_LOG_WARNING, "input VCF header line not understood, left out: %s", gbcms_abbrev(line, ab));
    }
}

/* The FILTER and INFO lines of every input header go to h, the contig
 * lines to ctg (h takes those in the BAM's order, below). */
static int carry_input_lines(gbcms_writer_t *w, bcf_hdr_t *h, bcf_hdr_t *ctg)
{
    const kstring_t *m = &w->vs->vcf_meta;
    kstring_t *line = &w->scratch;
    for (size_t off = 0; off < m->l;) {
        const char *s = m->s + off, *nl = memchr(s, '\n', m->l - off);
        size_t n = nl ? (size_t)(nl - s) : m->l - off;
        off += n + 1;
        int type = strncmp(s, "##FILTER=<", 10) == 0 ? BCF_HL_FLT
                 : strncmp(s, "##INFO=<", 8) == 0 ? BCF_HL_INFO
                 : strncmp(s, "##contig=<", 10) == 0 ? BCF_HL_CTG : -1;
        if (type < 0) continue;
        line->l = 0;
        if (kputsn(s, n, line) < 0) return gbcms_oom("the VCF header");
        carry_line(type == BCF_HL_CTG ? ctg : h, type, line->s);
    }
    return 0;
}

/* Contigs in the first BAM's order (so a contig's VCF index is its BAM
 * index): the input header's line when it has one of the same length,
 * else ID and length from the BAM. */
static int add_contigs(gbcms_writer_t *w, bcf_hdr_t *h, bcf_hdr_t *ctg)
{
    sam_hdr_t *bh = (sam_hdr_t *)w->vs->hdr;
    kstring_t *line = &w->scratch;
    for (int t = 0; t < sam_hdr_nref(bh); t++) {
        const char *name = sam_hdr_tid2name(bh, t);
        long long len = (long long)sam_hdr_tid2len(bh, t);
        bcf_hrec_t *r = bcf_hdr_get_hrec(ctg, BCF_HL_CTG, "ID", name, NULL);
        int k = r ? bcf_hrec_find_key(r, "length") : -1;
        if (r && (k < 0 || strtoll(r->vals[k], NULL, 10) == len)) {
            bcf_hrec_t *d = bcf_hrec_dup(r);
            if (!d || bcf_hdr_add_hrec(h, d) < 0) return gbcms_oom("the VCF header");
            continue;
        }
        line->l = 0;
        ksprintf(line, "##contig=<ID=%s,length=%lld>", name, len);
        if (append(h, line->s) < 0) return -1;
    }
    return 0;
}

static int defined(bcf_hdr_t *h, int type, const char *id)
{
    int i = bcf_hdr_id2int(h, BCF_DT_ID, id);
    return i >= 0 && bcf_hdr_idinfo_exists(h, type, i);
}

/* A FILTER or INFO ID the records use but no input header defines gets a
 * definition, so the output is valid VCF and can become BCF.  Returns 0,
 * or -1 when out of memory. */
static int define_used(gbcms_writer_t *w, bcf_hdr_t *h)
{
    kstring_t *id = &w->scratch, def = { 0, 0, NULL };
    int ret = 0;
    for (size_t i = 0; ret == 0 && i < w->vs->n; i++) {
        const char *q = w->vs->v[i].qfi, *f = q ? strchr(q, '\t') : NULL;
        if (!f) continue;
        for (int col = 0; col < 2 && ret == 0; col++) {   /* FILTER, then INFO */
            const char *s = col == 0 ? f + 1 : strchr(f + 1, '\t') + 1;
            int type = col == 0 ? BCF_HL_FLT : BCF_HL_INFO;
            while (*s && *s != '\t') {
                size_t n = strcspn(s, ";\t"), k = col == 0 ? n : strcspn(s, "=;\t");
                id->l = 0;
                if (kputsn(s, k, id) < 0) { ret = gbcms_oom("the VCF header"); break; }
                if (k > 0 && strcmp(id->s, ".") != 0 && strcmp(id->s, "PASS") != 0 && !defined(h, type, id->s)) {
                    def.l = 0;
                    if (col == 0) ksprintf(&def, "##FILTER=<ID=%s,Description=\"%s\">", id->s, not_defined);
                    else ksprintf(&def, "##INFO=<ID=%s,Number=%s,Type=%s,Description=\"%s\">", id->s,
                                  s[k] == '=' ? "." : "0", s[k] == '=' ? "String" : "Flag", not_defined);
                    if (!def.s) { ret = gbcms_oom("the VCF header"); break; }
                    if (bcf_hdr_append(h, def.s) < 0 || bcf_hdr_sync(h) < 0) {
                        char ab[GBCMS_ABBREV_LEN];
                        gbcms_log(GBCMS_LOG_WARNING, "%s '%s' of the input cannot be defined in the VCF header",
                                  col == 0 ? "FILTER" : "INFO", gbcms_abbrev(id->s, ab));
                        free(def.s);
                        return 0;   /* the rows still carry it; bcftools will warn */
                    }
                }
                s += n + (s[n] == ';');
            }
        }
    }
    free(def.s);
    return ret;
}

int gbcms_vcf_header(gbcms_writer_t *w)
{
    bcf_hdr_t *h = bcf_hdr_init("w"), *ctg = bcf_hdr_init("r");
    kstring_t *ks = &w->scratch;
    int ret = h && ctg ? 0 : gbcms_oom("the VCF header");
    w->vcf_hdr = h;
    if (ret == 0) {
        ks->l = 0;
        kputs("##source=", ks);
        gbcms_put_version(ks);
        ret = append(h, ks->s);
    }
    if (ret == 0) {
        ks->l = 0;
        kputs("##gbcms_command=", ks);
        gbcms_put_command(ks, w);
        ret = append(h, ks->s);
    }
    if (ret == 0) {   /* what gbcms merge compares; see gbcms_opts_canonical() */
        char *canon = gbcms_opts_canonical(w->o);
        ks->l = 0;
        ret = canon ? ksprintf(ks, "##gbcms_options=%s", canon) < 0 ? gbcms_oom("the VCF header") : append(h, ks->s)
                    : gbcms_oom("the VCF header");
        free(canon);
    }
    if (ret == 0) {   /* the sites this output holds, of the input's: gbcms merge sums them */
        ks->l = 0;
        kputs("##gbcms_sites=", ks);
        gbcms_put_sites(ks, w->vs);
        ret = append(h, ks->s);
    }
    if (ret == 0) ret = carry_input_lines(w, h, ctg);
    if (ret == 0) ret = add_contigs(w, h, ctg);
    if (ret == 0 && bcf_hdr_sync(h) < 0) ret = gbcms_oom("the VCF header");
    if (ret == 0) ret = define_used(w, h);
    int n_fmt = w->o->vcf_standard ? (w->o->fragment_count ? 7 : 5) : (w->o->fragment_count ? 13 : 10);
    for (int i = 0; ret == 0 && i < n_fmt; i++) {
        ks->l = 0;
        if (w->o->vcf_standard)
            ksprintf(ks, "##FORMAT=<ID=%s,Number=%s,Type=%s,Description=\"%s\">", std_fmt[i][0], std_fmt[i][1],
                     std_fmt[i][2], std_fmt[i][3]);
        else
            ksprintf(ks, "##FORMAT=<ID=%s,Number=1,Type=%s,Description=\"%s\">", gbcms_fmt[i][0], gbcms_fmt[i][1],
                     gbcms_fmt[i][2]);
        ret = append(h, ks->s);
    }
    for (int s = 0; ret == 0 && s < w->n_samples; s++)
        if (bcf_hdr_add_sample(h, w->names[s]) < 0) ret = gbcms_oom("the VCF header");
    if (ret == 0 && (bcf_hdr_sync(h) < 0 || bcf_hdr_format(h, 0, &w->line) < 0)) ret = gbcms_oom("the VCF header");
    if (ctg) bcf_hdr_destroy(ctg);
    return ret;
}

/* The values of a Number=A, R or G INFO field of a record with n_alts ALTs,
 * cut to those of ALT a (0-based), as a record of its own must carry them.
 * Values whose count does not fit the Number are written as they are. */
static void put_subset(kstring_t *ks, const char *vals, size_t n, int vl, int a, int n_alts)
{
    int cnt = 1, want[3], nw = 0, b = a + 1;
    for (size_t i = 0; i < n; i++) cnt += vals[i] == ',';
    if (vl == BCF_VL_A && cnt == n_alts) { want[0] = a; nw = 1; }
    else if (vl == BCF_VL_R && cnt == n_alts + 1) { want[0] = 0; want[1] = b; nw = 2; }
    else if (vl == BCF_VL_G && cnt == (n_alts + 1) * (n_alts + 2) / 2) {
        /* diploid genotypes 0/0, 0/b, b/b: index of j/k (j <= k) is k(k+1)/2 + j */
        want[0] = 0; want[1] = b * (b + 1) / 2; want[2] = want[1] + b; nw = 3;
    }
    if (nw == 0) { kputsn(vals, n, ks); return; }
    for (int j = 0; j < nw; j++) {
        const char *v = vals;
        for (int skip = want[j]; skip > 0; skip--) v = (const char *)memchr(v, ',', n - (size_t)(v - vals)) + 1;
        if (j) kputc(',', ks);
        kputsn(v, strcspn(v, ",;\t"), ks);
    }
}

/* INFO of one ALT of a multi-allelic record: per-allele fields cut. */
static void put_info(kstring_t *ks, gbcms_writer_t *w, const char *info, int a, int n_alts)
{
    kstring_t *key = &w->scratch;
    for (const char *s = info; *s;) {
        size_t n = strcspn(s, ";"), k = strcspn(s, "=;");
        key->l = 0;
        kputsn(s, k, key);
        int id = key->s ? bcf_hdr_id2int(w->vcf_hdr, BCF_DT_ID, key->s) : -1;
        int vl = id >= 0 && bcf_hdr_idinfo_exists(w->vcf_hdr, BCF_HL_INFO, id)
                 ? bcf_hdr_id2length(w->vcf_hdr, BCF_HL_INFO, id) : BCF_VL_FIXED;
        kputsn(s, k, ks);
        if (k < n) {
            kputc('=', ks);
            put_subset(ks, s + k + 1, n - k - 1, vl, a, n_alts);
        }
        s += n;
        if (*s == ';') { kputc(';', ks); s++; }
    }
}

/* One sample's DP:AD:ADF:ADR:VAF[:FRAGDP:FRAGAD].  VAF is ALT / (REF + ALT)
 * reads, as bcftools +fill-tags computes it from AD (0 without either). */
static void put_standard(kstring_t *ks, const gbcms_counts_t *c, int fragments)
{
    if (gbcms_counts_missing(c)) {
        kputs("\t.", ks);
        return;
    }
    ksprintf(ks, "\t%u:%u,%u:%u,%u:%u,%u:", c->dp, c->rd, c->ad, c->rdp, c->adp, c->rd - c->rdp, c->ad - c->adp);
    if (c->rd + c->ad == 0) kputc('0', ks);
    else ksprintf(ks, "%.10g", (double)c->ad / ((double)c->rd + c->ad));
    if (fragments) {
        ksprintf(ks, ":%u:", c->dpf);
        gbcms_put_half(ks, c->rdf2);
        kputc(',', ks);
        gbcms_put_half(ks, c->adf2);
    }
}

void gbcms_vcf_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    kstring_t *ks = &w->line;
    gbcms_put_site(ks, w, v);
    kputc('\t', ks);
    if (!v->qfi) {
        kputs(".\t.\t.", ks);
    } else if (v->n_alts > 1) {
        const char *info = strchr(strchr(v->qfi, '\t') + 1, '\t') + 1;
        kputsn(v->qfi, (size_t)(info - v->qfi), ks);
        put_info(ks, w, info, v->alt_index, v->n_alts);
    } else {
        kputs(v->qfi, ks);
    }
    if (w->o->vcf_standard) {
        ksprintf(ks, "\tDP:AD:ADF:ADR:VAF%s", w->o->fragment_count ? ":FRAGDP:FRAGAD" : "");
        for (int s = 0; s < w->n_samples; s++) put_standard(ks, &c[s], w->o->fragment_count);
    } else {
        ksprintf(ks, "\tDP:RD:AD:VF:DPP:DPN:RDP:RDN:ADP:ADN%s", w->o->fragment_count ? ":DPF:RDF:ADF" : "");
        for (int s = 0; s < w->n_samples; s++) {
            kputc('\t', ks);
            gbcms_put_counters(ks, &c[s], w->o->fragment_count, ':');
        }
    }
    kputc('\n', ks);
}
