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

/* The command line of `gbcms merge`. */
typedef struct {
    const char *output;     /* -o; NULL: standard output */
    char type;              /* -O v|z|b|u, else from the output's name */
    int quiet;              /* -q */
    int partial;            /* --partial: the parts may hold fewer sites than the input */
    char **parts;           /* borrowed from argv */
    int n_parts;
    char *command_line;     /* owned: for the merged output's header */
} gbcms_merge_opts_t;

/* Parse the arguments of `gbcms merge` (argv[0] is "merge").  Returns a
 * GBCMS_CLI_* code (cli.h): RUN, DONE (--help printed), USAGE (logged) or
 * DATA (out of memory).  Free mo with gbcms_merge_opts_destroy() in any
 * case. */
int gbcms_merge_parse(int argc, char **argv, gbcms_merge_opts_t *mo);

/* Merge.  Returns the exit status: 0, 1 (a part refused, a read or write
 * error; nothing is left at the output path) or 2 (an output that is a
 * part, or an output type the parts cannot give). */
int gbcms_merge_run(const gbcms_merge_opts_t *mo);

void gbcms_merge_opts_destroy(gbcms_merge_opts_t *mo);

#endif
