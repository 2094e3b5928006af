"""Tests of the headroom Python package (run by tests/python.sh from a
scratch directory, against the installed package): the same numbers as the
CLI, both return types (pandas and plain numpy), errors as exceptions."""
import csv
import io
import os
import subprocess
import sys
import tempfile

import numpy as np

import headroom

H, D = os.environ["HEADROOM"], os.environ["DATA"]
COASTAL = os.path.join(D, "COASTAL.csv")
fails = 0


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what, file=sys.stderr)


def cli(*args):
    return subprocess.run([H, *args], check=True, capture_output=True, text=True).stdout


# the package is installed (not the source tree) and carries its library
check(headroom.__file__.find("site-packages") > 0, "not the installed package: " + headroom.__file__)
check(headroom.version() == cli("--version").split()[1], "version differs from the CLI's")
check({"auto", "calendar", "vanilla"} <= set(headroom.models()), "models(): %s" % headroom.models())

# read: the hourly columns, as the CLI's ingest counts them
s = headroom.read([COASTAL])
check(s.regions == ["COASTAL"], "regions %s" % s.regions)
q = s.quality()
row = next(csv.DictReader(io.StringIO(cli("ingest", COASTAL))))
check(q["hours"] == int(row["hours"]) and q["imputed"] == int(row["imputed"]), "quality %s vs %s" % (q, row))
headroom_pandas = headroom._pandas
headroom._pandas = lambda: None  # the plain numpy results
a = s["COASTAL"]
check(isinstance(a, dict) and a["timestamp"].dtype == np.dtype("datetime64[s]"), "arrays: timestamp")
check(len(a["load_mw"]) == q["hours"] and np.nanmax(a["load_mw"]) == q["peak_mw"], "arrays: load_mw")
check(set(a["flag"]) >= {"OKAY"}, "arrays: flag names")
check(abs(headroom.read(COASTAL, scale=0.001).quality()["peak_mw"] - q["peak_mw"] / 1000) < 1e-9, "read scale=")

# assess: the CLI's numbers, from the Series and from (timestamps, load)
want = {r["budget_pct"]: r for r in csv.DictReader(io.StringIO(cli("assess", "--budgets", "0.5,1", COASTAL)))}
got = headroom.assess(s, budgets=[0.5, 1])
for i, b in enumerate(got["budget_pct"]):
    w = want["%g" % b]
    for k in ("headroom_mw", "curtailed_hours_per_year", "peak_mw"):
        check(abs(got[k][i] - float(w[k])) <= 1e-6 * max(1, abs(float(w[k]))), "assess %s at %g" % (k, b))
arr = headroom.assess((a["timestamp"], a["load_mw"]), budgets=[0.5])
check(arr["headroom_mw"][0] == got["headroom_mw"][0], "assess((t, load)) differs from assess(series)")
check(got["year_from"][0] == 2019 and got["threshold_summer_mw"][0] > 0, "assess: study years, thresholds")

# fit and forecast: the CLI's forecast of the same model
m = headroom.fit(s, model="calendar")
check(m.info["model"] == "calendar" and m.info["n"] > 40000, "fit info %s" % m.info)
check("intercept" in m.coef, "coef")
fc = m.forecast(s, 48)
with tempfile.TemporaryDirectory() as t:
    m.save(os.path.join(t, "m.hrm"))
    rows = list(csv.DictReader(io.StringIO(cli("forecast", "-m", os.path.join(t, "m.hrm"), "--horizon", "48", COASTAL))))
check(len(rows) == 48 and all(abs(float(r["mean"]) - fc["mean"][k]) < 1e-3 for k, r in enumerate(rows)),
      "forecast differs from the CLI's")
check(np.all(fc["lo_95"] < fc["mean"]) and np.all(fc["mean"] < fc["hi_80"]), "forecast intervals")

# errors carry the library's message
for call, text in ((lambda: headroom.read("no-such-file.csv"), "no-such-file.csv"),
                   (lambda: headroom.fit(s, model="autoo"), "available: auto"),
                   (lambda: headroom.assess(s, budgets=[150]), "budget 150")):
    try:
        call()
        check(False, "no exception: " + text)
    except headroom.Error as e:
        check(text in str(e) and e.status > 0, "message %r lacks %r" % (str(e), text))
try:
    headroom.read(COASTAL, format="eia")
    check(False, "format='eia' accepted")
except ValueError as e:
    check("eia930" in str(e), "format: valid values not listed")

# the real-world ingest options (docs/formats.md)
with tempfile.TemporaryDirectory() as t:
    f = os.path.join(t, "areas.csv")
    with open(f, "w") as fh:
        fh.write("when;area;mw\n2020-01-01T00:00:00Z;N;10\n2020-01-01T00:00:00Z;S;20\n"
                 "2020-01-01T00:15:00Z;N;12\n2020-01-01T00:15:00Z;S;22\n")
    r = headroom.read(f, time_col="when", value_cols=["mw"], region_col="area", delimiter=";",
                      min_coverage=0.5, screen=False)
    check(r.regions == ["N", "S"], "region_col: %s" % r.regions)
    check(r.quality("S")["peak_mw"] == 21.0, "min_coverage: the mean of the quarter-hours given")
    try:
        headroom.read(f, demand="cleaned")
        check(False, "demand='cleaned' accepted")
    except ValueError as e:
        check("adjusted" in str(e), "demand: valid values not listed")

# a series built from arrays, and a wrong shape
one = headroom.series(a["timestamp"], a["load_mw"], region="ARR")
check(one.regions == ["ARR"] and one.quality()["hours"] == q["hours"], "series() from arrays")
try:
    headroom.series(a["timestamp"][:10], a["load_mw"][:9])
    check(False, "series(): mismatched lengths accepted")
except ValueError:
    pass

# pandas, where installed
headroom._pandas = headroom_pandas
if headroom._pandas() is not None:
    import pandas as pd
    ps = pd.Series(a["load_mw"], index=pd.DatetimeIndex(a["timestamp"]), name="PD")
    r = headroom.assess(ps, budgets=[0.5])
    check(list(r["region"]) == ["PD"] and r["headroom_mw"][0] == got["headroom_mw"][0], "assess(pandas Series)")
    df = s["COASTAL"]
    check(len(df) == q["hours"] and "load_mw" in df.columns, "DataFrame of read")
    check(list(headroom.assess(s, budgets=[0.5])["headroom_mw"]) == [got["headroom_mw"][0]], "DataFrame of assess")

# report: the four files
with tempfile.TemporaryDirectory() as t:
    out = headroom.report([os.path.join(D, "HIGHLAND.csv")], os.path.join(t, "rep"), backtest_days=7, scenarios=10)
    check(all(os.path.getsize(os.path.join(out, f)) > 0 for f in ("index.html", "regions.csv", "regions.json", "run.json")),
          "report files")
    # a stage that fails (too few backtest days) raises after the report is written, unless keep_going
    bad = os.path.join(t, "bad")
    try:
        headroom.report([os.path.join(D, "HIGHLAND.csv")], bad, backtest_days=3, scenarios=0)
        check(False, "report: a failed stage did not raise")
    except headroom.Error as e:
        check("keep_going" in str(e) and os.path.exists(os.path.join(bad, "index.html")),
              "report: failed stage: %s" % e)
    headroom.report([os.path.join(D, "HIGHLAND.csv")], bad, backtest_days=3, scenarios=0, keep_going=True)

print("python tests: %s" % ("passed" if not fails else "%d failed" % fails))
sys.exit(1 if fails else 0)
