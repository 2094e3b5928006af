/* test_report.c — the report writer (src/report/report.c).
 *
 * References: SHA-256 against the FIPS 180-2 / NIST CSRC example vectors
 * ("abc", the 448-bit and 896-bit messages, one million 'a') and against
 * coreutils `sha256sum` on files whose lengths straddle the padding
 * boundaries; JSON checked by Python's json module in strict mode (NaN and
 * Infinity rejected); the CSV header spelled out here from docs/report.md's column
 * list; numbers checked to round-trip exactly to the doubles that were put
 * in. Inputs are the three fake regions of tests/browser/sample.h. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "browser/sample.h"
#include "headroom.h"
#include "helpers.h"
#include "util/mem.h"
#include "report/report.h"

/* ---------------------------------------------------------------- helpers */

static sample_region S[3];
static report_region R[3];

static void make_sample(void)
{
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(sample_make(&S[k], k), 0);
        R[k] = S[k].r;
    }
}

/* A fresh scratch directory; the report goes to <scratch>/out. */
static char scratch[64], outdir[96];
static void make_scratch(void)
{
    strcpy(scratch, "/tmp/hr_report_XXXXXX");
    cr_assert_not_null(mkdtemp(scratch));
    snprintf(outdir, sizeof outdir, "%s/out", scratch);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    size_t k = fread(p, 1, (size_t)n, f);
    fclose(f);
    p[k] = '\0';
    if (len) *len = k;
    return p;
}

static char *slurp_out(const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    char *p = slurp(path, NULL);
    cr_assert_not_null(p, "cannot read %s", path);
    return p;
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

/* Entries of scratch other than "out" (temporary or old directories left). */
static int leftovers(void)
{
    DIR *d = opendir(scratch);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "out")) n++;
    closedir(d);
    return n;
}

static void rm_scratch(void)
{
    cr_assert_eq(rm_rf(scratch), 0);
}

/* Strict JSON check by Python: 0 when the file parses and the extra Python
 * assertions (may be NULL) hold with the parsed document bound to d. */
static int py_json(const char *path, const char *asserts)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys\n"
             "def bad(c): sys.exit(\"non-standard constant \" + c)\n"
             "d = json.load(open(sys.argv[1], encoding=\"utf-8\"), parse_constant=bad)\n"
             "%s' '%s'",
             asserts ? asserts : "", path);
    return system(cmd);
}

static report_run base_run(const char *const *inputs, size_t ninputs)
{
    report_run run;
    report_run_init(&run);
    run.inputs = inputs;
    run.ninputs = ninputs;
    run.options = "report -o out --rank-budget 0.5";
    run.created_utc = 1764374400; /* 2025-11-29T00:00:00Z */
    return run;
}

/* 1 if text holds "nan", "inf" (any case) as a word of its own: what
 * printf makes of a non-finite double. */
static int has_nonfinite_word(const char *text)
{
    for (const char *p = text; *p; p++) {
        if (strncasecmp(p, "nan", 3) != 0 && strncasecmp(p, "inf", 3) != 0) continue;
        int before = p > text && ((p[-1] | 32) >= 'a' && (p[-1] | 32) <= 'z');
        int after = (p[3] | 32) >= 'a' && (p[3] | 32) <= 'z';
        if (!before && !after) return 1;
    }
    return 0;
}

static int have_python(void) { return system("python3 -c 'import json' 2>/dev/null") == 0; }

/* ---------------------------------------------------------------- SHA-256 */

