/* ingest_fixture.h — fixtures and lookups shared by the ingest tests
 * (test_ingest.c, test_ingest_formats.c): files written into a fresh
 * temporary directory per test, reads through ingest_read, values by
 * region, column and hour. */
#ifndef HR_TEST_INGEST_FIXTURE_H
#define HR_TEST_INGEST_FIXTURE_H
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom.h"
#include "helpers.h"
#include "ingest/ingest.h"
#include "ingest/series.h"

static char tmpdir[128];

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hr_ingest_XXXXXX");
    cr_assert(mkdtemp(tmpdir) != NULL);
}

static void teardown(void)
{
    if (rm_rf(tmpdir) != 0) fprintf(stderr, "cleanup of %s failed\n", tmpdir);
}

TestSuite(ingest, .init = setup, .fini = teardown);

/* Write content (len bytes; -1 = strlen) to tmpdir/name; returns a path
 * from a ring of buffers. */
static const char *fxn(const char *name, const char *content, long len)
{
    static char ring[16][256];
    static int k;
    char *p = ring[k++ % 16];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    cr_assert(f);
    size_t n = len < 0 ? strlen(content) : (size_t)len;
    cr_assert(fwrite(content, 1, n, f) == n);
    fclose(f);
    return p;
}
static const char *fx(const char *name, const char *content) { return fxn(name, content, -1); }

static hr_ingest_opts opts0(void)
{
    hr_ingest_opts o;
    hr_ingest_opts_init(&o);
    o.screen = 0; /* screening is tested in test_screen.c */
    return o;
}

static hr_series *rdc(const char *const *paths, size_t n, const hr_ingest_opts *o, size_t chunk)
{
    hr_series *s = NULL;
    int rc = ingest_read(paths, n, o, chunk, &s);
    cr_assert_eq(rc, HR_OK, "read failed (%d): %s", rc, hr_last_error());
    return s;
}

static hr_series *rd1(const char *path, const hr_ingest_opts *o)
{
    return rdc(&path, 1, o, 0);
}

static size_t reg(const hr_series *s, const char *name)
{
    size_t i;
    cr_assert_eq(hr_series_region_index(s, name, &i), HR_OK, "no region %s", name);
    return i;
}

/* Value of column c of region r at hour t (NaN off the grid). */
static double at(const hr_series *s, const char *r, const char *c, int64_t t)
{
    size_t i = reg(s, r);
    const double *v;
    cr_assert_eq(hr_series_column(s, i, c, &v), HR_OK, "region %s has no column %s", r, c);
    int64_t t0;
    size_t n;
    hr_series_grid(s, i, &t0, &n);
    if (t < t0 || (t - t0) % 3600 || (size_t)((t - t0) / 3600) >= n) return NAN;
    return v[(t - t0) / 3600];
}

static void grid_is(const hr_series *s, const char *r, int64_t t0, size_t n)
{
    int64_t a;
    size_t m;
    cr_assert_eq(hr_series_grid(s, reg(s, r), &a, &m), HR_OK);
    cr_assert_eq(a, t0, "%s: t0 %lld, expected %lld", r, (long long)a, (long long)t0);
    cr_assert_eq(m, n, "%s: %zu hours, expected %zu", r, m, n);
}

#endif
