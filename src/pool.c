/* The thread pool: one mutex, one queue, workers sleep on a condition. */
#include <pthread.h>
#include <stdlib.h>
#include "pool.h"

typedef struct job_s {
    gbcms_job_fn fn;
    void *arg;
    struct job_s *next;
} job_t;

typedef struct {
    gbcms_pool_t *pool;
    int index;
} worker_arg_t;

struct gbcms_pool_s {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job_t *head, *tail;
    int stopping;
    int n;
    pthread_t *threads;
    worker_arg_t *args;
};

static void *worker_main(void *varg)
{
    worker_arg_t *wa = varg;
    gbcms_pool_t *p = wa->pool;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->head && !p->stopping) pthread_cond_wait(&p->wake, &p->lock);
        job_t *j = p->head;
        if (!j) { pthread_mutex_unlock(&p->lock); return NULL; }   /* stopping, queue empty */
        p->head = j->next;
        if (!p->head) p->tail = NULL;
        pthread_mutex_unlock(&p->lock);
        j->fn(j->arg, wa->index);
        free(j);
    }
}

gbcms_pool_t *gbcms_pool_init(int n)
{
    gbcms_pool_t *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = calloc((size_t)n, sizeof *p->threads);
    p->args = calloc((size_t)n, sizeof *p->args);
    if (!p->threads || !p->args) { free(p->threads); free(p->args); free(p); return NULL; }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    for (int i = 0; i < n; i++) {
        p->args[i].pool = p;
        p->args[i].index = i;
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->args[i]) != 0) break;
        p->n++;
    }
    if (p->n == 0) { gbcms_pool_destroy(p); return NULL; }
    return p;
}

int gbcms_pool_submit(gbcms_pool_t *p, gbcms_job_fn fn, void *arg)
{
    job_t *j = malloc(sizeof *j);
    if (!j) return -1;
    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->tail) p->tail->next = j; else p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

void gbcms_pool_destroy(gbcms_pool_t *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p->threads);
    free(p->args);
    free(p);
}
