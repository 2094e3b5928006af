/* test_ingest_formats.c — the real-world layouts and quirks of
 * docs/formats.md at the library level: option checks, --region-col,
 * sub-hourly means across a DST change, day-first detection beyond the
 * first 64 KiB, the July 2024 fuel fold, the duplicate-hour diagnosis.
 * Expected instants from hand-worked conversions (CST = UTC-6, CDT = UTC-5)
 * checked with helpers.h's utc() (libc timegm). */
#include "ingest_fixture.h"

Test(ingest, new_options_are_checked)
{
    const char *p = fx("a.csv", "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1\n");
    hr_ingest_opts o = opts0();
    hr_series *s = NULL;
    o.min_coverage = 0;
    cr_assert_eq(hr_series_read(&p, 1, &o, &s), HR_EINVAL);
    cr_assert(strstr(hr_last_error(), "min_coverage"), "%s", hr_last_error());
    o.min_coverage = 1.5;
    cr_assert_eq(hr_series_read(&p, 1, &o, &s), HR_EINVAL);
    o = opts0();
    o.demand = (hr_demand)7;
    cr_assert_eq(hr_series_read(&p, 1, &o, &s), HR_EINVAL);
    o = opts0();
    o.delimiter = '"';
    cr_assert_eq(hr_series_read(&p, 1, &o, &s), HR_EINVAL);
    cr_assert_null(s);
    hr_ingest_opts d;
    hr_ingest_opts_init(&d);
    cr_assert_eq(d.min_coverage, 1.0);
    cr_assert_eq(d.demand, HR_DEMAND_RAW);
    cr_assert_eq(d.delimiter, 0);
    cr_assert_null(d.region_col);
}

Test(ingest, region_col_splits_a_series_file)
{
    const char *p = fx("areas.csv", "when,area,mw\n"
                                    "2020-01-01T00:00:00Z,NORTH,10\n2020-01-01T00:00:00Z,SOUTH,20\n"
                                    "2020-01-01T01:00:00Z,NORTH,11\n2020-01-01T01:00:00Z,SOUTH,21\n");
    hr_ingest_opts o = opts0();
    o.time_col = "when";
    o.value_cols[0] = "mw";
    hr_series *s = NULL;
    /* without it: a duplicate that names the column */
    cr_assert_eq(ingest_read(&p, 1, &o, 0, &s), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "areas.csv:3:") && strstr(hr_last_error(), "column 'area'") &&
                  strstr(hr_last_error(), "the region_col option") && !strstr(hr_last_error(), "on_duplicate"),
              "%s", hr_last_error());
    o.region_col = "area";
    for (size_t chunk = 0; chunk <= 3; chunk += 3) {
        s = rdc(&p, 1, &o, chunk);
        cr_assert_eq(hr_series_region_count(s), 2);
        cr_assert_eq(at(s, "NORTH", "load_raw_mw", utc(2020, 1, 1, 1)), 11.0);
        cr_assert_eq(at(s, "SOUTH", "load_raw_mw", utc(2020, 1, 1, 0)), 20.0);
        hr_series_free(s);
    }
}

Test(ingest, duplicate_names_the_finest_text_column)
{
    /* zone and load_area both differ between the first two rows; load_area
     * has more values (two areas share a zone): it is the one to split by */
    const char *p = fx("la.csv", "t,zone,load_area,mw\n"
                                 "2020-01-01T00:00:00Z,AE,AECO,1\n2020-01-01T00:00:00Z,BC,BC,2\n"
                                 "2020-01-01T00:00:00Z,AE,VMEU,3\n");
    hr_ingest_opts o = opts0();
    o.time_col = "t";
    o.value_cols[0] = "mw";
    hr_series *s = NULL;
    cr_assert_eq(ingest_read(&p, 1, &o, 0, &s), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "rows 2 and 3 differ in column 'load_area'"), "%s", hr_last_error());
}

