/* The BAM/CRAM inputs: opened and checked once up front, headers and BAM
 * indexes shared read-only, open handles lent to the workers from a pool
 * capped by the file-descriptor limit.  The code that opens a file is the
 * same for the up-front check and for the workers (handle_open). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/khash.h>
#include "fasta.h"
#include "gbcms/log.h"
#include "sample.h"

KHASH_MAP_INIT_STR(gbcms_names, int)

/* File descriptors one open handle may hold.  A BAM holds its data file
 * only (the index is loaded once, up front).  A CRAM holds its data file
 * and the reference FASTA, and opens its .crai and the .fai while it is
 * being opened. */
#define GBCMS_FD_BAM 1
#define GBCMS_FD_CRAM 3
/* Kept free for everything else: the output, the FASTA, the variant
 * files, and what htslib opens briefly. */
#define GBCMS_FD_HEADROOM 16
/* More than this is never needed and keeps the arithmetic in int. */
#define GBCMS_FD_MAX (1 << 20)

#define GBCMS_ERR_LEN 1024

/* strerror() when a system call failed; otherwise htslib found bad data and
 * errno is 0 or a code (EINVAL, ...) that would mislead. */
static const char *cause(int err, const char *bad_data)
{
    switch (err) {
    case EACCES: case EPERM: case ENOENT: case ENOTDIR: case EISDIR: case ELOOP:
    case ENAMETOOLONG: case EMFILE: case ENFILE: case EIO: case ESTALE:
    case ETIMEDOUT: case ECONNREFUSED: case ENXIO: case ENODEV:
    case EPROTONOSUPPORT: case ENOTSUP: case EHOSTUNREACH: case ENETUNREACH: case ECONNRESET:
        return strerror(err);
    case ENOMEM:   /* htslib allocates what a corrupt length field asks for */
        return "corrupt, or out of memory";
    default:
        return bad_data;
    }
}

/* name with control characters written as \t, \n, \r or \xHH. */
static void escape(const char *name, char *buf, size_t n)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 8 < n; p++) {
        if (*p == '\t') o += (size_t)snprintf(buf + o, n - o, "\\t");
        else if (*p == '\n') o += (size_t)snprintf(buf + o, n - o, "\\n");
        else if (*p == '\r') o += (size_t)snprintf(buf + o, n - o, "\\r");
        else if (*p < 0x20 || *p == 0x7f) o += (size_t)snprintf(buf + o, n - o, "\\x%02x", *p);
        else buf[o++] = (char)*p;
    }
    buf[o] = 0;
}

static int oom(void)
{
    gbcms_log(GBCMS_LOG_ERROR, "out of memory");
    return -1;
}

static int has_control(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 1;
    return 0;
}

int gbcms_sample_name_check(const char *name, const char *where)
{
    char shown[256];
    if (!*name) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: empty sample name", where);
        return -1;
    }
    if (!has_control(name)) return 0;
    escape(name, shown, sizeof shown);
    gbcms_log(GBCMS_LOG_ERROR, "%s: sample name '%s' has a control character (it would break the output)",
              where, shown);
    return -1;
}

/* ---- the handle pool ---- */

static void idle_push(gbcms_samples_t *ss, gbcms_handle_t *h)
{
    gbcms_sample_t *sm = &ss->s[h->sample];
    h->next = NULL;
    h->prev = ss->mru;
    if (ss->mru) ss->mru->next = h; else ss->lru = h;
    ss->mru = h;
    h->s_prev = NULL;
    h->s_next = sm->idle;
    if (sm->idle) sm->idle->s_prev = h;
    sm->idle = h;
}

static void idle_remove(gbcms_samples_t *ss, gbcms_handle_t *h)
{
    if (h->prev) h->prev->next = h->next; else ss->lru = h->next;
    if (h->next) h->next->prev = h->prev; else ss->mru = h->prev;
    if (h->s_prev) h->s_prev->s_next = h->s_next; else ss->s[h->sample].idle = h->s_next;
    if (h->s_next) h->s_next->s_prev = h->s_prev;
    h->prev = h->next = h->s_prev = h->s_next = NULL;
}

