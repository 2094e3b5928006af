/* read_eia.c — readers of EIA Form 930 data (read_eia930_setup,
 * read_eia930_ba_setup, read_us48_setup).
 *
 * All EIA-930 series are UTC, hour-ending: the row stamped 05:00 is the mean
 * MW over 04:00-05:00 UTC, so it lands on the hour-beginning grid at 04:00.
 *  - eia930: the BALANCE six-month files as EIA publishes them; one file
 *    holds many balancing authorities (one region each); numbers have
 *    thousands separators; fuel columns "Net Generation (MW) from <fuel>" are
 *    mapped by name to gen_<fuel>_mw, the set differs by half-year.
 *  - eia930-ba: per-BA files of the cleaned release (Ruggles et al. 2020),
 *    region = file name; the published category and cleaned value are kept
 *    as category_pub (hr_flag code) and load_pub_mw.
 *  - us48: RamiKrispin/USgrid long files, one (time, value, key) per row.
 */
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int set_val(ing_file *f, long j, const char *slot, int miss)
{
    int s = ingest_slot(f, slot);
    if (s < 0) return ingest_line_err(f, HR_EPARSE, "too many value columns");
    f->col[j].role = COL_VAL;
    f->col[j].slot = (uint16_t)s;
    f->col[j].miss = (uint8_t)miss;
    f->col[j].scale = 1.0;
    return 0;
}

int read_eia930_ba_setup(ing_file *f, int force)
{
    (void)force;
    if (!ingest_hdr_is(f, 0, "date_time")) return 0;
    long raw = ingest_hdr_find(f, "raw demand (MW)");
    if (raw < 0) raw = ingest_hdr_find(f, "demand (MW)");
    if (raw < 0) return 0;
    f->col[0].role = COL_TIME;
    f->time_col = 0;
    if (set_val(f, raw, "load_raw_mw", MISS_EIA)) return -1;
    long j;
    if ((j = ingest_hdr_find(f, "category")) >= 0) {
        int s = ingest_slot(f, "category_pub");
        f->col[j].role = COL_LABEL;
        f->col[j].slot = (uint16_t)s;
    }
    if ((j = ingest_hdr_find(f, "cleaned demand (MW)")) >= 0 &&
        set_val(f, j, "load_pub_mw", MISS_EIA))
        return -1;
    if ((j = ingest_hdr_find(f, "forecast demand (MW)")) >= 0 &&
        set_val(f, j, "forecast_mw", MISS_EIA))
        return -1;
    f->region = f->o->region ? f->o->region : f->stem;
    f->hour_ending = 1;
    f->row = ingest_row_wide;
    return 1;
}

