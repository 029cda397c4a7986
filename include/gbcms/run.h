/* gbcms/run.h -- run `gbcms count` from checked options. */
#ifndef GBCMS_RUN_H
#define GBCMS_RUN_H

#include "gbcms/opts.h"

/* Exit statuses of the program. */
enum { GBCMS_EXIT_OK = 0, GBCMS_EXIT_DATA = 1, GBCMS_EXIT_USAGE = 2,
       GBCMS_EXIT_PARTIAL = 3   /* --keep-going: output written, some samples' cells missing */ };

/* Count every variant in every BAM and write the output.  The options
 * must have passed gbcms_opts_check().  Returns GBCMS_EXIT_OK, or
 * GBCMS_EXIT_DATA after logging an error (no output file is left behind),
 * or with --keep-going GBCMS_EXIT_PARTIAL when the output was written but
 * some samples failed (each logged in one line; their cells are missing).
 * The options are not modified beyond what check already did. */
int gbcms_run(gbcms_opts_t *o);

#endif
