/* Reference access and contig-name hints (internal). */
#ifndef GBCMS_FASTA_H
#define GBCMS_FASTA_H

#include <stddef.h>
#include <stdint.h>
#include <htslib/faidx.h>

/* Open an indexed FASTA (builds the .fai if missing and possible).
 * Refuses a .fai or .gzi older than the FASTA, a .fai whose entries do not
 * point at sequence lines of a plain FASTA, and a BGZF FASTA without its
 * end-of-file marker.  Returns NULL after logging an error. */
faidx_t *gbcms_fasta_open(const char *path);

/* Fetch bases [beg, end] (0-based, inclusive) of ctg, upper-cased, into
 * *seq, a malloc'd string the caller frees.  *len gets the length, which is
 * short when the range runs off the contig end.  Returns 0; -1 when the
 * read fails or returns something other than bases (a truncated FASTA, or
 * an index that does not match it); -2 when out of memory.  Nothing is
 * logged; *seq is NULL on failure. */
int gbcms_fasta_fetch(const faidx_t *fai, const char *ctg, int64_t beg, int64_t end, char **seq,
                      int64_t *len);

/* Does a header (sam_hdr_t) or an index (faidx_t) have this contig? */
typedef int (*gbcms_has_contig_fn)(const void *where, const char *name);
int gbcms_hdr_has_contig(const void *hdr, const char *name);
int gbcms_fai_has_contig(const void *fai, const char *name);

/* For "contig X is not in Y" messages: " (it has 'chrX': 'chr' naming
 * differs)" when Y has the other common spelling of name ("chr1" <-> "1",
 * "chrM" <-> "MT"), else "".  Written into buf, which is returned. */
const char *gbcms_contig_hint(const char *name, gbcms_has_contig_fn has, const void *where,
                              char *buf, size_t n);

#endif
