"""headroom: hourly electricity-load forecasting and grid headroom for new
(data-center) load, over the C library libheadroom.

    import headroom
    s = headroom.read(["load.csv"])                  # any supported format
    s.regions                                        # ["COASTAL", ...]
    s["COASTAL"]                                     # hourly columns (DataFrame with pandas)
    headroom.assess(s, budgets=[0.5, 1])             # MW per region and budget
    m = headroom.fit(s, "COASTAL", model="auto")
    m.forecast(s, 48)                                # mean and 80/95 % intervals
    headroom.report(["load.csv"], "out")             # out/index.html ...

Failures raise headroom.Error with the library's message (hr_last_error).
"""
import ctypes as C

import numpy as np

from ._lib import Error, MODELS_DIR, Struct, check, enc, lib

__all__ = ["Error", "Series", "Model", "read", "series", "fit", "assess", "report", "models",
           "version"]
__version__ = lib.hr_version().decode()

FORMATS = ["auto", "long", "eia930", "eia930-ba", "ercot-native", "ercot-fuel", "pjm-gen",
           "us48", "series", "weather", "eia-api"]
_DUPS = ["error", "mean", "first", "last"]
_DEMANDS = ["raw", "adjusted", "imputed"]
_OVERLAPS = ["error", "first", "last"]
_THRESH = ["seasonal", "annual", "capacity"]
_METHODS = {"css-ml": 0, "ml": 1, "css": 2}
ASSESS_COLUMNS = ["budget_pct", "headroom_mw", "headroom_pct_peak", "curtailed_hours_per_year",
                  "hours_ge50", "hours_ge75", "hours_ge90", "mean_event_hours", "max_event_hours",
                  "peak_mw", "load_factor"]


def version():
    """The library's version ("MAJOR.MINOR.PATCH")."""
    return __version__


def _pandas():
    try:
        import pandas
        return pandas
    except ImportError:
        return None


def _table(cols):
    """A pandas DataFrame where pandas is installed, else the dict of numpy
    arrays: t["headroom_mw"][0] reads either."""
    pd = _pandas()
    return cols if pd is None else pd.DataFrame(cols)


def _choice(name, value, names):
    if value not in names:
        raise ValueError("%s: %r is not one of %s" % (name, value, ", ".join(names)))
    return names.index(value)


def _ingest_opts(st, format="auto", on_duplicate="error", on_overlap="error", screen=True,
                 time_col=None, value_cols=None, region=None, tz=None, hour_ending=False,
                 scale=1.0, threads=0, region_col=None, min_coverage=1.0, interval_end=False,
                 demand="raw", delimiter=None):
    st["format"] = _choice("format", format, FORMATS)
    st["on_duplicate"] = _choice("on_duplicate", on_duplicate, _DUPS)
    st["on_overlap"] = _choice("on_overlap", on_overlap, _OVERLAPS)
    st["screen"] = int(bool(screen))
    if time_col is not None:
        st["time_col"] = time_col
    if value_cols is not None:
        st["value_cols"] = [value_cols] if isinstance(value_cols, str) else list(value_cols)
    if region is not None:
        st["region"] = region
    if tz is not None:
        st["tz"] = tz
    st["hour_ending"] = int(bool(hour_ending))
    st["scale"] = float(scale)
    st["threads"] = int(threads)
    if region_col is not None:
        st["region_col"] = region_col
    st["min_coverage"] = float(min_coverage)
    st["interval_end"] = int(bool(interval_end))
    st["demand"] = _choice("demand", demand, _DEMANDS)
    if delimiter is not None:
        d = delimiter.encode() if isinstance(delimiter, str) else bytes(delimiter)
        if len(d) != 1:
            raise ValueError("delimiter: one character, not %r" % (delimiter,))
        st["delimiter"] = d


def _paths(paths):
    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]
    arr = (C.c_char_p * len(paths))(*[enc(p) for p in paths])
    return arr, len(paths)