int read_eia930_setup(ing_file *f, int force)
{
    (void)force;
    long ba = ingest_hdr_find(f, "Balancing Authority");
    long utc = ingest_hdr_find(f, "UTC Time at End of Hour");
    if (ba < 0 || utc < 0) return 0;
    if (ingest_hdr_find(f, "Directly Interconnected Balancing Authority") >= 0)
        return ingest_col_err(f, HR_EPARSE, (size_t)ba,
                              "an EIA-930 INTERCHANGE file (hourly flows between pairs of balancing "
                              "authorities), not demand: read the BALANCE or SUBREGION file");
    long sub = ingest_hdr_find(f, "Sub-Region");
    if (sub < 0) sub = ingest_hdr_find(f, "Subregion");
    /* the demand column read as the load (the demand option) */
    static const char *const demand_col[] = {"Demand (MW)", "Demand (MW) (Adjusted)",
                                             "Demand (MW) (Imputed)"};
    int dk = (int)f->o->demand;
    if (dk < 0 || dk > 2) dk = 0;
    long dem = ingest_hdr_find(f, demand_col[dk]);
    if (dem < 0)
        return ingest_col_err(f, HR_EPARSE, (size_t)utc, "no '%s' column%s", demand_col[dk],
                              dk ? " (the demand option)" : "");
    f->col[ba].role = COL_REGION;
    f->col[utc].role = COL_TIME;
    f->time_col = (size_t)utc;
    if (sub >= 0) {
        /* SUBREGION: one region per BA and sub-region, BA-SUBREGION */
        f->col[sub].role = COL_KEY;
        f->join_key = 1;
    }
    static const char *const fixed[][2] = {
        {"Demand (MW)", "load_reported_mw"},
        {"Demand Forecast (MW)", "forecast_mw"},
        {"Net Generation (MW)", "gen_total_mw"},
        {"Total Interchange (MW)", "interchange_mw"},
        {"Demand (MW) (Imputed)", "load_imputed_mw"},
        {"Demand (MW) (Adjusted)", "load_adjusted_mw"},
    };
    if (set_val(f, dem, "load_raw_mw", MISS_NONE)) return -1;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        long j = ingest_hdr_find(f, fixed[i][0]);
        if (j >= 0 && j != dem && set_val(f, j, fixed[i][1], MISS_NONE)) return -1;
    }
    static const char pre[] = "Net Generation (MW) from ";
    for (size_t j = 0; j < f->nhdr; j++) {
        const char *h = f->hdr[j];
        size_t hl = strlen(h);
        if (hl <= sizeof pre - 1 || strncasecmp(h, pre, sizeof pre - 1) != 0) continue;
        const char *fuel = h + sizeof pre - 1;
        size_t fl = hl - (sizeof pre - 1);
        if (fuel[fl - 1] == ')') continue; /* "(Adjusted)"/"(Imputed)" variants: not the raw value */
        char key[ING_NAMELEN], name[ING_NAMELEN + 8];
        ingest_fuel_key(fuel, fl, key, sizeof key);
        snprintf(name, sizeof name, "gen_%s_mw", key);
        for (size_t s = 0; s < f->nslot; s++)
            if (strcmp(f->slot_name[s], name) == 0) { /* two names, one key: keep both */
                ingest_slug(fuel, fl, key, sizeof key);
                snprintf(name, sizeof name, "gen_%s_mw", key);
                break;
            }
        if (set_val(f, (long)j, name, MISS_NONE)) return -1;
    }
    f->hour_ending = 1;
    f->row = ingest_row_wide;
    return 1;
}

/* ---- us48 ---- */

/* f->mode: 1 = key is a fuel (US_source.csv), 0 = demand/generation (US_elec.csv) */
static int us48_row(ing_file *f)
{
    const char *reg = f->o->region ? f->o->region : "US48";
    char name[ING_NAMELEN + 8], k[ING_NAMELEN];
    if (f->mode) {
        ingest_fuel_key(f->key, strlen(f->key), k, sizeof k);
        snprintf(name, sizeof name, "gen_%s_mw", k);
    } else {
        ingest_slug(f->key, strlen(f->key), k, sizeof k);
        if (strcmp(k, "demand") == 0) snprintf(name, sizeof name, "load_raw_mw");
        else if (strcmp(k, "generation") == 0 || strcmp(k, "net_generation") == 0)
            snprintf(name, sizeof name, "gen_total_mw");
        else if (strcmp(k, "interchange") == 0 || strcmp(k, "total_interchange") == 0)
            snprintf(name, sizeof name, "interchange_mw");
        else if (strcmp(k, "forecast") == 0 || strcmp(k, "demand_forecast") == 0)
            snprintf(name, sizeof name, "forecast_mw");
        else
            snprintf(name, sizeof name, "%s_mw", k);
    }
    if (!*k) return ingest_line_err(f, HR_EPARSE, "empty series key");
    return ingest_row_one(f, reg, name);
}

int read_us48_setup(ing_file *f, int force)
{
    (void)force;
    long tc = ingest_hdr_find(f, "date_time");
    long vc = ingest_hdr_find(f, "series");
    long src = ingest_hdr_find(f, "source");
    long typ = ingest_hdr_find(f, "type");
    if (tc < 0 || vc < 0 || (src < 0) == (typ < 0)) return 0;
    f->mode = src >= 0;
    f->col[tc].role = COL_TIME;
    f->time_col = (size_t)tc;
    f->col[src >= 0 ? src : typ].role = COL_KEY;
    if (set_val(f, vc, "value", MISS_NONE)) return -1;
    f->hour_ending = 1;
    f->row = us48_row;
    return 1;
}
