/* The output file: written under a temporary name in the destination
 * directory and renamed only when complete (internal). */
#ifndef GBCMS_OUTFILE_H
#define GBCMS_OUTFILE_H

#include <stdio.h>

typedef struct {
    FILE *fp;           /* where to write; stdout when path is NULL */
    char *path;         /* final path, or NULL for stdout */
    char *tmp;          /* temporary path, or NULL */
} gbcms_outfile_t;

/* Create the temporary file (so an unwritable location fails before any
 * counting) and install SIGINT/SIGTERM/SIGHUP handlers that remove it.
 * path NULL means standard output.  0, or -1 after logging. */
int gbcms_outfile_open(gbcms_outfile_t *of, const char *path) __attribute__((warn_unused_result));

/* Flush, close and rename into place.  0, or -1 after logging (the
 * temporary file is then removed). */
int gbcms_outfile_commit(gbcms_outfile_t *of) __attribute__((warn_unused_result));

/* Close and remove the temporary file; nothing is left at the path. */
void gbcms_outfile_abort(gbcms_outfile_t *of);

#endif
