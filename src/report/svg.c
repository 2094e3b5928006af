/* svg.c — SVG primitives of the report's charts: the palette, frames,
 * nice axes with grid lines, polylines. Coordinates are written with one
 * decimal: finer adds bytes and nothing visible. */
#include "report/render.h"

#include <string.h>

const char *budget_colour(size_t i, size_t nb)
{
    static const char *const ramp[6] = {"#0b3c5d", "#1f5f8b", "#3f88c5", "#7fb3dd", "#b7d4ec", "#dce9f5"};
    if (nb <= 1) return ramp[1];
    size_t k = nb <= 6 ? i + (nb <= 4 ? 1 : 0) : i * 5 / (nb - 1);
    return ramp[k > 5 ? 5 : k];
}

/* "Nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over
 * [lo, hi], and the range widened to whole steps (Heckbert, "Nice numbers
 * for graph labels", Graphics Gems, 1990). */
double nice_axis(double *lo, double *hi, int target)
{
    if (!(*hi > *lo)) {
        double pad = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= pad;
        *hi += pad;
    }
    double raw = (*hi - *lo) / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    *lo = floor(*lo / step + 1e-9) * step;
    *hi = ceil(*hi / step - 1e-9) * step;
    return step;
}

static int step_decimals(double step)
{
    if (step >= 1) return 0;
    int d = (int)ceil(-log10(step) - 1e-9);
    return d > 6 ? 6 : d;
}

void svg_open(textbuf *s, int w, int h, const char *title, const char *name)
{
    tb_printf(s, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">"
                 "<title>",
              w, h, w, h);
    tb_html(s, title);
    if (name) {
        tb_put(s, " \xE2\x80\x94 ");
        tb_html(s, name);
    }
    tb_put(s, "</title>\n");
}

void svg_close(textbuf *s) { tb_put(s, "</svg>\n"); }

/* One grid line across the plot at value v of the y axis (or the x axis)
 * with its tick label. */
static void ytick(textbuf *s, const frame *f, double v, const char *label)
{
    double y = fy(f, v);
    tb_printf(s, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dy=\"0.32em\">%s</text>",
              f->x0, f->x0 + f->w, y, y, f->x0 - 6, y, label);
}

void svg_xtick(textbuf *s, const frame *f, double v, const char *label)
{
    double x = fx(f, v);
    tb_printf(s, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
              x, x, f->y0, f->y0 + f->h, x, f->y0 + f->h + 16, label);
}

/* The title of the x axis under its tick labels (the caller closes the
 * group). */
void svg_xtitle(textbuf *s, const frame *f, const char *label)
{
    tb_printf(s, "<text class=\"at\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", f->x0 + f->w / 2,
              f->y0 + f->h + 34);
    tb_html(s, label);
    tb_put(s, "</text>");
}

/* Ticks every step from the axis minimum to its maximum, then the title. */
static void axis(textbuf *s, const frame *f, double step, const char *label, int is_y)
{
    int dec = step_decimals(step);
    double lo = is_y ? f->ymin : f->xmin, hi = is_y ? f->ymax : f->xmax;
    tb_put(s, "<g class=\"ax\">");
    for (double v = lo; v <= hi + step * 1e-6; v += step) {
        char b[64];
        fmt_grp(b, sizeof b, fabs(v) < step * 1e-9 ? 0 : v, dec);
        if (is_y) ytick(s, f, v, b);
        else svg_xtick(s, f, v, b);
    }
    if (label && is_y) {
        tb_printf(s, "<text class=\"at\" transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">",
                  f->x0 - 60, f->y0 + f->h / 2);
        tb_html(s, label);
        tb_put(s, "</text>");
    } else if (label)
        svg_xtitle(s, f, label);
    tb_put(s, "</g>\n");
}

void svg_yaxis(textbuf *s, const frame *f, double step, const char *label) { axis(s, f, step, label, 1); }
void svg_xaxis(textbuf *s, const frame *f, double step, const char *label) { axis(s, f, step, label, 0); }

void svg_baseline(textbuf *s, const frame *f)
{
    tb_printf(s, "<line class=\"base\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", f->x0,
              f->x0 + f->w, f->y0 + f->h, f->y0 + f->h);
}

size_t svg_line(textbuf *s, const frame *f, const double *xs, const double *ys, size_t n,
                double xstep, double x0v, const char *cls)
{
    size_t drawn = 0;
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        double xv = xs ? xs[i] : x0v + xstep * (double)i;
        double yv = ys[i];
        if (!isfinite(xv) || !isfinite(yv)) {
            pen = 0;
            continue;
        }
        if (drawn == 0) tb_printf(s, "<path class=\"%s\" d=\"", cls);
        tb_printf(s, "%s%.1f %.1f", pen ? " L" : (drawn ? " M" : "M"), fx(f, xv), fy(f, yv));
        pen = 1;
        drawn++;
    }
    if (drawn) tb_put(s, "\"/>\n");
    return drawn;
}

void nodata(textbuf *s, const char *what)
{
    tb_put(s, "<div class=\"nodata\">No data: ");
    tb_html(s, what);
    tb_put(s, "</div>\n");
}

int all_finite(const double *v, size_t n)
{
    if (!v) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

frame std_frame(void)
{
    /* right margin: half of a 6-digit tick label ("16,000") at the end */
    frame f = {76, 14, CW - 76 - 26, CH - 14 - 48, 0, 1, 0, 1};
    return f;
}
