/* regress_bench.c — vanilla regression fit time next to one dsyrk of its
 * design (the regression fit time next to the BLAS time of its X'X). Data: 8 years of generated hourly load and temperature
 * (70,128 x 290 vanilla design). Prints the median of 3 runs of each step:
 *   design build, dsyrk X'X, full fit (AUTO: Cholesky fast path), QR fit,
 * and the ratio fit / dsyrk (goal: <= 3). Run with OPENBLAS_NUM_THREADS=1
 * for single-thread figures. Usage: regress_bench [models-dir] */
#define _POSIX_C_SOURCE 200809L
#include "time/calendar.h"
#include "model/design.h"
#include "util/error.h"
#include "stats/linalg.h"
#include "stats/regress.h"
#include "model/spec.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double median3(double *v) { qsort(v, 3, sizeof *v, cmp); return v[1]; }

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "models";
    const size_t n = 8 * 8766; /* 8 years of hours */
    const int64_t t0 = cal_days_from_civil(2015, 1, 1) * 86400;
    double *temp_c = malloc(n * sizeof *temp_c), *y = malloc(n * sizeof *y);
    unsigned long long s = 12345;
    for (size_t k = 0; k < n; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        double TF = 55 + 22 * sin(2 * M_PI * (double)k / 8766.0) + 8 * sin(2 * M_PI * (double)k / 24.0) + 6 * u;
        temp_c[k] = (TF - 32) / 1.8;
        y[k] = 3000 + 0.002 * (double)k + 400 * sin(2 * M_PI * (double)k / 24.0) + 0.3 * (TF - 60) * (TF - 60) + 80 * u;
    }
    spec *sp = NULL;
    if (spec_load("vanilla", dir, &sp)) { fprintf(stderr, "regress_bench: %s\n", hr_last_error()); return 1; }
    design_data d = { .t0 = t0, .n = n, .temp_c = temp_c };
    double tb[3], ts[3], tf[3], tq[3];
    design_matrix m = { 0 };
    double *G = NULL;
    size_t rank = 0;
    int method = 0;
    for (int r = 0; r < 3; r++) {
        design_matrix_free(&m);
        double a = now();
        if (design_build(sp, &d, 0, n, &m)) { fprintf(stderr, "%s\n", hr_last_error()); return 1; }
        tb[r] = now() - a;
        if (!G) G = malloc(m.p * m.p * sizeof *G);
        a = now();
        la_syrk_t(m.n, m.p, 1.0, m.X, m.n, 0.0, G, m.p);
        ts[r] = now() - a;
        regress_fit *f = NULL;
        a = now();
        if (regress_fit_ols(m.X, m.n, m.p, y, NULL, 0, &f)) { fprintf(stderr, "%s\n", hr_last_error()); return 1; }
        tf[r] = now() - a;
        rank = regress_rank(f), method = regress_method_used(f);
        regress_free(f);
        regress_opts o;
        regress_opts_init(&o);
        o.method = REGRESS_QR;
        a = now();
        if (regress_fit_x(m.X, m.n, m.p, y, NULL, &o, &f)) { fprintf(stderr, "%s\n", hr_last_error()); return 1; }
        tq[r] = now() - a;
        regress_free(f);
    }
    double b = median3(tb), sy = median3(ts), fi = median3(tf), q = median3(tq);
    printf("regress: vanilla design %zu x %zu (rank %zu, method %s)\n", m.n, m.p, rank,
           method == REGRESS_CHOL ? "cholesky" : "qr");
    printf("regress: design build %.3f s | dsyrk X'X %.3f s | fit %.3f s | fit/dsyrk %.2f (goal <= 3) | QR fit %.3f s (%.1fx dsyrk)\n",
           b, sy, fi, fi / sy, q, q / sy);
    design_matrix_free(&m);
    spec_free(sp);
    free(G), free(temp_c), free(y);
    return 0;
}
