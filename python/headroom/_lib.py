"""ctypes access to libheadroom: loading, prototypes, errors, and structs
filled at the offsets the library reports (hr_layout), so no struct layout
is copied here: only field names and their C types, checked at import."""
import ctypes as C
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load():
    tried = []
    env = os.environ.get("HEADROOM_LIB")
    cands = [env] if env else []
    cands.append(os.path.join(_HERE, "libheadroom.so"))
    cands += ["libheadroom.so.0", ctypes.util.find_library("headroom")]
    for c in cands:
        if not c or (os.sep in c and not os.path.exists(c)):
            continue
        try:
            return C.CDLL(c), c
        except OSError as e:
            tried.append("%s (%s)" % (c, e))
    raise ImportError("headroom: libheadroom.so not found (tried HEADROOM_LIB, the package, "
                      "the system); build it with `make` and reinstall, or set HEADROOM_LIB. "
                      + "; ".join(tried))


lib, LIB_PATH = _load()


def _models_dir():
    """Where specification names are looked up unless a call names models_dir:
    $HEADROOM_MODELS, the package's own copy (pip install), the source tree's
    models/ (python/headroom run in place), else None: the library's
    installed directory (hr_models_dir)."""
    for d in (os.environ.get("HEADROOM_MODELS"), os.path.join(_HERE, "models"),
              os.path.join(os.path.dirname(os.path.dirname(_HERE)), "models")):
        if d and os.path.isdir(d):
            return d
    return None


MODELS_DIR = _models_dir()

vp, cp, sz, i64 = C.c_void_p, C.c_char_p, C.c_size_t, C.c_int64
_PROTOS = {
    "hr_version": (cp, []),
    "hr_strerror": (cp, [C.c_int]),
    "hr_last_error": (cp, []),
    "hr_layout": (C.c_int, [cp, cp, C.POINTER(sz), C.POINTER(sz)]),
    "hr_models_dir": (cp, []),
    "hr_models_list": (C.c_int, [cp, cp, sz]),
    "hr_ingest_opts_init": (None, [vp]),
    "hr_series_read": (C.c_int, [C.POINTER(cp), sz, vp, C.POINTER(vp)]),
    "hr_series_from_arrays": (C.c_int, [cp, C.POINTER(i64), C.POINTER(C.c_double), sz, C.c_int, C.POINTER(vp)]),
    "hr_series_free": (None, [vp]),
    "hr_series_region_count": (sz, [vp]),
    "hr_series_region_name": (cp, [vp, sz]),
    "hr_series_region_index": (C.c_int, [vp, cp, C.POINTER(sz)]),
    "hr_series_grid": (C.c_int, [vp, sz, C.POINTER(i64), C.POINTER(sz)]),
    "hr_series_column_count": (sz, [vp, sz]),
    "hr_series_column_name": (cp, [vp, sz, sz]),
    "hr_series_column": (C.c_int, [vp, sz, cp, C.POINTER(C.POINTER(C.c_double))]),
    "hr_series_flags": (C.c_int, [vp, sz, C.POINTER(C.POINTER(C.c_uint8))]),
    "hr_series_quality": (C.c_int, [vp, sz, vp]),
    "hr_flag_name": (cp, [C.c_int]),
    "hr_fit_opts_init": (None, [vp]),
    "hr_model_fit": (C.c_int, [vp, sz, vp, C.POINTER(vp)]),
    "hr_model_free": (None, [vp]),
    "hr_model_info_get": (C.c_int, [vp, vp]),
    "hr_model_coef": (C.c_int, [vp, sz, C.POINTER(cp), C.POINTER(C.c_double), C.POINTER(C.c_double)]),
    "hr_model_forecast": (C.c_int, [vp, vp, sz, sz, C.POINTER(C.c_double), sz, vp]),
    "hr_model_save": (C.c_int, [C.POINTER(vp), sz, cp]),
    "hr_model_load": (C.c_int, [cp, C.POINTER(C.POINTER(vp)), C.POINTER(sz)]),
    "hr_models_free": (None, [C.POINTER(vp), sz]),
    "hr_assess_opts_init": (None, [vp]),
    "hr_assess": (C.c_int, [vp, sz, vp, vp]),
    "hr_assess_arrays": (C.c_int, [i64, C.POINTER(C.c_double), sz, vp, vp]),
    "hr_report_opts_init": (None, [vp]),
    "hr_report": (C.c_int, [C.POINTER(cp), sz, vp, cp]),
}
for _name, (_res, _args) in _PROTOS.items():
    try:
        _f = getattr(lib, _name)
    except AttributeError:
        raise ImportError("headroom: %s has no %s (a library older than this package: "
                          "rebuild and reinstall)" % (LIB_PATH, _name)) from None
    _f.restype, _f.argtypes = _res, _args