class Series:
    """Hourly series of one or more regions (the library's hr_series):
    regions, s[region] (the hourly columns with timestamp and flag), quality()."""

    def __init__(self, handle):
        self._h = C.c_void_p(handle)

    def __del__(self):
        if getattr(self, "_h", None) and lib:
            lib.hr_series_free(self._h)
            self._h = None

    @property
    def regions(self):
        n = lib.hr_series_region_count(self._h)
        return [lib.hr_series_region_name(self._h, i).decode() for i in range(n)]

    def _index(self, region):
        if region is None:
            if len(self.regions) != 1:
                raise ValueError("several regions (%s): name one" % ", ".join(self.regions))
            return 0
        if isinstance(region, int):
            if not 0 <= region < len(self.regions):
                raise IndexError("region %d of %d" % (region, len(self.regions)))
            return region
        i = C.c_size_t()
        check(lib.hr_series_region_index(self._h, enc(region), C.byref(i)))
        return i.value

    def arrays(self, region=None):
        """Region's hourly grid as a dict of numpy arrays: timestamp
        (datetime64[s], UTC, hour-beginning), every column in MW (or deg C),
        NaN = missing, and flag (the screening flag's name)."""
        i = self._index(region)
        t0, n = C.c_int64(), C.c_size_t()
        check(lib.hr_series_grid(self._h, i, C.byref(t0), C.byref(n)))
        n = n.value
        out = {"timestamp": (t0.value + 3600 * np.arange(n, dtype=np.int64)).astype("datetime64[s]")}
        for j in range(lib.hr_series_column_count(self._h, i)):
            name = lib.hr_series_column_name(self._h, i, j)
            p = C.POINTER(C.c_double)()
            check(lib.hr_series_column(self._h, i, name, C.byref(p)))
            out[name.decode()] = np.ctypeslib.as_array(p, shape=(n,)).copy() if n else np.empty(0)
        f = C.POINTER(C.c_uint8)()
        if lib.hr_series_flags(self._h, i, C.byref(f)) == 0 and n:
            codes = np.ctypeslib.as_array(f, shape=(n,))
            names = np.array([lib.hr_flag_name(k).decode() for k in range(int(codes.max()) + 1)])
            out["flag"] = names[codes]
        return out

    def __getitem__(self, region):
        """s[region]: arrays(region) as a DataFrame where pandas is
        installed, else the dict of numpy arrays."""
        return _table(self.arrays(region))

    def __iter__(self):
        return iter(self.regions)

    def __len__(self):
        return len(self.regions)

    def quality(self, region=None):
        """Counts of the region's load: hours, missing, flagged, imputed, peak and mean MW."""
        q = Struct("hr_quality")
        check(lib.hr_series_quality(self._h, self._index(region), q.ptr()))
        return {k: q[k] for k in ("first_utc", "last_utc", "hours", "missing", "flagged", "imputed",
                                   "peak_mw", "mean_mw")}


def read(paths, **ingest):
    """Read hourly load files (EIA-930, ERCOT, PJM, long CSV, series, ...)
    into a Series: merged, on an hourly UTC grid, screened and imputed.
    Options as the CLI's input options: format, on_duplicate, on_overlap,
    screen, time_col, value_cols, region, tz, hour_ending, scale, threads,
    region_col, min_coverage, interval_end, demand ("raw", "adjusted",
    "imputed"), delimiter (docs/formats.md)."""
    st = Struct("hr_ingest_opts", lib.hr_ingest_opts_init)
    _ingest_opts(st, **ingest)
    arr, n = _paths(paths)
    h = C.c_void_p()
    check(lib.hr_series_read(arr, n, st.ptr(), C.byref(h)))
    return Series(h.value)


def _as_utc_seconds(t):
    t = np.asarray(t)
    if np.issubdtype(t.dtype, np.datetime64):
        return t.astype("datetime64[s]").astype(np.int64)
    return t.astype(np.int64)


def series(timestamps, load_mw, region="series", screen=True):
    """A one-region Series from arrays: timestamps (datetime64 or UTC seconds,
    hour-beginning, increasing) and load in MW (NaN = missing)."""
    t = np.ascontiguousarray(_as_utc_seconds(timestamps), dtype=np.int64)
    y = np.ascontiguousarray(load_mw, dtype=np.float64)
    if t.shape != y.shape or t.ndim != 1:
        raise ValueError("timestamps and load_mw must be 1-D arrays of one length")
    h = C.c_void_p()
    check(lib.hr_series_from_arrays(enc(region), t.ctypes.data_as(C.POINTER(C.c_int64)),
                                    y.ctypes.data_as(C.POINTER(C.c_double)), len(t), int(bool(screen)),
                                    C.byref(h)))
    return Series(h.value)


def _to_series(data):
    if isinstance(data, Series):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        return series(*data)
    pd = _pandas()
    if pd is not None and isinstance(data, pd.Series):
        return series(data.index.values, data.values, region=str(data.name or "series"))
    raise TypeError("expected a headroom.Series, (timestamps, load_mw) or a pandas Series")


