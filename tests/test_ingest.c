/* test_ingest.c — readers, gridding, DST, merging, malformed input.
 *
 * Expected instants are computed with libc timegm() (an outside reference)
 * from hand-worked local -> UTC conversions written next to each check
 * (CST = UTC-6, CDT = UTC-5, EST = UTC-5). Integration tests on the shared
 * real files compare with tests/data/ingest_ref.py (Python csv + zoneinfo). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "headroom.h"
#include "helpers.h"
#include "ingest/ingest.h"
#include "ingest/series.h"
#include "ingest_fixture.h"

/* ------------------------------------------------------------ numbers */

Test(ingest, number_parser_matches_strtod)
{
    /* Reference: glibc strtod (correctly rounded). Random decimals of 1-17
     * digits with random point positions: must be bit-identical. */
    srand(12345);
    char buf[64];
    for (int it = 0; it < 200000; it++) {
        int nd = 1 + rand() % 17, pt = rand() % (nd + 1);
        int k = 0;
        if (rand() % 4 == 0) buf[k++] = '-';
        for (int d = 0; d < nd; d++) {
            if (d == pt && d > 0) buf[k++] = '.';
            buf[k++] = (char)('0' + rand() % 10);
        }
        if (rand() % 8 == 0) k += sprintf(buf + k, "e%d", rand() % 40 - 20);
        buf[k] = '\0';
        double a, b = strtod(buf, NULL);
        cr_assert_eq(ingest_parse_num(buf, (size_t)k, &a), 0, "%s", buf);
        cr_assert(memcmp(&a, &b, sizeof a) == 0, "%s: %.17g vs strtod %.17g", buf, a, b);
    }
    double v;
    cr_assert_eq(ingest_parse_num(" 8,791.79 ", 10, &v), 0);
    cr_assert_eq(v, 8791.79); /* same literal through the compiler's strtod */
    cr_assert_eq(ingest_parse_num("1,234,567", 9, &v), 0);
    cr_assert_eq(v, 1234567.0);
    cr_assert_eq(ingest_parse_num("", 0, &v), 1);
    cr_assert_eq(ingest_parse_num("  ", 2, &v), 1);
    const char *bad[] = {"1,23", "12,3456", ",123", "1.2.3", "1e", "N/A", "12x", "1 2", "--1", "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(ingest_parse_num(bad[i], strlen(bad[i]), &v), -1, "%s accepted", bad[i]);
}

/* ------------------------------------------------------------ eia930-ba */

Test(ingest, eia930_ba_missing_tokens_categories)
{
    const char *p = fx("XYZ.csv",
                       "date_time,raw demand (MW),category,cleaned demand (MW),forecast demand (MW)\n"
                       "2020-01-01 01:00:00,100,OKAY,100.0,90\n"
                       "2020-01-01 02:00:00,MISSING,MISSING,101.5,91\n"
                       "2020-01-01 03:00:00,EMPTY,MISSING,102,\n"
                       "2020-01-01 04:00:00,-5,NEG_OR_ZERO,103,93\n");
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(p, &o);
    /* hour-ending UTC: the 01:00 row is the hour beginning 00:00Z */
    grid_is(s, "XYZ", utc(2020, 1, 1, 0), 4);
    cr_assert_eq(at(s, "XYZ", "load_raw_mw", utc(2020, 1, 1, 0)), 100.0);
    cr_assert(isnan(at(s, "XYZ", "load_raw_mw", utc(2020, 1, 1, 1))));
    cr_assert(isnan(at(s, "XYZ", "load_raw_mw", utc(2020, 1, 1, 2))));
    cr_assert_eq(at(s, "XYZ", "load_raw_mw", utc(2020, 1, 1, 3)), -5.0);
    cr_assert_eq(at(s, "XYZ", "category_pub", utc(2020, 1, 1, 1)), (double)HR_FLAG_MISSING);
    cr_assert_eq(at(s, "XYZ", "category_pub", utc(2020, 1, 1, 3)), (double)HR_FLAG_NEG_OR_ZERO);
    cr_assert_eq(at(s, "XYZ", "load_pub_mw", utc(2020, 1, 1, 1)), 101.5);
    cr_assert(isnan(at(s, "XYZ", "forecast_mw", utc(2020, 1, 1, 2))));
    const uint8_t *fl;
    cr_assert_eq(hr_series_flags(s, 0, &fl), HR_OK);
    cr_assert_eq(fl[0], HR_FLAG_OKAY);
    cr_assert_eq(fl[1], HR_FLAG_MISSING);
    cr_assert_eq(at(s, "XYZ", "load_mw", utc(2020, 1, 1, 3)), -5.0); /* screen=0: copy */
    hr_series_free(s);

    /* iso_2020 form, CRLF; a BA code gets its zone from the acronym table */
    p = fx("PSCO.csv", "date_time,demand (MW)\r\n2020-07-01 00:00:00,5000\r\n2020-07-01 01:00:00,5100\r\n");
    s = rd1(p, &o);
    grid_is(s, "PSCO", utc(2020, 6, 30, 23), 2);
    cr_assert_str_eq(s->reg[0].tz, "America/Denver"); /* PSCO: "Mountain" */
    hr_series_free(s);
}

/* ------------------------------------------------------------ eia930 BALANCE */

static const char *balance_fixture(void)
{
    return fx("EIA930_BALANCE_2024_Jul_Dec.csv",
              "\xef\xbb\xbf\"Balancing Authority\",\"Data Date\",\"Hour Number\",\"Local Time at End of "
              "Hour\",\"UTC Time at End of Hour\",\"Demand Forecast (MW)\",\"Demand (MW)\",\"Net Generation "
              "(MW)\",\"Total Interchange (MW)\",\"Demand (MW) (Imputed)\",\"Demand (MW) (Adjusted)\",\"Net "
              "Generation (MW) from Coal\",\"Net Generation (MW) from Natural Gas\",\"Net Generation (MW) "
              "from Battery Storage\",\"Net Generation (MW) from Solar with Integrated Battery Storage\",\"Net "
              "Generation (MW) from Other\",\"Net Generation (MW) from Other Fuel Sources\",\"Net Generation "
              "(MW) from Coal (Adjusted)\",\"Some New Column\"\r\n"
              "PJM,01/01/2020,1,01/01/2020 12:00:00 AM,01/01/2020 5:00:00 AM,\"90,000\",\"92,345\",\"93,000\","
              "\"-1,234\",,\"92,340\",\"10,000\",\"40,000\",12,3,,7,1,zzz\r\n"
              "PJM,01/01/2020,2,01/01/2020 1:00:00 AM,01/01/2020 6:00:00 AM,\"91,000\",\"93,000\",,,,,,,,,,,,\r\n"
              "CISO,01/01/2020,13,01/01/2020 4:00:00 AM,01/01/2020 12:00:00 PM,,\"20,000.5\",,,,,,,,,,,,\r\n");
}

Test(ingest, eia930_balance_by_name)
{
    const char *p = balance_fixture();
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(p, &o);
    cr_assert_eq(hr_series_region_count(s), 2);
    /* "5:00:00 AM" ends the hour 04:00-05:00 UTC */
    grid_is(s, "PJM", utc(2020, 1, 1, 4), 2);
    cr_assert_eq(at(s, "PJM", "load_raw_mw", utc(2020, 1, 1, 4)), 92345.0);
    cr_assert_eq(at(s, "PJM", "load_raw_mw", utc(2020, 1, 1, 5)), 93000.0);
    cr_assert_eq(at(s, "PJM", "forecast_mw", utc(2020, 1, 1, 4)), 90000.0);
    cr_assert_eq(at(s, "PJM", "interchange_mw", utc(2020, 1, 1, 4)), -1234.0);
    cr_assert_eq(at(s, "PJM", "gen_total_mw", utc(2020, 1, 1, 4)), 93000.0);
    cr_assert_eq(at(s, "PJM", "gen_coal_mw", utc(2020, 1, 1, 4)), 10000.0);
    cr_assert_eq(at(s, "PJM", "gen_gas_mw", utc(2020, 1, 1, 4)), 40000.0);
    cr_assert_eq(at(s, "PJM", "gen_battery_mw", utc(2020, 1, 1, 4)), 12.0);
    /* solar with integrated storage is part of solar (docs/formats.md) */
    cr_assert_eq(at(s, "PJM", "gen_solar_mw", utc(2020, 1, 1, 4)), 3.0);
    cr_assert_null(series_col_get(&s->reg[reg(s, "PJM")], "gen_solar_battery_mw"));
    cr_assert(isnan(at(s, "PJM", "gen_other_mw", utc(2020, 1, 1, 4))));
    cr_assert_eq(at(s, "PJM", "gen_other_fuel_sources_mw", utc(2020, 1, 1, 4)), 7.0);
    cr_assert_eq(at(s, "PJM", "load_adjusted_mw", utc(2020, 1, 1, 4)), 92340.0);
    /* "12:00:00 PM" is noon: hour 11:00-12:00 UTC */
    grid_is(s, "CISO", utc(2020, 1, 1, 11), 1);
    cr_assert_eq(at(s, "CISO", "load_raw_mw", utc(2020, 1, 1, 11)), 20000.5);
    cr_assert_str_eq(s->reg[reg(s, "CISO")].tz, "America/Los_Angeles");
    cr_assert_str_eq(s->reg[reg(s, "PJM")].tz, "America/New_York");
    hr_series_free(s);
}

/* ------------------------------------------------------------ us48 */

Test(ingest, us48_source_and_type)
{
    const char *a = fx("US_elec.csv", "date_time,series,type\n2020-01-01 01:00:00,400000,demand\n"
                                      "2020-01-01 01:00:00,410000,generation\n2020-01-01 02:00:00,390000,demand\n");
    const char *b = fx("US_source.csv", "date_time,series,source\n2020-01-01 01:00:00,45000,coal\n"
                                        "2020-01-01 01:00:00,100000,natural gas\n2020-01-01 01:00:00,9000,petroleum\n");
    const char *p[2] = {a, b};
    hr_ingest_opts o = opts0();
    hr_series *s = rdc(p, 2, &o, 0);
    cr_assert_eq(hr_series_region_count(s), 1);
    grid_is(s, "US48", utc(2020, 1, 1, 0), 2);
    cr_assert_eq(at(s, "US48", "load_raw_mw", utc(2020, 1, 1, 1)), 390000.0);
    cr_assert_eq(at(s, "US48", "gen_total_mw", utc(2020, 1, 1, 0)), 410000.0);
    cr_assert_eq(at(s, "US48", "gen_gas_mw", utc(2020, 1, 1, 0)), 100000.0);
    cr_assert_eq(at(s, "US48", "gen_oil_mw", utc(2020, 1, 1, 0)), 9000.0);
    cr_assert_eq(at(s, "US48", "gen_coal_mw", utc(2020, 1, 1, 0)), 45000.0);
    hr_series_free(s);
}

/* ------------------------------------------------------------ ERCOT native */

static const char *ercot2017(void)
{
    return fx("native_Load_2017.csv",
              "\xef\xbb\xbfHour Ending,COAST,EAST,FWEST,NORTH,NCENT,SOUTH,SCENT,WEST,ERCOT\r\n"
              "03/12/2017 01:00,1,1,1,1,1,1,1,1,101\r\n"
              "03/12/2017 02:00,1,1,1,1,1,1,1,1,102\r\n"
              "03/12/2017 04:00,1,1,1,1,1,1,1,1,104\r\n"
              "11/05/2017 02:00 DST,3,3,3,3,3,3,3,3,30\r\n" /* flagged row first: order must not matter */
              "11/05/2017 01:00,\" 8,791.79 \", 896.75 ,1,1,1,1,1,1,\"10,000.5\"\r\n"
              "11/05/2017 02:00,2,2,2,2,2,2,2,2,20\r\n"
              "11/05/2017 03:00,4,4,4,4,4,4,4,4,40\r\n"
              "11/05/2017 24:00,5,5,5,5,5,5,5,5,50\r\n\r\n\r\n");
}

Test(ingest, ercot_native_2017_dst_flag_and_24h)
{
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(ercot2017(), &o);
    cr_assert_eq(hr_series_region_count(s), 9);
    /* spring 2017-03-12 (hour-ending, CST until 02:00): "01:00" = 00-01 CST = 06Z;
     * "02:00" = 01-02 CST = 07Z; "04:00" = 03-04 CDT = 08Z: no gap on the grid */
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 3, 12, 6)), 101.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 3, 12, 7)), 102.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 3, 12, 8)), 104.0);
    /* autumn 2017-11-05: "01:00" = 00-01 CDT = 05Z; "02:00" = 01-02 CDT = 06Z;
     * "02:00 DST" = 01-02 CST = 07Z; "03:00" = 02-03 CST = 08Z; "24:00" = 23-24 CST = 11-06 05Z */
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 11, 5, 5)), 10000.5);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 11, 5, 6)), 20.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 11, 5, 7)), 30.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 11, 5, 8)), 40.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2017, 11, 6, 5)), 50.0);
    cr_assert_eq(at(s, "ERCOT-COAST", "load_raw_mw", utc(2017, 11, 5, 5)), 8791.79);
    cr_assert_eq(at(s, "ERCOT-EAST", "load_raw_mw", utc(2017, 11, 5, 5)), 896.75);
    cr_assert(isnan(at(s, "ERCOT", "load_raw_mw", utc(2017, 11, 5, 9))));
    grid_is(s, "ERCOT", utc(2017, 3, 12, 6), (size_t)((utc(2017, 11, 6, 5) - utc(2017, 3, 12, 6)) / 3600 + 1));
    cr_assert_str_eq(s->reg[reg(s, "ERCOT-WEST")].tz, "America/Chicago");
    hr_series_free(s);
}

