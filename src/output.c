/* Output: the chosen format's header and rows, flushed block by block.
 * Numbers: counts as integers, fragment counts with a half as "N.5",
 * VF = AD/DP with up to 10 significant digits. */
#include <stdlib.h>
#include <string.h>
#include <htslib/hts.h>
#include <htslib/vcf.h>
#include "gbcms/log.h"
#include "output_internal.h"
#include "version.h"

void gbcms_put_vf(kstring_t *ks, const gbcms_counts_t *c)
{
    if (c->dp == 0) { kputc('0', ks); return; }
    ksprintf(ks, "%.10g", (double)c->ad / (double)c->dp);
}

void gbcms_put_half(kstring_t *ks, uint32_t twice)
{
    kputuw(twice / 2, ks);
    if (twice & 1) kputs(".5", ks);
}

const char *gbcms_out_contig(const gbcms_writer_t *w, const gbcms_variant_t *v)
{
    return sam_hdr_tid2name((sam_hdr_t *)w->vs->hdr, v->tid);
}

/* When the reader anchored a MAF indel, the counted allele is the base
 * before the event (from the FASTA) followed by the MAF allele ('-' being
 * empty), as GBCMS prints it; otherwise it is the allele as written. */
void gbcms_put_counted(kstring_t *ks, const char *counted, int counted_len, const char *given)
{
    size_t n = strcmp(given, "-") == 0 ? 0 : strlen(given);
    if (n == (size_t)counted_len) { kputs(given, ks); return; }
    kputc(counted[0], ks);
    kputsn(given, n, ks);
}

void gbcms_put_site(kstring_t *ks, const gbcms_writer_t *w, const gbcms_variant_t *v)
{
    ksprintf(ks, "%s\t%lld\t%s\t", gbcms_out_contig(w, v), (long long)v->pos + 1, v->id);
    gbcms_put_counted(ks, v->ref, v->ref_len, v->out_ref);
    kputc('\t', ks);
    gbcms_put_counted(ks, v->alt, v->alt_len, v->out_alt);
}

void gbcms_put_command(kstring_t *ks, const gbcms_writer_t *w)
{
    size_t from = ks->l;
    kputs(w->o->command_line ? w->o->command_line : "", ks);
    for (size_t i = from; i < ks->l; i++)   /* one header line, whatever the arguments hold */
        if (ks->s[i] == '\n' || ks->s[i] == '\r') ks->s[i] = ' ';
}

void gbcms_put_version(kstring_t *ks)
{
    ksprintf(ks, "gbcms %s%s%s (htslib %s)", GBCMS_VERSION, GBCMS_GIT_DESCRIBE[0] ? "-" : "",
             GBCMS_GIT_DESCRIBE, hts_version());
}

void gbcms_put_sites(kstring_t *ks, const gbcms_variants_t *vs)
{
    ksprintf(ks, "counted=%zu input=%zu", vs->n, vs->n + vs->n_outside);
}

int gbcms_put_text_provenance(kstring_t *ks, const gbcms_writer_t *w)
{
    char *canon = gbcms_opts_canonical(w->o);
    if (!canon) return gbcms_oom("the output header");
    kputc('#', ks);
    gbcms_put_version(ks);
    kputs("\n#gbcms_command=", ks);
    gbcms_put_command(ks, w);
    ksprintf(ks, "\n#gbcms_options=%s\n#gbcms_sites=", canon);
    gbcms_put_sites(ks, w->vs);
    kputs("\n#gbcms_contigs=", ks);
    free(canon);
    sam_hdr_t *h = (sam_hdr_t *)w->vs->hdr;
    for (int t = 0; t < sam_hdr_nref(h); t++) {
        if (t) kputc(',', ks);
        kputs(sam_hdr_tid2name(h, t), ks);
    }
    kputs("\n#gbcms_samples=", ks);
    for (int s = 0; s < w->n_samples; s++) {
        if (s) kputc('\t', ks);
        kputs(w->names[s], ks);
    }
    return kputc('\n', ks) < 0 ? gbcms_oom("the output header") : 0;
}

static void put_u(kstring_t *ks, char sep, uint32_t x)
{
    kputc(sep, ks);
    kputuw(x, ks);
}

