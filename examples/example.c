/* example.c — libheadroom in a planning tool: read a region's hourly load,
 * fit the default model, forecast 48 hours, and compute the headroom at a
 * 0.5 % curtailment budget.
 *
 *   cc example.c $(pkg-config --cflags --libs headroom) -o example
 *   ./example            (from the project root, after `make datasets`)
 */
#include <headroom.h>
#include <stdio.h>

/* The library never prints: its messages (read summaries, model fallbacks)
 * come here, and the program decides where they go. */
static void on_log(int level, const char *msg, void *ud)
{
    (void)ud;
    fprintf(stderr, "headroom: %s: %s\n", level ? "warning" : "info", msg);
}

int main(void)
{
    const char *path = "datasets/default/COASTAL.csv";
    hr_ingest_opts io;
    hr_ingest_opts_init(&io);
    io.log = on_log;
    hr_series *s = NULL;
    int st = hr_series_read(&path, 1, &io, &s);
    if (st != HR_OK) {
        fprintf(stderr, "read: %s: %s\n", hr_strerror(st), hr_last_error());
        return 1;
    }
    hr_quality q;
    hr_series_quality(s, 0, &q);
    printf("%s: %zu hours, peak %.0f MW, %zu hours imputed\n", hr_series_region_name(s, 0),
           q.hours, q.peak_mw, q.imputed);

    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.model = "auto"; /* looked up in the installed specifications (hr_models_dir());
                          fo.models_dir names another directory */
    fo.log = on_log;
    hr_model *m = NULL;
    if (hr_model_fit(s, 0, &fo, &m) != HR_OK) {
        fprintf(stderr, "fit: %s\n", hr_last_error());
        hr_series_free(s);
        return 1;
    }
    enum { H = 48 };
    double mean[H], lo[H], hi[H], level = 95;
    int64_t t[H];
    hr_forecast_buf fb = {H, t, mean, lo, hi};
    if (hr_model_forecast(m, s, 0, H, &level, 1, &fb) != HR_OK) {
        fprintf(stderr, "forecast: %s\n", hr_last_error());
        return 1;
    }
    for (int k = 0; k < H; k += 12) {
        char ts[21];
        hr_time_format(t[k], ts);
        printf("%s  %8.0f MW  (95 %%: %.0f .. %.0f)\n", ts, mean[k], lo[k], hi[k]);
    }

    hr_assess_opts ao;
    hr_assess_opts_init(&ao);
    ao.budgets_pct[0] = 0.5;
    ao.nbudgets = 1;
    static hr_assessment a; /* ~25 kB: keep it off the stack */
    if (hr_assess(s, 0, &ao, &a) != HR_OK) {
        fprintf(stderr, "assess: %s\n", hr_last_error());
        return 1;
    }
    printf("headroom at 0.5 %%: %.1f MW (%.1f %% of peak), %.0f curtailed hours/year\n",
           a.rows[0].headroom_mw, a.rows[0].headroom_pct_peak, a.rows[0].curtailed_hours_per_year);
    hr_model_free(m);
    hr_series_free(s);
    return 0;
}
