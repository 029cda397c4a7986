/* Command-line parsing for `gbcms count` (internal). */
#ifndef GBCMS_CLI_H
#define GBCMS_CLI_H

#include <stdio.h>
#include "gbcms/opts.h"

enum {
    GBCMS_CLI_RUN = 0,      /* options parsed: go on and count */
    GBCMS_CLI_DONE = 1,     /* --help or --version printed: exit 0 */
    GBCMS_CLI_USAGE = -1,   /* usage error logged: exit 2 */
    GBCMS_CLI_DATA = -2     /* a file named on the command line failed: exit 1 */
};

/* Parse the arguments of `gbcms count` (argv[0] is the command name).
 * Fills o, which must have been through gbcms_opts_init(). */
int gbcms_cli_parse(int argc, char **argv, gbcms_opts_t *o);

/* Print the `gbcms count` help, with defaults, to fp. */
void gbcms_cli_help(FILE *fp);

/* Print the version lines (gbcms, htslib, libdeflate) to fp. */
void gbcms_cli_version(FILE *fp);

/* Strict integer parsing: the whole string must be a base-10 integer in
 * [lo, hi].  Returns 0, or -1 after logging which option was wrong. */
int gbcms_parse_int(const char *s, const char *opt, long lo, long hi, int *out);

#endif