class Error(Exception):
    """A libheadroom call failed: .status is the HR_E* code, .name its text
    (hr_strerror), the message hr_last_error()'s detail."""

    def __init__(self, status, message):
        self.status = status
        self.name = lib.hr_strerror(status).decode()
        super().__init__(message or self.name)


Error.__module__ = "headroom"


def check(status):
    if status != 0:
        raise Error(status, lib.hr_last_error().decode("utf-8", "replace"))


def enc(s):
    return None if s is None else os.fsencode(s) if isinstance(s, os.PathLike) else str(s).encode()


def layout(typ, field=None):
    off, size = sz(), sz()
    st = lib.hr_layout(typ.encode(), field.encode() if field else None, C.byref(off), C.byref(size))
    if st:
        raise ImportError("headroom: %s (this package and %s disagree: reinstall it)"
                          % (lib.hr_last_error().decode(), LIB_PATH))
    return off.value, size.value


# The fields the package touches and their C types; hr_layout gives each
# one's offset and size, and a size that differs from the C type here fails
# at import instead of corrupting memory.
FN = C.c_void_p
FIELDS = {
    "hr_ingest_opts": {"format": C.c_int, "on_duplicate": C.c_int, "on_overlap": C.c_int,
                       "screen": C.c_int, "time_col": cp, "value_cols": cp * 16, "region": cp,
                       "tz": cp, "hour_ending": C.c_int, "scale": C.c_double, "threads": C.c_int,
                       "region_col": cp, "min_coverage": C.c_double, "interval_end": C.c_int,
                       "demand": C.c_int, "delimiter": C.c_char},
    "hr_quality": {"first_utc": i64, "last_utc": i64, "hours": sz, "missing": sz, "flagged": sz,
                   "imputed": sz, "peak_mw": C.c_double, "mean_mw": C.c_double},
    "hr_fit_opts": {"model": cp, "models_dir": cp, "spec_text": cp, "from_utc": i64, "to_utc": i64,
                    "order": C.c_int * 7, "season": C.c_int, "method": C.c_int, "arima_window": sz,
                    "threads": C.c_int},
    "hr_model_info": {"region": cp, "model": cp, "errors": cp, "first_utc": i64, "last_utc": i64,
                      "n": sz, "ncoef": sz, "sigma2": C.c_double, "r2": C.c_double,
                      "adj_r2": C.c_double, "loglik": C.c_double, "aic": C.c_double,
                      "aicc": C.c_double, "bic": C.c_double, "order": C.c_int * 7,
                      "converged": C.c_int, "fallback": cp, "fit_seconds": C.c_double},
    "hr_forecast_buf": {"cap": sz, "t_utc": vp, "mean": vp, "lo": vp, "hi": vp},
    "hr_assess_opts": {"budgets_pct": C.c_double * 8, "nbudgets": sz, "threshold_kind": C.c_int,
                       "threshold_summer_mw": C.c_double, "threshold_winter_mw": C.c_double,
                       "season_slack": C.c_int, "year_from": C.c_int, "year_to": C.c_int,
                       "profile": vp, "profile_len": sz},
    "hr_headroom_row": {k: C.c_double for k in (
        "budget_pct", "headroom_mw", "headroom_pct_peak", "curtailed_hours_per_year", "hours_ge50",
        "hours_ge75", "hours_ge90", "mean_event_hours", "max_event_hours", "peak_mw", "load_factor")},
    "hr_assessment": {"year_from": C.c_int, "year_to": C.c_int, "nyears": sz,
                      "threshold_summer_mw": C.c_double, "threshold_winter_mw": C.c_double,
                      "hours": sz, "missing_hours": sz, "peak_mw": C.c_double,
                      "mean_mw": C.c_double, "load_factor": C.c_double, "nrows": sz, "rows": None},
    "hr_report_opts": {"ingest": None, "fit": None, "assess": None, "rank_budget_pct": C.c_double,
                       "backtest_days": sz, "forecast_hours": sz, "scenarios": sz,
                       "growth_pct": C.c_double, "seed": C.c_uint64, "threads": C.c_int,
                       "options_text": cp, "keep_going": C.c_int},
}
SIZE = {}
OFFSET = {}
for _t, _fields in FIELDS.items():
    SIZE[_t] = layout(_t)[1]
    for _f, _ct in _fields.items():
        _off, _size = layout(_t, _f)
        if _ct is not None and C.sizeof(_ct) != _size:
            raise ImportError("headroom: %s.%s is %d bytes in %s, %d here: reinstall the package"
                              % (_t, _f, _size, LIB_PATH, C.sizeof(_ct)))
        OFFSET[_t, _f] = _off