static const char *ercot2015_rows[] = {
    "3/8/15 1:00,1,1,1,1,1,1,1,1,1\n",  "3/8/15 3:00,1,1,1,1,1,1,1,1,2\n",
    "3/8/15 4:00,1,1,1,1,1,1,1,1,3\n",  "11/1/15 1:00,1,1,1,1,1,1,1,1,4\n",
    "11/1/15 2:00,1,1,1,1,1,1,1,1,5\n", "11/1/15 2:00,1,1,1,1,1,1,1,1,6\n",
    "11/1/15 3:00,1,1,1,1,1,1,1,1,7\n", "11/2/15 0:00,1,1,1,1,1,1,1,1,8\n",
};

static const char *ercot2015(int reversed)
{
    char buf[2048] = "\xef\xbb\xbfHour_End,COAST,EAST,FAR_WEST,NORTH,NORTH_C,SOUTHERN,SOUTH_C,WEST,ERCOT\n";
    for (int i = 0; i < 8; i++) strcat(buf, ercot2015_rows[reversed ? 7 - i : i]);
    return fx(reversed ? "native_load_2015r.csv" : "native_load_2015.csv", buf);
}

Test(ingest, ercot_native_2015_unflagged_repeat_and_spring)
{
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(ercot2015(0), &o);
    cr_assert_eq(hr_series_region_count(s), 9);
    reg(s, "ERCOT-FWEST");
    reg(s, "ERCOT-NCENT");
    reg(s, "ERCOT-SOUTH");
    reg(s, "ERCOT-SCENT");
    /* 2015-03-08: "1:00" = 00-01 CST = 06Z; "3:00" ends at 03:00 CDT = 08Z so
     * begins 07Z; "4:00" = 03-04 CDT = 08Z */
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 3, 8, 6)), 1.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 3, 8, 7)), 2.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 3, 8, 8)), 3.0);
    /* 2015-11-01: first "2:00" = 01-02 CDT = 06Z, second = 01-02 CST = 07Z;
     * "11/2/15 0:00" = 23-24 CST on 11/1 = 11-02 05Z */
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 1, 5)), 4.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 1, 6)), 5.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 1, 7)), 6.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 1, 8)), 7.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 2, 5)), 8.0);
    hr_series_free(s);
    /* reversed rows: the first occurrence in the file is the earlier instant */
    s = rd1(ercot2015(1), &o);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 1, 6)), 6.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 1, 7)), 5.0);
    cr_assert_eq(at(s, "ERCOT", "load_raw_mw", utc(2015, 11, 2, 5)), 8.0);
    hr_series_free(s);
}