def _fit_opts(st, model="calendar", models_dir=None, spec_text=None, start=None, end=None,
              order=None, seasonal=None, season=None, method=None, arima_window=None, threads=None):
    st["model"] = model
    d = models_dir if models_dir is not None else MODELS_DIR
    if d is not None:
        st["models_dir"] = d
    if spec_text is not None:
        st["spec_text"] = spec_text
    if start is not None:
        st["from_utc"] = int(_as_utc_seconds(np.datetime64(start, "s")))
    if end is not None:
        st["to_utc"] = int(_as_utc_seconds(np.datetime64(end, "s")))
    if order is not None or seasonal is not None:
        o = st["order"]
        if order is not None:
            o[:3] = list(order)
        if seasonal is not None:
            o[3:] = list(seasonal)
        st["order"] = o
    if season is not None:
        st["season"] = int(season)
    if method is not None:
        st["method"] = _METHODS[method] if method in _METHODS else _choice("method", method, list(_METHODS))
    if arima_window is not None:
        st["arima_window"] = int(arima_window)
    if threads is not None:
        st["threads"] = int(threads)


class Model:
    """A fitted forecasting model of one region (hr_model)."""

    def __init__(self, handle):
        self._h = C.c_void_p(handle)

    def __del__(self):
        if getattr(self, "_h", None) and lib:
            lib.hr_model_free(self._h)
            self._h = None

    @property
    def info(self):
        """Summary: region, model, errors, training span, fit statistics."""
        st = Struct("hr_model_info")
        check(lib.hr_model_info_get(self._h, st.ptr()))
        out = {}
        for k in ("region", "model", "errors", "fallback"):
            v = st[k]
            out[k] = v.decode() if v else ""
        for k in ("first_utc", "last_utc", "n", "ncoef", "sigma2", "r2", "adj_r2", "loglik", "aic",
                  "aicc", "bic", "converged", "fit_seconds"):
            out[k] = st[k]
        out["order"] = st["order"]
        return out

    @property
    def coef(self):
        """Coefficients {name: (value, standard error)}."""
        out = {}
        for i in range(self.info["ncoef"]):
            nm, v, se = C.c_char_p(), C.c_double(), C.c_double()
            check(lib.hr_model_coef(self._h, i, C.byref(nm), C.byref(v), C.byref(se)))
            out[nm.value.decode()] = (v.value, se.value)
        return out

    def forecast(self, data, horizon=48, levels=(80, 95), region=None):
        """Forecast the `horizon` hours after the last load of the model's
        region in data: timestamp, mean and lo_L / hi_L per level (MW)."""
        s = _to_series(data)
        ri = C.c_size_t(-1).value if region is None else s._index(region)
        nl = len(levels)
        t = np.zeros(horizon, dtype=np.int64)
        mean = np.zeros(horizon)
        lo, hi = np.zeros(nl * horizon), np.zeros(nl * horizon)
        lv = (C.c_double * max(nl, 1))(*levels)
        fb = Struct("hr_forecast_buf")
        fb["cap"] = horizon
        fb["t_utc"], fb["mean"] = t.ctypes.data, mean.ctypes.data
        fb["lo"], fb["hi"] = lo.ctypes.data, hi.ctypes.data
        check(lib.hr_model_forecast(self._h, s._h, ri, horizon, lv, nl, fb.ptr()))
        out = {"timestamp": t.astype("datetime64[s]"), "mean": mean}
        for j, l in enumerate(levels):
            out["lo_%g" % l] = lo[j * horizon:(j + 1) * horizon]
            out["hi_%g" % l] = hi[j * horizon:(j + 1) * horizon]
        return _table(out)

    def save(self, path):
        """Save to a versioned .hrm text file (headroom forecast -m reads it)."""
        arr = (C.c_void_p * 1)(self._h)
        check(lib.hr_model_save(arr, 1, enc(path)))


def fit(data, region=None, model="auto", **opts):
    """Fit a model (a specification name such as auto, calendar, vanilla; a
    .spec path; 'arima' or 'auto-arima') to one region. Options: models_dir,
    spec_text, start, end (training window), order, seasonal, season,
    method, arima_window, threads."""
    s = _to_series(data)
    st = Struct("hr_fit_opts", lib.hr_fit_opts_init)
    _fit_opts(st, model=model, **opts)
    h = C.c_void_p()
    check(lib.hr_model_fit(s._h, s._index(region), st.ptr(), C.byref(h)))
    return Model(h.value)


