/* read_iso.c — readers of ISO files (read_ercot_native_setup,
 * read_ercot_fuel_setup, read_pjm_gen_setup).
 *
 *  - ercot-native: ERCOT "Native Load" by weather zone. US Central prevailing
 *    time (America/Chicago), hour-ending: "24:00" (or, in 2015-16, the next
 *    day's "0:00") ends the day; the spring hour is absent; the autumn repeat
 *    is "... 02:00 DST" (2017 on) or an unflagged duplicate (2015-16), both
 *    resolved by ingest_local_time. Each zone column becomes a region
 *    "ERCOT-<zone>" (2015-16 names mapped to the later ones), "ERCOT" the total.
 *  - ercot-fuel: ERCOT Fuel Mix Report TSV, one row per day and fuel with
 *    96 quarter-hour MWh columns "0:15" .. "0:00" (= 24:00) plus, in
 *    November, "01:15 (DST)" .. "02:00 (DST)" for the repeated hour. The MW
 *    mean of an hour is the sum of its four quarter-hour MWh (MWh over one
 *    hour = mean MW). Blank hours (the skipped spring hour, the DST columns
 *    of other days) are absent.
 *  - pjm-gen: PJM Data Miner 2 gen_by_fuel, UTC hour-beginning, rows in any
 *    order, one fuel per row; and hrl_load_metered (datetime_beginning_utc,
 *    ..., zone, load_area, mw), one region per load_area.
 */
#include "ingest/ingest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- ercot-native ---- */

static int ercot_native_row(ing_file *f)
{
    int64_t t;
    int r = ingest_row_time(f, "ERCOT", -1, &t);
    if (r) return r < 0 ? -1 : ingest_gap_err(f, &f->gap_civ);
    static const char *const load[1] = {"load_raw_mw"};
    for (size_t s = 0; s < f->nslot; s++)
        if (ingest_push(f, f->slot_name[s], t, 1, load, &f->val[s])) return -1;
    return 0;
}

int read_ercot_native_setup(ing_file *f, int force)
{
    (void)force;
    if (!(ingest_hdr_is(f, 0, "Hour Ending") || ingest_hdr_is(f, 0, "HourEnding") ||
          ingest_hdr_is(f, 0, "Hour_End")))
        return 0;
    static const char *const rename[][2] = {
        {"FAR_WEST", "FWEST"}, {"NORTH_C", "NCENT"}, {"SOUTHERN", "SOUTH"}, {"SOUTH_C", "SCENT"}};
    f->col[0].role = COL_TIME;
    f->time_col = 0;
    for (size_t j = 1; j < f->nhdr; j++) {
        const char *z = f->hdr[j];
        if (!*z) return ingest_col_err(f, HR_EPARSE, j, "empty zone name");
        for (size_t i = 0; i < sizeof rename / sizeof rename[0]; i++)
            if (strcasecmp(z, rename[i][0]) == 0) z = rename[i][1];
        char reg[ING_NAMELEN];
        if (strcasecmp(z, "ERCOT") == 0) snprintf(reg, sizeof reg, "ERCOT");
        else snprintf(reg, sizeof reg, "ERCOT-%s", z);
        int s = ingest_slot(f, reg);
        if (s < 0) return ingest_col_err(f, HR_EPARSE, j, "too many zones");
        f->col[j].role = COL_VAL;
        f->col[j].slot = (uint16_t)s;
        f->col[j].scale = 1.0;
    }
    if (f->nslot == 0) return ingest_col_err(f, HR_EPARSE, 0, "no zone columns");
    if (ingest_set_tz(f, "America/Chicago")) return -1;
    f->hour_ending = 1;
    f->row = ercot_native_row;
    return 1;
}

/* ---- ercot-fuel ---- */

/* Slots 0..23: hour-beginning local hour of the day; slot 24: the repeated
 * (second) occurrence of hour f->mode. Quarter-hour columns sum into their
 * hour's slot (avg flag = accumulate with a count). */
static int ercot_fuel_row(ing_file *f)
{
    if (!f->have_time) return ingest_line_err(f, HR_EPARSE, "no date");
    const char *reg = f->o->region ? f->o->region : "ERCOT";
    char k[ING_NAMELEN], name[ING_NAMELEN + 8];
    ingest_fuel_key(f->key, strlen(f->key), k, sizeof k);
    if (!*k) return ingest_line_err(f, HR_EPARSE, "empty fuel name");
    snprintf(name, sizeof name, "gen_%s_mw", k);
    const char *nm = name;
    for (size_t s = 0; s < f->nslot && s < 25; s++) {
        if (f->cnt[s] == 0) continue; /* blank hour: not given */
        double mw = f->cnt[s] == 4 ? f->val[s] : NAN; /* a partial hour is missing */
        cal_civil c = f->civ;
        c.hour = s < 24 ? (int)s : f->mode;
        c.minute = c.second = 0;
        int64_t t;
        int r = ingest_local_time(f, &c, reg, s < 24 ? 0 : 1, s == 24, &t);
        if (r) return r < 0 ? -1 : ingest_gap_err(f, &c);
        if (ingest_push(f, reg, t, 1, &nm, &mw)) return -1;
    }
    return 0;
}

