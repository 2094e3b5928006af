/* layout.c — hr_layout: sizes and member offsets of the public structs, for
 * bindings (python/headroom) that fill the structs without copying their
 * layout by hand: they ask the library where each field is. */
#include "headroom.h"
#include "util/error.h"
#include <stddef.h>
#include <string.h>

typedef struct {
    const char *type, *field;
    size_t offset, size;
} layout_entry;

#define T(S) {#S, NULL, 0, sizeof(S)}
#define F(S, f) {#S, #f, offsetof(S, f), sizeof(((S *)0)->f)}

static const layout_entry table[] = {
    T(hr_ingest_opts), F(hr_ingest_opts, format), F(hr_ingest_opts, on_duplicate),
    F(hr_ingest_opts, on_overlap), F(hr_ingest_opts, screen), F(hr_ingest_opts, time_col),
    F(hr_ingest_opts, value_cols), F(hr_ingest_opts, region), F(hr_ingest_opts, tz),
    F(hr_ingest_opts, hour_ending), F(hr_ingest_opts, scale), F(hr_ingest_opts, log),
    F(hr_ingest_opts, log_ud), F(hr_ingest_opts, threads), F(hr_ingest_opts, region_col),
    F(hr_ingest_opts, min_coverage), F(hr_ingest_opts, interval_end), F(hr_ingest_opts, demand),
    F(hr_ingest_opts, delimiter),

    T(hr_quality), F(hr_quality, first_utc), F(hr_quality, last_utc), F(hr_quality, hours),
    F(hr_quality, missing), F(hr_quality, flagged), F(hr_quality, imputed),
    F(hr_quality, by_flag), F(hr_quality, peak_mw), F(hr_quality, mean_mw),

    T(hr_fit_opts), F(hr_fit_opts, model), F(hr_fit_opts, models_dir), F(hr_fit_opts, spec_text),
    F(hr_fit_opts, from_utc), F(hr_fit_opts, to_utc), F(hr_fit_opts, order),
    F(hr_fit_opts, season), F(hr_fit_opts, method), F(hr_fit_opts, arima_window),
    F(hr_fit_opts, threads), F(hr_fit_opts, tzdir), F(hr_fit_opts, log), F(hr_fit_opts, log_ud),

    T(hr_model_info), F(hr_model_info, region), F(hr_model_info, model), F(hr_model_info, errors),
    F(hr_model_info, first_utc), F(hr_model_info, last_utc), F(hr_model_info, n),
    F(hr_model_info, ncoef), F(hr_model_info, sigma2), F(hr_model_info, r2),
    F(hr_model_info, adj_r2), F(hr_model_info, loglik), F(hr_model_info, aic),
    F(hr_model_info, aicc), F(hr_model_info, bic), F(hr_model_info, order),
    F(hr_model_info, converged), F(hr_model_info, fallback), F(hr_model_info, fit_seconds),

    T(hr_forecast_buf), F(hr_forecast_buf, cap), F(hr_forecast_buf, t_utc),
    F(hr_forecast_buf, mean), F(hr_forecast_buf, lo), F(hr_forecast_buf, hi),

    T(hr_assess_opts), F(hr_assess_opts, budgets_pct), F(hr_assess_opts, nbudgets),
    F(hr_assess_opts, threshold_kind), F(hr_assess_opts, threshold_summer_mw),
    F(hr_assess_opts, threshold_winter_mw), F(hr_assess_opts, season_slack),
    F(hr_assess_opts, year_from), F(hr_assess_opts, year_to), F(hr_assess_opts, profile),
    F(hr_assess_opts, profile_len), F(hr_assess_opts, curve_step_pct_peak),
    F(hr_assess_opts, curve_max_pct_peak),

    T(hr_headroom_row), F(hr_headroom_row, budget_pct), F(hr_headroom_row, headroom_mw),
    F(hr_headroom_row, headroom_pct_peak), F(hr_headroom_row, curtailed_hours_per_year),
    F(hr_headroom_row, hours_ge50), F(hr_headroom_row, hours_ge75),
    F(hr_headroom_row, hours_ge90), F(hr_headroom_row, mean_event_hours),
    F(hr_headroom_row, max_event_hours), F(hr_headroom_row, peak_mw),
    F(hr_headroom_row, load_factor),

    T(hr_assessment), F(hr_assessment, year_from), F(hr_assessment, year_to),
    F(hr_assessment, nyears), F(hr_assessment, threshold_summer_mw),
    F(hr_assessment, threshold_winter_mw), F(hr_assessment, hours),
    F(hr_assessment, missing_hours), F(hr_assessment, peak_mw), F(hr_assessment, mean_mw),
    F(hr_assessment, load_factor), F(hr_assessment, nrows), F(hr_assessment, rows),
    F(hr_assessment, curtailed_by_month_hour), F(hr_assessment, ncurve),
    F(hr_assessment, curve_added_mw), F(hr_assessment, curve_rate_pct),

    T(hr_report_opts), F(hr_report_opts, ingest), F(hr_report_opts, fit),
    F(hr_report_opts, assess), F(hr_report_opts, rank_budget_pct),
    F(hr_report_opts, backtest_days), F(hr_report_opts, forecast_hours),
    F(hr_report_opts, scenarios), F(hr_report_opts, growth_pct), F(hr_report_opts, seed),
    F(hr_report_opts, threads), F(hr_report_opts, options_text), F(hr_report_opts, progress),
    F(hr_report_opts, progress_ud), F(hr_report_opts, keep_going),
};

int hr_layout(const char *type, const char *field, size_t *offset, size_t *size)
{
    err_clear();
    if (!type) return err_set(HR_EINVAL, "hr_layout: type is NULL");
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        const layout_entry *e = &table[i];
        if (strcmp(e->type, type) || (field ? !e->field || strcmp(e->field, field) : e->field != NULL))
            continue;
        if (offset) *offset = e->offset;
        if (size) *size = e->size;
        return HR_OK;
    }
    return err_set(HR_ENOTFOUND, "hr_layout: no %s%s%s", type, field ? "." : "", field ? field : "");
}