/* ------------------------------------------------------------ ERCOT fuel */

/* quarter-hour MWh of hour h (local, hour-beginning), quarter k */
static double qv(int day, int h, int k) { return day * 1000 + h * 10 + k + 0.25; }

static const char *fuel_fixture(void)
{
    static char buf[16384];
    int n = sprintf(buf, "Date\tFuel\tSettlement Type\tTotal");
    for (int m = 15; m <= 1440; m += 15) n += sprintf(buf + n, "\t%d:%02d", (m / 60) % 24, m % 60);
    n += sprintf(buf + n, "\t01:15 (DST)\t01:30 (DST)\t01:45 (DST)\t02:00 (DST)\r\n");
    /* fall-back day 2019-11-03 (day 1) and spring day 2019-03-10 (day 2) */
    const char *dates[2] = {"11/03/2019", "03/10/2019"};
    for (int d = 0; d < 2; d++) {
        n += sprintf(buf + n, "%s\tWind\tFINAL\t\"1,234.5\"", dates[d]);
        for (int h = 0; h < 24; h++)
            for (int k = 0; k < 4; k++) {
                if (d == 1 && h == 2) n += sprintf(buf + n, "\t"); /* spring: blank */
                else n += sprintf(buf + n, "\t%.2f", qv(d + 1, h, k));
            }
        for (int k = 0; k < 4; k++)
            n += d == 0 ? sprintf(buf + n, "\t%.2f", 500.0 + k) : sprintf(buf + n, "\t");
        n += sprintf(buf + n, "\r\n");
    }
    n += sprintf(buf + n, "11/03/2019\tOther\tFINAL\t-9.0");
    for (int q = 0; q < 100; q++) n += sprintf(buf + n, "\t%s", q < 96 ? "-0.5" : "");
    sprintf(buf + n, "\r\n");
    return fx("IntGenByFuel201911.tsv", buf);
}

Test(ingest, ercot_fuel_quarter_hours_to_hourly_mw)
{
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(fuel_fixture(), &o);
    cr_assert_eq(hr_series_region_count(s), 1);
    /* 2019-11-03 (CDT -> CST at 02:00): h=0 -> 05Z, h=1 first -> 06Z, DST
     * columns (01:00 CST) -> 07Z, h>=2 -> h+6 Z. Sum of four quarters
     * (MWh per 15 min) = mean MW of the hour; 1e-12 relative: four-term sums. */
    for (int h = 0; h < 24; h++) {
        double want = qv(1, h, 0) + qv(1, h, 1) + qv(1, h, 2) + qv(1, h, 3);
        int64_t t = h < 2 ? utc(2019, 11, 3, 5 + h) : utc(2019, 11, 3, 6 + h);
        cr_assert(rel_eq(at(s, "ERCOT", "gen_wind_mw", t), want, 1e-12), "h=%d", h);
    }
    cr_assert(rel_eq(at(s, "ERCOT", "gen_wind_mw", utc(2019, 11, 3, 7)), 500 + 501 + 502 + 503, 1e-12));
    cr_assert_eq(at(s, "ERCOT", "gen_other_mw", utc(2019, 11, 3, 5)), -2.0);
    cr_assert(isnan(at(s, "ERCOT", "gen_other_mw", utc(2019, 11, 3, 7)))); /* DST cols blank */
    /* 2019-03-10 (CST -> CDT at 02:00): h=0 -> 06Z, h=1 -> 07Z, h=2 absent,
     * h=3 -> 08Z, h -> h+5 Z */
    cr_assert(rel_eq(at(s, "ERCOT", "gen_wind_mw", utc(2019, 3, 10, 7)),
                     qv(2, 1, 0) + qv(2, 1, 1) + qv(2, 1, 2) + qv(2, 1, 3), 1e-12));
    cr_assert(rel_eq(at(s, "ERCOT", "gen_wind_mw", utc(2019, 3, 10, 8)),
                     qv(2, 3, 0) + qv(2, 3, 1) + qv(2, 3, 2) + qv(2, 3, 3), 1e-12));
    cr_assert(rel_eq(at(s, "ERCOT", "gen_wind_mw", utc(2019, 3, 11, 4)),
                     qv(2, 23, 0) + qv(2, 23, 1) + qv(2, 23, 2) + qv(2, 23, 3), 1e-12));
    hr_series_free(s);
}

/* ------------------------------------------------------------ PJM gen_by_fuel */

Test(ingest, pjm_gen_descending_ampm)
{
    const char *p = fx("jan_2021_gen_by_fuel.csv",
                       "datetime_beginning_utc,datetime_beginning_ept,fuel_type,mw,fuel_percentage_of_total,is_renewable\r\n"
                       "1/1/2021 1:00:00 PM,1/1/2021 8:00:00 AM,Gas,\"31,698.8\",0.32,False\r\n"
                       "1/1/2021 1:00:00 PM,1/1/2021 8:00:00 AM,Multiple Fuels,100,0.01,False\r\n"
                       "1/1/2021 12:00:00 PM,1/1/2021 7:00:00 AM,Gas,200,0.3,False\r\n"
                       "1/1/2021 12:00:00 AM,12/31/2020 7:00:00 PM,Gas,300,0.3,False\r\n");
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(p, &o);
    grid_is(s, "PJM", utc(2021, 1, 1, 0), 14);
    cr_assert_eq(at(s, "PJM", "gen_gas_mw", utc(2021, 1, 1, 13)), 31698.8);
    cr_assert_eq(at(s, "PJM", "gen_gas_mw", utc(2021, 1, 1, 12)), 200.0);
    cr_assert_eq(at(s, "PJM", "gen_gas_mw", utc(2021, 1, 1, 0)), 300.0);
    cr_assert_eq(at(s, "PJM", "gen_multiple_fuels_mw", utc(2021, 1, 1, 13)), 100.0);
    hr_series_free(s);
}

/* ------------------------------------------------------------ long / series */

