/* The four output formats.  Numbers: counts as integers, fragment counts
 * with a half as "N.5", VF = AD/DP with up to 10 significant digits. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/hts.h>
#include "gbcms/log.h"
#include "output.h"
#include "version.h"

static const char *fillout_cols =
    "Sample\tNormalUsed\tChrom\tStart\tRef\tAlt\tVariantClass\tGene\tExon\tCall_Confidence\t"
    "Comments\tTranscriptID\tcDNAchange\tAAchange\tdbSNP_ID\tCosmic_ID\t1000G_MAF\tFailureReason\t"
    "N_TotalDepth\tN_RefCount\tN_AltCount\tN_AltFreq\tT_TotalDepth\tT_RefCount\tT_AltCount\t"
    "T_AltFreq\tT_Ref+\tT_Ref-\tT_Alt+\tT_Alt-\tAll_N_Aggregate_AlleleDepth\t"
    "All_N_Median_AlleleFreq\tT_freq/All_N_Freq\tOccurence_in_Normals";

static const char *maf_cols =
    "Hugo_Symbol\tEntrez_Gene_Id\tCenter\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\t"
    "Strand\tVariant_Classification\tVariant_Type\tReference_Allele\tTumor_Seq_Allele1\t"
    "Tumor_Seq_Allele2\tdbSNP_RS\tdbSNP_Val_Status\tTumor_Sample_Barcode\t"
    "Matched_Norm_Sample_Barcode\tMatch_Norm_Seq_Allele1\tMatch_Norm_Seq_Allele2\t"
    "Tumor_Validation_Allele1\tTumor_Validation_Allele2\tMatch_Norm_Validation_Allele1\t"
    "Match_Norm_Validation_Allele2\tVerification_Status\tValidation_Status\tMutation_Status\t"
    "Sequencing_Phase\tSequence_Source\tValidation_Method\tScore\tBAM_File\tSequencer\t"
    "t_ref_count\tt_alt_count\tn_ref_count\tn_alt_count\tCaller\tt_total_count\tt_variant_frequency";

static int flush_line(gbcms_writer_t *w)
{
    if (fwrite(w->line.s, 1, w->line.l, w->fp) != w->line.l) {
        gbcms_log(GBCMS_LOG_ERROR, "cannot write the output: %s", strerror(errno));
        return -1;
    }
    w->line.l = 0;
    return 0;
}

static void put_vf(kstring_t *ks, const gbcms_counts_t *c)
{
    if (c->dp == 0) { kputc('0', ks); return; }
    ksprintf(ks, "%.10g", (double)c->ad / (double)c->dp);
}

static void put_half(kstring_t *ks, uint32_t twice)
{
    kputuw(twice / 2, ks);
    if (twice & 1) kputs(".5", ks);
}

static const char *contig(const gbcms_writer_t *w, const gbcms_variant_t *v)
{
    return sam_hdr_tid2name((sam_hdr_t *)w->vs->hdr, v->tid);
}

/* The MAF columns the output reads, found once by name at header time. */
static const char *const maf_col_names[GBCMS_MAF_NUM_COLS] = {
    "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "Variant_Classification",
    "ONCOTATOR_VARIANT_CLASSIFICATION", "Hugo_Symbol", "n_ref_count", "n_alt_count",
    "t_ref_count", "t_alt_count", "Start_Position", "End_Position", "Caller"
};

static void find_maf_cols(gbcms_writer_t *w)
{
    const gbcms_maf_table_t *t = &w->vs->maf;
    for (int k = 0; k < GBCMS_MAF_NUM_COLS; k++) {
        w->maf_col[k] = -1;
        for (int j = 0; j < t->n_cols && w->maf_col[k] < 0; j++)
            if (strcmp(t->cols[j], maf_col_names[k]) == 0) w->maf_col[k] = j;
    }
}

/* Column k of the variant's MAF row, or "" when absent. */
static const char *maf_field(const gbcms_writer_t *w, const gbcms_variant_t *v, gbcms_maf_col_t k)
{
    int j = w->maf_col[k];
    return v->maf_row < 0 || j < 0 ? "" : w->vs->maf.rows[v->maf_row][j];
}

