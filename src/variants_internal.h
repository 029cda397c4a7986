/* The variant store as its readers see it (internal). */
#ifndef GBCMS_VARIANTS_INTERNAL_H
#define GBCMS_VARIANTS_INTERNAL_H

#include <htslib/faidx.h>
#include "gbcms/variants.h"

/* Where a record came from, for messages. */
typedef struct {
    const char *file;
    long line;          /* line number, or record number for BCF */
    int is_record;      /* 1: 'line' is a BCF record number */
} gbcms_src_t;

/* "FILE:LINE" or "FILE: record N" into buf. */
void gbcms_src_where(const gbcms_src_t *src, char *buf, size_t n);

/* Validate one record (CHROM, 1-based POS, REF, one ALT) and append it.
 * Symbolic ALTs are skipped with a warning.  out_ref/out_alt are the
 * alleles as written in the input (may equal ref/alt).  The site must lie
 * within the contig (first BAM's header, and the FASTA when given).
 * Returns 0 (added or skipped) or -1 after logging an error. */
int gbcms_variants_add(gbcms_variants_t *vs, const faidx_t *fai, const gbcms_src_t *src,
                       const char *chrom, int64_t pos1, const char *id, const char *ref,
                       const char *alt, const char *out_ref, const char *out_alt, long maf_row);

/* Parse a 1-based position: digits only, >= 1.  Returns -1 if bad. */
int64_t gbcms_parse_pos(const char *s);

/* The readers: append every record of one file to vs.  0, or -1 after
 * logging.  MAF also fills vs->maf. */
int gbcms_vcf_load(gbcms_variants_t *vs, const char *file, const faidx_t *fai);
int gbcms_maf_load(gbcms_variants_t *vs, const char *file, const faidx_t *fai);

#endif
