/* read_eia_api.c — EIA API v2 exports of electricity/rto (read_eia_api_setup,
 * ingest_read_json).
 *
 * region-data and fuel-type-data, as CSV downloads or JSON responses: one
 * row (or JSON record) per period, respondent and type, with
 * period,respondent,respondent-name,type|fueltype,type-name,value,value-units.
 * period is UTC hour-ending ("2024-01-01T05"; the local-hourly frequency
 * writes "2024-01-01T00-05", its offset is honoured). One region per
 * respondent; region-data types D, DF, NG, TI go to load_raw_mw,
 * forecast_mw, gen_total_mw and interchange_mw, fuel types to gen_<fuel>_mw
 * under the names of the BALANCE files' fuel columns. region-sub-ba-data
 * (subba, parent) gives regions PARENT-SUBBA.
 * EIA's API documentation: https://www.eia.gov/opendata/documentation.php
 */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* region-data types */
static const char *const rto_type[][2] = {
    {"D", "load_raw_mw"}, {"DF", "forecast_mw"}, {"NG", "gen_total_mw"}, {"TI", "interchange_mw"}};

/* fuel-type-data codes -> fuel key (as ingest_fuel_key names the BALANCE
 * files' "Net Generation (MW) from <fuel>" columns) */
static const char *const fuel_code[][2] = {
    {"COL", "coal"},     {"NG", "gas"},          {"NUC", "nuclear"},
    {"OIL", "oil"},      {"WAT", "hydro"},       {"SUN", "solar"},
    {"WND", "wind"},     {"OTH", "other"},       {"UNK", "unknown"},
    {"BAT", "battery"},  {"SNB", "solar_battery"}, {"WNB", "wind_battery"},
    {"PS", "pumped_storage"}, {"OES", "other_storage"}, {"UES", "unknown_storage"},
    {"GEO", "geothermal"},
};

static size_t key_col(const ing_file *f)
{
    for (size_t j = 0; j < f->ncol; j++)
        if (f->col[j].role == COL_KEY) return j;
    return 0;
}

/* f->mode: 0 region-data, 1 fuel-type-data, 2 region-sub-ba-data */
static int api_row(ing_file *f)
{
    char reg[2 * ING_NAMELEN + 2], name[ING_NAMELEN + 8];
    if (f->mode == 2) snprintf(reg, sizeof reg, "%s-%s", f->regbuf, f->key);
    else snprintf(reg, sizeof reg, "%s", f->region ? f->region : f->regbuf);
    if (f->mode == 2) {
        snprintf(name, sizeof name, "load_raw_mw");
    } else {
        size_t i, n = f->mode ? sizeof fuel_code / sizeof fuel_code[0] : sizeof rto_type / sizeof rto_type[0];
        const char *const(*tab)[2] = f->mode ? fuel_code : rto_type;
        for (i = 0; i < n; i++)
            if (strcasecmp(f->key, tab[i][0]) == 0) break;
        if (i == n && !f->mode)
            return ingest_col_err(f, HR_EPARSE, key_col(f),
                                  "unknown region-data type '%s' (D, DF, NG or TI)", f->key);
        if (f->mode) {
            char k[ING_NAMELEN];
            if (i < n) snprintf(k, sizeof k, "%s", tab[i][1]);
            else ingest_slug(f->key, strlen(f->key), k, sizeof k);
            snprintf(name, sizeof name, "gen_%s_mw", k);
        } else
            snprintf(name, sizeof name, "%s", tab[i][1]);
    }
    return ingest_row_one(f, reg, name);
}

int read_eia_api_setup(ing_file *f, int force)
{
    long per = ingest_hdr_find(f, "period"), val = ingest_hdr_find(f, "value");
    long resp = ingest_hdr_find(f, "respondent"), typ = ingest_hdr_find(f, "type");
    long fuel = ingest_hdr_find(f, "fueltype");
    long sub = ingest_hdr_find(f, "subba"), par = ingest_hdr_find(f, "parent");
    if (per < 0 || val < 0) {
        if (force) return ingest_col_err(f, HR_EPARSE, 0, "no 'period' and 'value' columns (EIA API v2)");
        return 0;
    }
    if (sub >= 0 && par >= 0) {
        f->mode = 2;
        f->col[par].role = COL_REGION;
        f->col[sub].role = COL_KEY;
    } else if (resp >= 0 && (typ >= 0 || fuel >= 0)) {
        f->mode = fuel >= 0;
        f->col[resp].role = COL_REGION;
        f->col[fuel >= 0 ? fuel : typ].role = COL_KEY;
    } else {
        if (force)
            return ingest_col_err(f, HR_EPARSE, (size_t)per,
                                  "EIA API v2 export without respondent and type/fueltype "
                                  "(or subba and parent) columns");
        return 0;
    }
    f->col[per].role = COL_TIME;
    f->col[per].need_hour = 1; /* the API's daily and monthly periods are dates */
    f->time_col = (size_t)per;
    int s = ingest_slot(f, "value");
    f->col[val].role = COL_VAL;
    f->col[val].slot = (uint16_t)s;
    f->col[val].scale = f->o->scale;
    f->col[val].miss = MISS_NA;
    if (f->o->region && f->mode != 2) f->region = f->o->region;
    f->hour_ending = 1;
    f->row = api_row;
    return 1;
}

