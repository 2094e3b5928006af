/* test_oom.c — allocation failure along a representative embedding program.
 *
 * The sequence: read two CSV files (libcsv's buffers included: they are
 * routed through the library's allocator) with screening -> series from
 * arrays -> fit `auto` (calendar regression + SARIMA errors) -> forecast ->
 * simulate -> save / load in memory -> save / load a file -> day-ahead
 * backtest (model with ARIMA errors, per-hour results, then hr_metrics on
 * them) -> headroom assessment -> generation mix -> write the series.
 *
 * For each step i and each chosen k, the test-only hook of src/util/mem.h fails
 * the k-th allocation of the step. Every such run must return HR_ENOMEM
 * with a message, leave its outputs empty (NULL handles, zero counts, no
 * file written, no temporary left behind) and never crash; the run after
 * the last allocation must succeed with the reference's allocation count
 * (so the count is deterministic). Under ASan/LSan (make check-asan) the
 * sweep must also leak nothing on any of these paths (checked at the end
 * of each step's sweep).
 *
 * Which k: a reference run records the call stack of every allocation
 * (mem_observe + backtrace). k is failed when its call stack has not been
 * seen before in the step (so every allocation site reached by the
 * sequence fails at least once, in every calling context in which it is
 * reached), when k is a multiple of the step's stride (also later
 * iterations of a loop, partially built structures), and for the last k.
 * Steps whose runs are cheap use stride 1 (every k); the fit and the
 * backtest, whose late allocations each cost a whole ARIMA fit, use
 * strides 4 and 16 (16 and 64 under make check-asan, which sets HR_ASAN=1
 * and runs 3-4x slower). HR_OOM_FULL=1 in the environment fails every k.
 *
 * Two failure modes. One-shot (mem_fail_at): only allocation k fails. Every
 * run must then fail with HR_ENOMEM, with one exception: libcsv retries a
 * failed growth of its field buffer with half the increment
 * (csv_increase_buffer), so hr_series_read may recover from a one-shot
 * failure inside libcsv; it must then return exactly the reference series
 * (recovery may not change a result). Exhausted (mem_fail_from): k and
 * every later allocation fail, as when memory stays exhausted; this reaches
 * libcsv's own out-of-memory error (all retries failed) and the cleanup
 * paths with no memory left. Every run must fail with HR_ENOMEM. The
 * exhausted sweep runs for the cheap steps (all but the fit and the
 * backtest, whose one-shot sweeps reach the same sites).
 *
 * Worker threads: the hook counts allocations of the calling thread only
 * (it is thread-local), so every step runs with threads = 1, which keeps
 * all work on the calling thread.
 *
 * Each step takes its inputs from a reference run (the same objects for
 * every k), so failing allocation j of step i equals failing allocation
 * c_1 + ... + c_{i-1} + j of the whole sequence at a fraction of the cost. */
#include "headroom.h"
#include "helpers.h"
#include "util/error.h"
#include "util/mem.h"
#include <criterion/criterion.h>
#include <dirent.h>
#include <execinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define T0 1609459200   /* 2021-01-01T00:00:00Z */
#define NY (8760 + 336) /* the whole of 2021 and two weeks of 2022 */
#define H 48            /* forecast hours */
#define NPATHS 8        /* simulated paths */

/* ---------------------------------------------------------------- data */


/* A long-format file as utilities publish them: CRLF, a quoted number with
 * a thousands separator every 1000 hours, an empty load every 997 hours, a
 * 50x spike (screening flags and imputes it), the BA's forecast (the
 * backtest's ba_forecast baseline), temperature and generation by fuel
 * (the generation mix). */
