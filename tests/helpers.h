/* helpers.h — shared test helpers. */
#ifndef HR_TEST_HELPERS_H
#define HR_TEST_HELPERS_H
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* |a-b| <= rtol*max(|a|,|b|) (GSL's gsl_test_rel idea); NaN never equal. */
static inline int rel_eq(double a, double b, double rtol)
{
    if (isnan(a) || isnan(b)) return 0;
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= rtol * (m > 0 ? m : 1.0);
}

/* Path of the shared real data (make sets HR_DATA; default ../shared/datasets). */
static inline const char *shared_data(void)
{
    const char *d = getenv("HR_DATA");
    return d && *d ? d : "../shared/datasets";
}

/* 1 if the shared data file rel exists under shared_data(); path written to buf. */
static inline int shared_path(char *buf, size_t cap, const char *rel)
{
    snprintf(buf, cap, "%s/%s", shared_data(), rel);
    FILE *f = fopen(buf, "rb");
    if (!f) return 0;
    fclose(f);
    return 1;
}

/* rm -rf of a test's scratch directory; system()'s status. */
static inline int rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* splitmix64 (Steele, Lea & Flood 2014) uniform in (0,1): the tests' own
 * generator, independent of the library's. */
static inline double unif(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

/* Epoch seconds of y-m-d h:00 UTC (libc timegm, an outside reference). */
static inline int64_t utc(int y, int m, int d, int h)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h};
    return (int64_t)timegm(&tm);
}

/* A plausible hourly load at hour k, MW: daily and annual cycles plus AR(1)
 * noise e (updated) driven by unif(seed). */
static inline double toy_load(size_t k, double *e, uint64_t *seed)
{
    *e = 0.9 * *e + 20 * (unif(seed) - 0.5);
    return 1000 + 200 * sin(2 * M_PI * (double)(k % 24) / 24) +
           150 * cos(2 * M_PI * (double)k / 8766) + *e;
}

/* Under AddressSanitizer, leaks fail the test: LeakSanitizer's own report
 * in a Criterion worker does not change the test's result (Criterion tests
 * only: it expands to cr_expect_eq). */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define EXPECT_NO_LEAKS()                                                                      \
    cr_expect_eq(__lsan_do_recoverable_leak_check(), 0, "LeakSanitizer found leaks (above)")
#else
#define EXPECT_NO_LEAKS() ((void)0)
#endif
/* EIA-930 per-BA file: date_time (UTC, hour-ending) and the column named
 * col; returns the hour-beginning grid from the first row (NULL if the
 * file or column is missing or it spans more than 50,000 hours). */
static inline double *read_ba(const char *path, const char *col, int64_t *t0, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char line[512];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return NULL;
    }
    int ci = -1, k = 0;
    for (char *p = strtok(line, ",\r\n"); p; p = strtok(NULL, ",\r\n"), k++)
        if (!strcmp(p, col)) ci = k;
    if (ci < 0) {
        fclose(f);
        return NULL;
    }
    size_t cap = 50000;
    double *x = malloc(cap * sizeof *x);
    size_t m = 0;
    while (fgets(line, sizeof line, f)) {
        int Y, Mo, Dd, H, Mi, S;
        if (sscanf(line, "%d-%d-%d %d:%d:%d", &Y, &Mo, &Dd, &H, &Mi, &S) != 6) continue;
        int64_t t = utc(Y, Mo, Dd, H) - 3600; /* hour-ending -> hour-beginning */
        if (m == 0) *t0 = t;
        size_t i = (size_t)((t - *t0) / 3600);
        if (i >= cap) {
            fclose(f);
            free(x);
            return NULL;
        }
        while (m < i) x[m++] = NAN;
        char *p = line;
        for (int c = 0; c < ci && p; c++) p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
        char *end;
        double v = p ? strtod(p, &end) : NAN;
        x[m++] = (p && end != p) ? v : NAN;
    }
    fclose(f);
    *n = m;
    return x;
}

#endif
