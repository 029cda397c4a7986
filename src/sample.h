/* The BAM/CRAM inputs of a run (internal).  Each file is opened and checked
 * once, before any thread starts; its index (BAM/CSI) is then loaded once
 * and shared read-only by every worker.  Workers borrow open handles from a
 * pool whose size the file-descriptor limit caps: any number of BAMs works
 * under any `ulimit -n`, at any --threads. */
#ifndef GBCMS_SAMPLE_H
#define GBCMS_SAMPLE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <htslib/sam.h>
#include <htslib/thread_pool.h>
#include "gbcms/engine.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"

typedef struct gbcms_handle_s gbcms_handle_t;

/* One open file of a sample, used by one job at a time. */
struct gbcms_handle_s {
    samFile *fp;
    hts_idx_t *idx;         /* BAM: the sample's shared index; CRAM: this handle's own */
    int sample;
    int cost;               /* file descriptors it may hold */
    gbcms_handle_t *prev, *next;        /* idle handles, least recently used first */
    gbcms_handle_t *s_prev, *s_next;    /* idle handles of the same sample */
};

typedef struct {
    char *name;             /* sample name in the output */
    char *path;             /* BAM/CRAM argument as given (for messages) */
    char *data_path;        /* the file itself (path without "##idx##INDEX") */
    char *idx_path;         /* its index; NULL for a remote file (htslib finds it) */
    int is_cram;
    sam_hdr_t *hdr;         /* header; after gbcms_samples_check_contigs() only the
                             * first sample's is kept (the variants borrow it) */
    hts_idx_t *idx;         /* BAM/CSI index, read-only once threads start; NULL for CRAM,
                             * whose index lives inside each open handle */
    int32_t *tid_map;       /* variant tid -> this file's tid, -1 if unused */
    gbcms_handle_t *idle;   /* idle handles of this sample, most recently used first */
    size_t failed_from;     /* --keep-going: the first block whose cells are missing because
                             * this file failed (0: failed up front); SIZE_MAX: none */
} gbcms_sample_t;

struct gbcms_samples_s {   /* gbcms_samples_t, opaque in gbcms/engine.h */
    gbcms_sample_t *s;
    int n;
    const char *fasta;          /* --fasta (borrowed), for CRAM */
    htsThreadPool *hts_pool;    /* decompression threads given to new handles, or NULL */
    int fd_limit;               /* RLIMIT_NOFILE once raised to the hard limit */
    int budget, used;           /* file descriptors the handles may hold, and hold */
    int n_open, max_open;       /* open handles, and their cap (samples + workers) */
    gbcms_handle_t *lru, *mru;  /* idle handles of every sample */
    pthread_mutex_t lock;
    pthread_cond_t freed;       /* a handle became idle or was closed */
    int ready;                  /* lock and condition initialised */
    int keep_going;             /* --keep-going: a file that fails fails only its sample */
};

/* Open and check every --bam before any counting: the file opens, is a
 * BAM/CRAM/SAM, is not truncated, has a sane header and a current index,
 * and has one clean, unique sample name.  Raises the soft file-descriptor
 * limit to the hard one and sizes the handle pool from it.  Returns 0, or
 * -1 after logging one line; ss must be passed to gbcms_samples_destroy()
 * either way. */
int gbcms_samples_open(gbcms_samples_t *ss, const gbcms_opts_t *o)
    __attribute__((warn_unused_result));

/* Map every contig of the variants to each file's tid, checking that every
 * file has it and that all agree on its length.  Then frees the headers of
 * all but the first readable sample.  With --keep-going a file that fails
 * the check fails its sample only.  Returns 0, or -1 after logging. */
int gbcms_samples_check_contigs(gbcms_samples_t *ss, const gbcms_variants_t *vs)
    __attribute__((warn_unused_result));

/* Before the workers start: at most one handle per sample plus one per
 * worker stays open; new handles use pool (may be NULL) for decompression,
 * so idle handles opened without it are closed.  Returns 0, or -1 after
 * logging. */
int gbcms_samples_start(gbcms_samples_t *ss, int n_workers, htsThreadPool *pool)
    __attribute__((warn_unused_result));

/* Borrow an open handle of sample s (thread safe): an idle one, else a new
 * one, closing idle handles of any sample or waiting while the pool is
 * full.  NULL on failure, with a one-line message in err (not logged, so
 * the caller can report only the first failure of a run). */
gbcms_handle_t *gbcms_samples_borrow(gbcms_samples_t *ss, int s, char *err, size_t n);

/* Give a borrowed handle back (thread safe).  broken: it failed a read, so
 * it is closed, without a message (its error was the one reported). */
void gbcms_samples_give_back(gbcms_samples_t *ss, gbcms_handle_t *h, int broken);

/* Close every idle handle (all of them, once the workers are done).
 * Returns 0, or -1 after logging one line unless quiet. */
int gbcms_samples_close_handles(gbcms_samples_t *ss, int quiet);

/* The first sample whose file could be read (0 but with --keep-going):
 * its header gives the contig order. */
int gbcms_samples_first(const gbcms_samples_t *ss);

/* --keep-going: sample s failed (why, one line, is logged here). */
void gbcms_sample_failed(gbcms_samples_t *ss, int s, const char *why);

/* Close whatever is open (unchecked: only after a failure or a checked
 * gbcms_samples_close_handles()) and free everything ss owns. */
void gbcms_samples_destroy(gbcms_samples_t *ss);

/* 0 if name can be a sample name; -1 when it is empty or has a control
 * character (tab, newline, ...: it would break the output), after logging
 * "where: sample name 'NAME' ..." with the name escaped. */
int gbcms_sample_name_check(const char *name, const char *where);

#endif