Test(report, sha256_fips_vectors)
{
    char hex[65];
    /* FIPS 180-2 appendix B.1 / B.2 and the NIST CSRC examples. */
    report_sha256_hex("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cr_assert_eq(strlen(m448), 56); /* 448 bits */
    report_sha256_hex(m448, strlen(m448), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
                       "qrsmnopqrstnopqrstu";
    cr_assert_eq(strlen(m896), 112); /* 896 bits */
    report_sha256_hex(m896, strlen(m896), hex);
    cr_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    report_sha256_hex("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    report_sha256_hex(a, 1000000, hex);
    free(a);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(report, sha256_file_matches_sha256sum)
{
    make_scratch();
    /* Lengths around the 55/56/64-byte padding boundaries and across the
     * 64 KiB read buffer. */
    static const size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 65535, 65536, 65537, 300007};
    uint64_t rs = 7;
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        char path[128];
        snprintf(path, sizeof path, "%s/f%zu.bin", scratch, lens[li]);
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        for (size_t i = 0; i < lens[li]; i++) {
            rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
            fputc((int)(rs >> 56), f);
        }
        fclose(f);
        char ours[65], cmd[160], theirs[80] = "";
        uint64_t size = 99;
        cr_assert_eq(report_sha256_file_size(path, ours, &size), HR_OK);
        cr_assert_eq(size, lens[li]);
        snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
        FILE *p = popen(cmd, "r");
        cr_assert_not_null(p);
        cr_assert_not_null(fgets(theirs, sizeof theirs, p));
        pclose(p);
        theirs[64] = '\0';
        cr_assert_str_eq(ours, theirs, "length %zu", lens[li]);
        char again[65];
        cr_assert_eq(report_sha256_file(path, again), HR_OK);
        cr_assert_str_eq(again, ours);
    }
    rm_scratch();
}

Test(report, sha256_missing_file_is_eio_with_path)
{
    char hex[65];
    cr_assert_eq(report_sha256_file("/nonexistent/dir/x.csv", hex), HR_EIO);
    cr_assert(strstr(hr_last_error(), "/nonexistent/dir/x.csv") != NULL, "%s", hr_last_error());
}

/* ---------------------------------------------------------------- formats */

Test(report, format_double_round_trips_and_nan_is_null)
{
    char b[40];
    report_format_double(NAN, b, sizeof b);
    cr_assert_str_eq(b, "null");
    report_format_double(INFINITY, b, sizeof b);
    cr_assert_str_eq(b, "null");
    report_format_double(0.5, b, sizeof b);
    cr_assert_str_eq(b, "0.5");
    report_format_double(0.1, b, sizeof b); /* shortest form, not 0.10000000000000001 */
    cr_assert_str_eq(b, "0.1");
    const double xs[] = {1.0 / 3, 2.0 / 3 * 1e5, 6.02214076e23, -1e-300, 12345.678901234567};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        report_format_double(xs[i], b, sizeof b);
        cr_assert_eq(strtod(b, NULL), xs[i], "%s", b);
    }
}

Test(report, numbers_ignore_thread_locale)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8"};
    locale_t loc = (locale_t)0;
    for (size_t i = 0; i < 5 && !loc; i++) loc = newlocale(LC_ALL_MASK, names[i], (locale_t)0);
    if (!loc) cr_skip_test("no locale with a decimal comma installed (de_DE/fr_FR/nl_NL)");
    uselocale(loc);
    char b[40];
    snprintf(b, sizeof b, "%.1f", 0.5);
    cr_assert_str_eq(b, "0,5", "the test locale should use a decimal comma");
    report_format_double(0.5, b, sizeof b);
    cr_assert_str_eq(b, "0.5");
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    uselocale(LC_GLOBAL_LOCALE);
    freelocale(loc);
    char *csv = slurp_out("regions.csv");
    /* Every number in the CSV uses a decimal point: the header's budgets
     * appear as 0.25/0.5 and no field looks like "123,4" inside quotes. */
    cr_assert(strstr(csv, "headroom_mw_b0p5,") != NULL);
    cr_assert(strchr(csv, '"') == NULL, "a quoted field means a comma crept into a number");
    if (have_python()) {
        char path[160];
        snprintf(path, sizeof path, "%s/regions.json", outdir);
        cr_assert_eq(py_json(path, NULL), 0);
    }
    free(csv);
    rm_scratch();
}

/* ---------------------------------------------------------------- outputs */