static void write_main_file(const char *path)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s", path);
    fputs("region,timestamp,load_mw,forecast_mw,temp_c,gen_gas_mw,gen_wind_mw,gen_nuclear_mw\r\n", f);
    uint64_t seed = 7;
    double e = 0;
    for (size_t k = 0; k < NY; k++) {
        double y = toy_load(k, &e, &seed);
        if (k == 500) y *= 50;
        char ts[21];
        hr_time_format(T0 + 3600 * (int64_t)k, ts);
        double temp = 15 + 10 * sin(2 * M_PI * (double)k / 8766);
        if (k % 997 == 3)
            fprintf(f, "API,%s,,%.1f,%.1f,%.0f,%.0f,%.0f\r\n", ts, y * 1.01, temp, y * 0.5, y * 0.2,
                    y * 0.3);
        else if (k % 1000 == 7)
            fprintf(f, "API,%s,\"%d,%03d.5\",%.1f,%.1f,%.0f,%.0f,%.0f\r\n", ts, (int)y / 1000,
                    (int)y % 1000, y * 1.01, temp, y * 0.5, y * 0.2, y * 0.3);
        else
            fprintf(f, "API,%s,%.2f,%.1f,%.1f,%.0f,%.0f,%.0f\r\n", ts, y, y * 1.01, temp, y * 0.5,
                    y * 0.2, y * 0.3);
    }
    fclose(f);
}

/* A second region in a second file (two files, region merge and sort). */
static void write_second_file(const char *path)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s", path);
    fputs("region,timestamp,load_mw\n", f);
    uint64_t seed = 9;
    double e = 0;
    for (size_t k = 0; k < 24 * 14; k++) {
        char ts[21];
        hr_time_format(T0 + 3600 * (int64_t)k, ts);
        fprintf(f, "BETA,%s,%.2f\n", ts, toy_load(k, &e, &seed));
    }
    fclose(f);
}

/* ---------------------------------------------------------------- steps */

enum {
    S_READ, S_ARRAYS, S_FIT, S_FORECAST, S_SIMULATE, S_SAVE_MEM, S_LOAD_MEM, S_SAVE_FILE,
    S_LOAD_FILE, S_BACKTEST, S_ASSESS, S_GENMIX, S_WRITE, S_N
};
static const char *const step_name[S_N] = {
    "hr_series_read", "hr_series_from_arrays", "hr_model_fit(auto)", "hr_model_forecast",
    "hr_model_simulate", "hr_model_save_mem", "hr_model_load_mem", "hr_model_save",
    "hr_model_load", "hr_backtest_run", "hr_assess", "hr_assess_genmix", "hr_series_write_long"};
/* failing every stride-th allocation (plus every new call stack) */
static const unsigned long step_stride[S_N] = {1, 1, 4, 1, 1, 1, 1, 1, 1, 16, 1, 1, 1};
static const unsigned long step_stride_asan[S_N] = {1, 1, 16, 1, 1, 1, 1, 1, 1, 64, 1, 1, 1};

/* The backtest's model: a small regression with seasonal AR errors, so the
 * state re-filtering between refits runs at a fraction of auto's cost. */
static const char *const bt_spec = "name bt\n"
                                   "transform log\n"
                                   "term intercept weekday:hour\n"
                                   "errors arima 1 0 0 1 0 0 24\n"
                                   "error-mean yes\n"
                                   "variance hourly\n";

typedef struct {
    char dir[64];
    char file[2][128];
    const char *paths[2];
    char mpath[128]; /* model file */
    char wpath[128]; /* written series */
    int64_t *t;
    double *y;
    hr_series *s;     /* S_READ   */
    hr_series *sa;    /* S_ARRAYS */
    hr_model *m;      /* S_FIT    */
    char *buf;        /* S_SAVE_MEM */
    size_t len;
    hr_model **ms;    /* S_LOAD_MEM */
    size_t nms;
    hr_model **mf;    /* S_LOAD_FILE */
    size_t nmf;
    hr_backtest *b;   /* S_BACKTEST */
    hr_assessment *a; /* S_ASSESS */
    hr_genmix *g;     /* S_GENMIX */
    size_t nlog;      /* log lines received by S_READ */
    double mean[H], lo[2 * H], hi[2 * H], paths_out[H * NPATHS];
} pipeline;

static void count_log(int level, const char *msg, void *ud)
{
    (void)level, (void)msg;
    ((pipeline *)ud)->nlog++;
}