static void header_vcf(gbcms_writer_t *w)
{
    kstring_t *ks = &w->line;
    const sam_hdr_t *h = w->vs->hdr;
    ksprintf(ks, "##fileformat=VCFv4.2\n##source=gbcms %s (htslib %s)\n", GBCMS_VERSION, hts_version());
    ksprintf(ks, "##gbcms_command=%s\n", w->o->command_line ? w->o->command_line : "");
    for (int i = 0; i < sam_hdr_nref(h); i++)
        ksprintf(ks, "##contig=<ID=%s,length=%lld>\n", sam_hdr_tid2name((sam_hdr_t *)h, i),
                 (long long)sam_hdr_tid2len((sam_hdr_t *)h, i));
    static const char *fmt[][3] = {
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
    int n_fmt = w->o->fragment_count ? 13 : 10;
    for (int i = 0; i < n_fmt; i++)
        ksprintf(ks, "##FORMAT=<ID=%s,Number=1,Type=%s,Description=\"%s\">\n", fmt[i][0], fmt[i][1], fmt[i][2]);
    kputs("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT", ks);
    for (int s = 0; s < w->n_samples; s++) { kputc('\t', ks); kputs(w->names[s], ks); }
    kputc('\n', ks);
}

static void header_tsv(gbcms_writer_t *w)
{
    kputs("Sample\tChrom\tPos\tID\tRef\tAlt\tDP\tRD\tAD\tVF\tDPP\tDPN\tRDP\tRDN\tADP\tADN", &w->line);
    if (w->o->fragment_count) kputs("\tDPF\tRDF\tADF", &w->line);
    kputc('\n', &w->line);
}

int gbcms_writer_header(gbcms_writer_t *w)
{
    kstring_t *ks = &w->line;
    find_maf_cols(w);
    switch (w->o->format) {
    case GBCMS_FORMAT_FILLOUT:
        kputs(fillout_cols, ks);
        for (int s = 0; s < w->n_samples; s++) { kputc('\t', ks); kputs(w->names[s], ks); }
        kputc('\n', ks);
        break;
    case GBCMS_FORMAT_MAF:
        ksprintf(ks, "#gbcms %s (htslib %s)\n#gbcms_command=%s\n", GBCMS_VERSION, hts_version(),
                 w->o->command_line ? w->o->command_line : "");
        kputs(maf_cols, ks);
        if (w->o->positive_count) kputs("\tt_total_count_forward\tt_ref_count_forward\tt_alt_count_forward", ks);
        if (w->o->negative_count) kputs("\tt_total_count_reverse\tt_ref_count_reverse\tt_alt_count_reverse", ks);
        if (w->o->fragment_count) kputs("\tt_total_count_fragment\tt_ref_count_fragment\tt_alt_count_fragment", ks);
        kputc('\n', ks);
        break;
    case GBCMS_FORMAT_TSV: header_tsv(w); break;
    default: header_vcf(w); break;
    }
    return flush_line(w);
}

static void put_u(kstring_t *ks, char sep, uint32_t x)
{
    kputc(sep, ks);
    kputuw(x, ks);
}

/* VCF sample column / TSV counter columns: the same fields, in one order. */
static void counters_plain(kstring_t *ks, const gbcms_counts_t *c, int fragments, char sep)
{
    kputuw(c->dp, ks);
    put_u(ks, sep, c->rd);
    put_u(ks, sep, c->ad);
    kputc(sep, ks);
    put_vf(ks, c);
    put_u(ks, sep, c->dpp);
    put_u(ks, sep, c->dp - c->dpp);
    put_u(ks, sep, c->rdp);
    put_u(ks, sep, c->rd - c->rdp);
    put_u(ks, sep, c->adp);
    put_u(ks, sep, c->ad - c->adp);
    if (fragments) {
        put_u(ks, sep, c->dpf);
        kputc(sep, ks); put_half(ks, c->rdf2);
        kputc(sep, ks); put_half(ks, c->adf2);
    }
}

/* The counted allele in the input's letter case.  When the reader anchored
 * a MAF indel, the counted allele is the base before the event (from the
 * FASTA) followed by the MAF allele ('-' being empty), as GBCMS prints it. */
static void put_counted(kstring_t *ks, const char *counted, int counted_len, const char *given)
{
    size_t n = strcmp(given, "-") == 0 ? 0 : strlen(given);
    if (n == (size_t)counted_len) { kputs(given, ks); return; }
    kputc(counted[0], ks);
    kputsn(given, n, ks);
}

/* CHROM POS ID REF ALT of the variant that was counted: for MAF input, an
 * indel anchored on the base before it, as VCF and TSV readers expect. */
static void put_site(kstring_t *ks, const gbcms_writer_t *w, const gbcms_variant_t *v)
{
    ksprintf(ks, "%s\t%lld\t%s\t", contig(w, v), (long long)v->pos + 1, v->id);
    put_counted(ks, v->ref, v->ref_len, v->out_ref);
    kputc('\t', ks);
    put_counted(ks, v->alt, v->alt_len, v->out_alt);
}

static void row_vcf(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    kstring_t *ks = &w->line;
    put_site(ks, w, v);
    ksprintf(ks, "\t.\t.\t.\tDP:RD:AD:VF:DPP:DPN:RDP:RDN:ADP:ADN%s", w->o->fragment_count ? ":DPF:RDF:ADF" : "");
    for (int s = 0; s < w->n_samples; s++) {
        kputc('\t', ks);
        counters_plain(ks, &c[s], w->o->fragment_count, ':');
    }
    kputc('\n', ks);
}

static void row_tsv(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    for (int s = 0; s < w->n_samples; s++) {
        kputs(w->names[s], &w->line);
        kputc('\t', &w->line);
        put_site(&w->line, w, v);
        kputc('\t', &w->line);
        counters_plain(&w->line, &c[s], w->o->fragment_count, '\t');
        kputc('\n', &w->line);
    }
}

/* A MAF count column as GBCMS reads it (atoi): leading blanks, a sign and
 * digits; anything after ends the number, and no digits give 0. */
static long maf_int(const char *s)
{
    long v = strtol(s, NULL, 10);
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : v;
}

/* GBCMS falls back to ONCOTATOR_VARIANT_CLASSIFICATION when
 * Variant_Classification is empty. */
static const char *maf_effect(const gbcms_writer_t *w, const gbcms_variant_t *v)
{
    const char *e = maf_field(w, v, GBCMS_MAF_CLASS);
    return *e ? e : maf_field(w, v, GBCMS_MAF_ONCOTATOR);
}

static void row_fillout(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    kstring_t *ks = &w->line;
    ksprintf(ks, "%s\t%s\t%s\t%lld\t", maf_field(w, v, GBCMS_MAF_SAMPLE),
             maf_field(w, v, GBCMS_MAF_NORMAL), contig(w, v), (long long)v->pos + 1);
    put_counted(ks, v->ref, v->ref_len, v->out_ref);
    kputc('\t', ks);
    put_counted(ks, v->alt, v->alt_len, v->out_alt);
    ksprintf(ks, "\t%s\t%s", maf_effect(w, v), maf_field(w, v, GBCMS_MAF_GENE));
    /* columns 9-19 empty, N_RefCount, N_AltCount, 22-23 empty, T_RefCount, T_AltCount, 26-34 empty */
    ksprintf(ks, "\t\t\t\t\t\t\t\t\t\t\t\t%ld\t%ld\t\t\t%ld\t%ld\t\t\t\t\t\t\t\t\t",
             maf_int(maf_field(w, v, GBCMS_MAF_N_REF)), maf_int(maf_field(w, v, GBCMS_MAF_N_ALT)),
             maf_int(maf_field(w, v, GBCMS_MAF_T_REF)), maf_int(maf_field(w, v, GBCMS_MAF_T_ALT)));
    for (int s = 0; s < w->n_samples; s++) {
        const gbcms_counts_t *k = &c[s];
        ksprintf(ks, "\tDP=%u;RD=%u;AD=%u;VF=", k->dp, k->rd, k->ad);
        put_vf(ks, k);
        if (w->o->positive_count) ksprintf(ks, ";DPP=%u;RDP=%u;ADP=%u", k->dpp, k->rdp, k->adp);
        if (w->o->negative_count)
            ksprintf(ks, ";DPN=%u;RDN=%u;ADN=%u", k->dp - k->dpp, k->rd - k->rdp, k->ad - k->adp);
        if (w->o->fragment_count) {
            ksprintf(ks, ";DPF=%u;RDF=", k->dpf);
            put_half(ks, k->rdf2);
            kputs(";ADF=", ks);
            put_half(ks, k->adf2);
        }
    }
    kputc('\n', ks);
}

static const char *maf_variant_type(const gbcms_variant_t *v)
{
    /* GBCMS writes SNP for SNVs and MNVs alike. */
    return v->type == GBCMS_INS ? "INS" : v->type == GBCMS_DEL ? "DEL" : "SNP";
}

/* GBCMS's MAF row: the MAF's own position and alleles, with the reference
 * allele in Reference_Allele and Tumor_Seq_Allele1 and the alternate in
 * Tumor_Seq_Allele2; Center and NCBI_Build as the reader picked them. */
static void row_maf(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    const gbcms_maf_table_t *t = &w->vs->maf;
    const char *center = t->center ? t->center : "msk", *build = t->build ? t->build : "hg19";
    /* The reader checked both positions are whole numbers. */
    long long start = strtoll(maf_field(w, v, GBCMS_MAF_START), NULL, 10);
    long long end = strtoll(maf_field(w, v, GBCMS_MAF_END), NULL, 10);
    for (int s = 0; s < w->n_samples; s++) {
        const gbcms_counts_t *k = &c[s];
        kstring_t *ks = &w->line;
        ksprintf(ks, "%s\t\t%s\t%s\t%s\t%lld\t%lld\t+\t%s\t%s\t%s\t%s\t%s\t\t\t%s\tNormal\t\t\t\t\t\t\t\t\t"
                 "UNPAIRED\t\t\t\t\t\t\t%u\t%u\t\t\t%s\t%u\t",
                 maf_field(w, v, GBCMS_MAF_GENE), center, build, contig(w, v), start, end,
                 maf_effect(w, v), maf_variant_type(v), v->out_ref, v->out_ref, v->out_alt,
                 w->names[s], k->rd, k->ad, maf_field(w, v, GBCMS_MAF_CALLER), k->dp);
        put_vf(ks, k);
        if (w->o->positive_count) ksprintf(ks, "\t%u\t%u\t%u", k->dpp, k->rdp, k->adp);
        if (w->o->negative_count) ksprintf(ks, "\t%u\t%u\t%u", k->dp - k->dpp, k->rd - k->rdp, k->ad - k->adp);
        if (w->o->fragment_count) {
            ksprintf(ks, "\t%u\t", k->dpf);
            put_half(ks, k->rdf2);
            kputc('\t', ks);
            put_half(ks, k->adf2);
        }
        kputc('\n', ks);
    }
}

int gbcms_writer_block(void *ctx, size_t block, const gbcms_counts_t *counts)
{
    gbcms_writer_t *w = ctx;
    const gbcms_block_t *blk = &w->vs->blocks[block];
    for (size_t i = blk->begin; i < blk->end; i++) {
        const gbcms_variant_t *v = &w->vs->v[i];
        const gbcms_counts_t *c = counts + (v->primary - blk->begin) * (size_t)w->n_samples;
        switch (w->o->format) {
        case GBCMS_FORMAT_FILLOUT: row_fillout(w, v, c); break;
        case GBCMS_FORMAT_MAF:   /* one row per unique variant and sample */
            if (v->primary == i) row_maf(w, v, c);
            break;
        case GBCMS_FORMAT_TSV: row_tsv(w, v, c); break;
        default: row_vcf(w, v, c); break;
        }
        if (w->line.l >= 1 << 16 && flush_line(w) < 0) return -1;
    }
    return flush_line(w);
}

void gbcms_writer_destroy(gbcms_writer_t *w)
{
    free(w->line.s);
    w->line.s = NULL;
    w->line.l = w->line.m = 0;
}
