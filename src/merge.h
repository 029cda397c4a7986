/* gbcms merge: join outputs of gbcms count split by sample and/or by
 * region into the output one run over all of them writes (internal).
 *
 * The rules (README "gbcms merge"):
 * - Every part must come from the same gbcms version (the ##source= /
 *   #gbcms line) with the same counting options (the gbcms_options line,
 *   gbcms_opts_canonical()), and have the same header apart from its
 *   command line and samples.
 * - Parts with the same samples (in the same order) are a sample group:
 *   region parts.  They are concatenated in genomic order (contig order
 *   of the header, then position), whatever their order on the command
 *   line; two that overlap (a site of one at or before the last site of
 *   the one before) are refused.
 * - Sample groups must not share a sample.  They are pasted side by side
 *   in the order the groups first appear on the command line, which is
 *   the sample order of the merged output.  Every group must have the
 *   same sites, in the same order: a site missing from one is refused,
 *   never written with counts that were not seen.
 * - The merged output's header is the first part's, with the merge's
 *   command line and the merged samples.  Memory does not grow with the
 *   number of sites: one part of each group is open at a time. */
#ifndef GBCMS_MERGE_H
#define GBCMS_MERGE_H

/* `gbcms merge` with its arguments (argv[0] is "merge").  Returns the
 * exit status: 0, 1 (a part refused, a read or write error; nothing is
 * left at the output path) or 2 (usage). */
int gbcms_merge_main(int argc, char **argv);

#endif
