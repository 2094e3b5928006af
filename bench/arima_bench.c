/* arima_bench.c — time the SARIMA kernel: exact ML fit of
 * SARIMA(1,0,1)(1,0,0)24 + mean on n = 8760 hours, and the stepwise order
 * search. Usage: arima_bench [series.txt]   (one value per line; without a
 * file a seeded series from the same model is generated);
 * arima_bench --write FILE writes that generated series and exits.
 * Compare with R:
 *   arima(y, c(1,0,1), list(order = c(1,0,0), period = 24), method = "ML")
 *   auto.arima(ts(y, frequency = 24))
 * The generated series is stationary, yet KPSS at 5 % asks for d = 1 on it,
 * in R (forecast::ndiffs: statistic 4.45 at lag 12 for n = 8760; also at
 * n = 2000 and 4000) and here: the search then runs on an over-differenced
 * series, where MA parts sit near non-invertibility (slow exact fits, and
 * CSS winners that fail their exact refit). README, "Seasonal ARIMA".
 * Build: cc -O2 -Iinclude -Isrc bench/arima_bench.c build/libheadroom.a -lm -pthread */
#include "arima/arima.h"
#include <math.h>
#include <stdint.h>
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

static double gauss(uint64_t *s) /* LCG + Box-Muller: data generation only */
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u1 = ((double)(*s >> 11) + 0.5) * 0x1.0p-53;
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u2 = ((double)(*s >> 11) + 0.5) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int main(int argc, char **argv)
{
    enum { CAP = 100000 };
    double *y = malloc(CAP * sizeof(double));
    size_t n = 0;
    if (argc > 1 && strcmp(argv[1], "--write") != 0) {
        FILE *fp = fopen(argv[1], "r");
        if (!fp) { perror(argv[1]); return 1; }
        while (n < CAP && fscanf(fp, "%lf", &y[n]) == 1) n++;
        fclose(fp);
    } else {
        uint64_t s = 42;
        double e1 = 0, x[9000 + 600] = { 0 };
        for (size_t t = 0; t < 8760 + 600; t++) {
            double e = gauss(&s), v = e + 0.3 * e1;
            if (t >= 1) v += 0.6 * x[t - 1];
            if (t >= 24) v += 0.5 * x[t - 24];
            if (t >= 25) v -= 0.3 * x[t - 25];
            x[t] = v;
            e1 = e;
        }
        for (n = 0; n < 8760; n++) y[n] = 1000 + 50 * x[n + 600];
        if (argc > 2) { /* --write FILE */
            FILE *fp = fopen(argv[2], "w");
            if (!fp) { perror(argv[2]); return 1; }
            for (size_t t = 0; t < n; t++) fprintf(fp, "%.17g\n", y[t]);
            return fclose(fp) ? 1 : 0;
        }
    }
    const int methods[2] = { ARIMA_ML, ARIMA_CSS_ML };
    for (int mi = 0; mi < 2; mi++) {
        arima_order o = { 1, 0, 1, 1, 0, 0, 24, 1, 0, methods[mi] };
        double best = 1e30;
        arima_fit *f = NULL;
        for (int r = 0; r < 5; r++) {
            arima_free(f);
            double t0 = now();
            if (arima_fit_model(y, n, NULL, 0, &o, NULL, &f)) { fprintf(stderr, "fit failed\n"); return 1; }
            double e = now() - t0;
            if (e < best) best = e;
        }
        printf("%-6s SARIMA(1,0,1)(1,0,0)24 n=%zu: best of 5 %.3f s, loglik %.6f\n",
               mi == 0 ? "ML" : "CSS-ML", n, best, arima_loglik(f));
        arima_free(f);
    }
    arima_auto_opts ao;
    arima_auto_opts_init(&ao);
    ao.s = 24;
    arima_fit *f = NULL;
    int models = 0;
    double t0 = now();
    if (arima_auto(y, n, NULL, 0, &ao, NULL, &f, &models)) { fprintf(stderr, "auto failed\n"); return 1; }
    arima_order o = arima_fit_order(f);
    printf("auto   n=%zu: %.2f s, %d models -> ARIMA(%d,%d,%d)(%d,%d,%d)24 AICc %.4f%s%s\n", n, now() - t0,
           models, o.p, o.d, o.q, o.P, o.D, o.Q, arima_aicc(f), arima_note(f)[0] ? "; " : "", arima_note(f));
    arima_free(f);
    free(y);
    return 0;
}