/* Run step i into p (outputs owned by p); returns the status. */
static int run_step(int i, pipeline *p)
{
    switch (i) {
    case S_READ: {
        hr_ingest_opts io;
        hr_ingest_opts_init(&io);
        io.log = count_log;
        io.log_ud = p;
        return hr_series_read(p->paths, 2, &io, &p->s);
    }
    case S_ARRAYS: return hr_series_from_arrays("API", p->t, p->y, NY, 1, &p->sa);
    case S_FIT: {
        hr_fit_opts fo;
        hr_fit_opts_init(&fo);
        fo.model = "auto";
        fo.threads = 1;
        return hr_model_fit(p->s, 0, &fo, &p->m);
    }
    case S_FORECAST: {
        const double lv[2] = {80, 95};
        hr_forecast_buf fb = {H, NULL, p->mean, p->lo, p->hi};
        return hr_model_forecast(p->m, p->s, 0, H, lv, 2, &fb);
    }
    case S_SIMULATE: return hr_model_simulate(p->m, p->s, (size_t)-1, H, NPATHS, 1, p->paths_out);
    case S_SAVE_MEM:
        return hr_model_save_mem((const hr_model *const *)&p->m, 1, &p->buf, &p->len);
    case S_LOAD_MEM: return hr_model_load_mem(p->buf, p->len, &p->ms, &p->nms);
    case S_SAVE_FILE: return hr_model_save((const hr_model *const *)&p->m, 1, p->mpath);
    case S_LOAD_FILE: return hr_model_load(p->mpath, &p->mf, &p->nmf);
    case S_BACKTEST: {
        hr_backtest_opts bo;
        hr_backtest_opts_init(&bo);
        bo.fit.spec_text = bt_spec;
        bo.fit.threads = 1;
        bo.threads = 1;
        bo.start_utc = T0 + 3600 * (int64_t)(NY - 24 * 4);
        bo.origins = 3;
        bo.refit_every = 2; /* a refit and a re-filtered state */
        bo.window = 24 * 7 * 6;
        bo.by_horizon = 1;
        bo.keep_hours = 1;
        int st = hr_backtest_run(p->s, 0, &bo, &p->b);
        if (st) return st;
        /* the same metrics from the kept hours (hr_metrics allocates nothing) */
        size_t nh = hr_backtest_hour_count(p->b);
        double act[3 * 24 * 4], mu[3 * 24 * 4], sd[3 * 24 * 4];
        size_t n = 0;
        for (size_t k = 0; k < nh && n < 3 * 24 * 4; k++) {
            hr_backtest_hour h;
            if ((st = hr_backtest_hour_get(p->b, k, &h))) return st;
            if (strcmp(h.model, "bt")) continue;
            act[n] = h.actual, mu[n] = h.mean, sd[n] = (h.hi95 - h.lo95) / (2 * 1.959963984540054);
            n++;
        }
        hr_backtest_row row;
        return hr_metrics(act, mu, sd, NULL, n, &row);
    }
    case S_ASSESS: return hr_assess(p->s, 0, NULL, p->a);
    case S_GENMIX: return hr_assess_genmix(p->s, 0, NULL, p->a, p->g);
    default: return hr_series_write_long(p->s, 0, p->wpath);
    }
}

/* Outputs step i leaves behind; 0 when empty (as required after a failure). */
static int outputs_set(int i, const pipeline *p)
{
    struct stat sb;
    switch (i) {
    case S_READ: return p->s != NULL;
    case S_ARRAYS: return p->sa != NULL;
    case S_FIT: return p->m != NULL;
    case S_SAVE_MEM: return p->buf != NULL || p->len != 0;
    case S_LOAD_MEM: return p->ms != NULL || p->nms != 0;
    case S_SAVE_FILE: return stat(p->mpath, &sb) == 0;
    case S_LOAD_FILE: return p->mf != NULL || p->nmf != 0;
    case S_BACKTEST: return p->b != NULL;
    case S_WRITE: return stat(p->wpath, &sb) == 0;
    default: return 0; /* caller-owned buffers: contents unspecified on error */
    }
}

static void free_outputs(int i, pipeline *p)
{
    switch (i) {
    case S_READ: hr_series_free(p->s); break;
    case S_ARRAYS: hr_series_free(p->sa); break;
    case S_FIT: hr_model_free(p->m); break;
    case S_SAVE_MEM: hr_free(p->buf); break;
    case S_LOAD_MEM: hr_models_free(p->ms, p->nms); break;
    case S_SAVE_FILE: unlink(p->mpath); break;
    case S_LOAD_FILE: hr_models_free(p->mf, p->nmf); break;
    case S_BACKTEST: hr_backtest_free(p->b); break;
    case S_WRITE: unlink(p->wpath); break;
    default: break;
    }
}