Test(ingest, long_aliases_offsets_units_unordered)
{
    const char *p = fx("l.csv", "unique_id,ds,y,temp_f,forecast_mw,gen_wind_mw\n"
                                "B,2020-01-01T02:00:00+01:00,10,32,9,1\n"
                                "A,2020-01-01T03:00:00Z,7,50,,\n"
                                "B,2020-01-01 00:00:00Z,11,212,8,2\n"
                                "A,2020-01-01T00:00:00-00:00,5,NA,,\n");
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(p, &o);
    cr_assert_eq(hr_series_region_count(s), 2);
    cr_assert_str_eq(hr_series_region_name(s, 0), "A"); /* sorted by name */
    grid_is(s, "A", utc(2020, 1, 1, 0), 4);
    grid_is(s, "B", utc(2020, 1, 1, 0), 2);
    cr_assert_eq(at(s, "B", "load_raw_mw", utc(2020, 1, 1, 1)), 10.0); /* 02:00+01:00 */
    cr_assert_eq(at(s, "B", "load_raw_mw", utc(2020, 1, 1, 0)), 11.0);
    /* degF -> degC: (F - 32) * 5/9; 1e-12 relative for the rounding of 5/9 */
    cr_assert(fabs(at(s, "B", "temp_c", utc(2020, 1, 1, 1))) < 1e-12);
    cr_assert(rel_eq(at(s, "B", "temp_c", utc(2020, 1, 1, 0)), 100.0, 1e-12));
    cr_assert(rel_eq(at(s, "A", "temp_c", utc(2020, 1, 1, 3)), 10.0, 1e-12));
    cr_assert(isnan(at(s, "A", "temp_c", utc(2020, 1, 1, 0))));
    cr_assert_eq(at(s, "B", "gen_wind_mw", utc(2020, 1, 1, 0)), 2.0);
    hr_series_free(s);

    /* naive local times with tz + hour-ending: 2020-03-08 in New York */
    p = fx("n.csv", "region,timestamp,load_mw\nX,2020-03-08 02:00,1\nX,2020-03-08 04:00,2\n"
                    "X,2020-11-01 02:00,3\nX,2020-11-01 02:00,4\n");
    o.tz = "America/New_York";
    o.hour_ending = 1;
    s = rd1(p, &o);
    /* "02:00" = 01-02 EST = 06Z; "04:00" = 03-04 EDT = 07Z; autumn "02:00"
     * twice = 01-02 EDT (05Z) then 01-02 EST (06Z) */
    cr_assert_eq(at(s, "X", "load_raw_mw", utc(2020, 3, 8, 6)), 1.0);
    cr_assert_eq(at(s, "X", "load_raw_mw", utc(2020, 3, 8, 7)), 2.0);
    cr_assert_eq(at(s, "X", "load_raw_mw", utc(2020, 11, 1, 5)), 3.0);
    cr_assert_eq(at(s, "X", "load_raw_mw", utc(2020, 11, 1, 6)), 4.0);
    hr_series_free(s);
}

Test(ingest, series_columns_scale_region)
{
    const char *p = fx("meter.csv", "note,when,kw,temp_f\nx,2021-06-01 00:00,1500,68\ny,2021-06-01 01:00,2500.5,77\n");
    hr_ingest_opts o = opts0();
    o.format = HR_FORMAT_SERIES;
    o.time_col = "when";
    o.value_cols[0] = "kw";
    o.value_cols[1] = "temp_f";
    o.scale = 0.001;
    o.region = "SITE";
    hr_series *s = rd1(p, &o);
    grid_is(s, "SITE", utc(2021, 6, 1, 0), 2);
    cr_assert(rel_eq(at(s, "SITE", "load_raw_mw", utc(2021, 6, 1, 1)), 2.5005, 1e-15)); /* kW * 0.001 */
    cr_assert(rel_eq(at(s, "SITE", "temp_c", utc(2021, 6, 1, 0)), 20.0, 1e-12));        /* 68 F */
    hr_series_free(s);
    /* date + hour-number columns, hour-ending 1..24 */
    p = fx("dh.csv", "day,hr,mw\n2021-06-01,24,7\n2021-06-01,1,5\n");
    hr_ingest_opts o2 = opts0();
    o2.time_col = "day,hr";
    o2.value_cols[0] = "mw";
    o2.hour_ending = 1;
    s = rd1(p, &o2); /* auto + time_col -> series; region = file name */
    grid_is(s, "dh", utc(2021, 6, 1, 0), 24);
    cr_assert_eq(at(s, "dh", "load_raw_mw", utc(2021, 6, 1, 23)), 7.0);
    hr_series_free(s);
}

/* ------------------------------------------------------------ weather */

Test(ingest, weather_formats)
{
    hr_ingest_opts o = opts0();
    const char *g = fx("gef.csv", "Date,Hour,load,T\r\n2004-01-01,1,,37.33\r\n2006-01-01,1,100,50\r\n2006-01-01,24,110,41\r\n");
    hr_series *s = rd1(g, &o);
    /* Hour 1 = 00-01 UTC; T degF */
    cr_assert_eq(at(s, "gef", "load_raw_mw", utc(2006, 1, 1, 0)), 100.0);
    cr_assert_eq(at(s, "gef", "load_raw_mw", utc(2006, 1, 1, 23)), 110.0);
    cr_assert(rel_eq(at(s, "gef", "temp_c", utc(2006, 1, 1, 23)), 5.0, 1e-12));
    hr_quality q;
    hr_series_quality(s, 0, &q);
    cr_assert_eq(q.first_utc, utc(2006, 1, 1, 0)); /* load blank before 2006 */
    hr_series_free(s);

    const char *b = fx("bd.csv", "Year,Month,Day,Weekday,Hour,T1,T2,T3,T4,Load\n2002,1,1,3,1,40,42,44,46,1384494\n");
    s = rd1(b, &o);
    cr_assert_eq(at(s, "bd", "load_raw_mw", utc(2002, 1, 1, 0)), 1384494.0);
    cr_assert(rel_eq(at(s, "bd", "temp_c", utc(2002, 1, 1, 0)), (43.0 - 32) * 5 / 9, 1e-12)); /* mean 43 F */
    hr_series_free(s);

    const char *t = fx("tell.csv", "Year,Month,Day,Hour,Forecast_Demand_MWh,Adjusted_Demand_MWh,Adjusted_Generation_MWh,"
                                   "Adjusted_Interchange_MWh,Total_Population,T2,Q2\n2015,7,1,6,39708.0,37456.0,37462.0,6.0,1,297.95,0.01\n");
    s = rd1(t, &o);
    /* Hour 6 = EIA-930 date_time 06:00, hour-ending: 05-06 UTC; kelvin */
    cr_assert_eq(at(s, "tell", "load_raw_mw", utc(2015, 7, 1, 5)), 37456.0);
    cr_assert_eq(at(s, "tell", "forecast_mw", utc(2015, 7, 1, 5)), 39708.0);
    cr_assert(rel_eq(at(s, "tell", "temp_c", utc(2015, 7, 1, 5)), 24.8, 1e-12));
    hr_series_free(s);

    const char *n = fx("nyc.csv", "timeStamp,demand,precip,temp\n2012-03-11 01:00:00,4000,0.0,41\n"
                                  "2012-03-11 02:00:00,,0.0,40\n2012-03-11 03:00:00,4100,0.0,39.2\n");
    s = rd1(n, &o);
    /* local hour-beginning: 01:00 EST = 06Z; 02:00 does not exist (row has no
     * load: dropped); 03:00 EDT = 07Z */
    grid_is(s, "nyc", utc(2012, 3, 11, 6), 2);
    cr_assert_eq(at(s, "nyc", "load_raw_mw", utc(2012, 3, 11, 7)), 4100.0);
    cr_assert(rel_eq(at(s, "nyc", "temp_c", utc(2012, 3, 11, 7)), 4.0, 1e-12));
    hr_series_free(s);
}

