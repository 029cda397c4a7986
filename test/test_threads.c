/* --threads 0 is the number of CPUs this process may run on (its affinity
 * mask), not every online CPU: pinned to one CPU, it must resolve to 1. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include "gbcms/opts.h"

static int resolve(void)
{
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    o.threads = 0;
    int t = -1;
    if (gbcms_opts_add_bam(&o, NULL, "x.bam") == 0 && gbcms_opts_add_variant_file(&o, "x.vcf") == 0 &&
        gbcms_opts_check(&o) == 0)
        t = o.threads;
    gbcms_opts_destroy(&o);
    return t;
}

int main(void)
{
    cpu_set_t all, one;
    if (sched_getaffinity(0, sizeof all, &all) != 0) { perror("sched_getaffinity"); return 1; }
    int fail = 0, n = CPU_COUNT(&all), t = resolve();
    if (t != n) { printf("FAIL: %d CPUs allowed, --threads 0 gave %d\n", n, t); fail++; }
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &all)) { CPU_SET(c, &one); break; }
    if (sched_setaffinity(0, sizeof one, &one) != 0) { perror("sched_setaffinity"); return 1; }
    if ((t = resolve()) != 1) { printf("FAIL: pinned to one CPU, --threads 0 gave %d\n", t); fail++; }
    printf("%d CPUs allowed; %s\n", n, fail ? "failed" : "passed");
    return fail != 0;
}