Test(ingest, subhourly_means_across_the_autumn_repeat)
{
    /* 15-minute local America/Chicago, 2020-11-01: 01:00-01:45 CDT, then
     * 01:00-01:45 again in CST. The first 01:xx hour is 06:00Z, the second
     * 07:00Z; 00:xx CDT is 05:00Z. One interval of the second 01:00 hour is
     * missing: that hour has a value only with min_coverage <= 0.75. */
    const char *p = fx("q.csv", "timestamp,mw\n"
                                "2020-11-01 00:00,1\n2020-11-01 00:15,2\n2020-11-01 00:30,3\n2020-11-01 00:45,4\n"
                                "2020-11-01 01:00,10\n2020-11-01 01:15,10\n2020-11-01 01:30,20\n2020-11-01 01:45,20\n"
                                "2020-11-01 01:00,30\n2020-11-01 01:15,30\n2020-11-01 01:45,60\n"
                                "2020-11-01 02:00,7\n2020-11-01 02:15,7\n2020-11-01 02:30,7\n2020-11-01 02:45,7\n");
    hr_ingest_opts o = opts0();
    o.time_col = "timestamp";
    o.value_cols[0] = "mw";
    o.tz = "America/Chicago";
    for (size_t chunk = 0; chunk <= 3; chunk += 3) {
        hr_series *s = rdc(&p, 1, &o, chunk);
        grid_is(s, "q", utc(2020, 11, 1, 5), 4);
        cr_assert_eq(at(s, "q", "load_raw_mw", utc(2020, 11, 1, 5)), 2.5);
        cr_assert_eq(at(s, "q", "load_raw_mw", utc(2020, 11, 1, 6)), 15.0);
        cr_assert(isnan(at(s, "q", "load_raw_mw", utc(2020, 11, 1, 7))));
        cr_assert_eq(at(s, "q", "load_raw_mw", utc(2020, 11, 1, 8)), 7.0);
        hr_series_free(s);
    }
    o.min_coverage = 0.75;
    hr_series *s = rdc(&p, 1, &o, 0);
    cr_assert_eq(at(s, "q", "load_raw_mw", utc(2020, 11, 1, 7)), 40.0);
    hr_series_free(s);
    /* stamped at the interval end: 00:15 ends the first interval of 00:00 */
    o.min_coverage = 1;
    o.interval_end = 1;
    s = rdc(&p, 1, &o, 0);
    cr_assert_eq(at(s, "q", "load_raw_mw", utc(2020, 11, 1, 5)), (2.0 + 3 + 4 + 10) / 4);
    hr_series_free(s);
}

Test(ingest, dayfirst_decided_late_in_the_file)
{
    /* the only day above 12 comes after the first 64 KiB */
    size_t cap = 200000, k = 0;
    char *b = malloc(cap);
    k += (size_t)sprintf(b + k, "region,timestamp,load_mw\n");
    int rows = 0;
    while (k < 70000) { /* regions R0, R1, ... with 1-12 January each */
        int d = 1 + rows / 24 % 12, h = rows % 24;
        k += (size_t)sprintf(b + k, "R%d,%02d.01.2020 %02d:00,%d\n", rows / 288, d, h, rows % 288);
        rows++;
    }
    k += (size_t)sprintf(b + k, "R0,13.01.2020 00:00,-1\n");
    const char *p = fxn("late.csv", b, (long)k);
    free(b);
    hr_ingest_opts o = opts0();
    hr_series *s = rdc(&p, 1, &o, 0);
    /* "02.01.2020 00:00" is 2 January (row 24), not 1 February */
    cr_assert_eq(at(s, "R0", "load_raw_mw", utc(2020, 1, 2, 0)), 24.0);
    cr_assert_eq(at(s, "R0", "load_raw_mw", utc(2020, 1, 13, 0)), -1.0);
    hr_series_free(s);
}