/* "H:MM" or "HH:MM (DST)" -> minutes since midnight (0:00 -> 1440), dst. */
static int interval_label(const char *h, int *min, int *dst)
{
    int hh = 0, mm = 0, n = 0;
    const char *p = h;
    while (*p >= '0' && *p <= '9' && n < 2) hh = hh * 10 + (*p++ - '0'), n++;
    if (!n || *p++ != ':') return -1;
    if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9') return -1;
    mm = (p[0] - '0') * 10 + (p[1] - '0');
    p += 2;
    *dst = 0;
    while (*p == ' ') p++;
    if (strcasecmp(p, "(DST)") == 0) *dst = 1;
    else if (*p) return -1;
    int m = hh * 60 + mm;
    if (m == 0) m = 1440;
    if (m % 15 || m > 1440) return -1;
    *min = m;
    return 0;
}

int read_ercot_fuel_setup(ing_file *f, int force)
{
    (void)force;
    long dc = ingest_hdr_find(f, "Date"), fc = ingest_hdr_find(f, "Fuel");
    if (dc < 0 || fc < 0 || ingest_hdr_find(f, "Settlement Type") < 0) return 0;
    f->col[dc].role = COL_DATE;
    f->time_col = (size_t)dc;
    f->col[fc].role = COL_KEY;
    char nm[16];
    for (int s = 0; s < 25; s++) {
        snprintf(nm, sizeof nm, "h%d", s);
        ingest_slot(f, nm);
    }
    int nq[25] = {0};
    f->mode = -1;
    for (size_t j = 0; j < f->nhdr; j++) {
        if ((long)j == dc || (long)j == fc) continue;
        int m, dst;
        if (interval_label(f->hdr[j], &m, &dst)) continue; /* Settlement Type, Total, extras */
        int hb = (m - 15) / 60, s = hb;
        if (dst) {
            if (f->mode >= 0 && f->mode != hb)
                return ingest_col_err(f, HR_EPARSE, j, "DST intervals of two different hours");
            f->mode = hb;
            s = 24;
        }
        f->col[j].role = COL_VAL;
        f->col[j].avg = 1;
        f->col[j].slot = (uint16_t)s;
        f->col[j].scale = 1.0;
        if (++nq[s] > 4) return ingest_col_err(f, HR_EPARSE, j, "interval given twice");
    }
    for (int s = 0; s < 24; s++)
        if (nq[s] != 4) return ingest_col_err(f, HR_EPARSE, 0, "missing quarter-hour columns of hour %d", s);
    if (f->mode >= 0 && nq[24] != 4) return ingest_col_err(f, HR_EPARSE, 0, "incomplete DST interval columns");
    if (ingest_set_tz(f, "America/Chicago")) return -1;
    f->row = ercot_fuel_row;
    return 1;
}

/* ---- pjm-gen ---- */

static int pjm_gen_row(ing_file *f)
{
    const char *reg = f->o->region ? f->o->region : "PJM";
    char k[ING_NAMELEN], name[ING_NAMELEN + 8];
    ingest_fuel_key(f->key, strlen(f->key), k, sizeof k);
    if (!*k) return ingest_line_err(f, HR_EPARSE, "empty fuel type");
    snprintf(name, sizeof name, "gen_%s_mw", k);
    return ingest_row_one(f, reg, name);
}

int read_pjm_gen_setup(ing_file *f, int force)
{
    (void)force;
    long tc = ingest_hdr_find(f, "datetime_beginning_utc");
    long fc = ingest_hdr_find(f, "fuel_type");
    long vc = ingest_hdr_find(f, "mw");
    long la = ingest_hdr_find(f, "load_area");
    if (tc >= 0 && vc >= 0 && fc < 0 && la >= 0) {
        /* hrl_load_metered: metered load per load area */
        f->col[tc].role = COL_TIME;
        f->time_col = (size_t)tc;
        f->col[la].role = COL_REGION;
        int s = ingest_slot(f, "load_raw_mw");
        f->col[vc].role = COL_VAL;
        f->col[vc].slot = (uint16_t)s;
        f->col[vc].scale = 1.0;
        if (f->o->region) f->region = f->o->region;
        f->chunk_tz = "America/New_York";
        f->row = ingest_row_wide;
        return 1;
    }
    if (tc < 0 || fc < 0 || vc < 0) return 0;
    f->col[tc].role = COL_TIME;
    f->time_col = (size_t)tc;
    f->col[fc].role = COL_KEY;
    ingest_slot(f, "mw");
    f->col[vc].role = COL_VAL;
    f->col[vc].slot = 0;
    f->col[vc].scale = 1.0;
    f->chunk_tz = "America/New_York";
    f->row = pjm_gen_row;
    return 1;
}
