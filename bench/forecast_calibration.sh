#!/bin/sh
# bench/forecast_calibration.sh — how well the forward headroom of
# `assess --forecast-year` is calibrated on real held-out years
# (docs/forecast-headroom.md has the method and the last measurement).
#
#   HR_DATA=../shared/datasets sh bench/forecast_calibration.sh [OUTDIR]
#
# For every EIA-930 BA file of $HR_DATA/eia930/ba_2015_2020 and every ERCOT
# weather zone of $HR_DATA/ercot/native_load (put into long format
# region,timestamp,load_mw by `headroom ingest`):
#   long:     each year Y with at least two whole years before it, forecast
#             from every hour before Y;
#   one-year: each year Y forecast from year Y-1 alone.
# The forecast is `assess --forecast-year Y --scenarios 100 --budgets
# 0.25,0.5,1,5 --season-slack 0` on the truncated file; the realised value
# is `assess --years Y --threshold capacity:FILE` with the thresholds the
# forecast states (the training years' seasonal peaks). Prints, per group,
# source (eia930, ercot, all) and budget, the share of region-years inside
# P10-P90 and the median of realised / P50 (region-years with P50 > 0).
# The 8 ERCOT zones share their weather: their years are ~3 outcomes, not 24. Per-case rows go to
# OUTDIR/cases.csv (default build/bench/forecast).
set -u
cd "$(dirname "$0")/.." || exit 1
HR_DATA=${HR_DATA:-../shared/datasets}
H=${HEADROOM:-build/headroom}
OUT=${1:-build/bench/forecast}
J=${JOBS:-2}
SRC=$HR_DATA/eia930/ba_2015_2020
ERC=$HR_DATA/ercot/native_load
[ -d "$SRC" ] && [ -d "$ERC" ] || { echo "forecast_calibration: no $SRC or $ERC" >&2; exit 1; }
mkdir -p "$OUT/long" "$OUT/case" || exit 1
if [ "${SUMMARY_ONLY:-0}" = 1 ]; then :; else
"$H" ingest --on-overlap=last -o "$OUT/ingest" "$SRC"/*.csv >/dev/null || exit 1
"$H" ingest -o "$OUT/ingest" "$ERC"/*.csv >/dev/null || exit 1
rm -f "$OUT/ingest/ERCOT.csv" # the sum of the zones (EIA-930's ERCO is in already)
for f in "$OUT"/ingest/*.csv; do cut -d, -f1-3 "$f" >"$OUT/long/$(basename "$f")"; done

# one case: GROUP FILE Y FIRST ("" = from the start)
run_case() {
    g=$1 f=$2 y=$3 first=$4
    b=$(basename "$f" .csv)
    d=$OUT/case/$g-$b-$y
    mkdir -p "$d"
    awk -F, -v lo="$first" -v hi="$y-01-01T00:00:00Z" 'NR == 1 || ($2 >= lo && $2 < hi)' "$f" >"$d/train.csv"
    awk -F, -v hi="$((y + 1))-01-01T00:00:00Z" 'NR == 1 || $2 < hi' "$f" >"$d/full.csv"
    "$H" assess --forecast-year "$y" --scenarios 100 --budgets 0.25,0.5,1,5 --season-slack 0 \
        "$d/train.csv" >"$d/fc.csv" 2>"$d/err" || return 0
    awk -F, 'NR == 2 { print "region,season,threshold_mw"; print $1 ",summer," $12; print $1 ",winter," $13 }' \
        "$d/fc.csv" >"$d/cap.csv"
    "$H" assess --years "$y" --threshold "capacity:$d/cap.csv" --budgets 0.25,0.5,1,5 --season-slack 0 \
        "$d/full.csv" >"$d/real.csv" 2>>"$d/err" || return 0
    awk -F, -v g="$g" -v y="$y" 'FNR == 1 { next } NR == FNR { r[$2] = $3; next }
        { print g "," $1 "," y "," $2 "," $3 "," $4 "," $5 "," r[$2] "," $16 }' "$d/real.csv" "$d/fc.csv" >"$d/row.csv"
}

cases() {
    for f in "$OUT"/long/*.csv; do
        # years y whose last day is in the file
        yl=$(tail -1 "$f" | awk -F, '{ print substr($2, 1, 4) + (substr($2, 6, 5) >= "12-31" ? 0 : -1) }')
        for y in 2017 2018 2019 2020; do
            [ "$y" -le "$yl" ] || continue
            # whole years before y in the file (its first row's year + 1 ..)
            y0=$(awk -F, 'NR == 2 { print substr($2, 1, 4) + 0; exit }' "$f")
            [ $((y - y0 - 1)) -ge 2 ] && echo "long $f $y"
            echo "one-year $f $y $((y - 1))-01-01T00:00:00Z"
        done
    done
}
cases | {
    while read -r g f y first; do
        while [ "$(jobs -p | wc -l)" -ge "$J" ]; do sleep 0.2; done
        run_case "$g" "$f" "$y" "${first:-}" &
    done
    wait
}
fi
echo "group,region,year,budget_pct,p10_mw,p50_mw,p90_mw,realised_mw,calibration_years" >"$OUT/cases.csv"
cat "$OUT"/case/*/row.csv >>"$OUT/cases.csv" 2>/dev/null
failed=$(for d in "$OUT"/case/*; do [ -s "$d/row.csv" ] || echo "$d"; done | wc -l)
echo "cases: $(($(wc -l <"$OUT/cases.csv") / 4)) region-years; failed runs: $failed"
echo "group,source,budget_pct,n,inside_p10_p90,below_p10,above_p90,median_realised_over_p50"
awk -F, 'NR > 1 { src = $2 ~ /^ERCOT-/ ? "ercot" : "eia930"
                  for (a = 0; a < 2; a++) { k = $1 "," (a ? "all" : src) "," $4; n[k]++
                      if ($8 < $5) lo[k]++; else if ($8 > $7) hi[k]++; else in_[k]++
                      if ($6 > 0) { m[k]++; r[k, m[k]] = $8 / $6 } } }
    END { for (k in n) { c = m[k]; for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++)
                             if (r[k, j] < r[k, i]) { t = r[k, i]; r[k, i] = r[k, j]; r[k, j] = t }
                         med = c ? (c % 2 ? r[k, (c + 1) / 2] : (r[k, c / 2] + r[k, c / 2 + 1]) / 2) : -1
                         printf "%s,%d,%.3f,%.3f,%.3f,%.3f\n", k, n[k], in_[k] / n[k], lo[k] / n[k], hi[k] / n[k], med } }' \
    "$OUT/cases.csv" | sort
