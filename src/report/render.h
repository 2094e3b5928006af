/* render.h — the parts of the report renderer shared by its files (private
 * to src/report).
 *
 *   format.c   numbers and times as the files show them, the initialisers
 *   svg.c      SVG primitives: frames, nice axes, lines, the palette
 *   charts.c   the four per-region charts and the ranking chart
 *   html.c     index.html: CSS, header, ranking, accuracy, quality, run
 *   html_region.c  one region's section of index.html
 *   tables.c   regions.csv, regions.json, run.json
 *   outdir.c   writing the files into a new directory and swapping it in
 *   report.c   report_write: validation, ranking, the order of the work
 *   sha256.c   FIPS 180-4 SHA-256 of the inputs
 *
 * Everything here runs with the "C" numeric locale installed by
 * report_write (or report_format_double), so printf never writes a decimal
 * comma. All text goes into a textbuf; a failed growth is reported once by
 * report_write. */
#ifndef HR_REPORT_RENDER_H
#define HR_REPORT_RENDER_H
#include "report/report.h"
#include "util/textbuf.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>

/* ---- numbers and times (format.c) */

/* Shortest %.*g (15..17 digits) that reads back as the same double. */
void fmt_rt(char *buf, size_t cap, double x);
/* Fixed decimals with comma thousands grouping, for the HTML page only;
 * NaN gives an en dash. */
void fmt_grp(char *buf, size_t cap, double x, int dec);
/* HTML numbers: fmt_grp with dec decimals; MW: whole MW, one decimal below
 * 10 MW (but a plain 0). */
void h_num(textbuf *s, double x, int dec);
void h_mw(textbuf *s, double x);
/* A table column of doubles: its header (HTML), where the double sits in a
 * row struct, its decimals, and mw = 1 for the MW style of h_mw. */
typedef struct {
    const char *head;
    size_t off;
    int dec, mw;
} num_col;
/* "<th>head</th>" for each column, and "<td>value</td>" for each column of
 * the struct at row; cls[k] (may be NULL) is a class for cell k. */
void num_heads(textbuf *s, const num_col *cols, size_t n);
void num_cells(textbuf *s, const void *row, const num_col *cols, size_t n, const char *const *cls);
/* CSV/JSON number: shortest round-trip; NaN -> nan_text. */
void d_num(textbuf *s, double x, const char *nan_text);
/* Budget as it appears in column names and labels: 0.25, 0.5, 1, 5. */
static inline void fmt_budget(char *buf, size_t cap, double b) { snprintf(buf, cap, "%g", b); }

extern const char *const MONTH_ABBR[12]; /* "Jan".."Dec" */

/* ---- shared lookups (format.c) */

/* Headroom row j of r, or an all-NaN row when r has none (its headroom
 * failed: the batch still reports the region, ranked last). */
const report_headroom *hrow(const report_region *r, size_t j);
/* The backtest row of model in r, or NULL. */
const report_backtest *find_model(const report_region *r, const char *model);
/* The models every region's tables list first, in this order. */
extern const char *const STD_MODELS[4];
/* Anchor id of region i: "r<i>-" plus the name reduced to [a-z0-9-]. */
void region_id(char *buf, size_t cap, size_t i, const char *name);
/* Share of the region's hours that were imputed, %; NaN without hours. */
double imputed_pct(const report_region *r);
/* Above this share of imputed hours a region carries a data warning. */
#define IMPUTED_WARN_PCT 2.0
/* Calendar year (UTC) of t. */
int utc_year(int64_t t);

/* ---- SVG (svg.c) */

/* Palette (one blue family for headroom, orange for curtailment). */
#define C_INK "#1f2933"
#define C_MUTED "#616e7c"
#define C_GRID "#e6e9ed"
#define C_AXIS "#9aa5b1"
#define C_BLUE "#1f5f8b"
#define C_ORANGE "#d9622b"

/* Budget colours from dark (smallest budget) to light. */
const char *budget_colour(size_t i, size_t nb);

typedef struct {
    double x0, y0, w, h;         /* plot area in SVG units  */
    double xmin, xmax, ymin, ymax;
} frame;

static inline double fx(const frame *f, double x) { return f->x0 + (x - f->xmin) / (f->xmax - f->xmin) * f->w; }
static inline double fy(const frame *f, double y) { return f->y0 + f->h - (y - f->ymin) / (f->ymax - f->ymin) * f->h; }

/* Width and height of the per-region charts, and their plot area. */
#define CW 560
#define CH 300
frame std_frame(void);

