/* spec.h — model specifications: which regression terms, which error model
 * (private).
 *
 * A specification is a small text file (models/NAME.spec), one directive
 * per line, '#' starts a comment:
 *
 *   name vanilla                      # optional; default: the file name
 *   temperature fahrenheit            # unit of T in the terms: celsius (default)
 *                                     # or fahrenheit (temp_c converted back)
 *   trend-epoch 2000-01-01T00:00:00Z  # hour where trend = 1 (default shown)
 *   term intercept trend month        # one or more terms per line
 *   term weekday:hour hour:T hour:T2 hour:T3
 *   term-if-temperature T T2         # terms used only when the data has a
 *                                     # temperature column (temp_c); left
 *                                     # out of the fit (and said so) if not
 *   errors none                       # or: errors arima p d q P D Q s
 *                                     #     (p, q <= 30, d <= 3, P, Q <= 10,
 *                                     #     D <= 2)
 *                                     #     errors auto-arima s
 *                                     #     errors direct DAYS (direct.h:
 *                                     #     one regression per lead on the
 *                                     #     residuals of the last DAYS days)
 *                                     #     errors direct DAYS operator (also
 *                                     #     correct the operator's forecast,
 *                                     #     forecast_mw, where it is given)
 *   transform log                     # fit log(load) (default: none); the
 *                                     # forecast is exp of the log forecast
 *   arima-window 2016                 # hours of the newest residuals the
 *                                     # ARIMA errors are fitted on (0 = all)
 *   window 8760                       # hours of the newest data the whole
 *                                     # model is fitted on (0 = all)
 *   error-mean yes                    # the ARIMA errors of a regression get
 *                                     # their own mean (the level of the
 *                                     # newest residuals; default: no)
 *   variance hourly                   # forecast variance scaled by hour of
 *                                     # day (UTC) as the newest residuals'
 *                                     # spread (default: constant)
 *   errors-fit joint                  # fit beta and the ARIMA errors by one
 *                                     # exact likelihood over the ARIMA window
 *                                     # (R's arima(xreg=); for small designs,
 *                                     # usually with arima-window 0); default
 *                                     # two-stage: OLS, then ARIMA on residuals
 *   mean none                         # a pure ARIMA without mean (R's
 *                                     # include.mean = FALSE; default auto:
 *                                     # a mean when d + D = 0)
 *   drift yes                         # drift term with 'errors arima' and
 *                                     # d + D = 1 (forecast::Arima's
 *                                     # include.drift; default no)
 *   calibrate 28                      # scale the ARIMA forecast variance so
 *                                     # that 1..36 h forecasts from the last
 *                                     # 28 days of the fit window have mean
 *                                     # squared z-score 1 (default: 0 = off)
 *
 * A term is one atom or a product of up to three atoms joined by ':'
 * (R's interaction); its columns are the cartesian product of the atoms'
 * columns (full dummy coding: every level gets a column; aliased columns
 * are left to the rank-revealing fit, as in R). Atoms:
 *   intercept           1
 *   trend               hours since trend-epoch, plus 1 (Hong 2010)
 *   month               12 indicators (local month 1..12)
 *   weekday             7 indicators (local day of week, Sunday first)
 *   hour                24 indicators (local hour of day 0..23)
 *   holidays            3 indicators: observed US federal holiday, day after
 *                       Thanksgiving, Christmas Eve
 *   holidays_each       11 + 2 indicators, one per federal holiday + the two
 *   T, T2, T3           temperature, its square and cube (spec's unit)
 *   hdd(BASE), cdd(BASE) max(0, BASE - T), max(0, T - BASE)
 *   fourier_daily(K), fourier_weekly(K), fourier_annual(K)
 *                       sin/cos pairs k = 1..K of the 24 h, 168 h and
 *                       365.2425 day cycles (2K columns)
 *   lag(L)              load_mw L hours earlier (NaN where unavailable)
 * Calendar atoms use local time when the data has a time zone, else UTC.
 */
#ifndef HR_SPEC_H
#define HR_SPEC_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SA_INTERCEPT, SA_TREND, SA_MONTH, SA_WEEKDAY, SA_HOUR, SA_HOLIDAYS, SA_HOLIDAYS_EACH,
    SA_T, SA_T2, SA_T3, SA_HDD, SA_CDD, SA_FOURIER_DAILY, SA_FOURIER_WEEKLY,
    SA_FOURIER_ANNUAL, SA_LAG, SA_NKINDS
} spec_atom_kind;

typedef struct {
    spec_atom_kind kind;
    double arg;      /* BASE of hdd/cdd; K of fourier_*; L of lag */
} spec_atom;

#define SPEC_MAX_ATOMS 3
typedef struct {
    int natom;
    spec_atom atom[SPEC_MAX_ATOMS];
} spec_term;

/* largest non-seasonal (p, q) and seasonal (P, Q) orders of 'errors arima' */
enum { SPEC_MAX_PQ = 30, SPEC_MAX_SPQ = 10 };

