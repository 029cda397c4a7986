/* The one logger: level filter, "gbcms: level: message", capped warnings. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "gbcms/log.h"
#include "htslog.h"

static gbcms_log_level_t log_max_level = GBCMS_LOG_WARNING;
static int log_warning_cap = 3;
static atomic_long warn_counts[GBCMS_WARN_NUM_KINDS];
static int log_silent;

void gbcms_log_set_silent(int silent)
{
    log_silent = silent;
}

int gbcms_log_is_silent(void)
{
    return log_silent;
}

void gbcms_log_setup(gbcms_log_level_t max_level, int warning_cap)
{
    log_max_level = max_level;
    log_warning_cap = warning_cap;
}

static void log_v(gbcms_log_level_t level, const char *fmt, va_list ap)
{
    static const char *names[] = { "error", "warning", "info" };
    if (log_silent) return;
    int saved = errno;
    char line[4096];
    int n = snprintf(line, sizeof line, "gbcms: %s: ", names[level]);
    if (n < 0) n = 0;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    char why[1100];
    if (level == GBCMS_LOG_ERROR && gbcms_htslog_take_error(why, sizeof why)) {
        size_t l = strlen(line);
        snprintf(line + l, sizeof line - l, " [htslib: %s]", why);
    }
    /* A message cut at the buffer's end still ends in "..." and a newline. */
    size_t len = strlen(line);
    if (len >= sizeof line - 2) memcpy(line + sizeof line - 6, "...", 4);
    /* Flush stdout first so the two streams interleave sensibly; one
     * fputs of a whole line keeps concurrent messages from mixing. */
    fflush(stdout);
    len = strlen(line);
    if (len + 1 < sizeof line) { line[len] = '\n'; line[len + 1] = 0; }
    /* Straight to the descriptor, in one write: never through the stream
     * that may be parsing another thread's half-written htslib line. */
    fflush(stderr);
    for (size_t off = 0, n2 = strlen(line); off < n2;) {
        ssize_t w = write(STDERR_FILENO, line + off, n2 - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    errno = saved;
}

void gbcms_log(gbcms_log_level_t level, const char *fmt, ...)
{
    if (level > log_max_level) return;
    va_list ap;
    va_start(ap, fmt);
    log_v(level, fmt, ap);
    va_end(ap);
}

void gbcms_warn(gbcms_warn_kind_t kind, const char *fmt, ...)
{
    long seen = atomic_fetch_add(&warn_counts[kind], 1);
    if (GBCMS_LOG_WARNING > log_max_level) return;
    if (log_warning_cap >= 0 && seen >= log_warning_cap) return;
    va_list ap;
    va_start(ap, fmt);
    log_v(GBCMS_LOG_WARNING, fmt, ap);
    va_end(ap);
}

long gbcms_warn_count(gbcms_warn_kind_t kind)
{
    return atomic_load(&warn_counts[kind]);
}

void gbcms_warn_reset(void)
{
    for (int i = 0; i < GBCMS_WARN_NUM_KINDS; i++) atomic_store(&warn_counts[i], 0);
}

int gbcms_oom(const char *what)
{
    gbcms_log(GBCMS_LOG_ERROR, "out of memory (%s)", what);
    return -1;
}

const char *gbcms_abbrev(const char *s, char buf[GBCMS_ABBREV_LEN])
{
    size_t n = strlen(s);
    if (n <= 40) return s;
    snprintf(buf, GBCMS_ABBREV_LEN, "%.24s... (%zu characters)", s, n);
    return buf;
}