/* ------------------------------------------------------------ PJM zone load */

Test(ingest, pjm_zone_dayfirst_crlf_unordered)
{
    const char *p = fx("NI_hourly.csv", "Datetime,NI_MW\r\n31/12/04 1:00,9810\r\n02/01/05 0:00,9001\r\n01/01/05 0:00,8509");
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(p, &o);
    /* day-first (31 > 12), NY local hour-ending: 31/12/04 1:00 = 00-01 EST = 05Z;
     * 01/01/05 0:00 = 12-31 23-24 EST = 01-01 04Z; 02/01/05 0:00 = 01-02 04Z */
    cr_assert_eq(at(s, "NI", "load_raw_mw", utc(2004, 12, 31, 5)), 9810.0);
    cr_assert_eq(at(s, "NI", "load_raw_mw", utc(2005, 1, 1, 4)), 8509.0);
    cr_assert_eq(at(s, "NI", "load_raw_mw", utc(2005, 1, 2, 4)), 9001.0);
    hr_series_free(s);
    p = fx("AEP_hourly.csv", "Datetime,AEP_MW\n2014-11-02 03:00:00,3\n2014-11-02 02:00:00,1\n"
                             "2014-11-02 01:00:00,0\n2014-11-02 02:00:00,2\n");
    s = rd1(p, &o);
    /* 01:00 = 00-01 EDT = 04Z; 02:00 first = 01-02 EDT = 05Z, second = 06Z; 03:00 = 02-03 EST = 07Z */
    cr_assert_eq(at(s, "AEP", "load_raw_mw", utc(2014, 11, 2, 4)), 0.0);
    cr_assert_eq(at(s, "AEP", "load_raw_mw", utc(2014, 11, 2, 5)), 1.0);
    cr_assert_eq(at(s, "AEP", "load_raw_mw", utc(2014, 11, 2, 6)), 2.0);
    cr_assert_eq(at(s, "AEP", "load_raw_mw", utc(2014, 11, 2, 7)), 3.0);
    hr_series_free(s);
}

/* ------------------------------------------------------------ merging */

Test(ingest, merge_files_and_overlaps)
{
    const char *a = fx("R1.csv", "date_time,demand (MW)\n2020-01-01 01:00:00,1\n2020-01-01 02:00:00,2\n");
    const char *b = fx("R1b.csv", "date_time,demand (MW)\n2020-01-01 02:00:00,2\n2020-01-01 04:00:00,4\n");
    const char *c = fx("R1c.csv", "date_time,demand (MW)\n2020-01-01 03:00:00,3\n2020-01-01 04:00:00,40\n"
                                  "2020-01-01 02:00:00,20\n");
    hr_ingest_opts o = opts0();
    o.region = "R1";
    const char *p[3] = {a, b, c};
    hr_series *s = rdc(p, 2, &o, 0); /* equal values in the overlap are fine */
    grid_is(s, "R1", utc(2020, 1, 1, 0), 4);
    cr_assert_eq(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 1)), 2.0);
    cr_assert(isnan(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 2))));
    cr_assert_eq(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 3)), 4.0);
    hr_series_free(s);
    /* conflict: names both files and the first conflicting hour (01Z, not 03Z) */
    hr_series *bad = NULL;
    cr_assert_eq(ingest_read(p, 3, &o, 0, &bad), HR_EDATA);
    cr_assert_null(bad);
    const char *m = hr_last_error();
    /* R1.csv has 2 at 01Z, R1c.csv 20 (R1b.csv agrees with R1.csv) */
    cr_assert(strstr(m, "R1.csv and ") && strstr(m, "R1c.csv") && strstr(m, "2020-01-01T01:00:00Z"), "%s", m);
    o.on_overlap = HR_OVERLAP_FIRST;
    s = rdc(p, 3, &o, 0);
    cr_assert_eq(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 3)), 4.0);
    cr_assert_eq(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 2)), 3.0);
    hr_series_free(s);
    o.on_overlap = HR_OVERLAP_LAST;
    s = rdc(p, 3, &o, 0);
    cr_assert_eq(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 3)), 40.0);
    cr_assert_eq(at(s, "R1", "load_raw_mw", utc(2020, 1, 1, 1)), 20.0);
    hr_series_free(s);
}

Test(ingest, duplicates_rules)
{
    const char *p = fx("d.csv", "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,10\nA,2020-01-01T01:00:00Z,20\n"
                                "A,2020-01-01T00:00:00Z,30\n");
    hr_ingest_opts o = opts0();
    hr_series *s = NULL;
    cr_assert_eq(ingest_read(&p, 1, &o, 0, &s), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "d.csv:4:"), "%s", hr_last_error());
    /* the library names its option field, not a command-line flag */
    cr_assert(strstr(hr_last_error(), "the on_duplicate option"), "%s", hr_last_error());
    cr_assert(!strstr(hr_last_error(), "--"), "%s", hr_last_error());
    const double want[4] = {0, 20.0 /* mean of 10, 30 */, 10.0, 30.0};
    for (int rule = HR_DUP_MEAN; rule <= HR_DUP_LAST; rule++) {
        o.on_duplicate = (hr_dup_rule)rule;
        s = rdc(&p, 1, &o, 0);
        cr_assert_eq(at(s, "A", "load_raw_mw", utc(2020, 1, 1, 0)), want[rule]);
        const uint8_t *fl;
        hr_series_flags(s, 0, &fl);
        cr_assert_eq(fl[0], HR_FLAG_DUPLICATE_RESOLVED);
        cr_assert_eq(fl[1], HR_FLAG_OKAY);
        hr_quality q;
        hr_series_quality(s, 0, &q);
        cr_assert_eq(q.by_flag[HR_FLAG_DUPLICATE_RESOLVED], 1);
        hr_series_free(s);
    }
}

/* ------------------------------------------------------------ chunk sizes */

static void same_series(const hr_series *a, const hr_series *b)
{
    cr_assert_eq(a->nreg, b->nreg);
    for (size_t i = 0; i < a->nreg; i++) {
        const series_region *x = &a->reg[i], *y = &b->reg[i];
        cr_assert_str_eq(x->name, y->name);
        cr_assert_eq(x->t0, y->t0);
        cr_assert_eq(x->n, y->n);
        cr_assert_eq(x->ncol, y->ncol);
        for (size_t j = 0; j < x->ncol; j++) {
            cr_assert_str_eq(x->col[j].name, y->col[j].name);
            cr_assert(memcmp(x->col[j].v, y->col[j].v, x->n * sizeof(double)) == 0, "%s/%s differs", x->name,
                      x->col[j].name);
        }
    }
}

Test(ingest, chunk_size_independent)
{
    const char *files[] = {balance_fixture(), ercot2017(), ercot2015(1), fuel_fixture(),
                           fx("q.csv", "region,timestamp,load_mw\n\"A\",\"2020-01-01T00:00:00Z\",\"1,234.5\"\r\n"
                                       "\"B C\",2020-01-01T01:00:00Z,\" 7 \"\r\n\r\n"),
                           fx("ml.csv", "Balancing Authority,Data Date,UTC Time at End of Hour,Demand (MW),Region\n"
                                        "AAA,01/01/2020,01/01/2020 1:00:00 AM,\"1,000\",\"two\nlines\"\n"
                                        "AAA,01/01/2020,01/01/2020 2:00:00 AM,\"1,001\",x")};
    const size_t chunks[] = {1, 7, 4096};
    hr_ingest_opts o = opts0();
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        hr_series *ref = rdc(&files[f], 1, &o, 0);
        for (size_t c = 0; c < 3; c++) {
            hr_series *s = rdc(&files[f], 1, &o, chunks[c]);
            same_series(ref, s);
            hr_series_free(s);
        }
        hr_series_free(ref);
    }
}