Test(report, writes_four_files_and_valid_json)
{
    if (!have_python()) cr_skip_test("python3 not available for the JSON check");
    make_sample();
    make_scratch();
    /* One real input file, hashed by report_write; compared with sha256sum. */
    char in[128];
    snprintf(in, sizeof in, "%s/input.csv", scratch);
    FILE *f = fopen(in, "w");
    fputs("region,timestamp,load_mw\nERCO,2024-01-01T00:00:00Z,41234.5\n", f);
    fclose(f);
    const char *inputs[1] = {in};
    report_run run = base_run(inputs, 1);
    report_timing tm[2] = {{"ingest", 0.25, 0.2, 0}, {"backtest", NAN, NAN, 1}};
    run.settings_json = "{\"fit\": {\"model\": \"auto\"}}";
    const char *warn[2] = {"tab\there \"quoted\" \\ back", "ctrl \x01 and bad utf8 \xff"};
    run.timings = tm;
    run.ntimings = 2;
    run.warnings = warn;
    run.nwarnings = 2;
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    char path[160];
    snprintf(path, sizeof path, "%s/regions.json", outdir);
    /* Ranked by headroom at 0.5 %: ERCO (largest region) first, Tiny last;
     * the Tiny region's P10 is NaN in the input and must be null. */
    cr_assert_eq(py_json(path, "r = d[\"regions\"]\n"
                               "assert [x[\"region\"] for x in r] == [\"ERCO\", \"A&B <x>\", \"Tiny Co-op\"], r\n"
                               "assert [x[\"rank\"] for x in r] == [1, 2, 3]\n"
                               "assert r[2][\"budgets\"][1][\"p10_mw\"] is None and r[2][\"mape_pct\"][\"auto\"] is None\n"
                               "assert [b[\"budget_pct\"] for b in r[0][\"budgets\"]] == [0.25, 0.5, 1, 5]\n"
                               "assert r[1][\"mape_pct\"][\"ba_forecast\"] is None\n"
                               "assert r[0][\"backtest\"][3][\"coverage80_pct\"] is None\n"
                               "assert r[0][\"backtest\"][0][\"coverage80_pct\"] > 1, \"a percentage\"\n"
                               "assert r[0][\"study_year_from\"] == 2023 and r[0][\"study_year_to\"] == 2024\n"
                               "assert r[0][\"threshold_summer_mw\"] == r[0][\"peak_mw\"]\n"
                               "assert r[0][\"forecast_train_last_utc\"] == \"2024-12-30T23:00:00Z\"\n"
                               "assert r[2][\"forecast_train_first_utc\"] is None\n"
                               "assert r[2][\"data_warning\"] and r[0][\"data_warning\"] is None\n"
                               "assert all(x[\"within\"] is None for x in r)\n"
                               "assert r[0][\"genmix\"][0][\"fuel\"] == \"gas\"\n"
                               "assert d[\"budgets_pct\"] == [0.25, 0.5, 1, 5]\n"
                               "assert d[\"rank_budget_pct\"] == 0.5\n"),
                 0);
    snprintf(path, sizeof path, "%s/run.json", outdir);
    char cmd[256], want[80] = "";
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", in);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(fgets(want, sizeof want, p));
    pclose(p);
    want[64] = '\0';
    char asserts[2048];
    snprintf(asserts, sizeof asserts,
             "i = d[\"inputs\"][0]\n"
             "assert i[\"sha256\"] == \"%s\", i\n"
             "assert i[\"size_bytes\"] == %ld\n"
             "assert d[\"version\"] == \"%s\"\n"
             "assert d[\"created_utc\"] == \"2025-11-29T00:00:00Z\"\n"
             "assert d[\"timings\"][0] == {\"stage\": \"ingest\", \"wall_s\": 0.25, \"cpu_s\": 0.2, "
             "\"summed_over_regions\": False}\n"
             "assert d[\"timings\"][1][\"wall_s\"] is None and d[\"timings\"][1][\"summed_over_regions\"]\n"
             "assert d[\"settings\"] == {\"fit\": {\"model\": \"auto\"}}\n"
             "assert d[\"timings\"][-1][\"stage\"] == \"render\"\n"
             "assert d[\"warnings\"][0] == \"tab\\there \\\"quoted\\\" \\\\ back\", d[\"warnings\"]\n"
             "assert d[\"warnings\"][1] == \"ctrl \\x01 and bad utf8 \\ufffd\", d[\"warnings\"]\n",
             want, (long)strlen("region,timestamp,load_mw\nERCO,2024-01-01T00:00:00Z,41234.5\n"), hr_version());
    cr_assert_eq(py_json(path, asserts), 0);
    rm_scratch();
}

/* x rounded to dec decimals, trailing zeros dropped: what the files hold. */
static void rounded(char *buf, size_t cap, double x, int dec)
{
    snprintf(buf, cap, "%.*f", dec, x);
    char *dot = strchr(buf, '.');
    if (!dot) return;
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0') *--end = '\0';
    if (end == dot + 1) *dot = '\0';
}

/* Field k (0-based) of a CSV line without quoted fields, into buf. */
static void csv_field(const char *line, int k, char *buf, size_t cap)
{
    const char *p = line;
    for (int c = 0; c < k; c++) p = strchr(p, ',') + 1;
    size_t n = strcspn(p, ",\n");
    snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
}

