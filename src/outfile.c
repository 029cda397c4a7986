/* Output safety: temp file beside the target, rename on success, removal
 * on error or on a terminating signal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gbcms/log.h"
#include "outfile.h"

/* The signal handler may only touch this fixed buffer. */
static char pending_tmp[PATH_MAX + 64];
static volatile sig_atomic_t pending_set;

static void on_signal(int sig)
{
    if (pending_set) unlink(pending_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_pending(const char *tmp)
{
    pending_set = 0;
    if (tmp && strlen(tmp) < sizeof pending_tmp) {
        memcpy(pending_tmp, tmp, strlen(tmp) + 1);
        pending_set = 1;
    }
}

int gbcms_outfile_open(gbcms_outfile_t *of, const char *path)
{
    memset(of, 0, sizeof *of);
    if (!path) {
        of->fp = stdout;
        return 0;
    }
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A link, device or FIFO (/dev/stdout, /dev/full, a pipe) is written
         * in place: renaming over it would replace the link itself. */
        of->fp = fopen(path, "w");
        if (!of->fp) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the output: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    size_t n = strlen(path) + 32;
    of->path = strdup(path);
    of->tmp = malloc(n);
    if (!of->path || !of->tmp) {
        gbcms_log(GBCMS_LOG_ERROR, "out of memory");
        gbcms_outfile_abort(of);
        return -1;
    }
    snprintf(of->tmp, n, "%s.gbcms-tmp.XXXXXX", path);
    int fd = mkstemp(of->tmp);
    if (fd < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", path, strerror(errno));
        free(of->tmp);
        of->tmp = NULL;
        gbcms_outfile_abort(of);
        return -1;
    }
    /* mkstemp makes the file 0600; give it the usual umask-based mode. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0) { /* not fatal: the content is what matters */ }
    set_pending(of->tmp);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    of->fp = fdopen(fd, "w");
    if (!of->fp) {
        close(fd);
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the output file: %s", path, strerror(errno));
        gbcms_outfile_abort(of);
        return -1;
    }
    return 0;
}

int gbcms_outfile_commit(gbcms_outfile_t *of)
{
    const char *name = of->path ? of->path : "the output";
    if (fflush(of->fp) != 0 || ferror(of->fp)) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: write error: %s", name, strerror(errno));
        gbcms_outfile_abort(of);
        return -1;
    }
    if (of->fp == stdout) return 0;   /* main closes stdout and checks that too */
    FILE *fp = of->fp;
    of->fp = NULL;
    if (fclose(fp) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: write error: %s", name, strerror(errno));
        gbcms_outfile_abort(of);
        return -1;
    }
    if (!of->path) return 0;   /* a link, device or FIFO, written in place */
    if (rename(of->tmp, of->path) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot rename %s into place: %s", name, of->tmp, strerror(errno));
        gbcms_outfile_abort(of);
        return -1;
    }
    set_pending(NULL);
    free(of->tmp);
    free(of->path);
    memset(of, 0, sizeof *of);
    return 0;
}

void gbcms_outfile_abort(gbcms_outfile_t *of)
{
    if (of->fp && of->fp != stdout) fclose(of->fp);
    if (of->tmp) unlink(of->tmp);
    set_pending(NULL);
    free(of->tmp);
    free(of->path);
    memset(of, 0, sizeof *of);
}