Test(ingest, fuel_parts_fold_into_their_whole)
{
    /* a part without its whole becomes the whole (columns stay sorted) */
    const char *p = fx("f.csv", "region,timestamp,load_mw,gen_wind_battery_mw,gen_solar_mw,gen_solar_battery_mw\n"
                                "A,2020-01-01T00:00:00Z,1,5,100,20\nA,2020-01-01T01:00:00Z,1,,,7\n");
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(p, &o);
    size_t i = reg(s, "A");
    cr_assert_eq(at(s, "A", "gen_solar_mw", utc(2020, 1, 1, 0)), 120.0);
    cr_assert_eq(at(s, "A", "gen_solar_mw", utc(2020, 1, 1, 1)), 7.0);
    cr_assert_eq(at(s, "A", "gen_wind_mw", utc(2020, 1, 1, 0)), 5.0);
    cr_assert_eq(hr_series_column_count(s, i), 4);
    cr_assert_str_eq(hr_series_column_name(s, i, 2), "gen_solar_mw");
    cr_assert_str_eq(hr_series_column_name(s, i, 3), "gen_wind_mw");
    hr_series_free(s);
}

Test(ingest, eia_api_json_and_csv_agree)
{
    const char *j = fx("api.json",
                       "{\"response\": {\"data\": [\n"
                       "{\"period\": \"2024-03-10T08\", \"respondent\": \"ERCO\", \"type\": \"D\", \"value\": 40000},\n"
                       "{\"period\": \"2024-03-10T09\", \"respondent\": \"ERCO\", \"type\": \"D\", \"value\": null},\n"
                       "{\"period\": \"2024-03-10T10\", \"respondent\": \"ERCO\", \"type\": \"DF\", \"value\": \"41000.5\"}\n"
                       "]}}\n");
    const char *c = fx("api.csv", "period,respondent,type,value\n2024-03-10T08,ERCO,D,40000\n"
                                  "2024-03-10T09,ERCO,D,\n2024-03-10T10,ERCO,DF,41000.5\n");
    hr_ingest_opts o = opts0();
    hr_series *a = rd1(j, &o), *b = rd1(c, &o);
    cr_assert_eq(at(a, "ERCO", "load_raw_mw", utc(2024, 3, 10, 7)), 40000.0);
    cr_assert(isnan(at(a, "ERCO", "load_raw_mw", utc(2024, 3, 10, 8))));
    cr_assert_eq(at(a, "ERCO", "forecast_mw", utc(2024, 3, 10, 9)), 41000.5);
    cr_assert_eq(at(b, "ERCO", "forecast_mw", utc(2024, 3, 10, 9)), 41000.5);
    grid_is(a, "ERCO", utc(2024, 3, 10, 7), 3);
    grid_is(b, "ERCO", utc(2024, 3, 10, 7), 3);
    cr_assert_str_eq(a->reg[0].tz, "America/Chicago");
    hr_series_free(a);
    hr_series_free(b);
}

Test(ingest, iso_basic_forms)
{
    /* fast path (no offset) and slow path (offset) agree with the extended form */
    const char *p = fx("b.csv", "region,timestamp,load_mw\nA,20150702T01Z,1\nA,20150702T0200Z,2\n"
                                "A,20150702T030000Z,3\nA,20150702T05+0100,4\nA,20150702T06:00Z,5\n");
    hr_ingest_opts o = opts0();
    hr_series *s = NULL;
    cr_assert_eq(ingest_read(&p, 1, &o, 0, &s), HR_EPARSE); /* basic date, extended time */
    cr_assert(strstr(hr_last_error(), "b.csv:6:"), "%s", hr_last_error());
    p = fx("b2.csv", "region,timestamp,load_mw\nA,20150702T01Z,1\nA,20150702T0200Z,2\n"
                     "A,20150702T030000Z,3\nA,20150702T05+0100,4\nB,20150702T00,9\n");
    o.tz = "America/New_York";
    for (size_t chunk = 0; chunk <= 3; chunk += 3) {
        s = rdc(&p, 1, &o, chunk);
        grid_is(s, "A", utc(2015, 7, 2, 1), 4);
        cr_assert_eq(at(s, "A", "load_raw_mw", utc(2015, 7, 2, 3)), 3.0);
        cr_assert_eq(at(s, "A", "load_raw_mw", utc(2015, 7, 2, 4)), 4.0);
        /* naive basic time in the zone: 00:00 EDT = 04:00Z */
        grid_is(s, "B", utc(2015, 7, 2, 4), 1);
        hr_series_free(s);
    }
}