/* Close and free a handle.  0, or -1 when closing failed. */
static int handle_close(const gbcms_samples_t *ss, gbcms_handle_t *h)
{
    int ret = 0;
    if (h->idx && h->idx != ss->s[h->sample].idx) hts_idx_destroy(h->idx);   /* CRAM's own */
    if (h->fp && sam_close(h->fp) < 0) ret = -1;
    free(h);
    return ret;
}

/* With the lock held: take an idle handle of sample s (returned in *out),
 * or make room for a new one of `cost` descriptors (*out NULL; the room is
 * then counted as used), closing idle handles of any sample, least
 * recently used first, or waiting for one to come back.  Returns with the
 * lock held: 0, or -1 with err set (an idle handle failed to close). */
static int acquire(gbcms_samples_t *ss, int s, int cost, gbcms_handle_t **out, char *err, size_t n)
{
    *out = NULL;
    for (;;) {
        if (s >= 0 && ss->s[s].idle) {
            *out = ss->s[s].idle;
            idle_remove(ss, *out);
            return 0;
        }
        if (ss->used + cost <= ss->budget && ss->n_open < ss->max_open) {
            ss->used += cost;
            ss->n_open++;
            return 0;
        }
        gbcms_handle_t *v = ss->lru;
        if (!v) {
            pthread_cond_wait(&ss->freed, &ss->lock);
            continue;
        }
        idle_remove(ss, v);
        int v_cost = v->cost, v_sample = v->sample;
        pthread_mutex_unlock(&ss->lock);
        int r = handle_close(ss, v);
        pthread_mutex_lock(&ss->lock);
        ss->used -= v_cost;
        ss->n_open--;
        pthread_cond_broadcast(&ss->freed);
        if (r < 0) {
            snprintf(err, n, "%s: error closing the file", ss->s[v_sample].path);
            return -1;
        }
    }
}

static void release(gbcms_samples_t *ss, int cost)
{
    pthread_mutex_lock(&ss->lock);
    ss->used -= cost;
    ss->n_open--;
    pthread_cond_broadcast(&ss->freed);
    pthread_mutex_unlock(&ss->lock);
}

/* ---- opening a file ---- */

/* The index of a local file, looked for where htslib 1.16 looks
 * (hts_idx_check_local): PATH.csi, PATH with its extension replaced by
 * .csi, then the same with .bai (.crai for CRAM).  NULL if none exists. */
static char *find_index(const char *path, int is_cram)
{
    const char *exts[2] = { ".csi", is_cram ? ".crai" : ".bai" };
    size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    char *buf = malloc(len + 6);
    if (!buf) return NULL;
    for (int e = 0; e < 2; e++) {
        struct stat st;
        snprintf(buf, len + 6, "%s%s", path, exts[e]);
        if (stat(buf, &st) == 0) return buf;
        if (dot && dot > path) {
            snprintf(buf, len + 6, "%.*s%s", (int)(dot - path), path, exts[e]);
            if (stat(buf, &st) == 0) return buf;
        }
    }
    free(buf);
    return NULL;
}

/* Up front only: find the index and check it is not older than the file
 * (reads appended after indexing would be silently missed). */
static int check_index_file(gbcms_sample_t *sm, char *err, size_t n)
{
    /* A URL (remote, or file://): htslib finds (and fetches) its index. */
    if (hisremote(sm->data_path) || strstr(sm->data_path, "://")) return 0;
    if (!sm->idx_path && !(sm->idx_path = find_index(sm->data_path, sm->is_cram))) {
        snprintf(err, n, "%s: no index found (run 'samtools index %s')", sm->path, sm->data_path);
        return -1;
    }
    if (hisremote(sm->idx_path)) return 0;
    struct stat st_data, st_idx;
    if (stat(sm->data_path, &st_data) != 0) {
        snprintf(err, n, "%s: cannot open: %s", sm->path, strerror(errno));
        return -1;
    }
    if (stat(sm->idx_path, &st_idx) != 0) {
        snprintf(err, n, "%s: cannot read the index %s: %s", sm->path, sm->idx_path, strerror(errno));
        return -1;
    }
    /* Whole seconds, as htslib compares: copies made within one second
     * of each other are not taken for stale. */
    if (st_idx.st_mtime < st_data.st_mtime) {
        snprintf(err, n, "%s: index %s is older than the file (re-run samtools index)", sm->path, sm->idx_path);
        return -1;
    }
    return 0;
}

