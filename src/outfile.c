/* The output file: never an input, links followed to the real file, data
 * in an unnamed temporary file renamed over the target only when complete.
 * See outfile.h for where each kind of output goes. */
#define _GNU_SOURCE   /* O_TMPFILE, O_PATH, AT_EMPTY_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "gbcms/log.h"
#include "outfile.h"

/* The named temporary file, if any, for gbcms_outfile_signal_cleanup().
 * A handler may run on any thread, so the flag is a lock-free atomic and
 * the name is written before the flag is set. */
static char pending_name[16];
static atomic_int pending_dirfd;
static atomic_int pending_set;

static void set_pending(int dirfd, const char *name)
{
    atomic_store(&pending_set, 0);
    memcpy(pending_name, name, sizeof pending_name);
    atomic_store(&pending_dirfd, dirfd);
    atomic_store(&pending_set, 1);
}

void gbcms_outfile_signal_cleanup(void)
{
    if (atomic_load(&pending_set)) unlinkat(atomic_load(&pending_dirfd), pending_name, 0);
}

/* The descriptor a name stands for by itself: "-" (or none) and
 * /dev/stdout are 1, /dev/stderr 2, /dev/fd/N and /proc/self/fd/N are N;
 * -1 for any other path.  Such an output is written to the open
 * descriptor, as the shell set it up (`>> file` appends). */
static int named_fd(const char *path)
{
    if (!path || strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0) return STDOUT_FILENO;
    if (strcmp(path, "/dev/stderr") == 0) return STDERR_FILENO;
    const char *d = NULL;
    if (strncmp(path, "/dev/fd/", 8) == 0) d = path + 8;
    else if (strncmp(path, "/proc/self/fd/", 14) == 0) d = path + 14;
    if (!d || !*d || strlen(d) > 6 || strspn(d, "0123456789") != strlen(d)) return -1;
    return (int)strtol(d, NULL, 10);
}

/* ---- inputs ---- */

