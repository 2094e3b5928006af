/* read_generic.c — readers of generic and load-with-weather files
 * (read_long_setup, read_series_setup, read_weather_setup,
 * read_pjm_zone_setup).
 *
 *  - long: the normalised long format (region,timestamp,load_mw + optional
 *    columns; aliases unique_id,ds,y) — also what hr_series_write_long
 *    writes, so load_raw_mw takes precedence over load_mw and flag is skipped.
 *    ISO 8601 times with Z/offset, or naive in opts->tz; hour-beginning unless
 *    opts->hour_ending. Unknown columns are an error (a typo must not vanish).
 *  - series: any file, columns named by opts->time_col (one timestamp,
 *    "date,hour" or "year,month,day,hour") and opts->value_cols (first = load).
 *  - weather: GEFCom2014 (Date,Hour 1-24,load,T degF; no DST, read as UTC),
 *    BigDEAL 2022 (Year,Month,Day,Weekday,Hour 1-24,T1..T4 degF,Load),
 *    PNNL TELL (Year,Month,Day,Hour = EIA-930 hour-ending UTC, T2 kelvin),
 *    NYC (timeStamp local America/New_York hour-beginning, temp degF).
 *  - pjm zone preset (auto only): "Datetime,<ZONE>_MW", the PJM utility-zone
 *    hourly files: America/New_York prevailing, hour-ending, region <ZONE>.
 */
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int set_val(ing_file *f, long j, const char *slot, int xf, double scale)
{
    int s = ingest_slot(f, slot);
    if (s < 0) return ingest_col_err(f, HR_EPARSE, (size_t)j, "too many value columns");
    f->col[j].role = COL_VAL;
    f->col[j].slot = (uint16_t)s;
    f->col[j].miss = MISS_NA;
    f->col[j].xf = (uint8_t)xf;
    f->col[j].scale = scale;
    return 0;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int find2(const ing_file *f, const char *a, const char *b)
{
    long j = ingest_hdr_find(f, a);
    return (int)(j >= 0 ? j : ingest_hdr_find(f, b));
}

/* ---- long ---- */

int read_long_setup(ing_file *f, int force)
{
    int rc = find2(f, "region", "unique_id"), tc = find2(f, "timestamp", "ds");
    if (rc < 0 && tc >= 0 && ingest_hdr_is(f, (size_t)tc, "ds") && ingest_hdr_find(f, "y") >= 0)
        f->region = f->o->region ? f->o->region : f->stem; /* statsforecast's ds,y: one series */
    else if (rc < 0 || tc < 0) {
        if (!force) return 0;
        return ingest_col_err(f, HR_EPARSE, rc < 0 ? 0 : (size_t)rc, "missing column '%s'",
                              rc < 0 ? "region" : "timestamp");
    }
    long lc = ingest_hdr_find(f, "load_raw_mw");
    if (lc < 0) lc = find2(f, "load_mw", "y");
    if (lc < 0) return ingest_col_err(f, HR_EPARSE, 0, "missing column 'load_mw'");
    double sc = f->o->scale;
    if (rc >= 0) f->col[rc].role = COL_REGION;
    f->col[tc].role = COL_TIME;
    f->time_col = (size_t)tc;
    if (set_val(f, lc, "load_raw_mw", XF_NONE, sc)) return -1;
    for (size_t j = 0; j < f->nhdr; j++) {
        if ((long)j == rc || (long)j == tc || (long)j == lc) continue;
        const char *h = f->hdr[j];
        char slug[ING_NAMELEN];
        ingest_slug(h, strlen(h), slug, sizeof slug);
        if (strcmp(slug, "flag") == 0 || strcmp(slug, "load_mw") == 0 || strcmp(slug, "y") == 0)
            continue; /* written by hr_series_write_long; recomputed by screening */
        int r;
        if (strcmp(slug, "temp_c") == 0) r = set_val(f, (long)j, "temp_c", XF_NONE, 1.0);
        else if (strcmp(slug, "temp_f") == 0) r = set_val(f, (long)j, "temp_c", XF_F2C, 1.0);
        else if (strcmp(slug, "temp_k") == 0) r = set_val(f, (long)j, "temp_c", XF_K2C, 1.0);
        else if (strcmp(slug, "category_pub") == 0) r = set_val(f, (long)j, "category_pub", XF_NONE, 1.0);
        else if (ends_with(slug, "_mw") && strcmp(h, slug) == 0)
            r = set_val(f, (long)j, slug, XF_NONE, sc);
        else
            return ingest_col_err(f, HR_EPARSE, j,
                                  "unknown column (long format: forecast_mw, temp_c, temp_f, "
                                  "gen_<fuel>_mw, interchange_mw)");
        if (r) return -1;
    }
    if (f->o->tz && ingest_set_tz(f, f->o->tz)) return -1;
    f->hour_ending = f->o->hour_ending;
    f->row = ingest_row_wide;
    return 1;
}

/* ---- gridstatus ---- */

/* gridstatus exports: Time,Interval Start,Interval End,<values>, stamps with
 * their UTC offset, often sub-hourly. Load and Load Forecast are read; a file
 * without Load is a fuel mix, each other column a gen_<fuel>_mw. */
int read_gridstatus_setup(ing_file *f, int force)
{
    /* gridstatus.io's own exports write interval_start_utc, interval_end_utc */
    long is = ingest_hdr_find(f, "Interval Start"), ie = ingest_hdr_find(f, "Interval End");
    if (is < 0) is = ingest_hdr_find(f, "interval_start_utc");
    if (ie < 0) ie = ingest_hdr_find(f, "interval_end_utc");
    if (is < 0 || ie < 0) {
        if (force) return ingest_col_err(f, HR_EPARSE, 0, "no 'Interval Start' and 'Interval End' columns");
        return 0;
    }
    f->col[is].role = COL_TIME;
    f->time_col = (size_t)is;
    long ld = ingest_hdr_find(f, "Load"), fc = find2(f, "Load Forecast", "load_forecast");
    double sc = f->o->scale;
    if (ld >= 0) {
        if (set_val(f, ld, "load_raw_mw", XF_NONE, sc)) return -1;
        if (fc >= 0 && set_val(f, fc, "forecast_mw", XF_NONE, sc)) return -1;
    } else {
        for (size_t j = 0; j < f->nhdr; j++) {
            char key[ING_NAMELEN], name[ING_NAMELEN + 8];
            ingest_slug(f->hdr[j], strlen(f->hdr[j]), key, sizeof key);
            if (strcmp(key, "time") == 0 || strncmp(key, "interval_", 9) == 0) continue;
            ingest_fuel_key(f->hdr[j], strlen(f->hdr[j]), key, sizeof key);
            snprintf(name, sizeof name, "gen_%s_mw", key);
            if (set_val(f, (long)j, name, XF_NONE, sc)) return -1;
        }
    }
    f->region = f->o->region ? f->o->region : f->stem;
    if (f->o->tz && ingest_set_tz(f, f->o->tz)) return -1;
    f->row = ingest_row_wide;
    return 1;
}

/* ---- series ---- */

/* Canonical column name of a user value column. */
static void value_name(const char *h, char *out, size_t cap, int *xf)
{
    ingest_slug(h, strlen(h), out, cap);
    *xf = XF_NONE;
    if (strcmp(out, "temp_f") == 0) {
        *xf = XF_F2C;
        snprintf(out, cap, "temp_c");
    } else if (strcmp(out, "temp_k") == 0) {
        *xf = XF_K2C;
        snprintf(out, cap, "temp_c");
    }
}

int read_series_setup(ing_file *f, int force)
{
    (void)force;
    const hr_ingest_opts *o = f->o;
    long tcols[4];
    size_t nt = 0;
    if (o->time_col && *o->time_col) {
        const char *p = o->time_col;
        while (*p) {
            const char *q = strchr(p, ',');
            size_t l = q ? (size_t)(q - p) : strlen(p);
            char nm[ING_NAMELEN];
            if (l >= sizeof nm || nt == 4) return ingest_line_err(f, HR_EINVAL, "bad time_col option");
            memcpy(nm, p, l);
            nm[l] = '\0';
            long j = ingest_hdr_find(f, nm);
            if (j < 0) return ingest_line_err(f, HR_EPARSE, "column '%s': not in the header", nm);
            tcols[nt++] = j;
            p += l + (q ? 1 : 0);
        }
    } else
        tcols[nt++] = 0;
    if (nt == 1) f->col[tcols[0]].role = COL_TIME;
    else if (nt == 2) {
        f->col[tcols[0]].role = COL_DATE;
        f->col[tcols[1]].role = COL_HOUR;
    } else if (nt == 4) {
        f->col[tcols[0]].role = COL_YEAR;
        f->col[tcols[1]].role = COL_MONTH;
        f->col[tcols[2]].role = COL_DAY;
        f->col[tcols[3]].role = COL_HOUR;
    } else
        return ingest_line_err(f, HR_EINVAL, "the time_col option takes 1, 2 (date,hour) or 4 (year,month,day,hour) names");
    f->time_col = (size_t)tcols[0];
    if (o->value_cols[0]) {
        for (size_t i = 0; i < HR_MAX_VALUE_COLS && o->value_cols[i]; i++) {
            long j = ingest_hdr_find(f, o->value_cols[i]);
            if (j < 0)
                return ingest_line_err(f, HR_EPARSE, "column '%s': not in the header", o->value_cols[i]);
            if (f->col[j].role != COL_SKIP)
                return ingest_col_err(f, HR_EINVAL, (size_t)j, "used twice");
            char nm[ING_NAMELEN];
            int xf;
            value_name(o->value_cols[i], nm, sizeof nm, &xf);
            if (i == 0) snprintf(nm, sizeof nm, "load_raw_mw"), xf = XF_NONE;
            if (set_val(f, j, nm, xf, xf == XF_NONE && strncmp(nm, "temp", 4) ? o->scale : 1.0)) return -1;
        }
    } else {
        size_t j;
        for (j = 0; j < f->nhdr; j++)
            if (f->col[j].role == COL_SKIP && !(o->region_col && ingest_hdr_is(f, j, o->region_col))) break;
        if (j == f->nhdr) return ingest_line_err(f, HR_EPARSE, "no value column");
        if (set_val(f, (long)j, "load_raw_mw", XF_NONE, o->scale)) return -1;
    }
    f->region = o->region ? o->region : f->stem;
    if (o->tz && ingest_set_tz(f, o->tz)) return -1;
    f->hour_ending = o->hour_ending;
    f->row = ingest_row_wide;
    return 1;
}

/* ---- PJM zone-load preset ---- */

int read_pjm_zone_setup(ing_file *f, int force)
{
    (void)force;
    if (f->nhdr != 2 || !ingest_hdr_is(f, 0, "Datetime") || !ends_with(f->hdr[1], "_MW")) return 0;
    size_t l = strlen(f->hdr[1]) - 3;
    if (l == 0 || l >= sizeof f->regbuf) return ingest_col_err(f, HR_EPARSE, 1, "bad zone name");
    f->col[0].role = COL_TIME;
    f->time_col = 0;
    if (set_val(f, 1, "load_raw_mw", XF_NONE, 1.0)) return -1;
    /* the fixed region lives in the stem buffer (file name not needed) */
    if (!f->o->region) {
        memcpy(f->stem, f->hdr[1], l);
        f->stem[l] = '\0';
    }
    f->region = f->o->region ? f->o->region : f->stem;
    if (ingest_set_tz(f, "America/New_York")) return -1;
    f->hour_ending = 1;
    f->row = ingest_row_wide;
    return 1;
}

/* ---- weather ---- */

int read_weather_setup(ing_file *f, int force)
{
    long j;
    f->region = f->o->region ? f->o->region : f->stem;
    if ((j = ingest_hdr_find(f, "Adjusted_Demand_MWh")) >= 0 && ingest_hdr_find(f, "Year") >= 0) {
        /* PNNL TELL: Year..Hour are EIA-930's hour-ending UTC date_time */
        f->col[ingest_hdr_find(f, "Year")].role = COL_YEAR;
        long m = ingest_hdr_find(f, "Month"), d = ingest_hdr_find(f, "Day"), h = ingest_hdr_find(f, "Hour");
        if (m < 0 || d < 0 || h < 0) return ingest_col_err(f, HR_EPARSE, 0, "TELL file without Month/Day/Hour");
        f->col[m].role = COL_MONTH;
        f->col[d].role = COL_DAY;
        f->col[h].role = COL_HOUR;
        f->time_col = (size_t)ingest_hdr_find(f, "Year");
        if (set_val(f, j, "load_raw_mw", XF_NONE, 1.0)) return -1;
        static const char *const opt[][2] = {{"Forecast_Demand_MWh", "forecast_mw"},
                                             {"Adjusted_Generation_MWh", "gen_total_mw"},
                                             {"Adjusted_Interchange_MWh", "interchange_mw"}};
        for (size_t i = 0; i < 3; i++)
            if ((j = ingest_hdr_find(f, opt[i][0])) >= 0 && set_val(f, j, opt[i][1], XF_NONE, 1.0))
                return -1;
        if ((j = ingest_hdr_find(f, "T2")) >= 0 && set_val(f, j, "temp_c", XF_K2C, 1.0)) return -1;
        f->hour_ending = 1;
        f->row = ingest_row_wide;
        return 1;
    }
    if (ingest_hdr_find(f, "Year") >= 0 && ingest_hdr_find(f, "Weekday") >= 0 &&
        ingest_hdr_find(f, "T1") >= 0 && (j = ingest_hdr_find(f, "Load")) >= 0) {
        /* BigDEAL 2022: Hour 1-24 hour-ending, temperature = mean of T1..T4 (degF) */
        long y = ingest_hdr_find(f, "Year"), m = ingest_hdr_find(f, "Month"),
             d = ingest_hdr_find(f, "Day"), h = ingest_hdr_find(f, "Hour");
        if (m < 0 || d < 0 || h < 0) return ingest_col_err(f, HR_EPARSE, 0, "BigDEAL file without Month/Day/Hour");
        f->col[y].role = COL_YEAR;
        f->col[m].role = COL_MONTH;
        f->col[d].role = COL_DAY;
        f->col[h].role = COL_HOUR;
        f->time_col = (size_t)y;
        if (set_val(f, j, "load_raw_mw", XF_NONE, 1.0)) return -1;
        for (size_t k = 0; k < f->nhdr; k++) {
            const char *hn = f->hdr[k];
            if ((hn[0] == 'T' || hn[0] == 't') && hn[1] >= '0' && hn[1] <= '9' && !hn[2]) {
                if (set_val(f, (long)k, "temp_c", XF_F2C, 1.0)) return -1;
                f->col[k].avg = 1;
                f->slot_avg[f->col[k].slot] = 1;
            }
        }
        f->hour_ending = 1;
        f->row = ingest_row_wide;
        return 1;
    }
    long dc = ingest_hdr_find(f, "Date"), hc = ingest_hdr_find(f, "Hour");
    long lc = ingest_hdr_find(f, "load"), tc = ingest_hdr_find(f, "T");
    if (dc >= 0 && hc >= 0 && lc >= 0 && tc >= 0) {
        /* GEFCom2014: Hour 1-24 hour-ending, no DST: read as UTC */
        f->col[dc].role = COL_DATE;
        f->col[hc].role = COL_HOUR;
        f->time_col = (size_t)dc;
        if (set_val(f, lc, "load_raw_mw", XF_NONE, 1.0) || set_val(f, tc, "temp_c", XF_F2C, 1.0))
            return -1;
        f->hour_ending = 1;
        f->row = ingest_row_wide;
        return 1;
    }
    long ts = ingest_hdr_find(f, "timeStamp"), dm = ingest_hdr_find(f, "demand"),
         tp = ingest_hdr_find(f, "temp");
    if (ts >= 0 && dm >= 0 && tp >= 0) {
        /* NYC: local prevailing time, hour-beginning, degF */
        f->col[ts].role = COL_TIME;
        f->time_col = (size_t)ts;
        if (set_val(f, dm, "load_raw_mw", XF_NONE, 1.0) || set_val(f, tp, "temp_c", XF_F2C, 1.0))
            return -1;
        if (ingest_set_tz(f, f->o->tz ? f->o->tz : "America/New_York")) return -1;
        f->row = ingest_row_wide;
        return 1;
    }
    f->region = NULL;
    if (force) return ingest_col_err(f, HR_EPARSE, 0, "not a known load-with-weather header");
    return 0;
}