/* Open sample s.  check: the up-front open, which also checks the file's
 * end, reads the header into the sample, finds the index and loads the
 * shared BAM index.  Workers' opens (check 0) only open, set options and,
 * for CRAM, load the handle's own index.  NULL with err set on failure. */
static gbcms_handle_t *handle_open(gbcms_samples_t *ss, int s, int check, char *err, size_t n)
{
    gbcms_sample_t *sm = &ss->s[s];
    const char *path = sm->path;
    gbcms_handle_t *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, n, "out of memory");
        return NULL;
    }
    h->sample = s;
    errno = 0;
    if (!(h->fp = sam_open(sm->data_path, "r"))) {
        snprintf(err, n, "%s: cannot open: %s", path, cause(errno, "not a readable BAM/CRAM"));
        free(h);
        return NULL;
    }
    enum htsExactFormat fmt = hts_get_format(h->fp)->format;
    if (check) {
        if (fmt != bam && fmt != cram && fmt != sam) {
            snprintf(err, n, "%s: not a BAM, CRAM or SAM file", path);
            goto fail;
        }
        sm->is_cram = fmt == cram;
        if (sm->is_cram && !ss->fasta) {
            snprintf(err, n, "%s: CRAM input needs --fasta", path);
            goto fail;
        }
    }
    h->cost = sm->is_cram ? GBCMS_FD_CRAM : GBCMS_FD_BAM;
    if (sm->is_cram) {
        if (hts_set_fai_filename(h->fp, ss->fasta) < 0) {
            snprintf(err, n, "%s: cannot use the reference %s", path, ss->fasta);
            goto fail;
        }
        /* Decode only what the counting rules read. */
        if (hts_set_opt(h->fp, CRAM_OPT_REQUIRED_FIELDS, SAM_QNAME | SAM_FLAG | SAM_RNAME | SAM_POS |
                        SAM_MAPQ | SAM_CIGAR | SAM_SEQ | SAM_QUAL) < 0) {
            snprintf(err, n, "%s: cannot set the CRAM decoding options", path);
            goto fail;
        }
    }
    if (check) {
        /* A file cut at a block boundary reads as complete but for its
         * missing reads; htslib 1.16 can also hang on a truncated file
         * read with decompression threads.  Both are stopped here. */
        errno = 0;
        int eof = hts_check_EOF(h->fp);
        if (eof == 0) {
            snprintf(err, n, "%s: truncated file (no %s EOF marker)", path, sm->is_cram ? "CRAM" : "BGZF");
            goto fail;
        }
        if (eof < 0) {
            snprintf(err, n, "%s: cannot check the end of the file: %s", path, cause(errno, "read error"));
            goto fail;
        }
    }
    if (ss->hts_pool && hts_set_opt(h->fp, HTS_OPT_THREAD_POOL, ss->hts_pool) < 0) {
        snprintf(err, n, "%s: cannot attach the decompression threads", path);
        goto fail;
    }
    if (check || fmt == sam) {
        /* Up front: the sample's header.  SAM text records are parsed
         * against the handle's own header; BAM and CRAM need none to seek. */
        errno = 0;
        sam_hdr_t *hdr = sam_hdr_read(h->fp);
        if (!hdr) {
            snprintf(err, n, "%s: cannot read the header: %s", path, cause(errno, "corrupt or truncated"));
            goto fail;
        }
        if (check) sm->hdr = hdr; else sam_hdr_destroy(hdr);
    }
    if (check && check_index_file(sm, err, n) < 0) goto fail;
    if (sm->is_cram || !sm->idx) {
        /* A CRAM index belongs to its open file: each handle loads one. */
        errno = 0;
        hts_idx_t *idx = sm->idx_path ? sam_index_load2(h->fp, sm->data_path, sm->idx_path)
                                      : sam_index_load(h->fp, sm->data_path);
        if (!idx) {
            if (sm->idx_path)
                snprintf(err, n, "%s: cannot load the index %s: %s", path, sm->idx_path,
                         cause(errno, "corrupt or not an index"));
            else
                snprintf(err, n, "%s: no index found or it cannot be loaded", path);
            goto fail;
        }
        if (!sm->is_cram) sm->idx = idx;   /* up front, before any thread */
        h->idx = idx;
    } else {
        h->idx = sm->idx;
    }
    return h;
fail:
    /* The failure is what gets reported; a close error would be a second
     * line about the same file. */
    (void)handle_close(ss, h);
    return NULL;
}