Test(report, csv_header_rows_and_rounded_numbers)
{
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    char *csv = slurp_out("regions.csv");
    /* The header, spelled out: units in the names, no dots, budgets as b0p25. */
    char want[8192] = "region,rank,within,first_utc,last_utc,hours,missing_hours,flagged_hours,imputed_hours,"
                      "imputed_pct,data_warning,peak_mw,mean_mw,load_factor,study_year_from,study_year_to,"
                      "threshold_summer_mw,threshold_winter_mw,forecast_train_first_utc,forecast_train_last_utc";
    static const char *const b[4] = {"0p25", "0p5", "1", "5"};
    static const char *const stems[11] = {"headroom_mw", "headroom_pct_peak", "curtailed_h_per_yr",
                                          "curtailed_h_per_yr_keeping_50pct", "curtailed_h_per_yr_keeping_75pct",
                                          "curtailed_h_per_yr_keeping_90pct", "mean_event_h", "max_event_h",
                                          "p10_mw", "p50_mw", "p90_mw"};
    for (int j = 0; j < 4; j++)
        for (int k = 0; k < 11; k++) {
            strcat(want, ",");
            strcat(want, stems[k]);
            strcat(want, "_b");
            strcat(want, b[j]);
        }
    strcat(want, ",mape_pct_auto,mape_pct_snaive24,mape_pct_snaive168,mape_pct_ba_forecast,cf_share_pct,"
                 "cf_share_curtailed_pct,outlook_year,outlook_train_from,outlook_train_to,"
                 "outlook_threshold_summer_mw,outlook_threshold_winter_mw,outlook_scenarios\n");
    cr_assert_eq(strncmp(csv, want, strlen(want)), 0, "header:\n%.*s\nwant:\n%s", (int)strlen(want), csv, want);
    const char *nl = strchr(csv, '\n');
    for (const char *p = csv; p < nl; p++) cr_assert_neq(*p, '.', "a dot in the header");
    cr_assert_eq(count_str(csv, "\n"), 4, "header + one row per region");
    /* Row 1 is ERCO; every value is rounded to its precision: MW to 0.1,
     * percentages to 0.01, hours to 0.1. */
    const char *row = nl + 1;
    const char *lead = "ERCO,1,,2023-01-01T00:00:00Z,2024-12-30T23:00:00Z,17520,0,5,5,0.03,,";
    cr_assert_eq(strncmp(row, lead, strlen(lead)), 0, "%.90s", row);
    char got[64], exp[64];
    csv_field(row, 11, got, sizeof got); /* peak_mw */
    rounded(exp, sizeof exp, S[0].r.peak_mw, 1);
    cr_assert_str_eq(got, exp);
    csv_field(row, 13, got, sizeof got); /* load_factor, a ratio */
    rounded(exp, sizeof exp, S[0].r.load_factor, 4);
    cr_assert_str_eq(got, exp);
    csv_field(row, 20 + 11, got, sizeof got); /* headroom_mw_b0p5 */
    rounded(exp, sizeof exp, S[0].hr[1].headroom_mw, 1);
    cr_assert_str_eq(got, exp);
    csv_field(row, 20 + 11 + 1, got, sizeof got); /* headroom_pct_peak_b0p5 */
    rounded(exp, sizeof exp, S[0].hr[1].headroom_pct_peak, 2);
    cr_assert_str_eq(got, exp);
    csv_field(row, 20 + 11 + 6, got, sizeof got); /* mean_event_h_b0p5 */
    rounded(exp, sizeof exp, S[0].hr[1].mean_event_hours, 1);
    cr_assert_str_eq(got, exp);
    /* No binary noise anywhere: no field has more than 2 decimals but the
     * load factor, a ratio to 4. */
    for (const char *p = row; *p; p++)
        if (*p == '.') {
            size_t d = strspn(p + 1, "0123456789");
            cr_assert(d <= 2 || (d <= 4 && p[-1] == '0' && p[-2] == ','), "a field with %zu decimals: %.20s", d, p - 8);
        }
    /* Tiny Co-op (rank 3): NaN P10 is an empty field; it carries the data warning. */
    const char *row3 = strstr(csv, "\nTiny Co-op,3,");
    cr_assert_not_null(row3);
    csv_field(row3 + 1, 20 + 11 + 8, got, sizeof got); /* p10_mw_b0p5 */
    cr_assert_str_eq(got, "", "NaN must be an empty field");
    csv_field(row3 + 1, 10, got, sizeof got);
    cr_assert(strstr(got, "imputed") != NULL, "%s", got);
    free(csv);
    rm_scratch();
}

/* A region whose name extends another's after a separator lies within it:
 * flagged in the page and in both files, and nowhere else. */
Test(report, nested_regions_are_flagged)
{
    if (!have_python()) cr_skip_test("python3 not available for the JSON check");
    make_sample();
    make_scratch();
    report_region r[4] = {R[0], R[1], R[2], R[1]};
    r[1].name = "ERCO-COAS";  /* within ERCO */
    r[2].name = "ERCOT";      /* a prefix without separator: not nested */
    r[3].name = "ERCO-COAS-X"; /* within ERCO-COAS, the longest prefix */
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, r, 4, &run, 1), HR_OK, "%s", hr_last_error());
    char path[160];
    snprintf(path, sizeof path, "%s/regions.json", outdir);
    cr_assert_eq(py_json(path, "w = {x[\"region\"]: x[\"within\"] for x in d[\"regions\"]}\n"
                               "assert w == {\"ERCO\": None, \"ERCO-COAS\": \"ERCO\", \"ERCOT\": None, "
                               "\"ERCO-COAS-X\": \"ERCO-COAS\"}, w\n"),
                 0);
    char *csv = slurp_out("regions.csv");
    cr_assert(strstr(csv, "\nERCO-COAS,2,ERCO,") != NULL || strstr(csv, ",ERCO,2023") != NULL, "%s", csv);
    free(csv);
    char *html = slurp_out("index.html");
    cr_assert(strstr(html, "<span class=\"tag\">within ERCO</span>") != NULL);
    cr_assert(strstr(html, "ERCO-COAS lies within ERCO") != NULL);
    cr_assert(strstr(html, "must not be added") != NULL);
    cr_assert(strstr(html, "ERCOT lies within") == NULL);
    free(html);
    rm_scratch();
}

