/* direct_bench.c — the day-ahead backtest's direct-error fits, one origin
 * at a time (direct_forecast_op per origin, as before batching) next to a
 * refit block's origins at once (direct_forecast_many, as the backtest
 * calls it): 365 origins at 12:00, lead 12, 24 hours, 'errors direct 3650
 * operator', blocks of 28 origins, on 6 years of generated residuals and
 * operator forecasts. Prints CPU and wall seconds (median of 3) of each,
 * their ratio, and the largest difference of the forecasts (rounding).
 * Usage: direct_bench */
#define _POSIX_C_SOURCE 200809L
#include "model/direct.h"
#include "util/error.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double clk(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double med3(double *v)
{
    qsort(v, 3, sizeof *v, cmp);
    return v[1];
}
static double gauss(uint64_t *x)
{
    /* splitmix64 -> two uniforms -> Box-Muller */
    double u[2];
    for (int i = 0; i < 2; i++) {
        uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        u[i] = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
    }
    return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

enum { NORIG = 365, BLOCK = 28, LEAD = 12, H = 24, DAYS = 3650 };

int main(void)
{
    size_t n = 24 * 6 * 365 + 24 * 2;
    double *e = malloc(n * sizeof *e), *g = malloc(n * sizeof *g);
    unsigned char *ok = malloc(n);
    double *m1 = malloc(NORIG * H * sizeof *m1), *v1 = malloc(NORIG * H * sizeof *v1);
    double *m2 = malloc(NORIG * H * sizeof *m2), *v2 = malloc(NORIG * H * sizeof *v2);
    size_t *o = malloc(NORIG * sizeof *o);
    unsigned char *used = malloc(NORIG);
    if (!e || !g || !ok || !m1 || !v1 || !m2 || !v2 || !o || !used) return 1;
    uint64_t x = 2024;
    double gk = 0, v = 0;
    for (size_t k = 0; k < n; k++) { /* weather-like g, operator error u = e - g */
        gk = 0.95 * gk + 0.01 * gauss(&x);
        v = 0.9 * v + 0.002 * gauss(&x);
        g[k] = gk;
        e[k] = gk + 0.02 * sin(2 * M_PI * (double)(k % 24) / 24.0) + v;
        ok[k] = k % 509 != 3;
    }
    for (size_t k = 0; k < NORIG; k++) o[k] = n - LEAD - H - 24 * (NORIG - k) + 12 - 24;
    double c1[3], w1[3], c2[3], w2[3];
    for (int r = 0; r < 3; r++) {
        double ca = clk(CLOCK_PROCESS_CPUTIME_ID), wa = clk(CLOCK_MONOTONIC);
        for (size_t k = 0; k < NORIG; k++)
            if (direct_forecast_op(e, g, ok, o[k], LEAD, H, DAYS, m1 + k * H, v1 + k * H)) {
                fprintf(stderr, "direct_forecast_op: %s\n", hr_last_error());
                return 1;
            }
        c1[r] = clk(CLOCK_PROCESS_CPUTIME_ID) - ca, w1[r] = clk(CLOCK_MONOTONIC) - wa;
        ca = clk(CLOCK_PROCESS_CPUTIME_ID), wa = clk(CLOCK_MONOTONIC);
        for (size_t k = 0; k < NORIG; k += BLOCK) {
            size_t nb = NORIG - k < BLOCK ? NORIG - k : BLOCK;
            if (direct_forecast_many(e, g, ok, o + k, nb, LEAD, H, DAYS, m2 + k * H, v2 + k * H,
                                     used + k)) {
                fprintf(stderr, "direct_forecast_many: %s\n", hr_last_error());
                return 1;
            }
        }
        c2[r] = clk(CLOCK_PROCESS_CPUTIME_ID) - ca, w2[r] = clk(CLOCK_MONOTONIC) - wa;
    }
    double dmax = 0;
    for (size_t i = 0; i < NORIG * H; i++) dmax = fmax(dmax, fabs(m1[i] - m2[i]));
    double a = med3(c1), b = med3(c2);
    printf("%-34s %10s %10s\n", "365 day-ahead origins", "CPU s", "wall s");
    printf("%-34s %10.3f %10.3f\n", "one origin at a time", a, med3(w1));
    printf("%-34s %10.3f %10.3f\n", "blocks of 28 (direct_forecast_many)", b, med3(w2));
    printf("CPU ratio one-at-a-time / batched: %.2f (median of 3); largest forecast difference %.1e\n",
           a / b, dmax);
    return 0;
}
