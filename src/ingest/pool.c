/* pool.c — the thread pool of a read.
 *
 * Files are parsed, and regions gridded and screened, on up to
 * ING_MAX_THREADS threads (one per core). Each job writes only its own
 * outputs (a file's chunks carry its number; a region goes to its own
 * slot) and the results are combined in file and region order, so they do
 * not depend on the threads or their timing. The first error in that order
 * is reported, as a serial run would. While a test hook of mem.h is set,
 * everything stays on the calling thread. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>


typedef struct {
    ing_job_fn fn;
    void *arg;
    size_t n;
    const size_t *order; /* jobs in this order (largest first), or NULL */
    pthread_mutex_t mu;
    size_t next, fail; /* next job; lowest failed job (n: none) */
} ing_pool;

typedef struct {
    ing_pool *p;
    size_t th;
    size_t fail;        /* this thread's lowest failed job, or n */
    int status;
    char msg[1024];     /* its hr_last_error (thread-local) */
} ing_worker;

static void *pool_run(void *arg)
{
    ing_worker *w = arg;
    ing_pool *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t k = p->next++, i = k < p->n && p->order ? p->order[k] : k;
        /* past a failed job, a later one's error would not be reported:
         * skip it, but go on (with an order, earlier jobs may still come) */
        int done = k >= p->n, skip = !done && i > p->fail;
        pthread_mutex_unlock(&p->mu);
        if (done) break;
        if (skip) continue;
        int rc = p->fn(p->arg, i, w->th);
        if (rc) {
            pthread_mutex_lock(&p->mu);
            if (i < p->fail) p->fail = i;
            pthread_mutex_unlock(&p->mu);
            if (i < w->fail) {
                w->fail = i;
                w->status = rc;
                snprintf(w->msg, sizeof w->msg, "%s", hr_last_error());
            }
        }
    }
    return NULL;
}

/* Threads worth starting for n jobs (1 = run on the caller): o->threads,
 * or (0) the CPUs this process may use, at most ING_MAX_THREADS. */
size_t ingest_pool_threads(const hr_ingest_opts *o, size_t n)
{
    if (n < 2 || mem_hooked()) return 1;
    size_t ncpu = (size_t)o->threads;
    if (o->threads <= 0) {
        cpu_set_t cs;
        ncpu = 1;
        if (sched_getaffinity(0, sizeof cs, &cs) == 0) ncpu = (size_t)CPU_COUNT(&cs);
    }
    if (ncpu > ING_MAX_THREADS) ncpu = ING_MAX_THREADS;
    return ncpu < n ? ncpu : n;
}

/* Run fn(arg, i, th) for i < n on nth threads (th < nth: the thread's
 * index; 0 is the caller), taking the jobs in the order order[] if given
 * (largest first, so that no big job is left for the end). Returns the
 * status of the lowest failing i with its message restored on the calling
 * thread, or HR_OK. */
static int pool_for(ing_job_fn fn, void *arg, size_t n, size_t nth, const size_t *order)
{
    ing_pool p = {.fn = fn, .arg = arg, .n = n, .order = order, .next = 0, .fail = n};
    ing_worker w[ING_MAX_THREADS];
    pthread_t tid[ING_MAX_THREADS];
    int started[ING_MAX_THREADS] = {0};
    if (pthread_mutex_init(&p.mu, NULL) != 0) nth = 1;
    for (size_t t = 0; t < nth; t++) w[t] = (ing_worker){.p = &p, .th = t, .fail = n, .status = 0};
    if (nth == 1) {
        /* serial: stop at the first error, as the threads do */
        for (size_t i = 0; i < n; i++) {
            int rc = fn(arg, i, 0);
            if (rc) return rc;
        }
        return HR_OK;
    }
    for (size_t t = 1; t < nth; t++)
        started[t] = pthread_create(&tid[t], NULL, pool_run, &w[t]) == 0;
    pool_run(&w[0]);
    for (size_t t = 1; t < nth; t++)
        if (started[t]) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&p.mu);
    size_t best = n;
    for (size_t t = 0; t < nth; t++)
        if (w[t].fail < n && (best == n || w[t].fail < w[best].fail)) best = t;
    if (best == n) return HR_OK;
    return err_set(w[best].status, "%s", w[best].msg);
}

/* ord[0..n) = 0..n-1 by decreasing w[] (ties: index order): insertion
 * sort, n is a few hundred at most (files, regions). */
static void order_by_weight(const size_t *w, size_t n, size_t *ord)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && w[ord[k - 1]] < w[i]) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = i;
    }
}

/* pool_for with the jobs taken largest first by weight(warg, i), so that no
 * big job is left for the end (one thread: in order, nothing to weigh). */
int ingest_pool_for_largest(ing_job_fn fn, void *arg, size_t n, size_t nth,
                            size_t (*weight)(const void *warg, size_t i), const void *warg)
{
    if (nth <= 1) return pool_for(fn, arg, n, 1, NULL);
    size_t *w = mem_array(2 * n, sizeof *w);
    if (!w) return err_set(HR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) w[i] = weight(warg, i);
    order_by_weight(w, n, w + n);
    int rc = pool_for(fn, arg, n, nth, w + n);
    mem_free(w);
    return rc;
}