static int same_file(const struct stat *out, const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

/* path itself, path + each suffix, and path without its extension + each
 * suffix (where htslib also looks for an index: x.bam -> x.bai). */
static int check_input(const struct stat *out, const char *oname, const char *path, const char *const *suffixes)
{
    size_t n = strlen(path) + 8;
    char *buf = malloc(n);
    if (!buf) {
        gbcms_log(GBCMS_LOG_ERROR, "out of memory");
        return -1;
    }
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem = dot && dot > (slash ? slash + 1 : path) ? (size_t)(dot - path) : 0;
    const char *hit = same_file(out, path) ? path : NULL;
    for (int i = 0; !hit && suffixes && suffixes[i]; i++) {
        snprintf(buf, n, "%s%s", path, suffixes[i]);
        if (same_file(out, buf)) {
            hit = buf;
            break;
        }
        if (!stem) continue;
        snprintf(buf, n, "%.*s%s", (int)stem, path, suffixes[i]);
        if (same_file(out, buf)) hit = buf;
    }
    if (hit) gbcms_log(GBCMS_LOG_ERROR, "%s: the output is the same file as the input %s", oname, hit);
    free(buf);
    return hit ? -1 : 0;
}

int gbcms_outfile_check_inputs(const gbcms_opts_t *o)
{
    static const char *const bam_idx[] = { ".bai", ".csi", ".crai", NULL };
    static const char *const fa_idx[] = { ".fai", ".gzi", NULL };
    struct stat out;
    int fd = named_fd(o->output);
    const char *oname = o->output && strcmp(o->output, "-") != 0 ? o->output : "standard output";
    int r = fd >= 0 ? fstat(fd, &out) : stat(o->output, &out);
    /* Only a regular file can be replaced; a missing one is no input. */
    if (r < 0 || !S_ISREG(out.st_mode)) return 0;
    for (int i = 0; i < o->n_variant_files; i++)
        if (check_input(&out, oname, o->variant_files[i], NULL) < 0) return -1;
    for (int i = 0; i < o->n_bams; i++)
        if (check_input(&out, oname, o->bams[i].path, bam_idx) < 0) return -1;
    if (o->fasta && check_input(&out, oname, o->fasta, fa_idx) < 0) return -1;
    for (int i = 0; i < o->n_bam_fofs; i++)
        if (check_input(&out, oname, o->bam_fofs[i], NULL) < 0) return -1;
    if (o->regions_file && check_input(&out, oname, o->regions_file, NULL) < 0) return -1;
    return 0;
}

/* ---- opening ---- */

/* A missing output, possibly reached through dangling links: the file the
 * last link names, as the real path of its (existing) directory plus its
 * name.  NULL with errno set. */
static char *resolve_missing(const char *path)
{
    char *p = strdup(path);
    for (int hops = 0; p; hops++) {
        struct stat st;
        int r = lstat(p, &st);
        if (r == 0 && !S_ISLNK(st.st_mode)) {   /* appeared meanwhile */
            char *real = realpath(p, NULL);
            free(p);
            return real;
        }
        char *slash = strrchr(p, '/');
        if (r == 0) {   /* a link: go on from the path it holds */
            char link[PATH_MAX];
            ssize_t n = -1;
            if (hops == 40) errno = ELOOP;
            else n = readlink(p, link, sizeof link - 1);
            if (n < 0) break;
            link[n] = 0;
            char *q = malloc(strlen(p) + (size_t)n + 2);
            if (q && (link[0] == '/' || !slash)) strcpy(q, link);
            else if (q) sprintf(q, "%.*s/%s", (int)(slash - p), p, link);
            free(p);
            p = q;
            continue;
        }
        if (errno != ENOENT) break;
        const char *base = slash ? slash + 1 : p;
        if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
            errno = EISDIR;
            break;
        }
        char *dir = slash ? strndup(p, slash == p ? 1 : (size_t)(slash - p)) : strdup(".");
        char *rdir = dir ? realpath(dir, NULL) : NULL;
        char *real = rdir ? malloc(strlen(rdir) + strlen(base) + 2) : NULL;
        if (real) sprintf(real, "%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir, base);
        int e = errno;
        free(dir);
        free(rdir);
        free(p);
        errno = e;
        return real;
    }
    int e = errno;
    free(p);
    errno = e;
    return NULL;
}

/* A character device or FIFO, written where it is (never truncated: only
 * opened for writing, and checked again once open). */
static int open_in_place(gbcms_outfile_t *of)
{
    int fd = open(of->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))) {
        close(fd);
        fd = -1;
        errno = EEXIST;   /* replaced by a regular file meanwhile */
    }
    if (fd < 0 || !(of->fp = fdopen(fd, "w"))) {
        if (fd >= 0) close(fd);
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the output: %s", of->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ".gbcms." and 6 random characters: short, so that any legal output
 * name still has a legal temporary name beside it. */
static void temp_name(char *buf)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[6];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long x = (unsigned long)ts.tv_nsec * 2654435761u ^ (unsigned long)getpid() ^ (unsigned long)ts.tv_sec;
        for (size_t i = 0; i < sizeof r; i++, x /= 62) r[i] = (unsigned char)(x % 62);
    }
    memcpy(buf, ".gbcms.", 7);
    for (size_t i = 0; i < sizeof r; i++) buf[7 + i] = chars[r[i] % 62];
    buf[7 + sizeof r] = 0;
}

/* O_TMPFILE errors that mean "not supported here" rather than a problem
 * with the location: the named temporary file is then used. */
static int tmpfile_unsupported(int e)
{
    return e == EOPNOTSUPP || e == EISDIR || e == EINVAL || e == ENOSYS;
}

/* A regular file (existing or not) at the real path target. */
static int open_temp(gbcms_outfile_t *of, const char *target, int named)
{
    const char *slash = strrchr(target, '/');   /* target is absolute */
    char *dir = strndup(target, slash == target ? 1 : (size_t)(slash - target));
    if (!dir || !(of->base = strdup(slash + 1))) {
        free(dir);
        gbcms_log(GBCMS_LOG_ERROR, "out of memory");
        return -1;
    }
    of->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (of->dirfd < 0) {
        free(of->base);
        of->base = NULL;
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", of->path, strerror(errno));
        return -1;
    }
    int fd = -1;
    /* named (tests): the fallback, as on filesystems without O_TMPFILE */
    if (!named) {
        fd = openat(of->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        if (fd < 0 && !tmpfile_unsupported(errno)) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", of->path, strerror(errno));
            return -1;
        }
        of->unnamed = fd >= 0;
    }
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        temp_name(of->tmp);
        fd = openat(of->dirfd, of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) set_pending(of->dirfd, of->tmp);
        else if (errno != EEXIST) break;
    }
    if (fd < 0) {
        of->tmp[0] = 0;
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", of->path, strerror(errno));
        return -1;
    }
    if (!(of->fp = fdopen(fd, "w"))) {
        close(fd);
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the output file: %s", of->path, strerror(errno));
        return -1;
    }
    return 0;
}