/* Data checks (a threshold set by a spike) are listed in run.json and the
 * Run section, apart from the failed stages: no banner. */
Test(report, data_checks_are_not_failures)
{
    if (!have_python()) cr_skip_test("python3 not available for the JSON check");
    make_sample();
    make_scratch();
    const char *check[1] = {"ERCO: headroom: the summer threshold is set by one hour: check the data"};
    report_run run = base_run(NULL, 0);
    run.data_warnings = check;
    run.ndata_warnings = 1;
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    char path[160];
    snprintf(path, sizeof path, "%s/run.json", outdir);
    cr_assert_eq(py_json(path, "assert d[\"warnings\"] == [], d[\"warnings\"]\n"
                               "assert d[\"data_warnings\"] == [\"ERCO: headroom: the summer threshold is set by "
                               "one hour: check the data\"], d[\"data_warnings\"]\n"),
                 0);
    char *html = slurp_out("index.html");
    cr_assert(strstr(html, "class=\"banner\"") == NULL, "a data check is not a failed stage");
    const char *runsec = strstr(html, "id=\"run\"");
    cr_assert_not_null(runsec);
    cr_assert(strstr(runsec, "Data checks") != NULL && strstr(runsec, "check the data") != NULL);
    free(html);
    run.ndata_warnings = 1;
    run.data_warnings = NULL;
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_EINVAL, "a count without its array");
    rm_scratch();
}

/* Failed stages are listed in a banner at the top of the page. */
Test(report, failed_stages_head_the_page)
{
    make_sample();
    make_scratch();
    const char *warn[2] = {"ERCO: backtest: too little data", "A&B <x>: forecast: singular"};
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    char *html = slurp_out("index.html");
    cr_assert(strstr(html, "class=\"banner\"") == NULL, "no banner without failures");
    free(html);
    run.warnings = warn;
    run.nwarnings = 2;
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    html = slurp_out("index.html");
    const char *banner = strstr(html, "class=\"banner\"");
    cr_assert_not_null(banner);
    cr_assert(banner < strstr(html, "id=\"ranking\""), "the banner precedes the ranking");
    cr_assert(strstr(banner, "2 stages failed") != NULL);
    cr_assert(strstr(banner, "A&amp;B &lt;x&gt;: forecast: singular") != NULL);
    free(html);
    rm_scratch();
}

/* Every chart shows every budget: the curve's legend, the load-duration
 * curve's legend, one heatmap panel per budget, one curtailment line per
 * budget in the fan chart; the fan names its dates. */
Test(report, charts_show_every_budget_and_the_dates)
{
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, &R[0], 1, &run, 0), HR_OK, "%s", hr_last_error());
    char *html = slurp_out("index.html");
    static const char *const b[4] = {"0.25", "0.5", "1", "5"};
    for (int j = 0; j < 4; j++) {
        char k[64];
        snprintf(k, sizeof k, ">%s %% budget: ", b[j]);
        cr_assert_eq(count_str(html, k), 1, "curve legend %s", k);
        snprintf(k, sizeof k, ">%s %%: ", b[j]);
        cr_assert_eq(count_str(html, k), 1, "load-duration legend %s", k);
        snprintf(k, sizeof k, ">At the %s %% budget<", b[j]);
        cr_assert_eq(count_str(html, k), 1, "heatmap panel %s", k);
    }
    cr_assert_eq(count_str(html, "<path class=\"cline\""), 4 + 4, "4 lines and 4 legend marks");
    cr_assert(strstr(html, "Next 14 days: Dec 31, 2024 \xE2\x80\x93 Jan 13, 2025 (UTC)") != NULL);
    cr_assert(strstr(html, "at the 0.25, 0.5, 1 and 5 % budgets") != NULL);
    cr_assert(strstr(html, "Study years 2023\xE2\x80\x93" "2024.") != NULL);
    cr_assert(strstr(html, "Forecast model trained on 2023\xE2\x80\x93" "2024") != NULL);
    free(html);
    rm_scratch();
}

Test(report, csv_quotes_names_with_commas_and_quotes)
{
    make_sample();
    make_scratch();
    report_region r = R[2];
    r.name = "Co, \"op\"";
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, &r, 1, &run, 0), HR_OK, "%s", hr_last_error());
    char *csv = slurp_out("regions.csv");
    cr_assert(strstr(csv, "\n\"Co, \"\"op\"\"\",1,") != NULL, "%s", csv);
    free(csv);
    rm_scratch();
}

