/* write_long.c — hr_series_write_long: one region as the long CSV.
 *
 * Numbers are written in the "C" locale with the fewest digits that read
 * back to the same double; the file goes through the atomic writer
 * (util/atomic.h: unique temporary, fsync, rename). */
#include "ingest/ingest_int.h"
#include "util/atomic.h"
#include "util/error.h"
#include "util/mem.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fmt_num(double v, char *buf, size_t cap, locale_t c)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod_l(buf, NULL, c) == v) return;
    }
}

static int put_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) return fputs(s, fp) < 0 ? -1 : 0;
    if (fputc('"', fp) == EOF) return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', fp) == EOF) return -1;
        if (fputc(*s, fp) == EOF) return -1;
    }
    return fputc('"', fp) == EOF ? -1 : 0;
}

int hr_series_write_long(const hr_series *s, size_t i, const char *path)
{
    err_clear();
    if (!s || !path) return err_set(HR_EINVAL, "hr_series_write_long: NULL argument");
    if (!*path) return err_set(HR_EINVAL, "hr_series_write_long: empty path");
    if (i >= s->nreg) return err_set(HR_EINVAL, "hr_series_write_long: no region %zu", i);
    const series_region *r = &s->reg[i];
    locale_t cl = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (!cl) return err_set(HR_ENOMEM, "out of memory (locale)");
    locale_t old = uselocale(cl); /* thread-local: %g always writes '.' */
    atomic_file *af = NULL;
    int rc = atomic_open(path, &af);
    if (rc) goto out;
    FILE *fp = atomic_stream(af);
    const double *load = series_col_get(r, "load_mw");
    const double *raw = series_col_get(r, "load_raw_mw");
    int bad = fputs("region,timestamp,load_mw,load_raw_mw,flag", fp) < 0;
    for (size_t j = 0; j < r->ncol; j++) {
        const char *nm = r->col[j].name;
        if (strcmp(nm, "load_mw") == 0 || strcmp(nm, "load_raw_mw") == 0) continue;
        bad |= fputc(',', fp) == EOF || put_field(fp, nm);
    }
    bad |= fputc('\n', fp) == EOF;
    char num[40], ts[21];
    for (size_t k = 0; k < r->n && !bad; k++) {
        bad |= put_field(fp, r->name) || fputc(',', fp) == EOF;
        cal_format_utc(r->t0 + 3600 * (int64_t)k, ts);
        bad |= fputs(ts, fp) < 0 || fputc(',', fp) == EOF;
        fmt_num(load ? load[k] : NAN, num, sizeof num, cl);
        bad |= fputs(num, fp) < 0 || fputc(',', fp) == EOF;
        fmt_num(raw ? raw[k] : NAN, num, sizeof num, cl);
        bad |= fputs(num, fp) < 0 || fputc(',', fp) == EOF;
        if (r->flag) bad |= fputs(hr_flag_name(r->flag[k]), fp) < 0;
        for (size_t j = 0; j < r->ncol; j++) {
            const char *nm = r->col[j].name;
            if (strcmp(nm, "load_mw") == 0 || strcmp(nm, "load_raw_mw") == 0) continue;
            fmt_num(r->col[j].v[k], num, sizeof num, cl);
            bad |= fputc(',', fp) == EOF || fputs(num, fp) < 0;
        }
        bad |= fputc('\n', fp) == EOF;
    }
    if (bad) {
        int e = errno;
        atomic_abort(af);
        rc = err_set(HR_EIO, "%s: write failed: %s", path, strerror(e ? e : EIO));
        goto out;
    }
    rc = atomic_commit(af); /* a full disk shows here: "No space left on device" */
out:
    uselocale(old);
    freelocale(cl);
    return rc;
}