static void clear_outputs(int i, pipeline *p)
{
    switch (i) {
    case S_READ: p->s = NULL; break;
    case S_ARRAYS: p->sa = NULL; break;
    case S_FIT: p->m = NULL; break;
    case S_SAVE_MEM: p->buf = NULL, p->len = 0; break;
    case S_LOAD_MEM: p->ms = NULL, p->nms = 0; break;
    case S_SAVE_FILE: unlink(p->mpath); break;
    case S_LOAD_FILE: p->mf = NULL, p->nmf = 0; break;
    case S_BACKTEST: p->b = NULL; break;
    case S_WRITE: unlink(p->wpath); break;
    default: break;
    }
}

/* Files in p->dir other than the two inputs and the files the reference
 * run wrote (a temporary left behind by a failed write of step i). */
static size_t stray_files(const pipeline *p, int i)
{
    DIR *d = opendir(p->dir);
    cr_assert(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        if (!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, "a.csv") || !strcmp(nm, "b.csv"))
            continue;
        if (!strcmp(nm, "m.hrm") && i != S_SAVE_FILE) continue;
        if (!strcmp(nm, "w.csv") && i != S_WRITE) continue;
        n++;
    }
    closedir(d);
    return n;
}

/* 1 if a and b hold the same regions, grids, columns (bit for bit, NaN
 * equal to NaN), flags and quality summaries. */
