/* htslib's own messages in gbcms's stderr conventions (internal). */
#ifndef GBCMS_HTSLOG_H
#define GBCMS_HTSLOG_H

/* Let htslib report errors (and warnings unless quiet) again, each line
 * rewritten "gbcms: htslib: error: FUNC: message" and capped: at most cap
 * warnings (--suppress-warning) and GBCMS_HTSLOG_MAX_ERRORS errors, then
 * one line saying the rest are not shown.  gbcms's own output passes
 * through unchanged, so its one-line error stays the last line.  Call
 * before any thread starts; nothing is printed while the logger is silent. */
#define GBCMS_HTSLOG_MAX_ERRORS 20
void gbcms_htslog_start(int quiet, int cap);

/* Give stderr back (after every thread has stopped). */
void gbcms_htslog_stop(void);

#endif
