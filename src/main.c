/* gbcms: command-line wiring only (parse, check, run, exit status). */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "gbcms/log.h"
#include "gbcms/opts.h"
#include "gbcms/run.h"

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: gbcms count [options] (--vcf FILE | --maf FILE)... --bam [NAME:]PATH... [-o OUT]\n"
                "       gbcms --version | gbcms --help | gbcms count --help\n");
}

static int close_stdout(int rc)
{
    if (fclose(stdout) != 0 && rc == GBCMS_EXIT_OK) {
        gbcms_log(GBCMS_LOG_ERROR, "standard output: write error");
        return GBCMS_EXIT_DATA;
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *prog = strrchr(argv[0], '/');
    prog = prog ? prog + 1 : argv[0];
    /* The old program name is `gbcms count`, for drop-in use. */
    if (strcmp(prog, "GetBaseCountsMultiSample") != 0) {
        if (argc < 2) {
            usage(stderr);
            return GBCMS_EXIT_USAGE;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            usage(stdout);
            printf("\nCommands:\n  count   count reads and fragments supporting each variant's alleles\n");
            return close_stdout(GBCMS_EXIT_OK);
        }
        if (strcmp(argv[1], "--version") == 0) {
            gbcms_cli_version(stdout);
            return close_stdout(GBCMS_EXIT_OK);
        }
        if (strcmp(argv[1], "count") != 0) {
            gbcms_log(GBCMS_LOG_ERROR, "unknown command '%s'", argv[1]);
            fprintf(stderr, "Try 'gbcms --help'.\n");
            return GBCMS_EXIT_USAGE;
        }
        argc--;
        argv++;
    }
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    int rc, r = gbcms_cli_parse(argc, argv, &o);
    if (r == GBCMS_CLI_DONE) rc = GBCMS_EXIT_OK;
    else if (r == GBCMS_CLI_DATA) rc = GBCMS_EXIT_DATA;
    else if (r == GBCMS_CLI_USAGE || gbcms_opts_check(&o) < 0) rc = GBCMS_EXIT_USAGE;
    else rc = gbcms_run(&o);
    if (rc == GBCMS_EXIT_USAGE) fprintf(stderr, "Try 'gbcms count --help'.\n");
    gbcms_opts_destroy(&o);
    return close_stdout(rc);
}
