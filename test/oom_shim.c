/* LD_PRELOAD shim for check_oom.sh: makes the Nth allocation (malloc,
 * calloc, realloc, posix_memalign, strdup through malloc) after start-up
 * fail with ENOMEM, N from GBCMS_FAIL_ALLOC.  Every later allocation
 * succeeds, as after a transient shortage.  Counting is atomic so threads
 * share one sequence.  Allocations made by htslib itself are not failed:
 * htslib 1.16 dereferences some failed allocations (hts_idx_load3), which
 * no caller can mend, and the test is about gbcms's own paths. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long seen;
static long fail_at = -1;
static int ready;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_memalign)(void **, size_t, size_t);

/* dlsym itself may call calloc: serve it from a small static arena. */
static char arena[4096];
static size_t arena_used;

static void report(void);

static void init(void)
{
    if (ready) return;
    ready = -1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    const char *s = getenv("GBCMS_FAIL_ALLOC");
    fail_at = s ? atol(s) : -1;
    if (getenv("GBCMS_COUNT_ALLOC")) atexit(report);
    void *warm[2];
    backtrace(warm, 2);   /* loads its unwinder now, not inside should_fail */
    ready = 1;
}

static void report(void)
{
    /* written with write(2): stdio may allocate */
    char buf[32];
    long n = atomic_load(&seen);
    int i = (int)sizeof buf;
    buf[--i] = '\n';
    do { buf[--i] = (char)('0' + n % 10); n /= 10; } while (n && i > 0);
    if (write(2, buf + i, sizeof buf - (size_t)i) < 0) return;
}

static int in_htslib(const void *caller)
{
    Dl_info info;
    if (dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libhts")) return 1;
    /* htslib calling libc (fopen, strdup) counts as htslib too: look a few
     * frames up.  backtrace() was warmed up in init, so it does not
     * allocate here. */
    void *frames[8];
    int n = backtrace(frames, 8);
    for (int i = 1; i < n; i++)
        if (dladdr(frames[i], &info) && info.dli_fname && strstr(info.dli_fname, "libhts")) return 1;
    return 0;
}

#define SHOULD_FAIL() should_fail(__builtin_return_address(0))

static int should_fail(const void *caller)
{
    if (ready != 1 || fail_at < 0) return 0;
    if (in_htslib(caller)) return 0;
    if (fail_at == 0) { atomic_fetch_add(&seen, 1); return 0; }
    return atomic_fetch_add(&seen, 1) + 1 == fail_at;
}

void *malloc(size_t n)
{
    init();
    if (!real_malloc) return NULL;
    if (SHOULD_FAIL()) { errno = ENOMEM; return NULL; }
    return real_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    if (ready == -1 || !real_calloc) {
        size_t need = (n * m + 15) & ~(size_t)15;
        if (arena_used + need > sizeof arena) return NULL;
        void *p = arena + arena_used;
        arena_used += need;
        return p;
    }
    init();
    if (SHOULD_FAIL()) { errno = ENOMEM; return NULL; }
    return real_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    init();
    if (SHOULD_FAIL()) { errno = ENOMEM; return NULL; }
    return real_realloc(p, n);
}

int posix_memalign(void **p, size_t a, size_t n)
{
    init();
    if (SHOULD_FAIL()) return ENOMEM;
    return real_memalign(p, a, n);
}

void free(void *p)
{
    static void (*real_free)(void *);
    if ((char *)p >= arena && (char *)p < arena + sizeof arena) return;
    if (!real_free) real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_free(p);
}