/* The files are read, and the regions built and screened, on several
 * threads (hr_ingest_opts.threads). The result, and which error is
 * reported, must not depend on their number. */
/* A read on the calling thread alone (threads = 1) ... */
static int read_serial(const char *const *paths, size_t n, const hr_ingest_opts *o, hr_series **s)
{
    hr_ingest_opts one = *o;
    one.threads = 1;
    return hr_series_read(paths, n, &one, s);
}

/* ... and on 3 threads, whatever the machine's CPUs */
static int read_threaded(const char *const *paths, size_t n, const hr_ingest_opts *o, hr_series **s)
{
    hr_ingest_opts three = *o;
    three.threads = 3;
    return hr_series_read(paths, n, &three, s);
}

Test(ingest, threads_independent)
{
    const char *files[] = {balance_fixture(), ercot2017(), fuel_fixture(),
                           fx("q.csv", "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,5\n"
                                       "B,2020-01-01T01:00:00Z,7\nA,2020-01-01T01:00:00Z,6\n"),
                           fx("q2.csv", "region,timestamp,load_mw\nA,2020-01-01T01:00:00Z,8\n"
                                        "A,2020-01-01T02:00:00Z,9\n")};
    const size_t nf = sizeof files / sizeof files[0];
    hr_ingest_opts o;
    hr_ingest_opts_init(&o); /* screening on */
    o.on_overlap = HR_OVERLAP_LAST;
    hr_series *a = NULL, *b = NULL;
    o.threads = -1;
    cr_assert_eq(hr_series_read(files, nf, &o, &a), HR_EINVAL);
    cr_assert(strstr(hr_last_error(), "threads") != NULL, "%s", hr_last_error());
    o.threads = 0;
    cr_assert_eq(read_threaded(files, nf, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(read_serial(files, nf, &o, &b), HR_OK, "%s", hr_last_error());
    same_series(a, b);
    cr_assert_eq(at(a, "A", "load_raw_mw", utc(2020, 1, 1, 1)), 8.0, "the later file wins");
    for (size_t i = 0; i < a->nreg; i++) {
        if (!a->reg[i].flag) continue;
        cr_assert(memcmp(a->reg[i].flag, b->reg[i].flag, a->reg[i].n) == 0);
        cr_assert(memcmp(&a->reg[i].q, &b->reg[i].q, sizeof a->reg[i].q) == 0);
    }
    hr_series_free(a);
    hr_series_free(b);

    /* two bad files: the first one in the list is reported, both ways */
    const char *bad[] = {files[0], fx("bad1.csv", "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,x\n"),
                         files[1], fx("bad2.csv", "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,y\n")};
    char msg[1024];
    cr_assert_eq(read_threaded(bad, 4, &o, &a), HR_EPARSE);
    cr_assert_null(a);
    snprintf(msg, sizeof msg, "%s", hr_last_error());
    cr_assert(strstr(msg, "bad1.csv") != NULL, "%s", msg);
    cr_assert_eq(read_serial(bad, 4, &o, &a), HR_EPARSE);
    cr_assert_str_eq(hr_last_error(), msg);
    /* ... also when the largest file (read first) fails at once and the
     * first bad file in the list is small (read last, after files listed
     * later than the large one): it is still read, and reported */
    char *txt = malloc(40 * 16000 + 64);
    cr_assert(txt);
    const char *order[8];
    /* files 1 and 2 bad; read largest first: 2 fails at once, and each of
     * the 3 threads then meets a later file (5, 6, 7) before 0 and 1 */
    static const int lines[8] = {10, 3, 16000, 14000, 12000, 10000, 8000, 6000};
    for (int f = 0; f < 8; f++) {
        char *q = txt + sprintf(txt, "region,timestamp,load_mw\n");
        for (int k = 0; k < lines[f]; k++) {
            char ts[21];
            hr_time_format(1577836800 + 3600 * (int64_t)(k + 20000 * f), ts);
            q += sprintf(q, "R%d,%s,%s\n", f, ts, (f == 1 && k == 2) || (f == 2 && k == 0) ? "bad" : "100");
        }
        char name[32];
        snprintf(name, sizeof name, "ord%d.csv", f);
        order[f] = fx(name, txt);
    }
    free(txt);
    cr_assert_eq(read_threaded(order, 8, &o, &a), HR_EPARSE);
    snprintf(msg, sizeof msg, "%s", hr_last_error());
    cr_assert(strstr(msg, "ord1.csv") != NULL, "%s", msg);
    cr_assert_eq(read_serial(order, 8, &o, &a), HR_EPARSE);
    cr_assert_str_eq(hr_last_error(), msg);

    /* a conflict in two regions: the first region (by name) is reported */
    o.on_overlap = HR_OVERLAP_ERROR;
    const char *conf[] = {fx("c1.csv", "region,timestamp,load_mw\nZ,2020-01-01T00:00:00Z,1\nY,2020-01-01T00:00:00Z,1\n"),
                          fx("c2.csv", "region,timestamp,load_mw\nZ,2020-01-01T00:00:00Z,2\nY,2020-01-01T00:00:00Z,2\n")};
    cr_assert_eq(read_threaded(conf, 2, &o, &a), HR_EDATA);
    snprintf(msg, sizeof msg, "%s", hr_last_error());
    cr_assert(strstr(msg, "region Y ") != NULL, "%s", msg);
    cr_assert_eq(read_serial(conf, 2, &o, &a), HR_EDATA);
    cr_assert_str_eq(hr_last_error(), msg);
}

/* ------------------------------------------------------------ write / arrays */

Test(ingest, write_long_roundtrip_atomic)
{
    hr_ingest_opts o = opts0();
    hr_series *s = rd1(balance_fixture(), &o);
    char out[256];
    snprintf(out, sizeof out, "%s/out.csv", tmpdir);
    size_t i = reg(s, "PJM");
    cr_assert_eq(hr_series_write_long(s, i, out), HR_OK);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    cr_assert_neq(access(tmp, F_OK), 0, "temporary file left behind");
    FILE *f = fopen(out, "r");
    char line[1024];
    cr_assert(fgets(line, sizeof line, f));
    cr_assert(strncmp(line, "region,timestamp,load_mw,load_raw_mw,flag,", 42) == 0, "%s", line);
    cr_assert(fgets(line, sizeof line, f));
    cr_assert(strncmp(line, "PJM,2020-01-01T04:00:00Z,92345,92345,OKAY,", 42) == 0, "%s", line);
    fclose(f);
    const char *p = out;
    hr_series *b = rd1(p, &o); /* our own output reads back as `long` */
    const char *cols[] = {"load_raw_mw", "gen_gas_mw", "interchange_mw", "forecast_mw"};
    for (int k = 0; k < 4; k++)
        for (int h = 4; h < 6; h++) {
            double x = at(s, "PJM", cols[k], utc(2020, 1, 1, h)), y = at(b, "PJM", cols[k], utc(2020, 1, 1, h));
            cr_assert((isnan(x) && isnan(y)) || x == y, "%s", cols[k]);
        }
    hr_series_free(b);
    snprintf(out, sizeof out, "%s/no/such/dir/out.csv", tmpdir);
    cr_assert_eq(hr_series_write_long(s, i, out), HR_EIO);
    cr_assert_neq(access(out, F_OK), 0);
    hr_series_free(s);
}

Test(ingest, from_arrays)
{
    int64_t t[3] = {utc(2020, 1, 1, 0), utc(2020, 1, 1, 1), utc(2020, 1, 1, 4)};
    double v[3] = {1, 2, 5};
    hr_series *s;
    cr_assert_eq(hr_series_from_arrays("Z", t, v, 3, 0, &s), HR_OK);
    grid_is(s, "Z", t[0], 5);
    cr_assert(isnan(at(s, "Z", "load_raw_mw", utc(2020, 1, 1, 2))));
    cr_assert_eq(at(s, "Z", "load_mw", utc(2020, 1, 1, 4)), 5.0);
    hr_quality q;
    hr_series_quality(s, 0, &q);
    cr_assert_eq(q.hours, 5);
    cr_assert_eq(q.missing, 2);
    cr_assert_eq(q.peak_mw, 5.0);
    hr_series_free(s);
    int64_t bad[2] = {t[1], t[0]};
    cr_assert_eq(hr_series_from_arrays("Z", bad, v, 2, 0, &s), HR_EINVAL);
    cr_assert_null(s);
    int64_t half[1] = {1800};
    cr_assert_eq(hr_series_from_arrays("Z", half, v, 1, 0, &s), HR_EINVAL);
}

Test(ingest, screen_path_imputes_inside_span)
{
    const char *p = fx("S.csv", "date_time,demand (MW)\n2020-01-01 01:00:00,100\n2020-01-01 02:00:00,102\n"
                                "2020-01-01 03:00:00,\n2020-01-01 04:00:00,106\n");
    hr_ingest_opts o;
    hr_ingest_opts_init(&o); /* screen = 1 */
    cr_assert_eq(o.screen, 1);
    hr_series *s = rd1(p, &o);
    const uint8_t *fl;
    hr_series_flags(s, 0, &fl);
    cr_assert_eq(fl[2], HR_FLAG_MISSING);
    cr_assert(!isnan(at(s, "S", "load_mw", utc(2020, 1, 1, 2)))); /* imputed */
    cr_assert(isnan(at(s, "S", "load_raw_mw", utc(2020, 1, 1, 2))));
    hr_series_free(s);
}

/* ------------------------------------------------------------ malformed corpus */

#ifndef MALFORMED_DIR
#define MALFORMED_DIR "tests/malformed"
#endif

static const struct {
    const char *file;
    int status;
    int line;
} corpus[] = {
    {"bad_number.csv", HR_EPARSE, 4},        {"na_slash.csv", HR_EPARSE, 3},
    {"bad_date.csv", HR_EPARSE, 2},          {"impossible_date.csv", HR_EPARSE, 3},
    {"bad_hour.csv", HR_EPARSE, 2},          {"unknown_column.csv", HR_EPARSE, 1},
    {"missing_column.csv", HR_EPARSE, 1},    {"dup_hour.csv", HR_EDATA, 4},
    {"empty.csv", HR_EPARSE, 1},             {"header_only.csv", HR_EDATA, 1},
    {"binary_junk.bin", HR_EPARSE, 1},       {"wrong_delimiter.csv", HR_EPARSE, 1},
    {"unterminated_quote.csv", HR_EPARSE, 3}, {"non_utf8.csv", HR_EPARSE, 3},
    {"quote_in_field.csv", HR_EPARSE, 3},    {"too_many_fields.csv", HR_EPARSE, 3},
    {"too_few_fields.csv", HR_EPARSE, 2},    {"eia_ba_bad_category.csv", HR_EPARSE, 3},
    {"eia_ba_bad_number.csv", HR_EPARSE, 4}, {"ercot_flag_not_dst.csv", HR_EDATA, 3},
    {"ercot_bad_grouping.csv", HR_EPARSE, 2}, {"not_on_hour.csv", HR_EDATA, 2},
    {"crlf_blank_lines.csv", HR_EPARSE, 5},  {"multiline_skipped.csv", HR_EPARSE, 5},
    {"dup_eia_ba.csv", HR_EDATA, 4},         {"spring_gap_value.csv", HR_EDATA, 3},
    {"trailing_garbage.csv", HR_EPARSE, 2},  {"region_empty.csv", HR_EPARSE, 3},
    {"dayfirst_ambiguous.csv", HR_EPARSE, 2}, {"dayfirst_both_orders.csv", HR_EPARSE, 2},
    {"eia_interchange.csv", HR_EPARSE, 1},   {"dup_series_column.csv", HR_EDATA, 3},
    {"subhourly_odd_interval.csv", HR_EDATA, 3}, {"subhourly_dup_interval.csv", HR_EDATA, 5},
    {"json_not_eia.json", HR_EPARSE, 1},     {"eia_api_truncated.json", HR_EPARSE, 4},
    {"eia_api_bad_value.json", HR_EPARSE, 3}, {"eia_api_bad_type.csv", HR_EPARSE, 3},
    {"gzip_file.csv.gz", HR_EPARSE, 1},      {"empty_timestamp.csv", HR_EPARSE, 4},
    {"iso_basic_mixed.csv", HR_EPARSE, 2},   {"eia_api_daily.csv", HR_EPARSE, 2},
    {"eia_api_daily.json", HR_EPARSE, 1},    {"dayfirst_slash_ambiguous.csv", HR_EPARSE, 2},
};

Test(ingest, malformed_corpus_exact_lines)
{
    struct stat st;
    if (stat(MALFORMED_DIR, &st) != 0) cr_skip_test("run from the repository root (needs %s)", MALFORMED_DIR);
    hr_ingest_opts o = opts0();
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        char path[256], want[300];
        snprintf(path, sizeof path, "%s/%s", MALFORMED_DIR, corpus[i].file);
        const char *p = path;
        for (size_t c = 0; c < 2; c++) { /* whole buffer and 3-byte chunks */
            hr_series *s = (hr_series *)1;
            int rc = ingest_read(&p, 1, &o, c ? 3 : 0, &s);
            cr_assert_eq(rc, corpus[i].status, "%s: status %d, message: %s", corpus[i].file, rc, hr_last_error());
            cr_assert_null(s);
            snprintf(want, sizeof want, "%s:%d:", path, corpus[i].line);
            cr_assert(strstr(hr_last_error(), want), "%s: expected '%s' in: %s", corpus[i].file, want,
                      hr_last_error());
        }
    }
}

Test(ingest, one_megabyte_field)
{
    size_t n = 1 << 20;
    char *b = malloc(n + 200);
    int k = sprintf(b, "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1\n");
    memset(b + k, 'R', n);
    k += (int)n;
    k += sprintf(b + k, ",2020-01-01T01:00:00Z,2\n");
    const char *p = fxn("big.csv", b, k);
    free(b);
    hr_ingest_opts o = opts0();
    hr_series *s;
    cr_assert_eq(ingest_read(&p, 1, &o, 0, &s), HR_EPARSE);
    char want[300];
    snprintf(want, sizeof want, "%s:3:", p);
    cr_assert(strstr(hr_last_error(), want), "%s", hr_last_error());
}

Test(ingest, bad_arguments)
{
    hr_series *s;
    hr_ingest_opts o = opts0();
    const char *dash = "-";
    cr_assert_eq(hr_series_read(&dash, 1, &o, &s), HR_EINVAL);
    cr_assert_eq(hr_series_read(NULL, 1, &o, &s), HR_EINVAL);
    const char *none = "/nonexistent/x.csv";
    cr_assert_eq(hr_series_read(&none, 1, &o, &s), HR_EIO);
    cr_assert(strstr(hr_last_error(), none));
    o.tz = "Not/AZone";
    const char *p = fx("tz.csv", "region,timestamp,load_mw\nA,2020-01-01 00:00,1\n");
    cr_assert_eq(hr_series_read(&p, 1, &o, &s), HR_ENOTFOUND);
}

/* ------------------------------------------------------------ real files */

/* Run tests/data/ingest_ref.py; returns the number of values read. */
static int pyref(const char *args, double *out, int max)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 tests/data/ingest_ref.py %s", args);
    FILE *f = popen(cmd, "r");
    cr_assert(f, "popen failed");
    int n = 0;
    while (n < max && fscanf(f, "%lf", &out[n]) == 1) n++;
    pclose(f);
    return n;
}

