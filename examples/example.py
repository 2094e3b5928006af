#!/usr/bin/env python3
"""example.py — libheadroom from Python with ctypes only: read a region's
hourly load, fit the default model, forecast 48 hours, headroom at 0.5 %.

    HEADROOM_LIB=build/libheadroom.so python3 examples/example.py
Run from the project root (after `make datasets`)."""
import ctypes as C
import os
import sys

lib = C.CDLL(os.environ.get("HEADROOM_LIB", "build/libheadroom.so"))

MAX_VALUE_COLS = 16


class IngestOpts(C.Structure):
    _fields_ = [("format", C.c_int), ("on_duplicate", C.c_int), ("on_overlap", C.c_int),
                ("screen", C.c_int), ("time_col", C.c_char_p),
                ("value_cols", C.c_char_p * MAX_VALUE_COLS), ("region", C.c_char_p),
                ("tz", C.c_char_p), ("hour_ending", C.c_int), ("scale", C.c_double),
                ("log", C.c_void_p), ("log_ud", C.c_void_p), ("threads", C.c_int)]


class FitOpts(C.Structure):
    _fields_ = [("model", C.c_char_p), ("models_dir", C.c_char_p), ("spec_text", C.c_char_p),
                ("from_utc", C.c_int64), ("to_utc", C.c_int64), ("order", C.c_int * 7),
                ("season", C.c_int), ("method", C.c_int), ("arima_window", C.c_size_t),
                ("threads", C.c_int), ("tzdir", C.c_char_p), ("log", C.c_void_p),
                ("log_ud", C.c_void_p)]


class ForecastBuf(C.Structure):
    _fields_ = [("cap", C.c_size_t), ("t_utc", C.POINTER(C.c_int64)),
                ("mean", C.POINTER(C.c_double)), ("lo", C.POINTER(C.c_double)),
                ("hi", C.POINTER(C.c_double))]


MAX_BUDGETS, CURVE_MAX = 8, 401


class AssessOpts(C.Structure):
    _fields_ = [("budgets_pct", C.c_double * MAX_BUDGETS), ("nbudgets", C.c_size_t),
                ("threshold_kind", C.c_int), ("threshold_summer_mw", C.c_double),
                ("threshold_winter_mw", C.c_double), ("season_slack", C.c_int),
                ("year_from", C.c_int), ("year_to", C.c_int),
                ("profile", C.POINTER(C.c_double)), ("profile_len", C.c_size_t),
                ("curve_step_pct_peak", C.c_double), ("curve_max_pct_peak", C.c_double),
                ("max_event_hours", C.c_int), ("max_events_per_year", C.c_int),
                ("max_hours_per_year", C.c_int), ("every_year", C.c_int),
                ("season_slack_by", C.c_int * 2), ("battery_pct", C.c_double),
                ("battery_hours", C.c_double), ("battery_eff", C.c_double)]


class HeadroomRow(C.Structure):
    _fields_ = [(n, C.c_double) for n in (
        "budget_pct", "headroom_mw", "headroom_pct_peak", "curtailed_hours_per_year",
        "hours_ge50", "hours_ge75", "hours_ge90", "mean_event_hours", "max_event_hours",
        "peak_mw", "load_factor", "events_per_year", "rate_pct", "worst_year_rate_pct",
        "battery_cycles_per_year")] + [("binding", C.c_uint)]


class Assessment(C.Structure):
    _fields_ = [("year_from", C.c_int), ("year_to", C.c_int), ("nyears", C.c_size_t),
                ("threshold_summer_mw", C.c_double), ("threshold_winter_mw", C.c_double),
                ("hours", C.c_size_t), ("missing_hours", C.c_size_t),
                ("peak_mw", C.c_double), ("mean_mw", C.c_double), ("load_factor", C.c_double),
                ("nrows", C.c_size_t), ("rows", HeadroomRow * MAX_BUDGETS),
                ("curtailed_by_month_hour", C.c_double * (MAX_BUDGETS * 12 * 24)),
                ("ncurve", C.c_size_t), ("curve_added_mw", C.c_double * CURVE_MAX),
                ("curve_rate_pct", C.c_double * CURVE_MAX),
                ("peak_hour_utc", C.c_int64 * 2), ("peak_jump_pct", C.c_double * 2)]


lib.hr_last_error.restype = C.c_char_p
lib.hr_series_region_name.restype = C.c_char_p
lib.hr_version.restype = C.c_char_p


# The library never prints: its messages (read summaries, model fallbacks)
# come to this callback, called on the thread that made the library call.
LOG_FN = C.CFUNCTYPE(None, C.c_int, C.c_char_p, C.c_void_p)


@LOG_FN
def on_log(level, msg, user_data):
    print(f"headroom: {'warning' if level else 'info'}: {msg.decode()}", file=sys.stderr)


def check(status, what):
    if status != 0:
        sys.exit(f"{what}: {lib.hr_last_error().decode()}")


def main():
    print("libheadroom", lib.hr_version().decode())
    io = IngestOpts()
    lib.hr_ingest_opts_init(C.byref(io))
    io.log = C.cast(on_log, C.c_void_p)
    paths = (C.c_char_p * 1)(b"datasets/default/COASTAL.csv")
    s = C.c_void_p()
    check(lib.hr_series_read(paths, C.c_size_t(1), C.byref(io), C.byref(s)), "read")
    name = lib.hr_series_region_name(s, C.c_size_t(0)).decode()

    fo = FitOpts()
    lib.hr_fit_opts_init(C.byref(fo))
    fo.model = b"auto"
    fo.log = C.cast(on_log, C.c_void_p)
    m = C.c_void_p()
    check(lib.hr_model_fit(s, C.c_size_t(0), C.byref(fo), C.byref(m)), "fit")
    H = 48
    t = (C.c_int64 * H)()
    mean, lo, hi = (C.c_double * H)(), (C.c_double * H)(), (C.c_double * H)()
    level = C.c_double(95)
    fb = ForecastBuf(H, t, mean, lo, hi)
    check(lib.hr_model_forecast(m, s, C.c_size_t(0), C.c_size_t(H), C.byref(level),
                                C.c_size_t(1), C.byref(fb)), "forecast")
    for k in range(0, H, 12):
        print(f"{name} hour {k:2d}: {mean[k]:8.0f} MW (95 %: {lo[k]:.0f} .. {hi[k]:.0f})")

    ao = AssessOpts()
    lib.hr_assess_opts_init(C.byref(ao))
    ao.budgets_pct[0] = 0.5
    ao.nbudgets = 1
    a = Assessment()
    check(lib.hr_assess(s, C.c_size_t(0), C.byref(ao), C.byref(a)), "assess")
    r = a.rows[0]
    print(f"headroom at 0.5 %: {r.headroom_mw:.1f} MW ({r.headroom_pct_peak:.1f} % of peak)")
    lib.hr_model_free(m)
    lib.hr_series_free(s)


if __name__ == "__main__":
    main()
