/* libFuzzer target: the --bam_fof list and --bam argument parsing. */
#include <string.h>
#include "cli.h"
#include "fuzz_util.h"
#include "gbcms/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gbcms_log_set_silent(1);
    char path[256];
    snprintf(path, sizeof path, "%s", fuzz_path("bams.fof"));
    if (fuzz_write(path, data, size) < 0) return 0;
    /* the first line, if short, is also tried as a --bam argument */
    char arg[128] = "x.bam";
    size_t n = 0;
    while (n < size && n < sizeof arg - 1 && data[n] != '\n' && data[n] != 0) { arg[n] = (char)data[n]; n++; }
    if (n) arg[n] = 0;
    char *argv[] = { "count", "--bam_fof", path, "--bam", arg, "--vcf", "v.vcf", NULL };
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    if (gbcms_cli_parse(7, argv, &o) == GBCMS_CLI_RUN) {
        for (int i = 0; i < o.n_bams; i++)
            if (!o.bams[i].path || !o.bams[i].path[0]) abort();
        gbcms_opts_check(&o);
    }
    gbcms_opts_destroy(&o);
    unlink(path);
    return 0;
}