/* "Nice" tick step giving about `target` intervals over [lo, hi], which is
 * widened to whole steps. */
double nice_axis(double *lo, double *hi, int target);
void svg_open(textbuf *s, int w, int h, const char *title, const char *name);
void svg_close(textbuf *s);
/* Grid lines, tick labels every step and the title of the y (or x) axis. */
void svg_yaxis(textbuf *s, const frame *f, double step, const char *label);
void svg_xaxis(textbuf *s, const frame *f, double step, const char *label);
/* One vertical grid line at x value v with its label under the plot, and
 * the x axis title (for axes whose ticks are not evenly spaced numbers). */
void svg_xtick(textbuf *s, const frame *f, double v, const char *label);
void svg_xtitle(textbuf *s, const frame *f, const char *label);
void svg_baseline(textbuf *s, const frame *f);
/* A path through (xs[i], ys[i]) (xs NULL: x = x0v + xstep * i); NaN points
 * break the line. Returns the number of points drawn. */
size_t svg_line(textbuf *s, const frame *f, const double *xs, const double *ys, size_t n, double xstep,
                double x0v, const char *cls);
/* The box shown instead of a chart that has nothing to draw. */
void nodata(textbuf *s, const char *what);
int all_finite(const double *v, size_t n);

/* ---- charts (charts.c) */
void chart_curve(textbuf *s, const report_region *r);
void chart_ldc(textbuf *s, const report_region *r);
void chart_heatmap(textbuf *s, const report_region *r);
void chart_fan(textbuf *s, const report_region *r);
/* The forecast's days, "Jan 1 – Jan 14, 2024 (UTC)", for titles. */
void forecast_span(char *buf, size_t cap, const report_forecast *fc);
/* The ranking chart over rg[order[0..n)], nb budgets, ranked at budget rb. */
void chart_rank(textbuf *s, const report_region *rg, const size_t *order, size_t n, size_t nb,
                const double *budgets, size_t rb);

/* ---- what every renderer of the whole report gets (report.c fills it) */
typedef struct {
    const report_region *rg;
    size_t n;
    const size_t *order;       /* rank order: rg[order[0]] ranks first */
    size_t nb;
    const double *budgets;     /* [nb] */
    size_t rb;                 /* index of the ranking budget (0 when nb = 0) */
    const report_run *run;
    const char *const *hex;    /* [run->ninputs] SHA-256 of the inputs */
    const uint64_t *sizes;     /* [run->ninputs] their sizes in bytes */
    const char *version;
    const size_t *within;      /* [n] index of the region that contains rg[i]
                                  (by name: "PJM" holds "PJM-DOM"), or
                                  (size_t)-1                              */
} report_ctx;

/* Which contract views any region has: VIEW_CONTRACT (contract_mw),
 * VIEW_CAMPUS (campus_mw). */
enum { VIEW_CONTRACT = 1, VIEW_CAMPUS = 2 };
unsigned report_views(const report_region *rg, size_t n);

/* ---- the files (html.c, html_region.c, tables.c) */
void render_html(textbuf *s, const report_ctx *c);
/* The section of the region ranked k-th (rg[order[k]]). */
void html_region(textbuf *s, const report_ctx *c, size_t k);

/* Models reported as MAPE columns: the four standard ones, then any other
 * model name in order of first appearance. */
typedef struct {
    const char **name;
    size_t n;
} model_list;
int collect_models(const report_region *rg, size_t n, model_list *ml); /* 0 = out of memory */
void render_csv(textbuf *s, const report_ctx *c, const model_list *ml);
void render_json(textbuf *s, const report_ctx *c, const model_list *ml);
/* render: the time report_write spent before run.json (its last line) */
void render_runjson(textbuf *s, const report_ctx *c, const report_timing *render);

/* ---- the output directory (outdir.c) */
enum { REPORT_NFILES = 4 };
extern const char *const REPORT_FILES[REPORT_NFILES]; /* index.html, regions.csv, ... */

/* Write out[k] as dir/REPORT_FILES[k] into a new directory beside dir and
 * swap it in for dir (which, if it exists, must hold only report files).
 * fail_after_files: the test hook of report_run. On error dir is as it was
 * and no temporary directory remains. */
int outdir_replace(const char *dir, const textbuf out[REPORT_NFILES], int fail_after_files);
/* The checks outdir_replace makes before anything is written; also run
 * before the inputs are hashed, so a refused directory fails early. */
int outdir_check(const char *dir);
#endif