if SIZE["hr_assessment"] < OFFSET["hr_assessment", "rows"] + 8 * SIZE["hr_headroom_row"]:
    raise ImportError("headroom: hr_assessment.rows does not hold 8 rows in " + LIB_PATH)


class Struct:
    """One C struct in a buffer of the library's size for it, filled by its
    _init function; fields read and written at hr_layout's offsets. Strings
    set here are kept alive as long as the struct."""

    def __init__(self, typ, init=None, buf=None, base=0):
        self.typ, self.base = typ, base
        self.buf = buf if buf is not None else C.create_string_buffer(SIZE[typ])
        self.keep = [] if buf is None else None
        if init is not None:
            init(C.byref(self.buf, base))

    def ptr(self):
        return C.byref(self.buf, self.base)

    def sub(self, field, typ, keep):
        s = Struct(typ, buf=self.buf, base=self.base + OFFSET[self.typ, field])
        s.keep = keep
        return s

    def _slot(self, field):
        return FIELDS[self.typ][field].from_buffer(self.buf, self.base + OFFSET[self.typ, field])

    def __getitem__(self, field):
        v = self._slot(field)
        if isinstance(v, C.Array):
            return list(v)
        return v.value

    def __setitem__(self, field, value):
        ct = FIELDS[self.typ][field]
        if ct is cp:
            b = enc(value)
            self.keep.append(b)
            self._slot(field).value = b
        elif issubclass(ct, C.Array):
            arr = self._slot(field)
            vals = [enc(v) for v in value] if ct._type_ is cp else list(value)
            cap = len(arr) - 1 if ct._type_ is cp else len(arr)  # strings: NULL-terminated
            if len(vals) > cap:
                raise ValueError("%s: at most %d values" % (field, cap))
            if ct._type_ is cp:
                self.keep.extend(vals)
            for i in range(len(arr)):
                arr[i] = vals[i] if i < len(vals) else (None if ct._type_ is cp else 0)
        else:
            self._slot(field).value = value

    def row(self, field, i, typ):
        """Member i of an array of structs `field` (hr_assessment.rows)."""
        return Struct(typ, buf=self.buf, base=self.base + OFFSET[self.typ, field] + i * SIZE[typ])
