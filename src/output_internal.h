/* What the output formats share (internal to output.c, out_text.c and
 * out_vcf.c). */
#ifndef GBCMS_OUTPUT_INTERNAL_H
#define GBCMS_OUTPUT_INTERNAL_H

#include <htslib/kstring.h>
#include "output.h"

/* VF = AD/DP with up to 10 significant digits; 0 when DP is 0. */
void gbcms_put_vf(kstring_t *ks, const gbcms_counts_t *c);

/* A doubled fragment count as "N" or "N.5". */
void gbcms_put_half(kstring_t *ks, uint32_t twice);

/* The variant's contig name. */
const char *gbcms_out_contig(const gbcms_writer_t *w, const gbcms_variant_t *v);

/* CHROM POS ID REF ALT (tab-separated) of the variant that was counted:
 * for MAF input, an indel anchored on the base before it. */
void gbcms_put_site(kstring_t *ks, const gbcms_writer_t *w, const gbcms_variant_t *v);

/* The command line, for provenance lines: line ends become spaces. */
void gbcms_put_command(kstring_t *ks, const gbcms_writer_t *w);

/* "gbcms VERSION (htslib VERSION)", the version as --version names it. */
void gbcms_put_version(kstring_t *ks);

/* "counted=N input=M": the sites of this output (N) and of the whole input
 * (M; more than N when regions left some out), for gbcms merge to see a
 * region part that is missing. */
void gbcms_put_sites(kstring_t *ks, const gbcms_variants_t *vs);

/* The provenance lines of the text formats (fillout, MAF, TSV), which
 * gbcms merge reads back:
 *   #gbcms VERSION (htslib VERSION)
 *   #gbcms_command=the command line
 *   #gbcms_options=gbcms_opts_canonical()
 *   #gbcms_sites=gbcms_put_sites()
 *   #gbcms_contigs=the first BAM's contigs, comma-separated, in its order
 *   #gbcms_samples=the samples, tab-separated, in output order
 * 0, or -1 when out of memory (logged). */
int gbcms_put_text_provenance(kstring_t *ks, const gbcms_writer_t *w);

/* The counted allele in the input's letter case (see output.c). */
void gbcms_put_counted(kstring_t *ks, const char *counted, int counted_len, const char *given);

/* The formats: header into w->line (0, or -1 after logging), rows of one
 * variant into w->line. */
int gbcms_fillout_header(gbcms_writer_t *w);
int gbcms_maf_header(gbcms_writer_t *w);
int gbcms_tsv_header(gbcms_writer_t *w);
int gbcms_vcf_header(gbcms_writer_t *w);
void gbcms_fillout_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c);
void gbcms_maf_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c);
void gbcms_tsv_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c);
void gbcms_vcf_row(gbcms_writer_t *w, const gbcms_variant_t *v, const gbcms_counts_t *c);

/* The sink (out_sink.c).  _open sets up the output type; _header writes
 * the header in w->line (or, for BCF, from w->vcf_hdr) and starts the
 * index; _text writes w->line as it is; when _by_row, each VCF row must
 * instead go through _row (BCF conversion, indexing), start being where
 * the row begins in w->line.  All return 0 or -1 after logging. */
int gbcms_sink_open(gbcms_writer_t *w);
int gbcms_sink_header(gbcms_writer_t *w);
int gbcms_sink_text(gbcms_writer_t *w);
int gbcms_sink_by_row(const gbcms_writer_t *w);
int gbcms_sink_row(gbcms_writer_t *w, const gbcms_variant_t *v, size_t start);
void gbcms_sink_close(gbcms_writer_t *w);

/* VCF sample column / TSV counter columns: the GBCMS fields in one order.
 * A missing cell (--keep-going) is '.' in VCF (sep ':') and NA in TSV. */
void gbcms_put_counters(kstring_t *ks, const gbcms_counts_t *c, int fragments, char sep);

#endif