static int have_python(void)
{
    return access("tests/data/ingest_ref.py", R_OK) == 0 && system("python3 -c 'import zoneinfo' 2>/dev/null") == 0;
}

/* first last hours missing peak of region's raw load vs the reference */
static void check_summary(const char *rel, const char *mode, const char *extra, const char *region,
                          const hr_ingest_opts *o)
{
    char path[512], args[1024];
    if (!shared_path(path, sizeof path, rel)) cr_skip_test("shared data %s absent", rel);
    if (!have_python()) cr_skip_test("python3 with zoneinfo not available");
    snprintf(args, sizeof args, "%s '%s' %s", mode, path, extra ? extra : "");
    double r[5];
    cr_assert_eq(pyref(args, r, 5), 5, "reference failed for %s", rel);
    const char *p = path;
    hr_series *s = rdc(&p, 1, o, 0);
    hr_quality q;
    cr_assert_eq(hr_series_quality(s, reg(s, region), &q), HR_OK);
    cr_assert_eq((double)q.first_utc, r[0], "%s first", rel);
    cr_assert_eq((double)q.last_utc, r[1], "%s last", rel);
    cr_assert_eq((double)q.hours, r[2], "%s hours", rel);
    cr_assert_eq((double)q.missing, r[3], "%s missing %zu vs %g", rel, q.missing, r[3]);
    /* screen = 0: peak of the raw load; both sides parse the same decimal, exactly */
    cr_assert_eq(q.peak_mw, r[4], "%s peak %.17g vs %.17g", rel, q.peak_mw, r[4]);
    hr_series_free(s);
}

