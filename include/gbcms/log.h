/* gbcms/log.h -- the one logger of gbcms.
 *
 * Every message goes to stderr as "gbcms: <level>: <message>".  Core code
 * reports problems through this logger and returns an error code; it never
 * exits.  Warnings of one kind can be capped (--suppress-warning).
 */
#ifndef GBCMS_LOG_H
#define GBCMS_LOG_H

#include <stddef.h>

typedef enum {
    GBCMS_LOG_ERROR = 0,
    GBCMS_LOG_WARNING = 1,
    GBCMS_LOG_INFO = 2
} gbcms_log_level_t;

/* Kinds of warning that are counted and capped separately. */
typedef enum {
    GBCMS_WARN_SYMBOLIC_ALT = 0,   /* symbolic or missing ALT skipped */
    GBCMS_WARN_REF_MISMATCH,       /* REF differs from --fasta */
    GBCMS_WARN_MULTIMAPPED,        /* fragment with two alignments of one mate */
    GBCMS_WARN_NUM_KINDS
} gbcms_warn_kind_t;

/* Set the level below which messages are dropped (default: WARNING, i.e.
 * errors and warnings are printed) and the per-kind warning cap (negative
 * means no cap).  Call before any thread starts. */
void gbcms_log_setup(gbcms_log_level_t max_level, int warning_cap);

/* Drop every message, errors included (fuzzers); counting goes on. */
void gbcms_log_set_silent(int silent);
int gbcms_log_is_silent(void);

/* Print one message.  Flushes stdout first and preserves errno. */
void gbcms_log(gbcms_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A counted warning: always counted, printed only while under the cap.
 * Thread safe. */
void gbcms_warn(gbcms_warn_kind_t kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Log "out of memory (while <what>)" as an error; returns -1 so callers
 * can write `return gbcms_oom("...")`. */
int gbcms_oom(const char *what);

/* A value short enough for a one-line message: s itself when it has at
 * most 40 characters, else its first 24 and its length, written into buf
 * (which is returned). */
#define GBCMS_ABBREV_LEN 64
const char *gbcms_abbrev(const char *s, char buf[GBCMS_ABBREV_LEN]);

/* How many warnings of this kind were raised (printed or not). */
long gbcms_warn_count(gbcms_warn_kind_t kind);

/* Reset the warning counters (tests). */
void gbcms_warn_reset(void);

#endif