void gbcms_put_counters(kstring_t *ks, const gbcms_counts_t *c, int fragments, char sep)
{
    if (gbcms_counts_missing(c)) {   /* VCF: the sample is '.'; TSV: NA in each column */
        if (sep == ':') { kputc('.', ks); return; }
        for (int k = 0; k < (fragments ? 13 : 10); k++) kputs(k ? "\tNA" : "NA", ks);
        return;
    }
    kputuw(c->dp, ks);
    put_u(ks, sep, c->rd);
    put_u(ks, sep, c->ad);
    kputc(sep, ks);
    gbcms_put_vf(ks, c);
    put_u(ks, sep, c->dpp);
    put_u(ks, sep, c->dp - c->dpp);
    put_u(ks, sep, c->rdp);
    put_u(ks, sep, c->rd - c->rdp);
    put_u(ks, sep, c->adp);
    put_u(ks, sep, c->ad - c->adp);
    if (fragments) {
        put_u(ks, sep, c->dpf);
        kputc(sep, ks); gbcms_put_half(ks, c->rdf2);
        kputc(sep, ks); gbcms_put_half(ks, c->adf2);
    }
}

int gbcms_writer_header(gbcms_writer_t *w)
{
    /* As for rows (reserve_rows): room for the whole header up front. */
    size_t need = 65536 + w->vs->vcf_meta.l + (w->o->command_line ? strlen(w->o->command_line) : 0);
    for (int s = 0; s < w->n_samples; s++) need += strlen(w->names[s]) + 1;
    if (ks_resize(&w->line, need) < 0 || ks_resize(&w->scratch, need) < 0) return gbcms_oom("the output header");
    int r;
    switch (w->o->format) {
    case GBCMS_FORMAT_FILLOUT: r = gbcms_fillout_header(w); break;
    case GBCMS_FORMAT_MAF: r = gbcms_maf_header(w); break;
    case GBCMS_FORMAT_TSV: r = gbcms_tsv_header(w); break;
    default: r = gbcms_vcf_header(w); break;
    }
    return r < 0 || gbcms_sink_open(w) < 0 ? -1 : gbcms_sink_header(w);
}

/* kstring's appends report a failed allocation only to their caller, and
 * a row built from dozens of them would come out short without a word.
 * So the room one variant's rows can need (an upper bound: text fields in
 * full, 320 bytes of counters per sample) is reserved first, and no
 * append inside a row allocates. */
static int reserve_rows(gbcms_writer_t *w, const gbcms_variant_t *v)
{
    size_t text = strlen(v->ref) + strlen(v->alt) + strlen(v->out_ref) + strlen(v->out_alt) +
                  strlen(v->id) + (v->qfi ? strlen(v->qfi) : 0) + 256;
    const gbcms_maf_table_t *t = &w->vs->maf;
    if (v->maf_row >= 0)
        for (int j = 0; j < t->n_cols; j++) text += strlen(t->rows[v->maf_row][j]) + 1;
    size_t names = 0;
    for (int s = 0; s < w->n_samples; s++) names += strlen(w->names[s]) + 1;
    int per_sample_rows = w->o->format == GBCMS_FORMAT_MAF || w->o->format == GBCMS_FORMAT_TSV;
    size_t need = w->line.l + text * (per_sample_rows ? (size_t)w->n_samples : 1) +
                  (size_t)w->n_samples * 320 + names + 1024;
    if (ks_resize(&w->line, need) < 0 || ks_resize(&w->scratch, 2 * text + 1024) < 0)
        return gbcms_oom("an output row");
    return 0;
}

int gbcms_writer_block(void *ctx, size_t block, const gbcms_counts_t *counts)
{
    gbcms_writer_t *w = ctx;
    const gbcms_block_t *blk = &w->vs->blocks[block];
    int by_row = gbcms_sink_by_row(w);
    for (size_t i = blk->begin; i < blk->end; i++) {
        const gbcms_variant_t *v = &w->vs->v[i];
        const gbcms_counts_t *c = counts + (v->primary - blk->begin) * (size_t)w->n_samples;
        if (reserve_rows(w, v) < 0) return -1;
        size_t start = w->line.l;
        switch (w->o->format) {
        case GBCMS_FORMAT_FILLOUT: gbcms_fillout_row(w, v, c); break;
        case GBCMS_FORMAT_MAF:   /* one row per unique variant and sample */
            if (v->primary == i) gbcms_maf_row(w, v, c);
            break;
        case GBCMS_FORMAT_TSV: gbcms_tsv_row(w, v, c); break;
        default: gbcms_vcf_row(w, v, c); break;
        }
        if (by_row) {   /* VCF only: one row per variant */
            if (gbcms_sink_row(w, v, start) < 0) return -1;
        } else if (w->line.l >= 1 << 16 && gbcms_sink_text(w) < 0) {
            return -1;
        }
    }
    return gbcms_sink_text(w);
}

void gbcms_writer_destroy(gbcms_writer_t *w)
{
    gbcms_sink_close(w);
    free(w->line.s);
    free(w->scratch.s);
    if (w->vcf_hdr) bcf_hdr_destroy(w->vcf_hdr);
    w->line = w->scratch = (kstring_t){ 0, 0, NULL };
    w->vcf_hdr = NULL;
}
