#!/bin/sh
# CLI tests in the zstd style: exit codes, messages, no-clobber, golden
# outputs. Run by `make test` with HEADROOM=build/headroom (and again with the
# sanitizer build). HR_DATA points at the shared real data (optional).
set -u
H=${HEADROOM:-build/headroom}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0
die() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { pass=$((pass + 1)); }

# expect CODE CMD... : run, check the exit code
expect() {
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        die "exit $got (want $want): $*"; sed 's/^/  | /' "$T/err" | head -5 >&2
        return 1
    fi
    ok
    return 0
}

# ---- usage
expect 2 "$H"
expect 0 "$H" --help && grep -q "usage: headroom" "$T/out" || die "--help text"
expect 0 "$H" report --help && grep -q "as the study did \[Default: 1\]" "$T/out" || die "report --help: --season-slack default"
expect 2 "$H" report -o "$T/r" --rank-by best datasets/default/COASTAL.csv && grep -q "valid: study, contract" "$T/err" ||
    die "report --rank-by: the valid values"
expect 2 "$H" nosuchcommand
for c in ingest fit forecast backtest assess report; do
    expect 0 "$H" $c --help && grep -q "usage: headroom $c" "$T/out" || die "$c --help"
done
expect 2 "$H" ingest
expect 2 "$H" ingest --bogus-option x.csv
expect 2 "$H" ingest --format nosuch x.csv
expect 1 "$H" ingest "$T/does-not-exist.csv" && grep -q "does-not-exist.csv" "$T/err" || die "missing file not named"
# assess and report parse their shared headroom options alike
for c in assess report; do
    for bad in "--years 2019-2018" "--years 19x" "--budgets 0,1" "--budgets 100" "--growth -100"; do
        expect 2 "$H" $c $bad x.csv || die "$c $bad: not a usage error"
    done
done
# a bad value names its option, however it was spelt
for j in "-j 0" "--threads 0" "--threads=0"; do
    expect 2 "$H" backtest $j --start 2020-01-01T00:00:00Z x.csv &&
        grep -q "invalid value '0' for --threads" "$T/err" || die "backtest $j: $(head -1 "$T/err")"
done

