/* Reference access and contig-name hints (internal). */
#ifndef GBCMS_FASTA_H
#define GBCMS_FASTA_H

#include <stddef.h>
#include <stdint.h>
#include <htslib/faidx.h>

/* Open an indexed FASTA (builds the .fai if missing and possible).
 * Returns NULL after logging an error. */
faidx_t *gbcms_fasta_open(const char *path);

/* Fetch bases [beg, end] (0-based, inclusive) of ctg, upper-cased, into a
 * malloc'd string the caller frees.  *len gets the length, which is short
 * when the range runs off the contig end.  NULL when the contig is absent
 * or the read fails (nothing logged). */
char *gbcms_fasta_fetch(const faidx_t *fai, const char *ctg, int64_t beg, int64_t end, int64_t *len);

/* The other common spelling of a contig name ("chr1" <-> "1",
 * "chrM" <-> "MT"), written into buf. */
void gbcms_contig_other_spelling(const char *name, char *buf, size_t n);

#endif
