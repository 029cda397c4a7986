/* gbcms: command-line wiring only (parse, check, run, exit status), and the
 * process-wide settings: standard descriptors and signal handling. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "align_kernel.h"
#include "cli.h"
#include "gbcms/log.h"
#include "gbcms/opts.h"
#include "gbcms/run.h"
#include "htslog.h"
#include "merge.h"
#include "outfile.h"

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: gbcms count [options] (--vcf FILE | --maf FILE)... --bam [NAME:]PATH... [-o OUT]\n"
                "       gbcms merge [options] PART... [-o OUT]\n"
                "       gbcms --version | gbcms --help | gbcms count --help | gbcms merge --help\n");
}

static int close_stdout(int rc)
{
    if (fclose(stdout) != 0 && rc == GBCMS_EXIT_OK) {
        gbcms_log(GBCMS_LOG_ERROR, "standard output: write error: %s", strerror(errno));
        return GBCMS_EXIT_DATA;
    }
    return rc;
}

/* A descriptor 0-2 closed at start would be taken by the next file opened,
 * the output among them, and messages meant for stderr written into it.
 * /dev/null fills the gap, opened the wrong way round so that using the
 * descriptor still fails as on a closed one (output to a closed stdout is
 * a write error, not silently lost). */
static int open_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
            open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY) != fd)
            return -1;
    return 0;
}

static void on_terminate(int sig)
{
    gbcms_outfile_signal_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Terminating signals remove the temporary output first; one ignored at
 * start (nohup, background jobs) stays ignored.  SIGXFSZ is ignored so that
 * a file size limit is a write error (EFBIG), cleaned up like any other. */
static void setup_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_terminate;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(sigs[i], &sa, NULL);
    signal(SIGXFSZ, SIG_IGN);
}

/* Switches for tests and benchmarks, from the environment; read only here,
 * so the core never looks at the environment.  GBCMS_KERNEL picks realign's
 * alignment kernel (auto, scalar, sse41, avx2, or check: SIMD and scalar
 * compared on every batch); GBCMS_STATS=1 prints realign's counters. */
static int env_settings(gbcms_opts_t *o)
{
    const char *k = getenv("GBCMS_KERNEL"), *st = getenv("GBCMS_STATS");
    gbcms_kernel_t kern = GBCMS_KERNEL_AUTO;
    if (k && *k && gbcms_kernel_parse(k, &kern) < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "GBCMS_KERNEL takes auto, scalar, sse41, avx2 or check, not '%s'", k);
        return -1;
    }
    o->kernel = (int)kern;
    o->realign_stats = st && *st && strcmp(st, "0") != 0;
    return 0;
}

static int merge_command(int argc, char **argv)
{
    gbcms_merge_opts_t mo;
    int rc, r = gbcms_merge_parse(argc, argv, &mo);
    if (r == GBCMS_CLI_DONE) rc = GBCMS_EXIT_OK;
    else if (r == GBCMS_CLI_DATA) rc = GBCMS_EXIT_DATA;
    else if (r == GBCMS_CLI_USAGE) rc = GBCMS_EXIT_USAGE;
    else {
        gbcms_htslog_start(mo.quiet, 3);
        rc = gbcms_merge_run(&mo);
        gbcms_htslog_stop(rc != GBCMS_EXIT_OK);
    }
    if (rc == GBCMS_EXIT_USAGE) fprintf(stderr, "Try 'gbcms merge --help'.\n");
    gbcms_merge_opts_destroy(&mo);
    return rc;
}

int main(int argc, char **argv)
{
    if (open_std_fds() < 0) return GBCMS_EXIT_DATA;   /* nowhere to say why */
    setup_signals();
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
            printf("\nCommands:\n  count   count reads and fragments supporting each variant's alleles\n"
                   "  merge   join count outputs split by sample and/or region into one\n");
            return close_stdout(GBCMS_EXIT_OK);
        }
        if (strcmp(argv[1], "--version") == 0) {
            gbcms_cli_version(stdout);
            return close_stdout(GBCMS_EXIT_OK);
        }
        if (strcmp(argv[1], "merge") == 0) return close_stdout(merge_command(argc - 1, argv + 1));
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
    else if (r == GBCMS_CLI_USAGE || env_settings(&o) < 0 || gbcms_opts_check(&o) < 0 ||
             gbcms_outfile_check_inputs(&o) < 0)
        rc = GBCMS_EXIT_USAGE;
    else {
        /* Test switches come from the environment here, never in the library. */
        const char *gap = getenv("GBCMS_SEEK_GAP"), *named = getenv("GBCMS_TEST_NAMED_TEMP");
        if (gap && *gap) o.seek_gap = strtod(gap, NULL);
        o.named_temp = named && *named;
        /* htslib's messages in gbcms's form: process-wide, so set here */
        gbcms_htslog_start(o.quiet, o.suppress_warning);
        rc = gbcms_run(&o);
        gbcms_htslog_stop(rc != GBCMS_EXIT_OK);
    }
    if (rc == GBCMS_EXIT_USAGE) fprintf(stderr, "Try 'gbcms count --help'.\n");
    gbcms_opts_destroy(&o);
    return close_stdout(rc);
}
