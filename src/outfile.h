/* The output file (internal).  Inputs are never replaced, and a failure
 * leaves nothing at or beside the output path.
 *
 * Where the output goes:
 * - standard output: path NULL, "-", "/dev/stdout", "/dev/fd/1" or
 *   "/proc/self/fd/1".  The existing stdout FILE* is used, never reopened,
 *   so `>> file` appends; main closes it (and checks the close).
 * - a character device or FIFO (/dev/null, /dev/full, a named pipe), after
 *   following symbolic links: written in place.
 * - anything else is a regular file, reached through symbolic links (a
 *   link stays a link; a dangling one names the file to create, whose
 *   directory must exist).  The data goes to an unnamed O_TMPFILE file in
 *   the target's directory, which at commit gets a short temporary name
 *   (.gbcms.XXXXXX, so a 255-byte output name still works) and is renamed
 *   over the target.  Where the filesystem has no O_TMPFILE the temporary
 *   file is named from the start.
 *
 * Who calls what: the program (main.c) owns every process-wide setting.  It
 * installs the SIGINT/SIGTERM/SIGHUP/SIGPIPE handlers, whose only library
 * call is gbcms_outfile_signal_cleanup() before re-raising, ignores SIGXFSZ
 * (so a file size limit is an ordinary write error), and calls
 * gbcms_outfile_check_inputs() as part of checking the command line.
 * gbcms_run() calls open, then commit or abort. */
#ifndef GBCMS_OUTFILE_H
#define GBCMS_OUTFILE_H

#include <stdio.h>
#include "gbcms/opts.h"

typedef struct {
    FILE *fp;           /* where to write */
    char *path;         /* the output as given, for messages; NULL for stdout */
    char *base;         /* last name of the real target; NULL: no rename */
    int dirfd;          /* the real target's directory, open while base is set */
    int unnamed;        /* the data is in an O_TMPFILE file, not yet linked */
    char tmp[16];       /* temporary name in dirfd, "" while there is none */
} gbcms_outfile_t;

/* Refuse an output that is the same file (device and inode, after symbolic
 * links) as an input: a variant file, a BAM/CRAM or its index, the FASTA or
 * its index, a --bam_fof list or the --regions-file.  Standard output counts too when it is a
 * regular file.  o->output is the output (NULL for stdout).  0, or -1 after
 * logging one line naming both files (a usage error). */
int gbcms_outfile_check_inputs(const gbcms_opts_t *o) __attribute__((warn_unused_result));

/* Check the inputs again, then resolve and create the output for
 * o->output, so that an unwritable location fails before any counting.
 * 0, or -1 after logging (nothing is left behind). */
int gbcms_outfile_open(gbcms_outfile_t *of, const gbcms_opts_t *o) __attribute__((warn_unused_result));

/* Flush, close and move into place.  0, or -1 after logging one line such
 * as "OUT: write error: <reason>" (the temporary file is then removed). */
int gbcms_outfile_commit(gbcms_outfile_t *of) __attribute__((warn_unused_result));

/* Close and remove the temporary file; nothing is left at the path.  Safe
 * on a zeroed or already finished gbcms_outfile_t. */
void gbcms_outfile_abort(gbcms_outfile_t *of);

/* Async-signal-safe: remove the named temporary file, if one exists now.
 * For the program's handlers of terminating signals; the process must then
 * die (the gbcms_outfile_t is left inconsistent). */
void gbcms_outfile_signal_cleanup(void);

#endif
