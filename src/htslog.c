/* htslib 1.16 has no log callback: hts_log() fprintf()s "[E::func] message"
 * and a newline to stderr.  In glibc, stderr is a variable that may be set
 * (the GNU C Library manual says so), so while gbcms runs it points at a
 * cookie stream: lines that start like htslib's are rewritten as
 * "gbcms: htslib: warning: func: message" and capped; an error is kept and
 * told as the reason in gbcms's own error line, so a failure stays one
 * line; everything else (gbcms's own lines, the progress line) goes
 * through to the real stderr unchanged.
 * Writes are synchronous, so the order of lines is kept and nothing is lost
 * if the process dies.  hts_log() writes a line in three pieces, and two
 * threads' pieces interleave (each fprintf locks the stream on its own),
 * so each thread assembles its own line.  Elsewhere htslib just prints at its error level. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <htslib/hts.h>
#include "gbcms/log.h"
#include "htslog.h"

#if defined(__GLIBC__)

enum { AT_START, OURS, HTSLIB };

/* The line a thread is writing. */
typedef struct {
    int state;              /* what the current line is */
    char line[1024];        /* the htslib line so far (cut at its end) */
    size_t len;
} partial_t;

static _Thread_local partial_t cur;   /* zero: AT_START */

static struct {
    pthread_mutex_t lock;
    FILE *real, *cookie;
    long errors, warnings;  /* htslib lines of each kind seen */
    int cap, dropped_said;
    char pending[1100];     /* first htslib error not yet told, "func: message" */
} hl = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, 0, 0, 0, "" };

static void put(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t r = write(STDERR_FILENO, s, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return;   /* nowhere else to report it */
        s += r;
        n -= (size_t)r;
    }
}

/* One complete htslib line "[X::func] message" in s, with hl.lock held.  An error is
 * held back and becomes the reason in gbcms's own one-line error (an
 * error from htslib is always followed by one from gbcms); warnings are
 * printed at once, capped. */
static void emit(char *s)
{
    char out[1200];
    if (s[1] == 'E') {
        char *f = s + 4, *e = strchr(f, ']');
        if (!hl.pending[0] && e) {
            *e = 0;
            snprintf(hl.pending, sizeof hl.pending, "%.300s: %.700s", f, e[1] == ' ' ? e + 2 : e + 1);
        }
        hl.errors++;
        return;
    }
    const char *sev = s[1] == 'E' ? "error" : s[1] == 'W' ? "warning" : "info";
    long seen = s[1] == 'E' ? hl.errors++ : hl.warnings++;
    long cap = s[1] == 'E' ? GBCMS_HTSLOG_MAX_ERRORS : hl.cap;
    if (seen >= cap) {
        if (cap > 0 && !hl.dropped_said) {   /* --suppress-warning 0: none, and no notice */
            static const char more[] = "gbcms: htslib: further messages from htslib are not shown\n";
            put(more, sizeof more - 1);
            hl.dropped_said = 1;
        }
        return;
    }
    char *func = s + 4, *end = strchr(func, ']');
    const char *msg = end && end[1] == ' ' ? end + 2 : func;
    if (end) *end = 0;
    int n = snprintf(out, sizeof out, "gbcms: htslib: %s: %s%s%s\n", sev, end ? func : "", end ? ": " : "", msg);
    if (n > 0) put(out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
}

static ssize_t cookie_write(void *unused, const char *buf, size_t n)
{
    (void)unused;
    partial_t *c = &cur;
    pthread_mutex_lock(&hl.lock);
    for (size_t i = 0; i < n;) {
        if (c->state == AT_START)   /* hts_log writes "[X::func] " in one piece */
            c->state = n - i >= 4 && buf[i] == '[' && buf[i + 2] == ':' && buf[i + 3] == ':' ? HTSLIB : OURS;
        const char *nl = memchr(buf + i, '\n', n - i);
        size_t k = nl ? (size_t)(nl - (buf + i)) : n - i;
        if (c->state == OURS) {
            put(buf + i, k + (nl != NULL));
        } else {
            size_t room = sizeof c->line - 1 - c->len;
            memcpy(c->line + c->len, buf + i, k < room ? k : room);
            c->len += k < room ? k : room;
            c->line[c->len] = 0;
            if (nl) emit(c->line);
        }
        if (nl) { c->state = AT_START; c->len = 0; }
        i += k + (nl != NULL);
    }
    pthread_mutex_unlock(&hl.lock);
    return (ssize_t)n;
}

void gbcms_htslog_start(int quiet, int cap)
{
    hts_set_log_level(quiet ? HTS_LOG_ERROR : HTS_LOG_WARNING);
    if (gbcms_log_is_silent()) { hts_set_log_level(HTS_LOG_OFF); return; }
    if (hl.cookie) return;
    cookie_io_functions_t io = { NULL, cookie_write, NULL, NULL };
    FILE *c = fopencookie(NULL, "w", io);
    if (!c) return;   /* htslib then prints as it always does */
    setvbuf(c, NULL, _IONBF, 0);
    fflush(stderr);
    hl.real = stderr;
    hl.cookie = c;
    cur.state = AT_START;
    cur.len = 0;
    hl.errors = hl.warnings = 0;
    hl.cap = cap;
    hl.dropped_said = 0;
    stderr = c;
}

int gbcms_htslog_take_error(char *buf, size_t n)
{
    pthread_mutex_lock(&hl.lock);
    int had = hl.pending[0] != 0;
    if (had) snprintf(buf, n, "%s", hl.pending);
    hl.pending[0] = 0;
    pthread_mutex_unlock(&hl.lock);
    return had;
}

void gbcms_htslog_stop(int failed)
{
    if (!hl.cookie) return;
    fflush(stderr);
    /* A failed run has said its one line; other workers' htslib errors
     * about the same damage are dropped.  A run that went on despite an
     * htslib error says so. */
    if (hl.pending[0] && !failed) {
        char out[1200];
        int n = snprintf(out, sizeof out, "gbcms: htslib: error: %s\n", hl.pending);
        if (n > 0) put(out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
        hl.pending[0] = 0;
    }
    stderr = hl.real;
    fclose(hl.cookie);
    hl.cookie = NULL;
}

#else

void gbcms_htslog_start(int quiet, int cap)
{
    (void)cap;
    /* htslib prints its own lines; gbcms's one-line error still comes last */
    hts_set_log_level(gbcms_log_is_silent() ? HTS_LOG_OFF : quiet ? HTS_LOG_ERROR : HTS_LOG_WARNING);
}

int gbcms_htslog_take_error(char *buf, size_t n)
{
    (void)buf; (void)n;
    return 0;
}

void gbcms_htslog_stop(int failed)
{
    (void)failed;
}

#endif
