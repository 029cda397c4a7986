/* htslib's own messages in gbcms's stderr conventions (internal). */
#ifndef GBCMS_HTSLOG_H
#define GBCMS_HTSLOG_H

/* Let htslib report errors (and warnings unless quiet) again.  Warnings
 * are rewritten "gbcms: htslib: warning: FUNC: message" and capped at cap
 * (--suppress-warning), then one line says the rest are not shown.  The
 * first htslib error is held and gbcms's next error line gives it as its
 * reason, so one failure is one line.  Process-wide (it replaces glibc's
 * stderr stream): src/main.c calls it, before any thread starts; nothing
 * is printed while the logger is silent. */
#define GBCMS_HTSLOG_MAX_ERRORS 20
void gbcms_htslog_start(int quiet, int cap);

/* Copy the held htslib error ("FUNC: message") into buf and forget it.
 * Returns 1 if there was one, else 0.  Thread safe. */
#include <stddef.h>
int gbcms_htslog_take_error(char *buf, size_t n);

/* Give stderr back; a held error nobody took is printed then, unless the
 * run failed (failed != 0: its own error line has been said) (after every thread has stopped). */
void gbcms_htslog_stop(int failed);

#endif