Test(report, html_self_contained_escaped_and_charts_present)
{
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    run.options = "--title <b>&";
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    char *html = slurp_out("index.html");
    cr_assert(strstr(html, "http://") == NULL);
    cr_assert(strstr(html, "https://") == NULL);
    cr_assert(strstr(html, "<script") == NULL);
    cr_assert(strstr(html, "src=") == NULL);
    cr_assert(strstr(html, "<link") == NULL);
    cr_assert(strstr(html, "@import") == NULL && strstr(html, "url(") == NULL);
    cr_assert(strstr(html, "@media print") != NULL);
    /* Design: one ranking chart, then per region curve, load-duration,
     * heatmap and fan chart; Tiny Co-op has only the load-duration curve and
     * three "no data" notes instead of empty svgs. */
    cr_assert_eq(count_str(html, "<svg"), 1 + 4 + 4 + 1);
    cr_assert_eq(count_str(html, "</svg>"), 10);
    cr_assert_eq(count_str(html, "<svg class=\"chart\" role=\"img\""), 10);
    cr_assert_eq(count_str(html, "class=\"nodata\""), 3);
    cr_assert_eq(count_str(html, "Curtailment rate versus added flat load"), 2);
    cr_assert_eq(count_str(html, "<title>Load-duration curve"), 3);
    cr_assert_eq(count_str(html, "<title>Load forecast for "), 2);
    cr_assert_eq(count_str(html, "<title>Curtailed hours per year by month and hour of day (UTC)"), 2);
    cr_assert_eq(count_str(html, "<b>Data warning.</b>"), 1, "Tiny Co-op: 3.4 % imputed");
    cr_assert(strstr(html, "href=\"regions.csv\"") && strstr(html, "href=\"regions.json\""));
    /* Each svg opens with its title and draws paths or rects. */
    for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p++) {
        const char *end = strstr(p, "</svg>");
        cr_assert_not_null(end);
        const char *t = strstr(p, "<title>");
        cr_assert(t && t < end && t - p < 200);
        const char *d = strstr(p, "<path");
        const char *rr = strstr(p, "<rect");
        cr_assert((d && d < end) || (rr && rr < end));
    }
    /* Escaping. */
    cr_assert(strstr(html, "A&amp;B &lt;x&gt;") != NULL);
    cr_assert(strstr(html, "A&B <x>") == NULL);
    cr_assert(strstr(html, "--title &lt;b&gt;&amp;") != NULL);
    cr_assert(strstr(html, "<b>&") == NULL);
    cr_assert(!has_nonfinite_word(html), "NaN inputs must render as a dash, never nan/inf");
    /* Sources named in the method section. */
    cr_assert(strstr(html, "Rethinking Load Growth") && strstr(html, "Scientific Data</i> 7, 155") &&
              strstr(html, "Hyndman") && strstr(html, "vanilla"));
    free(html);
    rm_scratch();
}

/* ---------------------------------------------------------------- atomicity */

Test(report, failure_hook_leaves_previous_report_untouched)
{
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    run.options = "first run";
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    static const char *const files[4] = {"index.html", "regions.csv", "regions.json", "run.json"};
    char *before[4];
    for (int k = 0; k < 4; k++) before[k] = slurp_out(files[k]);
    for (int fail = 1; fail <= 4; fail++) {
        report_run r2 = run;
        r2.options = "second run";
        r2.fail_after_files = fail;
        cr_assert_eq(report_write(outdir, R, 2, &r2, 0), HR_EIO, "hook %d", fail);
        cr_assert(strstr(hr_last_error(), "injected") != NULL, "%s", hr_last_error());
        for (int k = 0; k < 4; k++) {
            char *now = slurp_out(files[k]);
            cr_assert_str_eq(now, before[k], "%s changed after failure at %d", files[k], fail);
            free(now);
        }
        cr_assert_eq(leftovers(), 0, "DIR.tmp-* left after failure at %d", fail);
    }
    /* Without the hook the second run replaces the first. */
    report_run r3 = run;
    r3.options = "second run";
    cr_assert_eq(report_write(outdir, R, 2, &r3, 0), HR_OK, "%s", hr_last_error());
    char *rj = slurp_out("run.json");
    cr_assert(strstr(rj, "second run") != NULL);
    free(rj);
    char *csv = slurp_out("regions.csv");
    cr_assert_eq(count_str(csv, "\n"), 3);
    free(csv);
    cr_assert_eq(leftovers(), 0);
    for (int k = 0; k < 4; k++) free(before[k]);
    rm_scratch();
}

Test(report, refuses_to_replace_a_foreign_directory)
{
    make_sample();
    make_scratch();
    cr_assert_eq(mkdir(outdir, 0755), 0);
    char note[160];
    snprintf(note, sizeof note, "%s/notes.txt", outdir);
    FILE *f = fopen(note, "w");
    fputs("mine\n", f);
    fclose(f);
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_EIO);
    cr_assert(strstr(hr_last_error(), "notes.txt") != NULL, "%s", hr_last_error());
    char *n = slurp(note, NULL);
    cr_assert_str_eq(n, "mine\n");
    free(n);
    cr_assert_eq(leftovers(), 0);
    /* A plain file at DIR is refused too. */
    char file[160];
    snprintf(file, sizeof file, "%s/plain", scratch);
    f = fopen(file, "w");
    fclose(f);
    cr_assert_eq(report_write(file, R, 3, &run, 1), HR_EIO);
    rm_scratch();
}

