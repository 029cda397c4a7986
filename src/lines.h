/* Text input line by line (internal): VCF text, MAF and BAM lists share
 * one reader so every format treats damaged and odd files alike. */
#ifndef GBCMS_LINES_H
#define GBCMS_LINES_H

#include <stddef.h>
#include <stdio.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>

typedef struct {
    htsFile *fp;            /* owned; or NULL and plain is used */
    FILE *plain;            /* owned; uncompressed text read as it is */
    const char *file;       /* borrowed, for messages */
    kstring_t buf;          /* the physical line being split */
    size_t off;             /* start of the next segment in buf; buf.l when none */
    long line;              /* number of the line last returned (1-based) */
} gbcms_lines_t;

/* Open path ("-" is standard input) for reading.  A BGZF file without its
 * end-of-file marker is refused as truncated: htslib would read it as if
 * it ended at the cut.  what names the kind of file in messages ("the
 * VCF").  Returns 0, or -1 after logging (nothing to close then). */
int gbcms_lines_open(gbcms_lines_t *lr, const char *path, const char *what)
    __attribute__((warn_unused_result));

/* Open an uncompressed text file without htslib's format detection (a
 * list of paths is no format htslib knows).  0, or -1 after logging. */
int gbcms_lines_open_plain(gbcms_lines_t *lr, const char *path, const char *what)
    __attribute__((warn_unused_result));

/* Take over an htsFile already opened (and checked) by the caller. */
void gbcms_lines_attach(gbcms_lines_t *lr, htsFile *fp, const char *path);

/* The next line, without its end: LF, CRLF and a lone CR all end a line,
 * and a UTF-8 byte-order mark before the first line is dropped.  *s stays
 * valid until the next call and may be modified in place.  Returns 1 with
 * a line, 0 at the end of the file, -1 after logging a read error or a NUL
 * byte inside a line. */
int gbcms_lines_next(gbcms_lines_t *lr, char **s, size_t *len)
    __attribute__((warn_unused_result));

/* Close; returns 0, or -1 after logging a close error.  Safe to call on a
 * reader that failed to open. */
int gbcms_lines_close(gbcms_lines_t *lr);

/* Is this htsFile BGZF-compressed but missing the BGZF end-of-file marker?
 * Logs "PATH: truncated file (...)" and returns -1 if so, else 0. */
int gbcms_check_bgzf_eof(htsFile *fp, const char *path);

#endif