static int series_equal(const hr_series *a, const hr_series *b)
{
    size_t nr = hr_series_region_count(a);
    if (!a || !b || nr != hr_series_region_count(b)) return 0;
    for (size_t i = 0; i < nr; i++) {
        int64_t ta, tb;
        size_t na, nb;
        if (strcmp(hr_series_region_name(a, i), hr_series_region_name(b, i))) return 0;
        if (hr_series_grid(a, i, &ta, &na) || hr_series_grid(b, i, &tb, &nb)) return 0;
        if (ta != tb || na != nb) return 0;
        size_t nc = hr_series_column_count(a, i);
        if (nc != hr_series_column_count(b, i)) return 0;
        for (size_t j = 0; j < nc; j++) {
            const char *name = hr_series_column_name(a, i, j);
            const double *va, *vb;
            if (strcmp(name, hr_series_column_name(b, i, j))) return 0;
            if (hr_series_column(a, i, name, &va) || hr_series_column(b, i, name, &vb)) return 0;
            for (size_t k = 0; k < na; k++)
                if (!(va[k] == vb[k] || (isnan(va[k]) && isnan(vb[k])))) return 0;
        }
        const uint8_t *fa, *fb;
        int ra = hr_series_flags(a, i, &fa), rb = hr_series_flags(b, i, &fb);
        if (ra != rb || (!ra && memcmp(fa, fb, na))) return 0;
        hr_quality qa, qb;
        if (hr_series_quality(a, i, &qa) || hr_series_quality(b, i, &qb)) return 0;
        if (qa.hours != qb.hours || qa.missing != qb.missing || qa.flagged != qb.flagged ||
            qa.imputed != qb.imputed || memcmp(qa.by_flag, qb.by_flag, sizeof qa.by_flag))
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- call stacks */

typedef struct {
    uint64_t *h; /* h[k-1]: hash of the call stack of allocation k */
    size_t n, cap;
} stacks;

static void record_stack(unsigned long k, void *ud)
{
    stacks *st = ud;
    void *fr[64];
    int nf = backtrace(fr, 64);
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the return addresses */
    for (int j = 1; j < nf; j++) {     /* frame 0 is this function */
        h ^= (uint64_t)(uintptr_t)fr[j];
        h *= 1099511628211ull;
    }
    if (st->n == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 1024;
        st->h = realloc(st->h, st->cap * sizeof *st->h);
        cr_assert(st->h);
    }
    cr_assert_eq(k, st->n + 1, "allocations numbered in order");
    st->h[st->n++] = h;
}

/* want[k-1] = 1 for the allocations to fail; returns how many. */
static size_t choose(const stacks *st, unsigned long stride, unsigned char *want, size_t *nsites)
{
    uint64_t *seen = malloc((st->n ? st->n : 1) * sizeof *seen);
    cr_assert(seen);
    size_t ns = 0, nw = 0;
    for (size_t k = 1; k <= st->n; k++) {
        uint64_t h = st->h[k - 1];
        /* seen[] is kept sorted: binary search, then insert */
        size_t lo = 0, hi = ns;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (seen[mid] < h) lo = mid + 1;
            else hi = mid;
        }
        int fresh = lo == ns || seen[lo] != h;
        if (fresh) {
            memmove(seen + lo + 1, seen + lo, (ns - lo) * sizeof *seen);
            seen[lo] = h;
            ns++;
        }
        want[k - 1] = fresh || k % stride == 0 || k == st->n;
        nw += want[k - 1];
    }
    free(seen);
    *nsites = ns;
    return nw;
}

/* ---------------------------------------------------------------- sweep */

static void setup_pipeline(pipeline *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/hr_oom_XXXXXX");
    cr_assert(mkdtemp(p->dir));
    snprintf(p->file[0], sizeof p->file[0], "%s/a.csv", p->dir);
    snprintf(p->file[1], sizeof p->file[1], "%s/b.csv", p->dir);
    snprintf(p->mpath, sizeof p->mpath, "%s/m.hrm", p->dir);
    snprintf(p->wpath, sizeof p->wpath, "%s/w.csv", p->dir);
    p->paths[0] = p->file[0];
    p->paths[1] = p->file[1];
    write_main_file(p->file[0]);
    write_second_file(p->file[1]);
    p->t = malloc(NY * sizeof *p->t);
    p->y = malloc(NY * sizeof *p->y);
    p->a = malloc(sizeof *p->a);
    p->g = malloc(sizeof *p->g);
    cr_assert(p->t && p->y && p->a && p->g);
    uint64_t seed = 42;
    double e = 0;
    for (size_t k = 0; k < NY; k++) {
        p->t[k] = T0 + 3600 * (int64_t)k;
        p->y[k] = toy_load(k, &e, &seed);
    }
}

static void teardown_pipeline(pipeline *p)
{
    for (int j = S_N - 1; j >= 0; j--) free_outputs(j, p);
    free(p->a);
    free(p->g);
    free(p->t);
    free(p->y);
    unlink(p->file[0]);
    unlink(p->file[1]);
    rmdir(p->dir);
}

/* Fail the chosen allocations of step i (see the top of the file), one-shot
 * or with memory exhausted from k on; ref holds the outputs of every step
 * and st the call stacks of step i's reference run. Checks are non-fatal so
 * that one run lists every bad k (the first 20 per step). */
static void sweep_step(pipeline *ref, int i, const stacks *st, int exhausted)
{
    unsigned long count = st->n;
    unsigned char *want = malloc(count ? count : 1);
    cr_assert(want);
    const char *full = getenv("HR_OOM_FULL"), *asan = getenv("HR_ASAN");
    unsigned long stride = (full && *full == '1') ? 1
                           : (asan && *asan == '1') ? step_stride_asan[i] : step_stride[i];
    size_t nsites = 0;
    size_t nwant = choose(st, stride, want, &nsites);
    cr_log_info("%s%s: %lu allocations, %zu call stacks, %zu failed", step_name[i],
                exhausted ? " (exhausted)" : "", count, nsites, nwant);

    size_t bad = 0, recovered = 0;
    for (unsigned long k = 1; k <= count + 1; k++) {
        if (k <= count && !want[k - 1]) continue;
        pipeline p = *ref; /* the reference inputs; this step's outputs empty */
        clear_outputs(i, &p);
        p.nlog = 0;
        err_clear();
        if (exhausted) mem_fail_from(k);
        else mem_fail_at(k);
        int rc = run_step(i, &p);
        unsigned long seen = mem_fail_at(0);
        if (k > count) {
            /* no injected failure: succeeds as the reference did */
            cr_expect_eq(rc, HR_OK, "%s after the sweep: %s", step_name[i], hr_last_error());
            cr_expect_eq(seen, count, "%s: allocation count not deterministic", step_name[i]);
        } else if (!exhausted && i == S_READ && rc == HR_OK && series_equal(p.s, ref->s)) {
            recovered++; /* libcsv's retry with a smaller buffer increment */
        } else if (bad < 20) {
            int out = outputs_set(i, &p);
            size_t stray = stray_files(&p, i);
            int ok = rc == HR_ENOMEM && hr_last_error()[0] && !out && !stray;
            cr_expect(ok,
                      "%s, allocation %lu of %lu failed: status %d (%s), message '%s', outputs %s, "
                      "%zu stray files",
                      step_name[i], k, count, rc, hr_strerror(rc), hr_last_error(),
                      out ? "set" : "empty", stray);
            bad += !ok;
        }
        free_outputs(i, &p);
        if (i == S_SAVE_FILE || i == S_WRITE) clear_outputs(i, &p);
    }
    if (recovered) cr_log_info("%s: %zu one-shot failures recovered", step_name[i], recovered);
    /* put back the file the later steps read */
    if (i == S_SAVE_FILE)
        cr_assert_eq(run_step(S_SAVE_FILE, ref), HR_OK, "%s", hr_last_error());
    if (i == S_WRITE) cr_assert_eq(run_step(S_WRITE, ref), HR_OK, "%s", hr_last_error());
    free(want);
}

/* One reference run of steps 0..last (recording the call stacks of steps
 * first..last), then the sweeps of steps first..last that are in `which`
 * (a bit mask), sharing the reference's inputs. */
static void sweep_range(int first, int last, unsigned which, int exhausted)
{
    pipeline ref;
    setup_pipeline(&ref);
    stacks st[S_N];
    memset(st, 0, sizeof st);
    for (int j = 0; j <= last; j++) {
        mem_fail_at(0);
        if (j >= first) mem_observe(record_stack, &st[j]);
        int rc = run_step(j, &ref);
        mem_observe(NULL, NULL);
        unsigned long count = mem_fail_at(0);
        cr_assert_eq(rc, HR_OK, "reference %s: %s", step_name[j], hr_last_error());
        if (j >= first) cr_assert_eq(count, st[j].n);
        if (j == S_READ) cr_expect_gt(ref.nlog, 0u, "hr_series_read logged its summaries");
    }
    for (int i = first; i <= last; i++) {
        if (!(which >> i & 1u)) continue;
        cr_expect(st[i].n > 0, "%s allocates nothing?", step_name[i]);
        sweep_step(&ref, i, &st[i], exhausted);
    }
    for (int i = 0; i < S_N; i++) free(st[i].h);
    teardown_pipeline(&ref);
    EXPECT_NO_LEAKS();
}

#define BIT(i) (1u << (i))
/* the steps after the fit that are cheap to rerun */
#define USE_STEPS                                                                            \
    (BIT(S_FORECAST) | BIT(S_SIMULATE) | BIT(S_SAVE_MEM) | BIT(S_LOAD_MEM) |                  \
     BIT(S_SAVE_FILE) | BIT(S_LOAD_FILE) | BIT(S_ASSESS) | BIT(S_GENMIX) | BIT(S_WRITE))

/* one-shot */
Test(oom, series_read) { sweep_range(S_READ, S_READ, BIT(S_READ), 0); }
Test(oom, series_from_arrays) { sweep_range(S_ARRAYS, S_ARRAYS, BIT(S_ARRAYS), 0); }
Test(oom, model_fit_auto, .timeout = 900) { sweep_range(S_FIT, S_FIT, BIT(S_FIT), 0); }
Test(oom, backtest_metrics, .timeout = 900)
{
    sweep_range(S_BACKTEST, S_BACKTEST, BIT(S_BACKTEST), 0);
}
Test(oom, forecast_to_write, .timeout = 900) { sweep_range(S_FORECAST, S_WRITE, USE_STEPS, 0); }

/* memory exhausted from k on */
Test(oom_exhausted, series_read) { sweep_range(S_READ, S_READ, BIT(S_READ), 1); }
Test(oom_exhausted, series_from_arrays) { sweep_range(S_ARRAYS, S_ARRAYS, BIT(S_ARRAYS), 1); }
Test(oom_exhausted, forecast_to_write, .timeout = 900)
{
    sweep_range(S_FORECAST, S_WRITE, USE_STEPS, 1);
}