Test(report, creates_directory_and_accepts_trailing_slash)
{
    make_sample();
    make_scratch();
    char withslash[128];
    snprintf(withslash, sizeof withslash, "%s/", outdir);
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(withslash, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    struct stat st;
    cr_assert_eq(stat(outdir, &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(st.st_mode & 0777, 0755, "mkdtemp's 0700 must not leak into the report");
    cr_assert_eq(report_write(withslash, R, 3, &run, 1), HR_OK, "%s", hr_last_error());
    cr_assert_eq(leftovers(), 0);
    /* Missing parent: HR_EIO naming the path, nothing created. */
    char deep[160];
    snprintf(deep, sizeof deep, "%s/no/such/parent", scratch);
    cr_assert_eq(report_write(deep, R, 3, &run, 1), HR_EIO);
    cr_assert(strstr(hr_last_error(), "no/such/parent") != NULL, "%s", hr_last_error());
    rm_scratch();
}

Test(report, missing_input_fails_before_writing)
{
    make_sample();
    make_scratch();
    const char *inputs[1] = {"/nonexistent/input.csv"};
    report_run run = base_run(inputs, 1);
    cr_assert_eq(report_write(outdir, R, 3, &run, 1), HR_EIO);
    cr_assert(strstr(hr_last_error(), "/nonexistent/input.csv") != NULL);
    struct stat st;
    cr_assert_neq(stat(outdir, &st), 0, "nothing may be created");
    cr_assert_eq(leftovers(), 0);
    rm_scratch();
}

/* ---------------------------------------------------------------- errors */

Test(report, invalid_arguments)
{
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, R, 3, NULL, 1), HR_EINVAL);
    cr_assert_eq(report_write(NULL, R, 3, &run, 1), HR_EINVAL);
    cr_assert_eq(report_write(outdir, R, 3, &run, 4), HR_EINVAL, "rank index past the 4 budgets");
    cr_assert_eq(report_write(outdir, R, 3, &run, -1), HR_EINVAL);
    report_region bad[2] = {R[0], R[1]};
    bad[1].nbudgets = 3;
    cr_assert_eq(report_write(outdir, bad, 2, &run, 0), HR_EINVAL, "different budget counts");
    report_headroom h[4];
    memcpy(h, S[1].hr, sizeof h);
    h[2].budget_pct = 2;
    bad[1] = R[1];
    bad[1].headroom = h;
    cr_assert_eq(report_write(outdir, bad, 2, &run, 0), HR_EINVAL, "different budget values");
    bad[1] = R[1];
    bad[1].curve_mw = NULL;
    cr_assert_eq(report_write(outdir, bad, 2, &run, 0), HR_EINVAL, "NULL array with a count");
    struct stat st;
    cr_assert_neq(stat(outdir, &st), 0);
    cr_assert_eq(leftovers(), 0);
    rm_scratch();
}

Test(report, no_regions_still_writes_a_report)
{
    make_scratch();
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, NULL, 0, &run, 0), HR_OK, "%s", hr_last_error());
    char *html = slurp_out("index.html");
    cr_assert_eq(count_str(html, "<svg"), 0, "no empty svgs");
    cr_assert(count_str(html, "class=\"nodata\"") >= 1);
    free(html);
    char *csv = slurp_out("regions.csv");
    cr_assert_eq(count_str(csv, "\n"), 1, "header only");
    free(csv);
    if (have_python()) {
        char path[160];
        snprintf(path, sizeof path, "%s/regions.json", outdir);
        cr_assert_eq(py_json(path, "assert d[\"regions\"] == []\n"), 0);
        snprintf(path, sizeof path, "%s/run.json", outdir);
        cr_assert_eq(py_json(path, "assert d[\"inputs\"] == []\n"), 0);
    }
    rm_scratch();
}