def _assess_opts(st, budgets=None, threshold="seasonal", summer_mw=None, winter_mw=None,
                 season_slack=None, years=None):
    if budgets is not None:
        b = [float(x) for x in budgets]
        st["budgets_pct"] = b
        st["nbudgets"] = len(b)
    st["threshold_kind"] = _choice("threshold", threshold, _THRESH)
    if threshold == "capacity":
        if summer_mw is None:
            raise ValueError("threshold 'capacity' needs summer_mw (and winter_mw)")
        st["threshold_summer_mw"] = float(summer_mw)
        st["threshold_winter_mw"] = float(winter_mw if winter_mw is not None else summer_mw)
    if season_slack is not None:  # else the library's default (1, as the study)
        st["season_slack"] = int(bool(season_slack))
    if years is not None:
        y0, y1 = (years, years) if isinstance(years, int) else years
        st["year_from"], st["year_to"] = int(y0), int(y1)


def assess(data, budgets=(0.25, 0.5, 1, 5), regions=None, **opts):
    """Headroom: the largest constant added load (MW, rounded down to 0.1)
    whose mean yearly curtailment stays within each budget (%), per region
    and budget, with the columns of `headroom assess` (budget_pct,
    headroom_mw, headroom_pct_peak, curtailed_hours_per_year, hours_ge50,
    ..., peak_mw, load_factor) and the study years and thresholds.
    data: a Series (every region, or `regions`), (timestamps, load_mw) or a
    pandas Series. Options: threshold (seasonal | annual | capacity with
    summer_mw, winter_mw), season_slack, years (Y or (Y1, Y2))."""
    s = _to_series(data)
    ao = Struct("hr_assess_opts", lib.hr_assess_opts_init)
    _assess_opts(ao, budgets=budgets, **opts)
    names = s.regions if regions is None else list(regions)
    cols = {k: [] for k in ["region"] + ASSESS_COLUMNS +
            ["year_from", "year_to", "threshold_summer_mw", "threshold_winter_mw"]}
    a = Struct("hr_assessment")
    for r in names:
        check(lib.hr_assess(s._h, s._index(r), ao.ptr(), a.ptr()))
        for i in range(a["nrows"]):
            row = a.row("rows", i, "hr_headroom_row")
            cols["region"].append(r)
            for k in ASSESS_COLUMNS:
                cols[k].append(row[k])
            for k in ("year_from", "year_to", "threshold_summer_mw", "threshold_winter_mw"):
                cols[k].append(a[k])
    out = {k: np.array(v, dtype=object if k == "region" else None) for k, v in cols.items()}
    return _table(out)


def report(paths, outdir, model="auto", budgets=None, rank_budget=None, backtest_days=None,
           forecast_hours=None, scenarios=None, growth=None, seed=None, threads=None,
           models_dir=None, threshold="seasonal", years=None, keep_going=False, **ingest):
    """The batch report of `headroom report` over the files into outdir
    (index.html, regions.csv, regions.json, run.json); returns outdir.
    A stage that failed for a region raises Error after the report is
    written, unless keep_going. Input options as read()."""
    ro = Struct("hr_report_opts", lib.hr_report_opts_init)
    keep = ro.keep
    _ingest_opts(ro.sub("ingest", "hr_ingest_opts", keep), **ingest)
    fo = ro.sub("fit", "hr_fit_opts", keep)
    fo["model"] = model
    d = models_dir if models_dir is not None else MODELS_DIR
    if d is not None:
        fo["models_dir"] = d
    _assess_opts(ro.sub("assess", "hr_assess_opts", keep), budgets=budgets, threshold=threshold,
                 years=years)
    for k, v in (("rank_budget_pct", rank_budget), ("backtest_days", backtest_days),
                 ("forecast_hours", forecast_hours), ("scenarios", scenarios),
                 ("growth_pct", growth), ("seed", seed), ("threads", threads)):
        if v is not None:
            ro[k] = type(ro[k])(v)
    ro["options_text"] = "python: headroom.report"
    ro["keep_going"] = 1 if keep_going else 0
    arr, n = _paths(paths)
    check(lib.hr_report(arr, n, ro.ptr(), enc(outdir)))
    return outdir


def models(models_dir=None):
    """Names of the model specifications (in models_dir, else the package's
    or the installed ones)."""
    buf = C.create_string_buffer(4096)
    d = models_dir if models_dir is not None else MODELS_DIR
    check(lib.hr_models_list(enc(d), buf, len(buf)))
    return [x for x in buf.value.decode().split(", ") if x]