Test(ingest, real_eia930_ba)
{
    hr_ingest_opts o = opts0();
    check_summary("eia930/ba_2015_2020/PJM.csv", "eia_ba", NULL, "PJM", &o);
    check_summary("eia930/ba_2015_2020/PSEI.csv", "eia_ba", NULL, "PSEI", &o);
    check_summary("eia930/ba_2020/PJM-DOM.csv", "eia_ba", NULL, "PJM-DOM", &o);
    check_summary("eia930/ba_2020/ERCO-FWES.csv", "eia_ba", NULL, "ERCO-FWES", &o);
    check_summary("eia930/iso_2020/US48.csv", "eia_ba", NULL, "US48", &o);
}

Test(ingest, real_ercot_native)
{
    hr_ingest_opts o = opts0();
    check_summary("ercot/native_load/native_load_2015.csv", "ercot", "ERCOT", "ERCOT", &o);
    check_summary("ercot/native_load/native_Load_2016.csv", "ercot", "ERCOT", "ERCOT", &o);
    check_summary("ercot/native_load/native_Load_2017.csv", "ercot", "COAST", "ERCOT-COAST", &o);
    check_summary("ercot/native_load/Native_Load_2018.csv", "ercot", "ERCOT", "ERCOT", &o);
    check_summary("ercot/native_load/Native_Load_2020.csv", "ercot", "FWEST", "ERCOT-FWEST", &o);
}

Test(ingest, real_pjm_zone_load)
{
    hr_ingest_opts o = opts0();
    check_summary("pjm/zone_load/AEP_hourly.csv", "pjmzone_iso", NULL, "AEP", &o);
    check_summary("pjm/zone_load/NI_hourly.csv", "pjmzone", "NI_MW dayfirst", "NI", &o);
}

Test(ingest, real_us48_and_weather)
{
    hr_ingest_opts o = opts0();
    check_summary("eia930/us48/US_elec.csv", "us48", "demand", "US48", &o);
    check_summary("weather/gefcom2014_e.csv", "gefcom", NULL, "gefcom2014_e", &o);
    check_summary("weather/bigdeal2022_round1.csv", "bigdeal", NULL, "bigdeal2022_round1", &o);
    check_summary("weather/tell_erco_load_weather.csv", "tell", NULL, "tell_erco_load_weather", &o);
    check_summary("weather/nyc_load_weather.csv", "nyc", NULL, "nyc_load_weather", &o);
}

/* Sum of one generation column over the grid vs the reference sum. */
static void check_gen_sum(const char *rel, const char *mode, const char *fuel, const char *region,
                          const char *col)
{
    char path[512], args[1024];
    if (!shared_path(path, sizeof path, rel)) cr_skip_test("shared data %s absent", rel);
    if (!have_python()) cr_skip_test("python3 with zoneinfo not available");
    snprintf(args, sizeof args, "%s '%s' '%s'", mode, path, fuel);
    double r[2];
    cr_assert_eq(pyref(args, r, 2), 2);
    hr_ingest_opts o = opts0();
    const char *p = path;
    hr_series *s = rdc(&p, 1, &o, 0);
    size_t i = reg(s, region);
    const double *v;
    int64_t t0;
    size_t n;
    cr_assert_eq(hr_series_column(s, i, col, &v), HR_OK);
    hr_series_grid(s, i, &t0, &n);
    double sum = 0;
    size_t have = 0;
    for (size_t k = 0; k < n; k++)
        if (!isnan(v[k])) sum += v[k], have++;
    /* different summation order: 1e-9 relative */
    cr_assert(rel_eq(sum, r[0], 1e-9), "%s %s: sum %.17g vs %.17g", rel, col, sum, r[0]);
    if (strcmp(mode, "pjmgen") == 0) cr_assert_eq((double)have, r[1], "%s hours", rel);
    else cr_assert_eq((double)have * 4, r[1], "%s quarter-hours", rel);
    hr_series_free(s);
}

Test(ingest, real_fuel_mix_and_gen_by_fuel)
{
    check_gen_sum("ercot/fuel_mix/IntGenByFuel201911.tsv", "fuel", "Wind", "ERCOT", "gen_wind_mw");
    check_gen_sum("ercot/fuel_mix/IntGenByFuel201903.tsv", "fuel", "Other", "ERCOT", "gen_other_mw");
    check_gen_sum("ercot/fuel_mix/IntGenByFuel202011.tsv", "fuel", "Gas-CC", "ERCOT", "gen_gas_cc_mw");
    check_gen_sum("pjm/gen_by_fuel/jan_2021_gen_by_fuel.csv", "pjmgen", "Gas", "PJM", "gen_gas_mw");
    check_gen_sum("pjm/gen_by_fuel/mar_2021_gen_by_fuel.csv", "pjmgen", "Wind", "PJM", "gen_wind_mw");
}
