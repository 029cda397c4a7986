/* The text formats: GBCMS's fillout and MAF, column for column as
 * GetBaseCountsMultiSample 1.2.5 writes them, and gbcms's TSV. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "output_internal.h"

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

int gbcms_fillout_header(gbcms_writer_t *w)
{
    find_maf_cols(w);
    if (gbcms_put_text_provenance(&w->line, w) < 0) return -1;
    kputs(fillout_cols, &w->line);
    for (int s = 0; s < w->n_samples; s++) {
        kputc('\t', &w->line);
        kputs(w->names[s], &w->line);
    }
    kputc('\n', &w->line);
    return 0;
}

int gbcms_maf_header(gbcms_writer_t *w)
{
    kstring_t *ks = &w->line;
    find_maf_cols(w);
    if (gbcms_put_text_provenance(ks, w) < 0) return -1;
    kputs(maf_cols, ks);
    if (w->o->positive_count) kputs("\tt_total_count_forward\tt_ref_count_forward\tt_alt_count_forward", ks);
    if (w->o->negative_count) kputs("\tt_total_count_reverse\tt_ref_count_reverse\tt_alt_count_reverse", ks);
    if (w->o->fragment_count) kputs("\tt_total_count_fragment\tt_ref_count_fragment\tt_alt_count_fragment", ks);
    kputc('\n', ks);
    return 0;
}

int gbcms_tsv_header(gbcms_writer_t *w)
{
    if (gbcms_put_text_provenance(&w->line, w) < 0) return -1;
    kputs("Sample\tChrom\tPos\tID\tRef\tAlt\tDP\tRD\tAD\tVF\tDPP\tDPN\tRDP\tRDN\tADP\tADN", &w->line);
    if (w->o->fragment_count) kputs("\tDPF\tRDF\tADF", &w->line);
    kputc('\n', &w->line);
    return 0;
}

void gbcms_tsv_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    for (int s = 0; s < w->n_samples; s++) {
        kputs(w->names[s], &w->line);
        kputc('\t', &w->line);
        gbcms_put_site(&w->line, w, v);
        kputc('\t', &w->line);
        gbcms_put_counters(&w->line, &c[s], w->o->fragment_count, '\t');
        kputc('\n', &w->line);
    }
}

void gbcms_fillout_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
{
    kstring_t *ks = &w->line;
    ksprintf(ks, "%s\t%s\t%s\t%lld\t", maf_field(w, v, GBCMS_MAF_SAMPLE),
             maf_field(w, v, GBCMS_MAF_NORMAL), gbcms_out_contig(w, v), (long long)v->pos + 1);
    gbcms_put_counted(ks, v->ref, v->ref_len, v->out_ref);
    kputc('\t', ks);
    gbcms_put_counted(ks, v->alt, v->alt_len, v->out_alt);
    ksprintf(ks, "\t%s\t%s", maf_effect(w, v), maf_field(w, v, GBCMS_MAF_GENE));
    /* columns 9-19 empty, N_RefCount, N_AltCount, 22-23 empty, T_RefCount, T_AltCount, 26-34 empty */
    ksprintf(ks, "\t\t\t\t\t\t\t\t\t\t\t\t%ld\t%ld\t\t\t%ld\t%ld\t\t\t\t\t\t\t\t\t",
             maf_int(maf_field(w, v, GBCMS_MAF_N_REF)), maf_int(maf_field(w, v, GBCMS_MAF_N_ALT)),
             maf_int(maf_field(w, v, GBCMS_MAF_T_REF)), maf_int(maf_field(w, v, GBCMS_MAF_T_ALT)));
    for (int s = 0; s < w->n_samples; s++) {
        const gbcms_counts_t *k = &c[s];
        if (gbcms_counts_missing(k)) {   /* --keep-going: the sample's BAM failed */
            kputs("\tNA", ks);
            continue;
        }
        ksprintf(ks, "\tDP=%u;RD=%u;AD=%u;VF=", k->dp, k->rd, k->ad);
        gbcms_put_vf(ks, k);
        if (w->o->positive_count) ksprintf(ks, ";DPP=%u;RDP=%u;ADP=%u", k->dpp, k->rdp, k->adp);
        if (w->o->negative_count)
            ksprintf(ks, ";DPN=%u;RDN=%u;ADN=%u", k->dp - k->dpp, k->rd - k->rdp, k->ad - k->adp);
        if (w->o->fragment_count) {
            ksprintf(ks, ";DPF=%u;RDF=", k->dpf);
            gbcms_put_half(ks, k->rdf2);
            kputs(";ADF=", ks);
            gbcms_put_half(ks, k->adf2);
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
void gbcms_maf_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c)
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
                 "UNPAIRED\t\t\t\t\t\t\t",
                 maf_field(w, v, GBCMS_MAF_GENE), center, build, gbcms_out_contig(w, v), start, end,
                 maf_effect(w, v), maf_variant_type(v), v->out_ref, v->out_ref, v->out_alt, w->names[s]);
        if (gbcms_counts_missing(k)) {   /* --keep-going: the sample's BAM failed */
            ksprintf(ks, "NA\tNA\t\t\t%s\tNA\tNA", maf_field(w, v, GBCMS_MAF_CALLER));
            int extra = 3 * (w->o->positive_count + w->o->negative_count + w->o->fragment_count);
            for (int i = 0; i < extra; i++) kputs("\tNA", ks);
            kputc('\n', ks);
            continue;
        }
        ksprintf(ks, "%u\t%u\t\t\t%s\t%u\t", k->rd, k->ad, maf_field(w, v, GBCMS_MAF_CALLER), k->dp);
        gbcms_put_vf(ks, k);
        if (w->o->positive_count) ksprintf(ks, "\t%u\t%u\t%u", k->dpp, k->rdp, k->adp);
        if (w->o->negative_count) ksprintf(ks, "\t%u\t%u\t%u", k->dp - k->dpp, k->rd - k->rdp, k->ad - k->adp);
        if (w->o->fragment_count) {
            ksprintf(ks, "\t%u\t", k->dpf);
            gbcms_put_half(ks, k->rdf2);
            kputc('\t', ks);
            gbcms_put_half(ks, k->adf2);
        }
        kputc('\n', ks);
    }
}