Test(report, all_nan_region_draws_no_empty_svg)
{
    make_scratch();
    report_region r;
    report_region_init(&r);
    r.name = "Empty";
    report_headroom h[2] = {{.budget_pct = 0.5, .headroom_mw = NAN, .headroom_pct_peak = NAN,
                             .curtailed_hours_per_year = NAN, .hours_ge50 = NAN, .hours_ge75 = NAN,
                             .hours_ge90 = NAN, .mean_event_hours = NAN, .max_event_hours = NAN,
                             .p10_mw = NAN, .p50_mw = NAN, .p90_mw = NAN},
                            {.budget_pct = 1, .headroom_mw = NAN, .headroom_pct_peak = NAN,
                             .curtailed_hours_per_year = NAN, .hours_ge50 = NAN, .hours_ge75 = NAN,
                             .hours_ge90 = NAN, .mean_event_hours = NAN, .max_event_hours = NAN,
                             .p10_mw = NAN, .p50_mw = NAN, .p90_mw = NAN}};
    r.headroom = h;
    r.nbudgets = 2;
    double ldc[3] = {NAN, NAN, NAN}, heat[2 * 288];
    for (int i = 0; i < 2 * 288; i++) heat[i] = NAN;
    double mean[2] = {NAN, NAN};
    r.ldc_pct = ldc;
    r.nldc = 3;
    r.heatmap = heat;
    r.forecast.mean = mean;
    r.forecast.h = 2;
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, &r, 1, &run, 0), HR_OK, "%s", hr_last_error());
    char *html = slurp_out("index.html");
    cr_assert_eq(count_str(html, "<svg"), 0);
    cr_assert_eq(count_str(html, "class=\"nodata\""), 6, "ranking, 4 charts, backtest table");
    cr_assert(!has_nonfinite_word(html));
    free(html);
    char *csv = slurp_out("regions.csv");
    cr_assert(!has_nonfinite_word(csv));
    cr_assert(strstr(csv, "\nEmpty,1,,,,0,0,0,0,,,") != NULL, "%s", csv);
    free(csv);
    char *json = slurp_out("regions.json");
    cr_assert(!has_nonfinite_word(json));
    free(json);
    rm_scratch();
}

/* Every allocation failure is reported as HR_ENOMEM and leaves nothing
 * behind (run under ASan for leaks). */
Test(report, allocation_failures_are_clean)
{
    make_sample();
    make_scratch();
    report_run run = base_run(NULL, 0);
    int ok = 0;
    unsigned long k;
    for (k = 1; k < 2000 && !ok; k++) {
        mem_fail_at(k);
        int rc = report_write(outdir, R, 3, &run, 1);
        mem_fail_at(0);
        if (rc == HR_OK) ok = 1;
        else cr_assert_eq(rc, HR_ENOMEM, "k=%lu: %s", k, hr_last_error());
        cr_assert_eq(leftovers(), 0, "k=%lu", k);
    }
    cr_assert(ok, "never succeeded");
    cr_assert_gt(k, 5, "the writer should allocate several times");
    rm_scratch();
}

/* A long load-duration input is thinned to about 400 drawn points, keeping
 * the first (100 % of peak) and the last point. */
Test(report, long_load_duration_curve_is_thinned)
{
    make_sample();
    make_scratch();
    static double ldc[8760];
    for (size_t i = 0; i < 8760; i++) ldc[i] = 100 - 60.0 * (double)i / 8759; /* 100 % down to 40 % */
    report_region r = R[0];
    r.ldc_pct = ldc;
    r.nldc = 8760;
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, &r, 1, &run, 0), HR_OK, "%s", hr_last_error());
    char *html = slurp_out("index.html");
    const char *p = strstr(html, "class=\"ln-ldc\" d=\"");
    cr_assert_not_null(p);
    p += strlen("class=\"ln-ldc\" d=\"");
    const char *end = strchr(p, '"');
    size_t pts = 1;
    for (const char *q = p; q < end; q++) pts += *q == 'L';
    cr_assert(pts >= 300 && pts <= 460, "%zu points drawn", pts);
    /* Plot area: x from 76 to 534, y of 100 % at the top (14), 40 % at the
     * bottom (14 + 238): so the path starts at "M76.0 14.0" and ends at
     * "534.0 252.0" (frame geometry of std_frame, y axis 40..100). */
    cr_assert_eq(strncmp(p, "M76.0 14.0", 10), 0, "%.20s", p);
    cr_assert_eq(strncmp(end - 11, "534.0 252.0", 11), 0, "%.20s", end - 11);
    free(html);
    rm_scratch();
}

/* A region whose headroom failed (nbudgets = 0) is still reported, with
 * empty headroom fields, and ranked after every region that has one. */
Test(report, region_without_budgets_is_ranked_last)
{
    if (!have_python()) cr_skip_test("python3 not available for the JSON check");
    make_sample();
    make_scratch();
    report_region r[3] = {R[2], R[0], R[1]};
    r[0].nbudgets = 0;
    r[0].headroom = NULL;
    r[0].name = "Failed";
    report_run run = base_run(NULL, 0);
    cr_assert_eq(report_write(outdir, r, 3, &run, 1), HR_OK, "%s", hr_last_error());
    char path[160];
    snprintf(path, sizeof path, "%s/regions.json", outdir);
    cr_assert_eq(py_json(path, "r = d[\"regions\"]\n"
                               "assert [x[\"region\"] for x in r] == [\"ERCO\", \"A&B <x>\", \"Failed\"], r\n"
                               "assert r[2][\"budgets\"][1][\"headroom_mw\"] is None\n"
                               "assert r[2][\"budgets\"][3][\"curtailed_h_per_yr\"] is None\n"
                               "assert d[\"budgets_pct\"] == [0.25, 0.5, 1, 5]\n"),
                 0);
    char *html = slurp_out("index.html");
    cr_assert(!has_nonfinite_word(html));
    free(html);
    rm_scratch();
}