typedef enum { SPEC_ERR_NONE = 0, SPEC_ERR_ARIMA, SPEC_ERR_AUTO_ARIMA, SPEC_ERR_DIRECT } spec_err_kind;
typedef struct {
    spec_err_kind kind;
    int p, d, q, P, D, Q, s;   /* SPEC_ERR_ARIMA: all; SPEC_ERR_AUTO_ARIMA: s only */
    int days;                  /* SPEC_ERR_DIRECT: training days (direct.h)      */
    int op;                    /* SPEC_ERR_DIRECT: 1 = 'operator': also read the
                                  operator's forecast (forecast_mw) at the
                                  forecast hours (direct_forecast_op)          */
} spec_errors;

typedef struct spec {
    char *name;
    char *text;              /* the source text, verbatim (for model files) */
    int fahrenheit;          /* 1: T in degrees F                            */
    int64_t trend_epoch;     /* UTC second where trend = 1                   */
    size_t nterm;
    spec_term *term;         /* [nterm] in file order                        */
    spec_errors errors;      /* parsed for the ARIMA module; ignored by OLS  */
    int log_transform;       /* 1: model log(load_mw) ('transform log')      */
    size_t arima_window;     /* 'arima-window H': H + 1, 0 = not given       */
    size_t window;           /* 'window H': training hours, 0 = all          */
    int error_mean;          /* 1: ARIMA errors with a mean ('error-mean yes') */
    int no_mean;             /* 1: 'mean none': no mean or intercept in the
                                ARIMA errors (R's include.mean = FALSE)     */
    int drift;               /* 1: 'drift yes': a drift term, d + D = 1
                                (forecast::Arima(include.drift = TRUE))     */
    int var_hourly;          /* 1: 'variance hourly'                          */
    int calibrate;           /* 'calibrate DAYS': pseudo-origins, 0 = off    */
    int joint;               /* 1: 'errors-fit joint' (beta and ARIMA errors by
                                one likelihood, as R's arima(xreg=))         */
    int opt_temp;            /* 1: 'term-if-temperature' lines, not in term[]
                                until spec_with_temperature                  */
} spec;

/* Parse specification text (len bytes, need not be NUL-terminated); src
 * names the source in messages ("models/vanilla.spec"). Errors: HR_EFORMAT
 * with "src:line: problem", HR_ENOMEM, HR_EINVAL (NULL). */
int spec_parse(const char *text, size_t len, const char *src, spec **out);
/* Load by name or path: a name without '/' and without ".spec" is looked up
 * as DIR/NAME.spec (dir NULL = spec_install_dir()); anything else is a path.
 * An unknown name's message lists the names DIR has.
 * Errors: HR_ENOTFOUND (no such model), HR_EIO, HR_EFORMAT, HR_ENOMEM. */
int spec_load(const char *name_or_path, const char *dir, spec **out);
/* The installed specifications' directory (install_dir.c); static storage. */
const char *spec_install_dir(void);
/* Names of the specifications in dir (NULL = spec_install_dir()), sorted,
 * ", "-separated into buf (hr_models_list without clearing the message). */
int spec_list(const char *dir, char *buf, size_t cap);
void spec_free(spec *s);
/* *out = s without its terms of the annual cycle or of multi-year growth
 * (those with a month, fourier_annual or trend atom; 'term intercept' if
 * none is left), text rewritten to match; NULL when s has no such term. */
int spec_without_annual(const spec *s, spec **out);
/* *out = s for data with (have_temp) or without temperatures: its
 * 'term-if-temperature' lines made 'term' lines, or left out; NULL when s
 * has none. */
int spec_with_temperature(const spec *s, int have_temp, spec **out);

/* Limits on what a specification may ask for (docs/limits.md): the design
 * columns of all its terms (term-if-temperature ones included; the largest
 * bundled model has 290, 'weekday:hour:month' 2016), and the ARIMA state
 * dimension max(p + sP, q + sQ + 1) + d + sD, which sets the cost of every
 * filter step (520 admits s = 168 with P, Q <= 2, D <= 1 and p, q <= 10; a
 * 24-hour forecast of such a model filters its window in seconds, while
 * s = 1500 took about a minute). */
#define SPEC_MAX_COLUMNS 5000
#define SPEC_MAX_ARIMA_STATE 520
/* The ARIMA state dimension above (orders must be >= 0; no overflow for
 * int inputs). */
size_t spec_arima_state(int p, int d, int q, int P, int D, int Q, int s);

/* Number of columns atom a / term t (the product of its atoms') produces. */
size_t spec_atom_width(const spec_atom *a);
size_t spec_term_width(const spec_term *t);
/* 1 if any term uses temperature (T, T2, T3, hdd, cdd) / load lags. */
int spec_needs_temp(const spec *s);
int spec_needs_load(const spec *s);

#endif
