/* assess_bench.c — time of the headroom kernel on a batch of this
 * shape: 80 generated hourly series x 9 calendar years x 4 budgets, for
 * the study's mean-rate headroom, with an event cap (--max-event-hours 4),
 * with the budget in every year, and with a battery (25 % for 4 h).
 * Prints one line per case: median CPU seconds of `runs` repetitions of
 * the whole batch (one thread). Public API only.
 * Build: cc -O2 -Iinclude bench/assess_bench.c build/libheadroom.a -llapacke -lopenblas -lcsv -lm -pthread
 * Usage: assess_bench [runs] */
#include "headroom.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { NSER = 80, Y0 = 2016, NY = 9 };

/* CPU seconds of this process: wall time on a shared machine measures the
 * neighbours; the kernel runs on one thread. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* splitmix64 (Steele, Lea & Flood 2014) in (0, 1) */
static double unif(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

/* Daily and annual cycles with summer and winter peaks, AR(1) weather. */
static void gen(double *x, size_t n, int64_t t0, uint64_t seed, double level)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(t0 / 3600 + (int64_t)i), h = fmod(t, 24), doy = fmod(t / 24, 365.2425);
        double daily = 1 + 0.15 * sin(2 * M_PI * (h - 14) / 24);
        double season = 1 + 0.12 * cos(2 * M_PI * (doy - 200) / 365.2425) + 0.08 * cos(4 * M_PI * (doy - 15) / 365.2425);
        double u1 = unif(&seed), u2 = unif(&seed);
        e = 0.97 * e + 0.01 * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
        x[i] = level * daily * season * (1 + e);
    }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    if (runs < 1) runs = 1;
    int64_t t0;
    if (hr_time_parse("2016-01-01", &t0)) return 1;
    size_t n = 0;
    for (int y = Y0; y < Y0 + NY; y++) n += hr_year_hours(y);
    double *D = malloc((size_t)NSER * n * sizeof *D);
    hr_assessment *a = malloc(sizeof *a);
    if (!D || !a) return 1;
    for (size_t s = 0; s < NSER; s++) gen(D + s * n, n, t0, 1000 + s, 2000 + 500.0 * (double)s);
    static const struct { const char *name; int evh, every; double bpct; } cs[] = {
        {"mean-rate headroom (the study)", 0, 0, 0},
        {"--max-event-hours 4", 4, 0, 0},
        {"--every-year", 0, 1, 0},
        {"--battery-pct 25 --battery-hours 4", 0, 0, 25},
        {"--battery-pct 25 --battery-hours 4 --max-event-hours 4", 4, 0, 25},
    };
    printf("%zu series x %d years x 4 budgets, CPU seconds, median of %d runs:\n", (size_t)NSER, NY, runs);
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        hr_assess_opts o;
        hr_assess_opts_init(&o);
        o.max_event_hours = cs[k].evh;
        o.every_year = cs[k].every;
        o.battery_pct = cs[k].bpct;
        o.battery_hours = 4;
        double t[64], total = 0;
        for (int r = 0; r < runs && r < 64; r++) {
            double a0 = now();
            for (size_t s = 0; s < NSER; s++) {
                if (hr_assess_arrays(t0, D + s * n, n, &o, a)) {
                    fprintf(stderr, "assess_bench: %s\n", hr_last_error());
                    return 1;
                }
                total += a->rows[1].headroom_mw;
            }
            t[r] = now() - a0;
        }
        int m = runs < 64 ? runs : 64;
        qsort(t, (size_t)m, sizeof *t, cmp);
        printf("  %-58s %.3f s  (sum of 0.5 %% headroom %.0f MW)\n", cs[k].name, t[m / 2], total / m);
    }
    free(D);
    free(a);
    return 0;
}