/* ---- JSON ---- */

/* Line of byte offset off of p (1-based). */
static unsigned long line_at(const char *p, size_t off)
{
    unsigned long l = 1;
    for (const char *q = p, *e = p + off; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++) l++;
    return l;
}

/* Lines of the records: the k-th '"period":' key of the text starts
 * record k (json-c keeps no positions). 0 when the count differs. */
static int record_lines(const char *p, size_t n, size_t nrec, unsigned long *lines)
{
    size_t k = 0;
    unsigned long l = 1;
    const char *q = p, *e = p + n, *last = p;
    while (q < e && (q = memmem(q, (size_t)(e - q), "\"period\"", 8)) != NULL) {
        const char *r = q + 8;
        while (r < e && (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')) r++;
        if (r < e && *r == ':') {
            for (const char *z = last; (z = memchr(z, '\n', (size_t)(q - z))) != NULL; z++) l++;
            last = q;
            if (k == nrec) return 0;
            lines[k++] = l;
        }
        q += 8;
    }
    return k == nrec;
}

static void feed(ing_file *f, const char *s)
{
    ingest_cb_field((void *)s, strlen(s), f);
}

void ingest_read_json(ing_file *f, const char *p, size_t n)
{
    struct json_tokener *tok = json_tokener_new();
    if (!tok) {
        f->status = err_set(HR_ENOMEM, "%s: out of memory", f->path);
        return;
    }
    json_object *root = json_tokener_parse_ex(tok, p, (int)(n > 0x7fffffff ? 0x7fffffff : n));
    enum json_tokener_error je = json_tokener_get_error(tok);
    if (!root || je != json_tokener_success) {
        unsigned long l = line_at(p, tok->char_offset < 0 ? 0 : (size_t)tok->char_offset);
        f->status = err_set(HR_EPARSE, "%s:%lu: a JSON file that does not parse: %s", f->path, l,
                           je == json_tokener_continue || je == json_tokener_success
                               ? "the text ends inside a value"
                               : json_tokener_error_desc(je));
        json_object_put(root);
        json_tokener_free(tok);
        return;
    }
    json_tokener_free(tok);
    json_object *resp = NULL, *data = NULL;
    if (!json_object_object_get_ex(root, "response", &resp) ||
        !json_object_object_get_ex(resp, "data", &data) || !json_object_is_type(data, json_type_array)) {
        f->status = err_set(HR_EPARSE,
                           "%s:1: a JSON file, not CSV text (JSON is read only as an EIA API v2 "
                           "response with response.data)", f->path);
        json_object_put(root);
        return;
    }
    json_object *freq = NULL;
    if (json_object_object_get_ex(resp, "frequency", &freq) && json_object_is_type(freq, json_type_string)) {
        const char *fq = json_object_get_string(freq);
        if (strcmp(fq, "hourly") != 0 && strcmp(fq, "local-hourly") != 0) {
            f->status = err_set(HR_EPARSE, "%s:1: an EIA API response of frequency '%s' (hourly or "
                               "local-hourly data is read)", f->path, fq);
            json_object_put(root);
            return;
        }
    }
    size_t nrec = json_object_array_length(data);
    if (nrec == 0) {
        f->status = err_set(HR_EDATA, "%s:1: no data rows (response.data is empty)", f->path);
        json_object_put(root);
        return;
    }
    /* the header: the keys of the first record */
    json_object *r0 = json_object_array_get_idx(data, 0);
    if (!json_object_is_type(r0, json_type_object)) {
        f->status = err_set(HR_EPARSE, "%s:1: response.data[0] is not an object", f->path);
        json_object_put(root);
        return;
    }
    const char *keys[16];
    size_t nk = 0;
    json_object_object_foreach(r0, key, v0) {
        (void)v0;
        if (nk < 16) keys[nk++] = key;
    }
    unsigned long *lines = mem_array(nrec, sizeof *lines);
    if (!lines) {
        f->status = err_set(HR_ENOMEM, "%s: out of memory", f->path);
        json_object_put(root);
        return;
    }
    int have_lines = record_lines(p, n, nrec, lines);
    f->delim = ',';
    for (size_t k = 0; k < nk && !f->status; k++) feed(f, keys[k]);
    if (!f->status) ingest_cb_row('\n', f);
    for (size_t i = 0; i < nrec && !f->status; i++) {
        json_object *rec = json_object_array_get_idx(data, i);
        f->line = have_lines ? lines[i] : 1;
        if (!json_object_is_type(rec, json_type_object)) {
            ingest_line_err(f, HR_EPARSE, "response.data[%zu] is not an object", i);
            break;
        }
        for (size_t k = 0; k < nk && !f->status; k++) {
            json_object *v = NULL;
            const char *s = "";
            if (json_object_object_get_ex(rec, keys[k], &v) && v) s = json_object_get_string(v);
            feed(f, s);
        }
        if (!f->status) ingest_cb_row('\n', f);
    }
    mem_free(lines);
    json_object_put(root);
}