gbcms_handle_t *gbcms_samples_borrow(gbcms_samples_t *ss, int s, char *err, size_t n)
{
    gbcms_handle_t *h;
    int cost = ss->s[s].is_cram ? GBCMS_FD_CRAM : GBCMS_FD_BAM;
    pthread_mutex_lock(&ss->lock);
    int r = acquire(ss, s, cost, &h, err, n);
    pthread_mutex_unlock(&ss->lock);
    if (r < 0 || h) return h;
    if (!(h = handle_open(ss, s, 0, err, n))) release(ss, cost);
    return h;
}

void gbcms_samples_give_back(gbcms_samples_t *ss, gbcms_handle_t *h, int broken)
{
    if (broken) {
        int cost = h->cost;
        (void)handle_close(ss, h);   /* its read error is the message */
        release(ss, cost);
        return;
    }
    pthread_mutex_lock(&ss->lock);
    idle_push(ss, h);
    pthread_cond_broadcast(&ss->freed);
    pthread_mutex_unlock(&ss->lock);
}

int gbcms_samples_close_handles(gbcms_samples_t *ss, int quiet)
{
    int ret = 0;
    pthread_mutex_lock(&ss->lock);
    while (ss->lru) {
        gbcms_handle_t *h = ss->lru;
        idle_remove(ss, h);
        int s = h->sample;
        ss->used -= h->cost;
        ss->n_open--;
        if (handle_close(ss, h) < 0 && ret == 0) {
            ret = -1;
            if (!quiet) gbcms_log(GBCMS_LOG_ERROR, "%s: error closing the file", ss->s[s].path);
        }
    }
    pthread_mutex_unlock(&ss->lock);
    return ret;
}

int gbcms_samples_start(gbcms_samples_t *ss, int n_workers, htsThreadPool *pool)
{
    ss->max_open = ss->n + n_workers;
    if (pool && gbcms_samples_close_handles(ss, 0) < 0) return -1;
    ss->hts_pool = pool;
    return 0;
}

/* ---- checks of one file, up front ---- */

/* Header lines: *line and *len get the next line (without "\n" or
 * "\r\n"); returns 0 at the end of the text. */
static int next_line(const char *text, size_t l_text, size_t *pos, const char **line, size_t *len)
{
    if (*pos >= l_text) return 0;
    const char *p = text + *pos, *nl = memchr(p, '\n', l_text - *pos);
    size_t l = nl ? (size_t)(nl - p) : l_text - *pos;
    *pos += l + 1;
    if (l > 0 && p[l - 1] == '\r') l--;
    *line = p;
    *len = l;
    return 1;
}

/* The value of tag TG (TG:value) in a header line, or NULL. */
static const char *line_tag(const char *line, size_t len, const char *tag, size_t *vlen)
{
    const char *end = line + len, *f = memchr(line, '\t', len);
    while (f && f < end) {
        f++;
        const char *t = memchr(f, '\t', (size_t)(end - f));
        if (!t) t = end;
        if (t - f >= 3 && f[0] == tag[0] && f[1] == tag[1] && f[2] == ':') {
            *vlen = (size_t)(t - f - 3);
            return f + 3;
        }
        f = t;
    }
    return NULL;
}

/* BAM: the header text's @SQ lines, when there are any, must be the binary
 * reference list (reads use the binary tids; htslib appends text-only
 * contigs as extra tids no read or index has). */
static int check_sq_lines(const gbcms_sample_t *sm, const sam_hdr_t *h)
{
    size_t pos = 0, len, vlen;
    const char *line;
    int k = 0;
    while (next_line(h->text, h->l_text, &pos, &line, &len)) {
        if (len < 4 || memcmp(line, "@SQ\t", 4) != 0) continue;
        const char *sn = line_tag(line, len, "SN", &vlen);
        size_t lnlen;
        const char *ln = line_tag(line, len, "LN", &lnlen);
        if (!sn || !ln) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: @SQ line %d of the header has no SN or LN", sm->path, k + 1);
            return -1;
        }
        if (k < h->n_targets) {
            long long l = strtoll(ln, NULL, 10);
            int same = strlen(h->target_name[k]) == vlen && memcmp(h->target_name[k], sn, vlen) == 0 &&
                       (h->target_len[k] == UINT32_MAX || (long long)h->target_len[k] == l);
            if (!same) {
                gbcms_log(GBCMS_LOG_ERROR, "%s: the header text and its binary reference list disagree: "
                          "@SQ line %d is '%.*s' (length %lld), reference %d is '%s' (length %lld)",
                          sm->path, k + 1, (int)vlen, sn, l, k + 1, h->target_name[k],
                          (long long)h->target_len[k]);
                return -1;
            }
        }
        k++;
    }
    if (k > 0 && k != h->n_targets) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: the header text and its binary reference list disagree: "
                  "%d @SQ lines, %d references", sm->path, k, (int)h->n_targets);
        return -1;
    }
    return 0;
}

