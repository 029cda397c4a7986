/* A fixed pool of pthread workers with a FIFO queue (internal).  A job is
 * a function, its argument, and the index of the worker that runs it, so
 * callers can keep per-worker state without thread-local lookups. */
#ifndef GBCMS_POOL_H
#define GBCMS_POOL_H

typedef struct gbcms_pool_s gbcms_pool_t;
typedef void (*gbcms_job_fn)(void *arg, int worker);

/* Start n workers.  NULL on failure (nothing logged). */
gbcms_pool_t *gbcms_pool_init(int n);

/* Queue a job.  Returns 0 or -1 (out of memory). */
int gbcms_pool_submit(gbcms_pool_t *p, gbcms_job_fn fn, void *arg);

/* Run every queued job, stop the workers and free the pool. */
void gbcms_pool_destroy(gbcms_pool_t *p);

#endif