int gbcms_outfile_open(gbcms_outfile_t *of, const gbcms_opts_t *o)
{
    memset(of, 0, sizeof *of);
    if (gbcms_outfile_check_inputs(o) < 0) return -1;
    if (o->output && strcmp(o->output, "-") != 0 && !(of->path = strdup(o->output))) {
        gbcms_log(GBCMS_LOG_ERROR, "out of memory");
        return -1;
    }
    int fd = named_fd(o->output);
    if (fd == STDOUT_FILENO) {   /* the stdout FILE*, never a second stream on it */
        of->fp = stdout;
        return 0;
    }
    int r = -1;
    struct stat st;
    char *target = NULL;
    /* stat follows every link, /proc/self/fd ones to pipes included. */
    if (fd >= 0) {
        int dfd = dup(fd);
        if (dfd < 0 || !(of->fp = fdopen(dfd, "w"))) {
            if (dfd >= 0) close(dfd);
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the output: %s", of->path, strerror(errno));
        } else {
            r = 0;
        }
    } else if (stat(of->path, &st) == 0) {
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) r = open_in_place(of);
        else if (S_ISDIR(st.st_mode))
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", of->path, strerror(EISDIR));
        else if (!S_ISREG(st.st_mode))
            gbcms_log(GBCMS_LOG_ERROR, "%s: not a regular file, character device or FIFO", of->path);
        else if (!(target = realpath(of->path, NULL)))
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", of->path, strerror(errno));
        else r = open_temp(of, target, o->named_temp);
    } else if (errno != ENOENT || !(target = resolve_missing(of->path))) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the output file: %s", of->path, strerror(errno));
    } else {
        r = open_temp(of, target, o->named_temp);
    }
    free(target);
    if (r < 0) gbcms_outfile_abort(of);
    return r;
}

/* ---- commit ---- */

/* Give the unnamed file a temporary name beside the target (linkat cannot
 * replace an existing name; rename then can). */
static int link_temp(gbcms_outfile_t *of)
{
    int fd = fileno(of->fp);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    for (int tries = 0; tries < 100; tries++) {
        temp_name(of->tmp);
        int r = linkat(AT_FDCWD, proc, of->dirfd, of->tmp, AT_SYMLINK_FOLLOW);
        if (r < 0 && errno == ENOENT)   /* no /proc: needs CAP_DAC_READ_SEARCH */
            r = linkat(fd, "", of->dirfd, of->tmp, AT_EMPTY_PATH);
        if (r == 0) {
            set_pending(of->dirfd, of->tmp);
            of->unnamed = 0;
            return 0;
        }
        if (errno != EEXIST) break;
    }
    of->tmp[0] = 0;
    gbcms_log(GBCMS_LOG_ERROR, "%s: cannot name the output file: %s", of->path, strerror(errno));
    return -1;
}

int gbcms_outfile_commit(gbcms_outfile_t *of)
{
    const char *name = of->path ? of->path : "standard output";
    errno = 0;
    if (fflush(of->fp) != 0 || ferror(of->fp)) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: write error: %s", name, strerror(errno ? errno : EIO));
        gbcms_outfile_abort(of);
        return -1;
    }
    if (of->unnamed && link_temp(of) < 0) {
        gbcms_outfile_abort(of);
        return -1;
    }
    FILE *fp = of->fp;
    of->fp = NULL;
    /* main closes stdout and checks that; NFS may report a full disk only
     * at close. */
    if (fp != stdout && fclose(fp) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: write error: %s", name, strerror(errno));
        gbcms_outfile_abort(of);
        return -1;
    }
    if (of->base && renameat(of->dirfd, of->tmp, of->dirfd, of->base) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot rename %s into place: %s", name, of->tmp, strerror(errno));
        gbcms_outfile_abort(of);
        return -1;
    }
    of->tmp[0] = 0;   /* renamed: nothing to remove */
    gbcms_outfile_abort(of);
    return 0;
}

void gbcms_outfile_abort(gbcms_outfile_t *of)
{
    if (of->fp && of->fp != stdout) fclose(of->fp);   /* an unnamed file vanishes here */
    if (of->base && of->tmp[0]) unlinkat(of->dirfd, of->tmp, 0);
    atomic_store(&pending_set, 0);
    if (of->base) close(of->dirfd);
    free(of->base);
    free(of->path);
    memset(of, 0, sizeof *of);
}
