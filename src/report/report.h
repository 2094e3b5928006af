/* report.h — the rendering half of `headroom report` (private).
 *
 * The caller (the batch driver) computes everything per region and fills the
 * plain structs below; report_write() renders them into an output directory:
 *   index.html    one self-contained page (inline CSS + inline SVG, no
 *                 scripts, no external resources), printable
 *   regions.csv   one row per region (flat columns, NaN -> empty field)
 *   regions.json  {"regions":[...]} with the same keys (NaN -> null), the
 *                 budget columns nested per budget, plus the full backtest
 *                 table per region
 *   run.json      inputs (path, size, SHA-256), options and settings,
 *                 version, timings (wall and CPU), warnings
 * The directory is replaced atomically: everything is written into
 * DIR.tmp-XXXXXX beside DIR and then swapped in, so a failed run leaves the
 * previous report untouched and no temporary directory behind.
 *
 * Units: power in MW; every *_pct field is a percentage (0.5 means 0.5 %);
 * times are int64 seconds since the epoch, UTC, hour-beginning. A NaN double
 * means "not computed" and is rendered as an empty CSV field, JSON null, or
 * an en dash in the HTML. All pointers are borrowed: report_write() reads
 * them during the call and keeps nothing.
 *
 * Thread-safety: no global state; numbers are formatted under a thread-local
 * "C" locale (newlocale/uselocale), never setlocale. */
#ifndef HR_REPORT_H
#define HR_REPORT_H
#include "headroom.h"
#include <stddef.h>
#include <stdint.h>

/* One row of the day-ahead backtest table (one model, one region). */
typedef struct {
    const char *model;          /* "auto", "snaive24", "snaive168", "ba_forecast", ... */
    size_t n;                   /* forecast/actual pairs scored                     */
    double mae, rmse;           /* MW                                               */
    double mape;                /* percent                                          */
    double mase;                /* unitless (seasonal naive scale, m = 168)         */
    double coverage80;          /* percent of actuals inside the 80 % interval;     */
    double coverage95;          /*   NaN for models without intervals               */
    double winkler95;           /* MW                                               */
    double pinball;             /* MW (mean pinball loss over the quantiles used)   */
} report_backtest;

/* Headroom at one curtailment budget (one region). Every region passed to
 * report_write lists the same budgets in the same order, or none at all
 * (nbudgets = 0: its headroom failed; it is shown with dashes, ranked last). */
typedef struct {
    double budget_pct;               /* curtailment budget, e.g. 0.25, 0.5, 1, 5       */
    double headroom_mw;              /* deterministic headroom on the observed years   */
    double headroom_pct_peak;        /* 100 * headroom_mw / peak_mw                    */
    double curtailed_hours_per_year; /* hours per year with any curtailment            */
    double hours_ge50, hours_ge75, hours_ge90; /* hours/year keeping >= 50/75/90 % of L */
    double mean_event_hours;         /* mean length of a curtailment event (hours)     */
    double max_event_hours;          /* longest event (hours)                          */
    double p10_mw, p50_mw, p90_mw;   /* probabilistic headroom, next year; NaN = none  */
} report_headroom;

/* Forecast of the next h hours with intervals, plus the observed week before. */
typedef struct {
    int64_t t0_utc;        /* first forecast hour                                  */
    size_t h;              /* forecast length in hours (336 = 14 days); 0 = none   */
    const double *mean;    /* [h] MW                                               */
    const double *lo80, *hi80; /* [h] MW; either pair may be NULL                  */
    const double *lo95, *hi95; /* [h] MW                                           */
    size_t nhist;          /* observed hours just before t0 (168); 0 = none        */
    const double *history; /* [nhist] MW; history[nhist-1] is hour t0 - 3600; NaN ok */
} report_forecast;

/* Generation mix (optional; nfuels == 0 and NaN shares when not given). */
typedef struct {
    size_t nfuels;
    const char *const *fuel;           /* [nfuels] names, e.g. "gas", "wind"         */
    const double *share_pct;           /* [nfuels] percent of generation, all hours  */
    const double *share_curtailed_pct; /* [nfuels] percent in curtailed hours; NULL ok */
    double cf_share_pct;               /* carbon-free share, all hours               */
    double cf_share_curtailed_pct;     /* carbon-free share in curtailed hours       */
} report_genmix;

/* Everything the report shows for one region. Initialise with
 * report_region_init() (which sets the optional doubles to NaN). */
