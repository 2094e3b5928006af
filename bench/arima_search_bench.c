/* arima_search_bench.c — time the order search (arima_auto) on one series:
 * RUNS runs on 1 thread and RUNS on 2, the median wall seconds of each, and
 * the model and AICc it chose (the same on every run: the search is
 * deterministic). Used by bench/arima_search_speed.sh, which times R's
 * forecast::auto.arima on the same values.
 * Usage: arima_search_bench FILE S [RUNS]   (FILE: one value per line,
 *        NA or nan = missing; S: seasonal period; RUNS default 3)
 * Output: one line "threads T median_s X model (p,d,q)(P,D,Q)s[+mean|+drift] aicc A". */
#include "arima/arima.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: arima_search_bench FILE S [RUNS]\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 1; }
    size_t n = 0, cap = 1024;
    double *y = malloc(cap * sizeof *y);
    char line[128];
    while (y && fgets(line, sizeof line, in)) {
        if (n == cap) y = realloc(y, (cap *= 2) * sizeof *y);
        if (!y) break;
        char *end;
        double v = strtod(line, &end);
        y[n++] = end == line ? NAN : v;
    }
    fclose(in);
    if (!y || n < 10) { fprintf(stderr, "%s: too few values\n", argv[1]); return 1; }
    int s = atoi(argv[2]), runs = argc > 3 ? atoi(argv[3]) : 3;
    if (s < 1 || runs < 1 || runs > 15) { fprintf(stderr, "bad S or RUNS\n"); return 2; }
    for (int th = 1; th <= 2; th++) {
        double t[15], aicc = NAN;
        char model[96] = "";
        for (int r = 0; r < runs; r++) {
            arima_auto_opts ao;
            arima_auto_opts_init(&ao);
            ao.s = s;
            ao.threads = th;
            arima_fit *f = NULL;
            double t0 = now();
            int rc = arima_auto(y, n, NULL, 0, &ao, NULL, &f, NULL);
            t[r] = now() - t0;
            if (rc) { fprintf(stderr, "arima_auto failed (%d)\n", rc); return 1; }
            arima_order o = arima_fit_order(f);
            const char *cst = "";
            for (size_t i = 0; i < arima_coef_count(f); i++) {
                if (!strcmp(arima_coef_name(f, i), "intercept")) cst = "+mean";
                if (!strcmp(arima_coef_name(f, i), "drift")) cst = "+drift";
            }
            snprintf(model, sizeof model, "(%d,%d,%d)(%d,%d,%d)%d%s", o.p, o.d, o.q, o.P, o.D, o.Q,
                     o.s, cst);
            aicc = arima_aicc(f);
            arima_free(f);
        }
        qsort(t, (size_t)runs, sizeof t[0], cmp);
        double med = runs % 2 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
        printf("threads %d median_s %.3f model %s aicc %.4f\n", th, med, model, aicc);
    }
    free(y);
    return 0;
}
