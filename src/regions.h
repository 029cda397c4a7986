/* Regions (-r/--regions, -R/--regions-file): which sites are counted
 * (internal).  Built on htslib's regidx.
 *
 * The rule, as bcftools applies -t/--targets and --regions-overlap pos to
 * VCF records: a site is in a region when its POS is, where POS is the
 * position of the counted variant (VCF POS; for MAF input the anchored
 * position, i.e. the Pos column of TSV output).  A deletion starting
 * before a region is outside it even if it reaches into it, so regions
 * that do not overlap never share a site.
 *
 * Syntax, as bcftools reads them (coordinates 1-based, inclusive, unless
 * BED):
 *   -r CHR[:BEG-END],...   also CHR:POS and CHR:BEG- (to the contig end);
 *                          a contig name may itself contain ':'.
 *   -R FILE                one region a line: CHR, CHR POS or CHR BEG END,
 *                          whitespace-separated, further columns ignored;
 *                          a FILE named *.bed, *.bed.gz or *.bed.bgz is
 *                          BED (CHR BEG END, 0-based, half-open).  Lines
 *                          starting with '#', and BED 'track'/'browser'
 *                          lines, are skipped.  Plain or gzipped. */
#ifndef GBCMS_REGIONS_H
#define GBCMS_REGIONS_H

#include <stdint.h>

typedef struct gbcms_regions_t gbcms_regions_t;

/* Check the syntax of a -r list without building anything (for the usage
 * check).  0, or -1 after logging which region is wrong. */
int gbcms_regions_check_list(const char *list);

/* Regions from a -r list or a -R file (exactly one of them non-NULL).
 * NULL after logging an error (bad syntax: "FILE:LINE: ..."; unreadable
 * file; out of memory).  Free with gbcms_regions_destroy(). */
gbcms_regions_t *gbcms_regions_init(const char *list, const char *file);

/* Is 0-based position pos0 of contig chrom in a region?  1 yes, 0 no, -1
 * out of memory (logged).  Not thread safe (the index is built on the
 * first call). */
int gbcms_regions_has(gbcms_regions_t *r, const char *chrom, int64_t pos0);

void gbcms_regions_destroy(gbcms_regions_t *r);

#endif
