#!/bin/sh
# bench/skill.sh — day-ahead forecast skill of the default model `auto`
# against the balancing authorities' own day-ahead forecasts (EIA-930
# `forecast demand (MW)`), on the 11 largest BAs of the shared data.
#
#   sh bench/skill.sh                       # the table of bench/skill.md
#   SKILL_MODEL=calendar sh bench/skill.sh  # another model, same table
#   SKILL_BAS="ISNE PJM" sh bench/skill.sh  # a subset
#
# Per BA: one `headroom backtest` over 2019-07-01 .. 2020-06-30 (366 origins
# issued at 12:00 UTC for the next UTC day: --lead 12 --horizon 24, refit
# every 7 origins, the ARIMA state re-filtered to every origin), scoring the
# model and the baselines (snaive24, snaive168, ba_forecast) on exactly the
# same hours. Prints one row per BA:
#   BA, MAPE of the model (%), MAPE of ba_forecast (%), MASE of the model,
#   coverage of its 80 % and 95 % intervals, wall seconds of the backtest,
# then the means. Environment: HR_DATA (shared data, default
# ../shared/datasets), HEADROOM (CLI, default build/headroom), SKILL_MODEL
# (default auto), SKILL_JOBS (threads per backtest, default 2), SKILL_START,
# SKILL_ORIGINS, SKILL_BAS, SKILL_OUT (directory for the per-BA CSV, default
# build/skill). Single-threaded BLAS (OPENBLAS_NUM_THREADS=1).
set -u
cd "$(dirname "$0")/.." || { echo "skill: cannot cd to project root" >&2; exit 1; }
HR_DATA=${HR_DATA:-../shared/datasets}
HEADROOM=${HEADROOM:-build/headroom}
MODEL=${SKILL_MODEL:-auto}
JOBS=${SKILL_JOBS:-2}
START=${SKILL_START:-2019-06-30T12:00:00Z}
ORIGINS=${SKILL_ORIGINS:-366}
BAS=${SKILL_BAS:-PJM MISO ERCO SWPP CISO SOCO DUK TVA NYIS ISNE BPAT}
OUT=${SKILL_OUT:-build/skill}
export OPENBLAS_NUM_THREADS=1

[ -x "$HEADROOM" ] || { echo "skill: $HEADROOM not built (run make)" >&2; exit 1; }
mkdir -p "$OUT" || exit 1
echo "BA,mape_${MODEL},mape_ba_forecast,mase_${MODEL},coverage80_pct,coverage95_pct,seconds"
fail=0
for ba in $BAS; do
    f="$HR_DATA/eia930/ba_2015_2020/$ba.csv"
    if [ ! -r "$f" ]; then echo "$ba,skipped: no $f"; continue; fi
    t0=$(date +%s.%N)
    if ! "$HEADROOM" backtest --model "$MODEL" --start "$START" --origins "$ORIGINS" \
        --step 24 --lead 12 --horizon 24 --refit-every 7 -j "$JOBS" "$f" > "$OUT/$ba.csv" \
        2> "$OUT/$ba.err"; then
        echo "$ba,failed: $(tail -1 "$OUT/$ba.err")"
        fail=1
        continue
    fi
    t1=$(date +%s.%N)
    awk -F, -v ba="$ba" -v sec="$(echo "$t1 - $t0" | bc)" '
        # the model is the first row after the header (named by its spec,
        # which need not be the --model argument: a path, say)
        NR == 2 { mape = $6; mase = $7; c80 = $8; c95 = $9 }
        $2 == "ba_forecast" { bam = $6 }
        END { printf "%s,%.2f,%s,%.3f,%.3f,%.3f,%.1f\n", ba, mape, bam == "" ? "n/a" : sprintf("%.2f", bam),
              mase, c80, c95, sec }' "$OUT/$ba.csv"
done | tee "$OUT/table.csv"
awk -F, 'NR > 0 && $2 ~ /^[0-9.]+$/ {
    n++; m += $2; mase += $4; c8 += $5; c9 += $6; s += $7
    if ($3 ~ /^[0-9.]+$/) { nb++; b += $3; if ($2 + 0 <= $3 + 0) w++ } }
    END { if (n) printf "mean,%.2f,%s,%.3f,%.3f,%.3f,%.1f\n# BAs where the model beats ba_forecast: %d of %d\n",
          m / n, nb ? sprintf("%.2f", b / nb) : "n/a", mase / n, c8 / n, c9 / n, s, w, nb }' "$OUT/table.csv"
exit $fail