# ---- ingest on the generated default data
D=datasets/default
if ls $D/*.csv >/dev/null 2>&1; then
    expect 0 "$H" ingest $D/*.csv
    head -1 "$T/out" | grep -qx "region,first_utc,last_utc,hours,missing,flagged,imputed,peak_mw,mean_mw" \
        || die "ingest header"
    [ "$(tail -n +2 "$T/out" | wc -l)" -ge 3 ] || die "ingest: fewer than 3 regions in default data"
    expect 0 "$H" ingest -o "$T/norm" $D/*.csv
    [ "$(ls "$T/norm" | wc -l)" -ge 3 ] || die "ingest -o wrote no region files"
    ls "$T/norm" | grep -q '\.tmp' && die "ingest -o left a temporary file"
else
    die "no generated default data in $D (make datasets)"
fi

# ---- assess on the default data
if ls $D/*.csv >/dev/null 2>&1; then
    expect 0 "$H" assess $D/*.csv && head -1 "$T/out" | grep -qx "region,budget_pct,headroom_mw,headroom_pct_peak,curtailed_hours_per_year,hours_ge50,hours_ge75,hours_ge90,mean_event_hours,max_event_hours,peak_mw,load_factor,events_per_year,worst_year_rate_pct,binding,battery_cycles_per_year" || die "assess header"
    expect 2 "$H" assess --budgets 0 $D/COASTAL.csv
    expect 2 "$H" assess --threshold bogus $D/COASTAL.csv
    expect 1 "$H" assess --years 1990-1991 $D/COASTAL.csv
    expect 0 "$H" assess --forecast-year 2024 --scenarios 50 --model calendar $D/HIGHLAND.csv
    head -1 "$T/out" | grep -q "^region,budget_pct,p10_mw,p50_mw,p90_mw,headroom_hist_mw,forecast_year,training_years," || die "assess --forecast-year header"
    [ "$(tail -n +2 "$T/out" | wc -l)" -eq 4 ] || die "assess --forecast-year: want 4 budgets"
    expect 2 "$H" assess --scenarios 50 $D/HIGHLAND.csv
    # multi-year outlook with a committed load and threshold growth; the hindcast
    printf 'region,start,mw\nHIGHLAND,2022-01-01,300\n' > "$T/committed.csv"
    expect 0 "$H" assess --forecast-year 2024-2026 --scenarios 30 --model calendar --committed "$T/committed.csv" \
        --threshold-growth 1 --calibrate 0 $D/HIGHLAND.csv
    [ "$(tail -n +2 "$T/out" | cut -d, -f7 | sort -u | tr '\n' ' ')" = "2024 2025 2026 " ] || die "assess --forecast-year Y1-Y2: want 3 years"
    [ "$(tail -n +2 "$T/out" | cut -d, -f15 | sort -u)" = "300.0" ] || die "assess --committed: committed_mw"
    printf 'region,start,mw\nHIGHLAND,2023-06-01,-5\n' > "$T/badc.csv"
    expect 1 "$H" assess --forecast-year 2024 --scenarios 10 --model calendar --committed "$T/badc.csv" $D/HIGHLAND.csv
    grep -q "badc.csv:2: column 'mw'" "$T/err" || die "assess --committed: bad mw names FILE:LINE and column"
    expect 2 "$H" assess --forecast-year 2024-2040 $D/HIGHLAND.csv
    expect 2 "$H" assess --committed "$T/committed.csv" $D/HIGHLAND.csv
    expect 0 "$H" assess --hindcast --scenarios 30 --model calendar --calibrate 0 $D/HIGHLAND.csv
    head -1 "$T/out" | grep -qx "region,year,budget_pct,p10_mw,p50_mw,p90_mw,realised_mw,inside,training_years,threshold_summer_mw,threshold_winter_mw,scenarios" || die "assess --hindcast header"
    grep -q "^region,budget_pct,years,coverage_p10_p90,median_realised_over_p50" "$T/out" || die "assess --hindcast summary"

    # ---- flexible-load contract: usage, --size, binding, capacity slack
    for bad in "--max-event-hours 0" "--max-events-per-year x" "--battery-pct 0" "--battery-hours 4" \
               "--battery-pct 25 --battery-eff 1.5" "--size -1" "--size 500 --curve"; do
        expect 2 "$H" assess $bad $D/COASTAL.csv || die "assess $bad: not a usage error"
    done
    expect 2 "$H" report -o "$T/r" --rank-by contract $D/COASTAL.csv || die "--rank-by contract without terms"
    expect 0 "$H" assess --size 500 --max-event-hours 4 --battery-pct 25 $D/*.csv
    head -1 "$T/out" | grep -qx "region,size_mw,curtailed_pct,curtailed_hours_per_year,events_per_year,mean_event_hours,max_event_hours" || die "assess --size header"
    cp "$T/out" "$T/size.csv"
    expect 0 "$H" assess --budgets 0.5 --max-event-hours 4 --battery-pct 25 $D/*.csv && cp "$T/out" "$T/contract.csv"
    awk -F, 'NR > 1 && $15 !~ /^(budget|event-length)(\+event-length)?$/ { bad = 1 } END { exit bad }' "$T/contract.csv" ||
        die "assess: binding column not budget / event-length"
    printf 'region,season,threshold_mw,slack\nCOASTAL,summer,,0\nCOASTAL,winter,,0\n' > "$T/cap.csv"
    expect 0 "$H" assess --threshold "capacity:$T/cap.csv" $D/COASTAL.csv && cp "$T/out" "$T/cap_out.csv"
    expect 0 "$H" assess --season-slack 0 $D/COASTAL.csv
    cmp -s "$T/out" "$T/cap_out.csv" || die "capacity table slack 0 differs from --season-slack 0"
    printf 'region,season,threshold_mw,slack\nCOASTAL,summer,30000,\nCOASTAL,winter,,1\n' > "$T/cap2.csv"
    expect 1 "$H" assess --threshold "capacity:$T/cap2.csv" $D/COASTAL.csv || die "one threshold and one slack accepted"

    # ---- fit / forecast round trip and model-file errors
    expect 0 "$H" fit --model calendar -o "$T/m.hrm" $D/COASTAL.csv
    expect 0 "$H" forecast -m "$T/m.hrm" --horizon 48 $D/COASTAL.csv
    head -1 "$T/out" | grep -qx "region,timestamp,mean,lo_80,hi_80,lo_95,hi_95" || die "forecast header"
    [ "$(tail -n +2 "$T/out" | wc -l)" -eq 48 ] || die "forecast: want 48 rows"
    head -c 300 "$T/m.hrm" > "$T/trunc.hrm"
    expect 1 "$H" forecast -m "$T/trunc.hrm" --horizon 4 $D/COASTAL.csv && grep -q "trunc.hrm" "$T/err" || die "truncated model file not named"
    expect 2 "$H" forecast --horizon 4 $D/COASTAL.csv
    expect 2 "$H" fit --model nosuchmodel -o "$T/x.hrm" $D/COASTAL.csv
    [ -e "$T/x.hrm" ] && die "failed fit wrote a model file"
    expect 0 "$H" fit --model arima --order 1,0,0 --seasonal 1,0,0,24 --json $D/HIGHLAND.csv
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["order"]==[1,0,0] and "loglik" in d and "aicc" in d' "$T/out" || die "fit --json"
    # ARIMA options: ranges are usage errors naming the option; --drift needs d + D = 1
    expect 2 "$H" fit --model arima --order 31,0,0 --json $D/HIGHLAND.csv &&
        grep -q "invalid value '31,0,0' for --order: .*0\.\.30" "$T/err" || die "--order 31: $(head -1 "$T/err")"
    expect 2 "$H" fit --model arima --seasonal 11,0,0,24 --json $D/HIGHLAND.csv &&
        grep -q "for --seasonal: .*0\.\.10" "$T/err" || die "--seasonal 11: $(head -1 "$T/err")"
    expect 2 "$H" fit --model arima --order 1,0,0 --drift --json $D/HIGHLAND.csv &&
        grep -q -- "--drift needs d + D = 1" "$T/err" || die "--drift with d + D = 0"
    head -1201 $D/HIGHLAND.csv > "$T/h1200.csv"
    expect 0 "$H" fit --model arima --order 1,0,1 --no-mean --json "$T/h1200.csv" &&
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert list(d["coef"])==["ar1","ma1"]' "$T/out" || die "fit --no-mean"
    expect 0 "$H" fit --model arima --order 1,1,0 --drift --json "$T/h1200.csv" &&
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert list(d["coef"])==["ar1","drift"]' "$T/out" || die "fit --drift"
    # screening is for load: a zero-mean series is refused unless --no-screen
    awk -F, 'NR == 1 { print "region,timestamp,load_mw"; next } NR <= 401 { printf "Z,%s,%.3f\n", $2, (NR % 7) - 3 }' $D/HIGHLAND.csv > "$T/zero.csv"
    expect 1 "$H" fit --model arima --order 1,0,0 --json "$T/zero.csv" &&
        grep -q -- "--no-screen" "$T/err" || die "screening refusal does not name --no-screen"
    expect 0 "$H" fit --model arima --order 1,0,0 --no-screen --json "$T/zero.csv" || die "fit --no-screen"
    # a fit that falls back says so on stderr (the library's log callback)
    head -4001 $D/HIGHLAND.csv > "$T/short.csv"
    expect 0 "$H" fit --model auto --json "$T/short.csv" &&
        grep -q "warning: .*annual terms .* left out" "$T/err" || die "fallback warning on stderr"
    grep -q '"fallback":"annual terms' "$T/out" || die "fit --json: fallback"
    expect 0 "$H" backtest --model calendar --start 2023-06-01T12:00:00Z --origins 5 --lead 12 $D/HIGHLAND.csv
    head -1 "$T/out" | grep -qx "region,model,n,mae,rmse,mape,mase,coverage80_pct,coverage95_pct,winkler95,pinball" || die "backtest header"
    grep -q "^HIGHLAND,ba_forecast," "$T/out" || die "backtest: no ba_forecast row"
fi

# ---- usage mistakes: exit 2, the message names the option and the valid values
# (mistake_msg CODE PATTERN CMD...: exit CODE and stderr matching PATTERN)
mistake() {
    pat=$1; shift
    expect 2 "$@" && grep -Eq -- "$pat" "$T/err" || die "$*: message: $(head -1 "$T/err")"
}
if ls $D/*.csv >/dev/null 2>&1; then
    C=$D/COASTAL.csv
    # options after the file names are options, in every command
    expect 0 "$H" assess $C --budgets 0.5 && [ "$(tail -n +2 "$T/out" | wc -l)" -eq 1 ] ||
        die "assess FILE --budgets: option not read"
    expect 0 "$H" ingest $C --scale 0.001 && grep -q "^COASTAL,.*,31.2" "$T/out" || die "ingest FILE --scale"
    expect 0 "$H" fit $C --model vanilla --json && grep -q '"model":"vanilla"' "$T/out" || die "fit FILE --model"
    mistake "unknown option '--rank-budgets'; did you mean '--rank-budget'\\?" "$H" report -o "$T/never" $C --rank-budgets 0.5
    mistake "unknown option '--bogus-option'" "$H" ingest --bogus-option $C
    mistake "option '--budgets' needs a value" "$H" assess $C --budgets
    mistake "option '-o' \\(--output\\) needs a value" "$H" report $C -o
    mistake "invalid value 'capacity:f' for --threshold \\(valid: seasonal, annual\\)" "$H" report -o "$T/never" --threshold capacity:f $C
    mistake "invalid value '1,0' for --order: p,d,q with p and q in 0..30" "$H" fit --json --model arima --order 1,0 $C
    mistake "--format: invalid value 'eia' \(valid: auto, long, eia930," "$H" assess --format eia $C
    mistake "--on-duplicate: invalid value 'avg' \(valid: error, mean, first, last\)" "$H" ingest $C --on-duplicate avg
    mistake "--on-overlap: invalid value 'x' \(valid: error, first, last\)" "$H" ingest --on-overlap x $C
    mistake "--method: invalid value 'mle' \(valid: css-ml, ml, css\)" "$H" fit --json --method mle $C
    mistake "--model: no specification 'autoo' in .*available: auto, .*calendar.*vanilla" "$H" fit --model autoo --json $C
    mistake "--model: no specification 'autoo'" "$H" report -o "$T/never" --model autoo $C
    mistake "--model: no specification 'autoo'" "$H" backtest --model autoo --start 2023-06-01T12:00:00Z $C
    mistake "--models-dir: '$T/nodir' is not a directory" "$H" fit --models-dir "$T/nodir" --json $C
    mistake "--tz: unknown time zone 'America/Chicgo'; did you mean America/Chicago\?" "$H" assess --tz America/Chicgo $C
    grep -q "COASTAL.csv:1" "$T/err" && die "--tz: blames the file"
    mistake "--rank-budget: 0.3 is not one of the budgets \(0.25, 0.5, 1, 5\)" "$H" report -o "$T/never" --rank-budget 0.3 $C
    for c in assess report; do
        mistake "--budgets: '200' is not .* at most 50" "$H" $c -o "$T/never" --budgets 200 $C
        cp "$T/err" "$T/budgets.$c"
        mistake "--budgets: '0.5,60' is not" "$H" $c -o "$T/never" $C --budgets 0.5,60
    done
    [ "$(sed 's/report/assess/' "$T/budgets.report")" = "$(cat "$T/budgets.assess")" ] ||
        die "--budgets: assess and report say different things"
    expect 0 "$H" assess --budgets 50 $C || die "assess --budgets 50 refused"
    [ -e "$T/never" ] && die "a usage error wrote a report"
fi

# ---- models found from any directory: the executable's ../models (source
# tree), HEADROOM_MODELS, --models-dir
if ls $D/*.csv >/dev/null 2>&1; then
    HA=$(cd "$(dirname "$H")" && pwd)/$(basename "$H")
    CA=$(pwd)/$D/COASTAL.csv MA=$(pwd)/models
    mkdir -p "$T/elsewhere" "$T/mymodels"
    (cd "$T/elsewhere" && "$HA" fit --model auto --json "$CA" >"$T/out" 2>"$T/err") &&
        grep -q '"model":"auto"' "$T/out" || die "fit --model auto from another directory: $(head -1 "$T/err")"
    printf 'name mine\nterm trend\n' > "$T/mymodels/mine.spec"
    (cd "$T/elsewhere" && HEADROOM_MODELS="$T/mymodels" "$HA" fit --model mine --json "$CA" >"$T/out" 2>"$T/err") &&
        grep -q '"model":"mine"' "$T/out" || die "HEADROOM_MODELS: $(head -1 "$T/err")"
    (cd "$T/elsewhere" && HEADROOM_MODELS="$T/mymodels" "$HA" fit --models-dir "$MA" --model mine --json "$CA" >"$T/out" 2>"$T/err")
    [ $? -eq 2 ] && grep -q "available: auto" "$T/err" || die "--models-dir does not win over HEADROOM_MODELS"
fi

# ---- report on two default regions (short backtest to stay quick)
if ls $D/*.csv >/dev/null 2>&1; then
    R="$T/rep"
    expect 0 "$H" report -q -o "$R" --backtest-days 14 --scenarios 20 $D/HIGHLAND.csv $D/VALLEY.csv
    for f in index.html regions.csv regions.json run.json; do [ -s "$R/$f" ] || die "report: no $f"; done
    python3 - "$R" <<'PY' || die "report: JSON/CSV content"
import csv, json, sys
d = sys.argv[1]
regions = json.load(open(d + "/regions.json"))["regions"]
names = sorted(r["region"] for r in regions)
assert names == ["HIGHLAND", "VALLEY"], names
rows = list(csv.DictReader(open(d + "/regions.csv")))
assert sorted(r["region"] for r in rows) == names
for r in rows:
    assert float(r["headroom_mw_b0p5"]) >= 0 and float(r["peak_mw"]) > 0
    assert all("." not in k for k in r), "dots in column names"
run = json.load(open(d + "/run.json"))
assert len(run["inputs"]) == 2 and all(len(i["sha256"]) == 64 for i in run["inputs"])
PY
    grep -Eq 'https?://[^"]*\.(js|css|woff|png)|<script|<link ' "$R/index.html" && die "report: external resource"
    [ "$(grep -o '<svg' "$R/index.html" | wc -l)" -ge 5 ] || die "report: too few charts"
    cp "$R/regions.csv" "$T/before.csv"
    # a stage that fails (here the backtest: 3 days are too few) fails the
    # run after the report is written, unless --keep-going; the page says so
    expect 1 "$H" report -q -o "$T/rep3" --backtest-days 3 --scenarios 0 $D/VALLEY.csv
    grep -q "stage failed" "$T/err" && grep -q -- "--keep-going" "$T/err" || die "report: failed stage message: $(cat "$T/err")"
    grep -q 'class="banner"' "$T/rep3/index.html" || die "report: no failure banner"
    expect 0 "$H" report -q -o "$T/rep3" --backtest-days 3 --scenarios 0 --keep-going $D/VALLEY.csv
    grep -q 'class="banner"' "$T/rep3/index.html" || die "report: no failure banner with --keep-going"
    python3 - "$T/rep3/run.json" <<'PY' || die "report: run.json settings"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["settings"]
assert s["keep_going"] == 1 and s["backtest_days"] == 3 and s["scenarios"] == 0, s
assert s["fit"]["model"] == "auto" and s["fit"]["method"] == "css", s["fit"]
assert s["assess"]["budgets_pct"] == [0.25, 0.5, 1, 5] and s["rank_budget_pct"] == 0.5, s
assert s["ingest"]["format"] == "auto" and s["forecast_hours"] == 336 and s["seed"] == 1, s
assert len(d["warnings"]) == 1 and "backtest" in d["warnings"][0], d["warnings"]
t = {x["stage"]: x for x in d["timings"]}
assert t["backtest"]["summed_over_regions"] and not t["total"]["summed_over_regions"], t
assert t["total"]["wall_s"] > 0 and t["total"]["cpu_s"] > 0, t
PY
    "$H" report --help >"$T/help" || die "report --help"
    for w in "model options" "Default: auto" "Default: css" "--keep-going" "--budgets" "--rank-budget" \
             "--threshold" "--season-slack" "--years" "--backtest-days" "--forecast-hours" "--scenarios" \
             "--growth" "--seed" "--threads" "--quiet" "--format"; do
        grep -q -- "$w" "$T/help" || die "report --help lacks '$w'"
    done
    expect 1 "$H" report -q -o "$R" --backtest-days 14 $D/HIGHLAND.csv "$T/nothere.csv"
    cmp -s "$R/regions.csv" "$T/before.csv" || die "report: a failed run changed the previous report"
    ls -d "$R".tmp* 2>/dev/null && die "report: temporary directory left behind"
fi

# ---- golden numbers of the report on the whole default data (deterministic
# columns: quality counts, peak, load factor, headroom and curtailment), and
# the same headroom through `assess`
if ls $D/*.csv >/dev/null 2>&1; then
    expect 0 "$H" report -q -o "$T/gold" --backtest-days 7 --scenarios 10 $D/*.csv
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "outlook_scenarios") c = i }
             NR > 1 && (!c || $c != 10) { exit 1 }' "$T/gold/regions.csv" || die "report: outlook_scenarios"
    grep -q "10 simulated years of 2024 from a model trained on 2019" "$T/gold/index.html" || die "report: P10-P90 not stated"
    expect 0 "$H" assess $D/*.csv
    python3 - "$T/gold/regions.csv" tests/golden/regions_default.csv "$T/out" <<'PY' || die "report: golden regions.csv"
import csv, math, sys
got = {r["region"]: r for r in csv.DictReader(open(sys.argv[1]))}
want = list(csv.DictReader(open(sys.argv[2])))
assert sorted(got) == sorted(r["region"] for r in want), (sorted(got), [r["region"] for r in want])
for w in want:
    g = got[w["region"]]
    for k, v in w.items():
        if k == "region": continue
        a, b = float(g[k]), float(v)
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (w["region"], k, a, b)
for r in csv.DictReader(open(sys.argv[3])):
    b = r["budget_pct"].rstrip("0").rstrip(".") if "." in r["budget_pct"] else r["budget_pct"]
    g = got[r["region"]]
    assert math.isclose(float(r["headroom_mw"]), float(g["headroom_mw_b" + b.replace(".", "p")]), abs_tol=1e-9), r
    assert abs(float(r["peak_mw"]) - float(g["peak_mw"])) <= 0.05 + 1e-9, r
    assert abs(float(r["load_factor"]) - float(g["load_factor"])) <= 5e-5 + 1e-9, r
PY
fi

# ---- the report's contract and campus view agree with assess
if ls $D/*.csv >/dev/null 2>&1; then
    expect 0 "$H" report -q -o "$T/crep" --backtest-days 7 --scenarios 10 --budgets 0.5 --max-event-hours 4 \
        --battery-pct 25 --rank-by contract --size 500 $D/*.csv
    python3 - "$T/crep/regions.csv" "$T/size.csv" "$T/contract.csv" <<'PY' || die "report: contract / campus view"
import csv, math, sys
rep = list(csv.DictReader(open(sys.argv[1])))
size = {r["region"]: r for r in csv.DictReader(open(sys.argv[2]))}
con = {r["region"]: r for r in csv.DictReader(open(sys.argv[3]))}
mw = [float(r["contract_headroom_mw"]) for r in rep]
assert mw == sorted(mw, reverse=True), mw  # ranked by the contract
# the report rounds: MW to 0.1, % to 0.01, hours and events to 0.1
for r in rep:
    c, z = con[r["region"]], size[r["region"]]
    assert math.isclose(float(r["contract_headroom_mw"]), float(c["headroom_mw"]), abs_tol=0.05 + 1e-9), \
        (r["region"], r["contract_headroom_mw"], c["headroom_mw"])
    assert r["contract_binding"] == c["binding"], r["region"]
    assert float(r["headroom_mw_b0p5"]) >= 0 and float(r["campus_mw"]) == 500
    for k, a, tol in (("campus_curtailed_pct", "curtailed_pct", 0.005), ("campus_curtailed_h_per_yr",
                      "curtailed_hours_per_year", 0.05), ("campus_events_per_yr", "events_per_year", 0.05),
                      ("campus_max_event_h", "max_event_hours", 0.05)):
        assert math.isclose(float(r[k]), float(z[a]), abs_tol=tol + 1e-9), (r["region"], k, r[k], z[a])
PY
    grep -q "For a campus of 500 MW" "$T/crep/index.html" || die "report: no campus table"
    grep -q "no event longer than 4 h" "$T/crep/index.html" || die "report: method does not state the terms"
fi

# ---- a threshold set by one spike hour is a data check of the report
# (run.json data_warnings), not a failed stage: exit 0, no banner
python3 - "$T/spike.csv" <<'PY'
import datetime, math, sys
t0 = datetime.datetime(2021, 1, 1)
with open(sys.argv[1], "w") as f:
    f.write("region,timestamp,load_mw\n")
    for h in range(2 * 8760):
        t = t0 + datetime.timedelta(hours=h)
        y = 1000 + 200 * math.sin(2 * math.pi * (t.hour - 6) / 24) + 150 * math.cos(2 * math.pi * (t.timetuple().tm_yday - 200) / 365)
        if t == datetime.datetime(2021, 7, 19, 12): y *= 1.07
        f.write("SPIKY,%s,%.1f\n" % (t.strftime("%Y-%m-%dT%H:00:00Z"), y))
PY
expect 0 "$H" report -q -o "$T/srep" --backtest-days 7 --scenarios 0 "$T/spike.csv" || die "report: a spike failed the run"
python3 - "$T/srep/run.json" <<'PY' || die "report: spike not in run.json data_warnings"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["warnings"] == [], d["warnings"]
assert len(d["data_warnings"]) == 1 and "summer threshold is set by one hour" in d["data_warnings"][0], d["data_warnings"]
PY
grep -q 'class="banner"' "$T/srep/index.html" && die "report: a data check shown as a failed stage"

# ---- the report does not depend on the thread counts: OpenBLAS on 1 or 2
# threads, regions on 1 or 2 threads, regions.csv byte for byte (OpenBLAS's
# threads split sums into partial sums: the library runs it on one)
if ls $D/*.csv >/dev/null 2>&1; then
    for c in 1_1 2_1 1_2; do
        expect 0 env OPENBLAS_NUM_THREADS="${c%_*}" "$H" report -q -j "${c#*_}" -o "$T/thr$c" \
            --backtest-days 30 --scenarios 10 $D/*.csv
    done
    for c in 2_1 1_2; do
        cmp -s "$T/thr1_1/regions.csv" "$T/thr$c/regions.csv" ||
            die "report: regions.csv differs between OpenBLAS/region threads 1_1 and $c"
    done
fi

# ---- malformed corpus: exit 1, message names file and line, no output written
for f in tests/malformed/*; do
    [ -f "$f" ] || continue
    rm -rf "$T/mal"
    expect 1 "$H" ingest -o "$T/mal" "$f" || continue
    b=$(basename "$f")
    grep -q "$b:[0-9][0-9]*" "$T/err" || die "malformed $b: message lacks file:line: $(head -1 "$T/err")"
    grep -q "^headroom: ingest: " "$T/err" || die "malformed $b: message prefix"
    [ -z "$(ls -A "$T/mal" 2>/dev/null)" ] || die "malformed $b: output written"
done

# ---- real-world ingestion quirks (tests/cli_ingest.sh)
. tests/cli_ingest.sh

# library messages name hr_ingest_opts fields; the CLI says its flags
expect 1 "$H" ingest tests/malformed/dup_hour.csv &&
    grep -q -- "use --on-duplicate mean, first or last" "$T/err" || die "duplicate hour: flag not named"
printf 'when,what\n2020-01-01,1\n' > "$T/unknown.csv"
expect 1 "$H" ingest "$T/unknown.csv" &&
    grep -q -- "give --format, or --time-col and --value-col" "$T/err" || die "unknown header: flags not named"

# ---- the weather model auto-temp (models/auto-temp.spec) on a default region:
# found by name, fits, forecasts the 24 hours that have temperature but no
# load, refuses hours without temperature, and backtests with a MASE below 1
if ls $D/*.csv >/dev/null 2>&1; then
    n=$(wc -l < $D/HIGHLAND.csv)
    head -n $((n - 24)) $D/HIGHLAND.csv > "$T/wx.csv"
    tail -n 24 $D/HIGHLAND.csv | awk -F, -v OFS=, '{ $3 = ""; print }' >> "$T/wx.csv"
    expect 0 "$H" fit --model auto-temp -o "$T/wx.hrm" "$T/wx.csv"
    expect 0 "$H" forecast -m "$T/wx.hrm" --horizon 24 "$T/wx.csv"
    [ "$(tail -n +2 "$T/out" | wc -l)" -eq 24 ] || die "auto-temp forecast: want 24 rows"
    expect 1 "$H" forecast -m "$T/wx.hrm" --horizon 25 "$T/wx.csv" &&
        grep -q "needs temperatures for the forecast hours" "$T/err" || die "auto-temp: no temperature, no forecast"
    expect 0 "$H" backtest --model auto-temp --start 2023-06-01T12:00:00Z --origins 14 --lead 12 $D/HIGHLAND.csv
    awk -F, '$2 == "auto-temp" && $7 + 0 > 0 && $7 + 0 < 1 { ok = 1 } END { exit !ok }' "$T/out" ||
        die "auto-temp backtest: want MASE below 1"
fi

# ---- auto reads the operator's day-ahead forecast (forecast_mw) where the data
# has one, auto-load never: the fit says so, the backtest is better for it,
# and a forecast over hours with the operator's forecast and no load uses it
if ls $D/*.csv >/dev/null 2>&1; then
    expect 0 "$H" fit --model auto --json $D/HIGHLAND.csv &&
        grep -q '"errors":"direct 3650 days + operator' "$T/out" || die "fit auto: operator's forecast not said"
    expect 0 "$H" fit --model auto-load --json $D/HIGHLAND.csv &&
        grep -q '"errors":"direct 3650 days"' "$T/out" || die "fit auto-load: errors"
    for m in auto auto-load; do
        expect 0 "$H" backtest --model $m --start 2023-06-01T12:00:00Z --origins 30 --lead 12 $D/HIGHLAND.csv
        awk -F, -v m=$m '$2 == m { print $6 }' "$T/out" > "$T/mape.$m"
    done
    awk -v a="$(cat "$T/mape.auto")" -v b="$(cat "$T/mape.auto-load")" 'BEGIN { exit !(a > 0 && a < b) }' ||
        die "backtest: auto ($(cat "$T/mape.auto")) not better than auto-load ($(cat "$T/mape.auto-load"))"
    n=$(wc -l < $D/HIGHLAND.csv)
    head -n $((n - 24)) $D/HIGHLAND.csv > "$T/op.csv"
    tail -n 24 $D/HIGHLAND.csv | awk -F, -v OFS=, '{ $3 = ""; print }' >> "$T/op.csv"
    for m in auto auto-load; do
        expect 0 "$H" fit --model $m -o "$T/op.$m.hrm" "$T/op.csv"
        expect 0 "$H" forecast -m "$T/op.$m.hrm" --horizon 24 "$T/op.csv" && cp "$T/out" "$T/fc.$m"
    done
    [ "$(tail -n +2 "$T/fc.auto" | wc -l)" -eq 24 ] || die "auto forecast: want 24 rows"
    ! cmp -s "$T/fc.auto" "$T/fc.auto-load" || die "auto forecast: the operator's forecast is not used"
fi

echo "cli tests: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
