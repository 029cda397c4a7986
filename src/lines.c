/* Line reader over htslib's hFILE/BGZF layer: plain, gzip or BGZF text. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gbcms/log.h"
#include "lines.h"

int gbcms_check_bgzf_eof(htsFile *fp, const char *path)
{
    if (hts_get_format(fp)->compression != bgzf) return 0;
    /* 1: marker present; 2/3: cannot tell (a pipe): read on and rely on
     * the decoder; 0: absent, so the file was cut at a block boundary. */
    if (hts_check_EOF(fp) != 0) return 0;
    gbcms_log(GBCMS_LOG_ERROR, "%s: truncated file (the BGZF end-of-file marker is missing)", path);
    return -1;
}

void gbcms_lines_attach(gbcms_lines_t *lr, htsFile *fp, const char *path)
{
    memset(lr, 0, sizeof *lr);
    lr->fp = fp;
    lr->file = path;
}

int gbcms_lines_open(gbcms_lines_t *lr, const char *path, const char *what)
{
    memset(lr, 0, sizeof *lr);
    errno = 0;
    htsFile *fp = hts_open(path, "r");
    if (!fp) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open %s: %s", path, what,
                  errno ? strerror(errno) : "unknown format or unreadable");
        return -1;
    }
    if (gbcms_check_bgzf_eof(fp, path) < 0) {
        hts_close(fp);
        return -1;
    }
    gbcms_lines_attach(lr, fp, path);
    return 0;
}

int gbcms_lines_open_plain(gbcms_lines_t *lr, const char *path, const char *what)
{
    memset(lr, 0, sizeof *lr);
    lr->plain = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!lr->plain) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open %s: %s", path, what, strerror(errno));
        return -1;
    }
    lr->file = path;
    return 0;
}

/* One line from a plain file into buf, without its LF; as hts_getline. */
static int plain_getline(gbcms_lines_t *lr)
{
    errno = 0;
    ssize_t n = getline(&lr->buf.s, &lr->buf.m, lr->plain);
    if (n < 0) return ferror(lr->plain) ? -2 : -1;
    if (n > 0 && lr->buf.s[n - 1] == '\n') lr->buf.s[--n] = 0;
    lr->buf.l = (size_t)n;
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

/* Read the next physical line into buf; 1, 0 at the end, -1 on error. */
static int read_physical(gbcms_lines_t *lr)
{
    int r = lr->plain ? plain_getline(lr) : hts_getline(lr->fp, '\n', &lr->buf);
    if (r == -1) return 0;
    if (r < -1) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: read error after line %ld (truncated or corrupt file?)",
                  lr->file, lr->line);
        return -1;
    }
    if (strlen(lr->buf.s) != lr->buf.l) {
        gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: a NUL byte in the line (not a text file?)", lr->file,
                  lr->line + 1);
        return -1;
    }
    if (lr->line == 0 && lr->buf.l >= 3 && memcmp(lr->buf.s, "\xEF\xBB\xBF", 3) == 0) {
        memmove(lr->buf.s, lr->buf.s + 3, lr->buf.l - 2);
        lr->buf.l -= 3;
    }
    /* A CR that ends the physical line belongs to a CRLF end. */
    if (lr->buf.l > 0 && lr->buf.s[lr->buf.l - 1] == '\r') lr->buf.s[--lr->buf.l] = 0;
    lr->off = 0;
    return 1;
}

int gbcms_lines_next(gbcms_lines_t *lr, char **s, size_t *len)
{
    if (!lr->buf.s || lr->off > lr->buf.l) {
        int r = read_physical(lr);
        if (r <= 0) return r;
    }
    /* Old Mac files end lines with a lone CR: each CR-separated piece is a
     * line of its own. */
    char *start = lr->buf.s + lr->off;
    char *cr = memchr(start, '\r', lr->buf.l - lr->off);
    size_t n = cr ? (size_t)(cr - start) : lr->buf.l - lr->off;
    start[n] = 0;
    lr->off += n + 1;   /* past the CR, or past the end when none */
    lr->line++;
    *s = start;
    *len = n;
    return 1;
}

int gbcms_lines_close(gbcms_lines_t *lr)
{
    int ret = 0;
    if ((lr->fp && hts_close(lr->fp) < 0) || (lr->plain && lr->plain != stdin && fclose(lr->plain) != 0)) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: error closing the file", lr->file);
        ret = -1;
    }
    free(lr->buf.s);
    memset(lr, 0, sizeof *lr);
    return ret;
}
