/* test_threads.c — the library is safe to embed in a multi-threaded planning
 * tool (the library keeps no global mutable state):
 *  - four threads, each building a different generated series from arrays
 *    (hr_series_from_arrays), fitting a calendar regression with ARIMA(1,0,0)
 *    errors and forecasting it with intervals, all at once, produce results
 *    bit-identical to the same four jobs run one after the other on one
 *    thread (the reference is the serial run: any data race or shared
 *    scratch buffer shows up as a difference, and under ThreadSanitizer
 *    (`make check-tsan`) as a report);
 *  - hr_last_error() is thread-local: failures on other threads do not
 *    change the calling thread's message;
 *  - hr_series_read on 4 threads of its own gives the serial read's series.
 * The data is generated here (self-contained; no shared data needed).
 *
 * Criterion cannot start under ThreadSanitizer (its inheritable arena
 * fails to map: Snaipe/Criterion issue #274), so `make check-tsan` builds
 * this file with -DHR_NO_CRITERION: a few lines below stand in for the
 * Criterion macros used here and a main() runs both tests. */
#include "helpers.h"
#include "headroom.h"
#ifdef HR_NO_CRITERION
#include <stdlib.h>
static int nfail;
static void check(int ok, int fatal, const char *what, const char *file, int line)
{
    if (ok) return;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    nfail++;
    if (fatal) exit(1);
}
#define Test(suite, name) static void suite##_##name(void)
#define cr_assert(c, ...) check(!!(c), 1, #c, __FILE__, __LINE__)
#define cr_expect(c, ...) check(!!(c), 0, #c, __FILE__, __LINE__)
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b))
#define cr_assert_gt(a, b, ...) cr_assert((a) > (b))
#define cr_expect_eq(a, b, ...) cr_expect((a) == (b))
#define cr_assert_str_eq(a, b, ...) cr_assert(strcmp((a), (b)) == 0)
#define cr_expect_str_eq(a, b, ...) cr_expect(strcmp((a), (b)) == 0)
#else
#include <criterion/criterion.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NTHR 4
#define T0 1609718400 /* 2021-01-04T00:00:00Z, a Monday */
#define NH (24 * 7 * 6) /* six weeks of hours */
#define H 48             /* forecast horizon */

/* A regression with ARIMA errors: the two fitting stages (OLS on the design,
 * then the SARIMA likelihood optimiser) and the forecast all run. */
static const char *SPEC = "name thr\n"
                          "term intercept trend weekday:hour\n"
                          "errors arima 1 0 0 0 0 0 24\n";


/* Job j's load: level, daily and weekly shape and AR(1) noise, all
 * depending on j, so that every thread fits a different series. */
static void gen(int j, int64_t *t, double *y)
{
    uint64_t seed = 1000 + (uint64_t)j;
    double e = 0, base = 1000.0 * (j + 1);
    for (size_t k = 0; k < NH; k++) {
        t[k] = T0 + 3600 * (int64_t)k;
        double u = unif(&seed), v = unif(&seed);
        e = 0.8 * e + (0.02 * base) * sqrt(-2 * log(u)) * cos(2 * M_PI * v);
        double h = (double)(k % 24), d = (double)((k / 24) % 7);
        y[k] = base * (1 + 0.2 * sin(2 * M_PI * (h - 6 - j) / 24) - 0.05 * (d >= 5)) + e;
    }
}

typedef struct {
    int job;
    pthread_barrier_t *start; /* NULL for the serial run */
    int st;
    char err[256];
    size_t ncoef;
    double coef[256];
    double mean[H], lo[2 * H], hi[2 * H];
    int64_t t[H];
} result;

static void *run_job(void *arg)
{
    result *r = arg;
    int64_t *t = malloc(NH * sizeof *t);
    double *y = malloc(NH * sizeof *y);
    hr_series *s = NULL;
    hr_model *m = NULL;
    r->st = -1;
    if (!t || !y) goto done;
    gen(r->job, t, y);
    if (r->start) pthread_barrier_wait(r->start); /* all four fit at once */
    if ((r->st = hr_series_from_arrays("THR", t, y, NH, 1, &s))) goto done;
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = SPEC;
    if ((r->st = hr_model_fit(s, 0, &o, &m))) goto done;
    hr_model_info info;
    if ((r->st = hr_model_info_get(m, &info))) goto done;
    r->ncoef = info.ncoef < 256 ? info.ncoef : 256;
    for (size_t i = 0; i < r->ncoef; i++)
        if ((r->st = hr_model_coef(m, i, NULL, &r->coef[i], NULL))) goto done;
    const double levels[2] = {80, 95};
    hr_forecast_buf b = {H, r->t, r->mean, r->lo, r->hi};
    r->st = hr_model_forecast(m, s, 0, H, levels, 2, &b);
done:
    snprintf(r->err, sizeof r->err, "%s", hr_last_error());
    hr_model_free(m);
    hr_series_free(s);
    free(t);
    free(y);
    return NULL;
}