/* File name without directory and without its last extension. */
static char *name_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *s = strdup(base);
    if (!s) return NULL;
    char *dot = strrchr(s, '.');
    if (dot && dot != s) *dot = 0;
    return s;
}

/* The sample name: NAME: if given, else the SM of the first @RG, else the
 * file name.  Read groups naming two samples are an error, or a warning
 * when NAME: says what to call the reads. */
static int set_name(gbcms_sample_t *sm, const gbcms_bam_arg_t *arg)
{
    const char *text = sam_hdr_str(sm->hdr);
    size_t l_text = text ? strlen(text) : 0, pos = 0, len, vlen;
    const char *line, *sm0 = NULL, *first = NULL, *other = NULL;
    size_t sm0_len = 0, first_len = 0, other_len = 0;
    int n_rg = 0;
    while (next_line(text, l_text, &pos, &line, &len)) {
        if (len < 4 || memcmp(line, "@RG\t", 4) != 0) continue;
        const char *v = line_tag(line, len, "SM", &vlen);
        int first_rg = n_rg++ == 0;
        if (!v || vlen == 0) continue;
        if (first_rg) { sm0 = v; sm0_len = vlen; }
        if (!first) { first = v; first_len = vlen; }
        else if (!other && (vlen != first_len || memcmp(v, first, vlen) != 0)) { other = v; other_len = vlen; }
    }
    if (other) {
        char a[256], b[256], ea[256], eb[256];
        snprintf(a, sizeof a, "%.*s", (int)first_len, first);
        snprintf(b, sizeof b, "%.*s", (int)other_len, other);
        escape(a, ea, sizeof ea);
        escape(b, eb, sizeof eb);
        if (!arg->name) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: read groups name two samples, '%s' and '%s' "
                      "(name it with NAME:PATH to count them as one)", sm->path, ea, eb);
            return -1;
        }
        char en[256];
        escape(arg->name, en, sizeof en);
        gbcms_log(GBCMS_LOG_WARNING, "%s: read groups name two samples, '%s' and '%s'; "
                  "all its reads are counted as '%s'", sm->path, ea, eb, en);
    }
    const char *from;
    if (arg->name) { sm->name = strdup(arg->name); from = "NAME"; }
    else if (sm0) { sm->name = strndup(sm0, sm0_len); from = "@RG SM"; }
    else { sm->name = name_from_path(sm->data_path); from = "file name"; }
    if (!sm->name) return oom();
    if (has_control(sm->name)) {
        char shown[256];
        escape(sm->name, shown, sizeof shown);
        gbcms_log(GBCMS_LOG_ERROR, "%s: sample name '%s' (from the %s) has a control character "
                  "(it would break the output; name it with NAME:PATH)", sm->path, shown, from);
        return -1;
    }
    return 0;
}

/* Number of descriptors open now (the headroom is on top of these). */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 3;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    return n - 1;   /* the directory's own */
}

/* Raise the soft RLIMIT_NOFILE to the hard limit; returns the limit. */
static int raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
        struct rlimit up = rl;
        up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > GBCMS_FD_MAX ? GBCMS_FD_MAX : rl.rlim_max;
        if (up.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &up) == 0) rl = up;
    }
    return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > GBCMS_FD_MAX ? GBCMS_FD_MAX : (int)rl.rlim_cur;
}