typedef struct {
    const char *name;          /* region name (escaped on output; any bytes ok) */
    hr_quality quality;        /* from hr_series_quality()                       */
    double peak_mw;            /* peak of the cleaned load used for headroom     */
    double load_factor;        /* mean / peak, 0..1                              */
    const char *note;          /* optional remark shown on the page; NULL = none */

    /* Load-duration curve: load sorted descending as % of peak, evenly spaced
     * in hour rank (ldc_pct[0] = 100). Any length; <= 200 points suggested. */
    size_t nldc;
    const double *ldc_pct;

    /* Headroom-versus-curtailment curve: added flat load (MW, increasing) and
     * the mean yearly curtailment rate (percent) it would see. Sample up to
     * about 1.5x the headroom at the largest budget; the chart keeps points up
     * to twice the largest budget. */
    size_t ncurve;
    const double *curve_mw;
    const double *curve_rate_pct;

    /* Curtailed hours per year by month and hour of day at every budget:
     * heatmap[(j * 24 + hour) * 12 + month] for headroom row j (nbudgets
     * panels), month 0 = January, hours and months in the zone heatmap_tz
     * (NULL = UTC). NULL = none. */
    const double *heatmap;
    const char *heatmap_tz;

    /* What the headroom rests on: the study years and the thresholds (equal
     * for an annual threshold); 0 and NaN when not computed. */
    int year_from, year_to;
    double threshold_summer_mw, threshold_winter_mw;
    /* First and last training hour of the forecast model (UTC,
     * hour-beginning); train_last_utc < train_first_utc = no model. */
    int64_t train_first_utc, train_last_utc;

    report_forecast forecast;

    size_t nbacktest;
    const report_backtest *backtest;   /* [nbacktest] */

    size_t nbudgets;                   /* same list in every region, or 0   */
    const report_headroom *headroom;   /* [nbudgets], increasing budget_pct */

    report_genmix genmix;

    /* What the headroom rows' P10/P50/P90 are: scenarios of year `year`
     * from a model trained on train_from..train_to (UTC years), against the
     * historical thresholds; scenarios = 0: none. */
    struct {
        int year, train_from, train_to;
        double threshold_summer_mw, threshold_winter_mw;
        size_t scenarios;
    } outlook;

    /* The contract view (NaN = none): the headroom at the ranking budget
     * under the run's contract terms and the terms that bind it
     * (hr_assess_binding_text); a campus of campus_mw MW: the mean share of
     * its energy curtailed (%), curtailed hours and events per year, the
     * longest event (hours). */
    double contract_mw;
    char contract_binding[64];
    double campus_mw, campus_curtailed_pct, campus_hours_per_year, campus_events_per_year, campus_max_event_hours;
} report_region;

/* Time spent in one stage of the run: wall-clock and CPU seconds (NaN =
 * not measured). summed = 1: the stage ran once per region, possibly on
 * several threads at once, and both are sums over the regions (their wall
 * sum can exceed the run's wall time). */
typedef struct {
    const char *stage;
    double wall_s, cpu_s;
    int summed;
} report_timing;

/* Run metadata. Initialise with report_run_init(). */
typedef struct {
    const char *const *inputs; /* [ninputs] input paths; size and SHA-256 are
                                  computed by report_write                  */
    size_t ninputs;
    const char *options;       /* the options as one string, shown verbatim  */
    const char *version;       /* NULL = hr_version()                         */
    int64_t created_utc;       /* run time stamp, written as given            */
    const report_timing *timings;
    size_t ntimings;
    const char *const *warnings; /* [nwarnings] stages that failed for a region;
                                    listed at the top of the page       */
    size_t nwarnings;
    const char *const *data_warnings; /* [ndata_warnings] data checks (e.g. a
                                    threshold set by a spike), not failures */
    size_t ndata_warnings;
    const char *settings_json; /* every effective option as one JSON object,
                                  copied into run.json; NULL = none        */
    const char *title;         /* page heading; NULL = default                */
    const char *contract;      /* the contract terms in words; NULL = none    */
    int rank_by_contract;      /* 1: rank by contract_mw instead of headroom  */
    /* Test hook: > 0 makes report_write fail with HR_EIO right after it has
     * written that many of its four files (before the swap). 0 = off. */
    int fail_after_files;
} report_run;

/* Set every field of *r to "absent": zero counts, NULL pointers, NaN for
 * the optional doubles (peak, load factor, thresholds, genmix shares), no
 * training span. */
void report_region_init(report_region *r);
/* Zero *r (no inputs, no timings, no warnings, hook off). */
void report_run_init(report_run *r);

/* Render regions[0..n) and run into directory dir, atomically.
 * rank_budget_index selects the budget (index into each region's headroom
 * rows) used to rank the regions (descending headroom, or contract_mw with
 * run->rank_by_contract; NaN last, ties by name); ignored when no region
 * has budgets.
 * dir is created if absent. If it exists it must be a directory holding
 * nothing but files a report writes (index.html, regions.csv, regions.json,
 * run.json); it is then replaced as a whole. Anything else is refused, so a
 * mistyped -o never deletes a user's directory.
 * Errors: HR_EINVAL (NULL dir/run, a region without a name, regions with
 * different budget lists, bad rank_budget_index, a NULL array with a
 * nonzero count), HR_EIO (cannot read an
 * input, create, write or rename; hr_last_error names the path), HR_ENOMEM.
 * On error the previous dir is untouched and no DIR.tmp-* remains. */
int report_write(const char *dir, const report_region *regions, size_t n,
                 const report_run *run, int rank_budget_index);

/* SHA-256 (FIPS 180-4) of the file at path as 64 lowercase hex digits plus
 * NUL; report_sha256_file_size also stores the file size in bytes in
 * *size_out (may be NULL). Errors: HR_EINVAL, HR_EIO (path named), HR_ENOMEM. */
int report_sha256_file(const char *path, char hex[65]);
int report_sha256_file_size(const char *path, char hex[65], uint64_t *size_out);

/* SHA-256 of len bytes at data, as 64 hex digits plus NUL. */
void report_sha256_hex(const void *data, size_t len, char hex[65]);

/* The shortest round-trip form of x (%.*g, 15 to 17 digits) in the "C"
 * locale regardless of the thread's locale, as the report writes numbers
 * without a set precision (budgets, timings); NaN/Inf give "null". buf
 * must hold at least 32 bytes. Values with a unit are rounded to their
 * precision instead (0.1 MW, 0.01 %, 0.1 h: tables.c). */
void report_format_double(double x, char *buf, size_t cap);

#endif