/* Bit-identical, NaN included (memcmp, not ==). */
static int same(const void *a, const void *b, size_t bytes) { return memcmp(a, b, bytes) == 0; }

Test(threads, parallel_fit_forecast_equals_serial)
{
    static result ser[NTHR], par[NTHR];
    for (int j = 0; j < NTHR; j++) {
        ser[j].job = j;
        run_job(&ser[j]);
        cr_assert_eq(ser[j].st, HR_OK, "serial job %d: %s", j, ser[j].err);
        cr_assert_gt(ser[j].ncoef, 168, "job %d: weekday:hour gives 168 columns", j);
    }
    /* The jobs differ, so a thread that read another's data would differ. */
    cr_assert(!same(ser[0].mean, ser[1].mean, sizeof ser[0].mean));

    pthread_barrier_t bar;
    cr_assert_eq(pthread_barrier_init(&bar, NULL, NTHR), 0);
    pthread_t th[NTHR];
    for (int j = 0; j < NTHR; j++) {
        par[j].job = j;
        par[j].start = &bar;
        cr_assert_eq(pthread_create(&th[j], NULL, run_job, &par[j]), 0);
    }
    for (int j = 0; j < NTHR; j++) pthread_join(th[j], NULL);
    pthread_barrier_destroy(&bar);

    for (int j = 0; j < NTHR; j++) {
        cr_assert_eq(par[j].st, HR_OK, "parallel job %d: %s", j, par[j].err);
        cr_assert_eq(par[j].ncoef, ser[j].ncoef, "job %d", j);
        cr_expect(same(par[j].coef, ser[j].coef, ser[j].ncoef * sizeof(double)),
                  "job %d: coefficients differ from the serial run", j);
        cr_expect(same(par[j].mean, ser[j].mean, sizeof ser[j].mean), "job %d: mean differs", j);
        cr_expect(same(par[j].lo, ser[j].lo, sizeof ser[j].lo), "job %d: lo differs", j);
        cr_expect(same(par[j].hi, ser[j].hi, sizeof ser[j].hi), "job %d: hi differs", j);
        cr_expect(same(par[j].t, ser[j].t, sizeof ser[j].t), "job %d: times differ", j);
        /* Forecast hours follow the data: T0 + NH hours onwards. */
        cr_expect_eq(par[j].t[0], (int64_t)T0 + 3600 * NH);
    }
}

/* ---- hr_last_error is per thread */

typedef struct {
    int id;
    pthread_barrier_t *bar;
    int st;
    char before[128], after[128];
} errjob;

static void *err_job(void *arg)
{
    errjob *e = arg;
    int64_t t[2] = {3600 * (int64_t)(e->id + 2), 3600}; /* unsorted on purpose */
    double y[2] = {1, 2};
    hr_series *s = NULL;
    char region[32];
    snprintf(region, sizeof region, "R%d", e->id);
    if (e->id % 2 == 0) {
        /* not found, naming a thread-specific region */
        t[1] = t[0] + 3600;
        if (hr_series_from_arrays(region, t, y, 2, 0, &s)) return NULL;
        char want[32];
        snprintf(want, sizeof want, "missing-%d", e->id);
        size_t i;
        e->st = hr_series_region_index(s, want, &i);
    } else {
        e->st = hr_series_from_arrays(region, t, y, 2, 0, &s); /* unsorted: EINVAL */
    }
    snprintf(e->before, sizeof e->before, "%s", hr_last_error());
    pthread_barrier_wait(e->bar); /* every thread has failed ... */
    pthread_barrier_wait(e->bar); /* ... and the main thread failed too */
    snprintf(e->after, sizeof e->after, "%s", hr_last_error());
    hr_series_free(s);
    return NULL;
}

Test(threads, last_error_is_thread_local)
{
    pthread_barrier_t bar;
    cr_assert_eq(pthread_barrier_init(&bar, NULL, NTHR + 1), 0);
    errjob e[NTHR];
    pthread_t th[NTHR];
    for (int j = 0; j < NTHR; j++) {
        e[j] = (errjob){.id = j, .bar = &bar, .st = -1};
        cr_assert_eq(pthread_create(&th[j], NULL, err_job, &e[j]), 0);
    }
    pthread_barrier_wait(&bar);
    cr_assert_eq(hr_model_load("/nonexistent/dir/m.hrm", &(hr_model **){NULL}, &(size_t){0}),
                 HR_EIO);
    char mine[128];
    snprintf(mine, sizeof mine, "%s", hr_last_error());
    pthread_barrier_wait(&bar);
    for (int j = 0; j < NTHR; j++) pthread_join(th[j], NULL);
    pthread_barrier_destroy(&bar);

    cr_assert(strstr(mine, "/nonexistent/dir/m.hrm"), "main: %s", mine);
    cr_assert_str_eq(hr_last_error(), mine, "main thread's message changed");
    for (int j = 0; j < NTHR; j++) {
        char want[32];
        if (j % 2 == 0) {
            cr_expect_eq(e[j].st, HR_ENOTFOUND, "thread %d", j);
            snprintf(want, sizeof want, "missing-%d", j);
        } else {
            cr_expect_eq(e[j].st, HR_EINVAL, "thread %d", j);
            snprintf(want, sizeof want, "increasing");
        }
        cr_expect(strstr(e[j].before, want), "thread %d: '%s' lacks '%s'", j, e[j].before, want);
        cr_expect_str_eq(e[j].after, e[j].before, "thread %d: message changed by others", j);
    }
}