static int check_one(gbcms_samples_t *ss, const gbcms_opts_t *o, int s, khash_t(gbcms_names) *names)
{
    gbcms_sample_t *sm = &ss->s[s];
    const char *arg = o->bams[s].path, *delim = strstr(arg, HTS_IDX_DELIM);
    char err[GBCMS_ERR_LEN];
    sm->path = strdup(arg);
    sm->data_path = delim ? strndup(arg, (size_t)(delim - arg)) : strdup(arg);
    if (!sm->path || !sm->data_path) return oom();
    if (delim && !(sm->idx_path = strdup(delim + strlen(HTS_IDX_DELIM)))) return oom();
    /* Room for the largest kind of handle until the file says which it is. */
    gbcms_handle_t *h;
    pthread_mutex_lock(&ss->lock);
    int r = acquire(ss, -1, GBCMS_FD_CRAM, &h, err, sizeof err);
    pthread_mutex_unlock(&ss->lock);
    if (r < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s", err);
        return -1;
    }
    sm->failed_from = SIZE_MAX;
    if (!(h = handle_open(ss, s, 1, err, sizeof err))) {
        release(ss, GBCMS_FD_CRAM);
        if (!ss->keep_going) {
            gbcms_log(GBCMS_LOG_ERROR, "%s", err);
            return -1;
        }
        gbcms_sample_failed(ss, s, err);
    } else {
        pthread_mutex_lock(&ss->lock);
        ss->used -= GBCMS_FD_CRAM - h->cost;
        pthread_mutex_unlock(&ss->lock);
        gbcms_samples_give_back(ss, h, 0);   /* kept open for the workers while there is room */
    }
    /* CRAM and SAM headers are text only, so consistent by construction. */
    if (sm->failed_from == SIZE_MAX && !sm->is_cram && check_sq_lines(sm, sm->hdr) < 0) {
        if (!ss->keep_going) return -1;
        gbcms_sample_failed(ss, s, NULL);   /* said by check_sq_lines */
    }
    /* A file that failed up front is named by NAME: or its file name. */
    if (set_name(sm, &o->bams[s]) < 0) return -1;
    int absent;
    khint_t k = kh_put(gbcms_names, names, sm->name, &absent);
    if (absent < 0) return oom();
    if (!absent) {
        gbcms_log(GBCMS_LOG_ERROR, "%s and %s both have sample name '%s' (name them with NAME:PATH)",
                  ss->s[kh_val(names, k)].path, sm->path, sm->name);
        return -1;
    }
    kh_val(names, k) = s;
    return 0;
}

int gbcms_samples_open(gbcms_samples_t *ss, const gbcms_opts_t *o)
{
    memset(ss, 0, sizeof *ss);
    pthread_mutex_init(&ss->lock, NULL);
    pthread_cond_init(&ss->freed, NULL);
    ss->ready = 1;
    ss->fasta = o->fasta;
    if (!(ss->s = calloc((size_t)o->n_bams, sizeof *ss->s))) return oom();
    ss->n = o->n_bams;
    ss->max_open = ss->n;
    ss->fd_limit = raise_fd_limit();
    ss->budget = ss->fd_limit - open_fds() - GBCMS_FD_HEADROOM;
    if (ss->budget < GBCMS_FD_CRAM) {
        gbcms_log(GBCMS_LOG_ERROR, "too few file descriptors: the limit is %d and gbcms needs %d "
                  "(raise 'ulimit -n')", ss->fd_limit, ss->fd_limit - ss->budget + GBCMS_FD_CRAM);
        return -1;
    }
    khash_t(gbcms_names) *names = kh_init(gbcms_names);
    if (!names) return oom();
    ss->keep_going = o->keep_going;
    int ret = 0;
    for (int s = 0; s < ss->n && ret == 0; s++) ret = check_one(ss, o, s, names);
    kh_destroy(gbcms_names, names);
    if (ret == 0 && gbcms_samples_first(ss) == ss->n) {
        gbcms_log(GBCMS_LOG_ERROR, "none of the %d BAM/CRAM files can be read", ss->n);
        ret = -1;
    }
    return ret;
}

int gbcms_samples_first(const gbcms_samples_t *ss)
{
    int s = 0;
    while (s < ss->n && ss->s[s].failed_from != SIZE_MAX) s++;
    return s;
}

void gbcms_sample_failed(gbcms_samples_t *ss, int s, const char *why)
{
    gbcms_sample_t *sm = &ss->s[s];
    sm->failed_from = 0;
    if (why) gbcms_log(GBCMS_LOG_ERROR, "%s; its sample is written as missing (--keep-going)", why);
    /* what a failed file left is not used: its handles (which may share
     * the index), then the index */
    pthread_mutex_lock(&ss->lock);
    while (sm->idle) {
        gbcms_handle_t *h = sm->idle;
        idle_remove(ss, h);
        ss->used -= h->cost;
        ss->n_open--;
        (void)handle_close(ss, h);
    }
    pthread_cond_broadcast(&ss->freed);
    pthread_mutex_unlock(&ss->lock);
    hts_idx_destroy(sm->idx);
    sm->idx = NULL;
}

/* ---- contigs ---- */

int gbcms_samples_check_contigs(gbcms_samples_t *ss, const gbcms_variants_t *vs)
{
    sam_hdr_t *vh = (sam_hdr_t *)vs->hdr;
    int nv = sam_hdr_nref(vh);
    for (int s = 0; s < ss->n; s++) {
        gbcms_sample_t *sm = &ss->s[s];
        if (!(sm->tid_map = malloc((size_t)(nv > 0 ? nv : 1) * sizeof *sm->tid_map))) return oom();
        for (int t = 0; t < nv; t++) sm->tid_map[t] = -1;
        /* By this file's own (binary) list, so its header is not parsed. */
        int nt = sm->hdr && sm->failed_from == SIZE_MAX ? sam_hdr_nref(sm->hdr) : 0;
        for (int t = 0; t < nt; t++) {
            int vt = sam_hdr_name2tid(vh, sam_hdr_tid2name(sm->hdr, t));
            if (vt >= 0 && vt < nv && sm->tid_map[vt] < 0) sm->tid_map[vt] = t;
        }
    }
    int first = gbcms_samples_first(ss);
    const gbcms_sample_t *s0 = &ss->s[first];
    char msg[1024];
    for (size_t i = 0; i < vs->n; i++) {
        int32_t vt = vs->v[i].tid;
        if (i > 0 && vt == vs->v[i - 1].tid) continue;
        if (vt < 0 || vt >= nv) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: a variant's contig (%d) is outside the header", s0->path, (int)vt);
            return -1;
        }
        const char *ctg = sam_hdr_tid2name(vh, vt);
        hts_pos_t len0 = sam_hdr_tid2len(s0->hdr, s0->tid_map[vt]);
        for (int s = 0; s < ss->n; s++) {
            const gbcms_sample_t *sm = &ss->s[s];
            if (sm->failed_from != SIZE_MAX) continue;
            msg[0] = 0;
            if (sm->tid_map[vt] < 0) {
                char hint[300];
                snprintf(msg, sizeof msg, "%s: contig '%s' of the variants is not in this file's header%s",
                         sm->path, ctg, gbcms_contig_hint(ctg, gbcms_hdr_has_contig, sm->hdr, hint, sizeof hint));
            } else {
                hts_pos_t len = sam_hdr_tid2len(sm->hdr, sm->tid_map[vt]);
                if (len != len0)
                    snprintf(msg, sizeof msg, "%s and %s disagree on the length of contig '%s' (%lld and %lld): "
                             "different reference builds?", s0->path, sm->path, ctg, (long long)len0, (long long)len);
            }
            if (!msg[0]) continue;
            if (!ss->keep_going) {
                gbcms_log(GBCMS_LOG_ERROR, "%s", msg);
                return -1;
            }
            gbcms_sample_failed(ss, s, msg);
        }
    }
    /* Workers name contigs from the first header; the others are done. */
    for (int s = 0; s < ss->n; s++) {
        if (s == first) continue;
        sam_hdr_destroy(ss->s[s].hdr);
        ss->s[s].hdr = NULL;
    }
    return 0;
}

void gbcms_samples_destroy(gbcms_samples_t *ss)
{
    if (!ss->ready) return;
    (void)gbcms_samples_close_handles(ss, 1);
    for (int s = 0; ss->s && s < ss->n; s++) {
        gbcms_sample_t *sm = &ss->s[s];
        hts_idx_destroy(sm->idx);
        sam_hdr_destroy(sm->hdr);
        free(sm->name);
        free(sm->path);
        free(sm->data_path);
        free(sm->idx_path);
        free(sm->tid_map);
    }
    free(ss->s);
    pthread_mutex_destroy(&ss->lock);
    pthread_cond_destroy(&ss->freed);
    memset(ss, 0, sizeof *ss);
}