/* hr_series_read's own threads (hr_ingest_opts.threads: files, then
 * regions, in parallel) give the serial read's series bit for bit: six
 * generated long-format files, two regions each (one region spread over
 * three files), with spikes for the screening to flag and impute. */
Test(threads, threaded_read_equals_serial)
{
    char dir[] = "/tmp/hr_thr_XXXXXX", path[6][64];
    cr_assert(mkdtemp(dir) != NULL);
    const char *paths[6];
    for (int f = 0; f < 6; f++) {
        snprintf(path[f], sizeof path[f], "%s/f%d.csv", dir, f);
        paths[f] = path[f];
        FILE *fp = fopen(path[f], "w");
        cr_assert(fp != NULL);
        fputs("region,timestamp,load_mw\n", fp);
        for (int g = 0; g < 2; g++) {
            /* region R<f+g mod 4>, 60 days starting at day 60 * (f / 4) */
            int reg = (f + g) % 4;
            for (int k = 0; k < 24 * 60; k++) {
                int64_t t = 1577836800 + 3600 * (int64_t)(k + 24 * 60 * (f / 4) + 24 * 120 * g);
                char ts[21];
                hr_time_format(t, ts);
                double y = 1000 + 100 * reg + 200 * sin(2 * M_PI * (k % 24) / 24.0) + (k % 7) * 3;
                if (k % 397 == 11) y *= 3; /* a spike */
                fprintf(fp, "R%d,%s,%.2f\n", reg, ts, y);
            }
        }
        fclose(fp);
    }
    hr_ingest_opts o;
    hr_ingest_opts_init(&o);
    o.on_duplicate = HR_DUP_LAST;
    o.on_overlap = HR_OVERLAP_LAST;
    hr_series *a = NULL, *b = NULL;
    o.threads = 1;
    cr_assert_eq(hr_series_read(paths, 6, &o, &a), HR_OK, "%s", hr_last_error());
    o.threads = 4;
    cr_assert_eq(hr_series_read(paths, 6, &o, &b), HR_OK, "%s", hr_last_error());
    size_t nr = hr_series_region_count(a);
    cr_assert(nr == 4 && hr_series_region_count(b) == nr);
    size_t flagged = 0;
    for (size_t i = 0; i < nr; i++) {
        int64_t ta, tb;
        size_t na, nb;
        cr_assert_eq(hr_series_grid(a, i, &ta, &na), HR_OK);
        cr_assert_eq(hr_series_grid(b, i, &tb, &nb), HR_OK);
        cr_assert(ta == tb && na == nb);
        size_t nc = hr_series_column_count(a, i);
        cr_assert_eq(hr_series_column_count(b, i), nc);
        for (size_t j = 0; j < nc; j++) {
            const char *name = hr_series_column_name(a, i, j);
            const double *va, *vb;
            cr_assert_eq(hr_series_column(a, i, name, &va), HR_OK);
            cr_assert_eq(hr_series_column(b, i, name, &vb), HR_OK);
            cr_assert(same(va, vb, na * sizeof *va), "region %zu column %s differs", i, name);
        }
        const uint8_t *fa, *fb;
        cr_assert_eq(hr_series_flags(a, i, &fa), HR_OK);
        cr_assert_eq(hr_series_flags(b, i, &fb), HR_OK);
        cr_assert(same(fa, fb, na), "region %zu flags differ", i);
        for (size_t k = 0; k < na; k++) flagged += fa[k] != HR_FLAG_OKAY && fa[k] != HR_FLAG_MISSING;
    }
    cr_assert(flagged > 0, "the spikes were flagged");
    hr_series_free(a);
    hr_series_free(b);
    rm_rf(dir);
}

#ifdef HR_NO_CRITERION
int main(void)
{
    threads_parallel_fit_forecast_equals_serial();
    threads_last_error_is_thread_local();
    threads_threaded_read_equals_serial();
    printf("test_threads: %s\n", nfail ? "FAILED" : "3 tests passed");
    return nfail != 0;
}
#endif
