#!/bin/sh
# bench/weather.sh — day-ahead skill of models with temperature terms on the
# shared load + temperature files (HR_DATA/weather/), next to `auto` (load
# only). The temperatures in these files are OBSERVED, and the backtest
# feeds the observed temperatures of the forecast hours to the model: every
# score is ex post, the model given a perfect temperature forecast.
#
#   sh bench/weather.sh                                 # the table of bench/skill.md (~45 s)
#   WEATHER_MODELS="vanilla auto" sh bench/weather.sh   # other models (names or .spec paths)
#   WEATHER_FILES="gefcom2014_e" sh bench/weather.sh    # a subset
#
# Per file: one `headroom backtest` over the file's last full calendar year
# (the origins 12:00 UTC of the day before each day of that year, as
# bench/skill.sh: --step 24 --lead 12 --horizon 24, refit every 7 origins).
# GEFCom2014 and BigDEAL have no time zone (read as UTC), TELL is UTC, NYC
# is local time converted to UTC (the origin is 07:00/08:00 New York time).
# Prints one row per file and model:
#   file, model, MAPE (%), MASE, coverage of the 80 % and 95 % intervals,
#   MAPE of the file's BA forecast where it has one (TELL: ERCOT's), seconds;
# then each model's mean over the files. Environment: HR_DATA (default
# ../shared/datasets), HEADROOM (default build/headroom), WEATHER_MODELS,
# WEATHER_FILES, WEATHER_JOBS (threads per backtest, default 2), WEATHER_OUT
# (per-run CSV, default build/weather). Single-threaded BLAS.
set -u
cd "$(dirname "$0")/.." || { echo "weather: cannot cd to project root" >&2; exit 1; }
HR_DATA=${HR_DATA:-../shared/datasets}
HEADROOM=${HEADROOM:-build/headroom}
MODELS=${WEATHER_MODELS:-vanilla bench/vanilla_direct.spec auto-temp auto}
FILES=${WEATHER_FILES:-tell_erco_load_weather gefcom2014_e nyc_load_weather bigdeal2022_round1}
JOBS=${WEATHER_JOBS:-2}
OUT=${WEATHER_OUT:-build/weather}
export OPENBLAS_NUM_THREADS=1

[ -x "$HEADROOM" ] || { echo "weather: $HEADROOM not built (run make)" >&2; exit 1; }
mkdir -p "$OUT" || exit 1

# the last full calendar year of load in each file, and its number of days
setting() {
    case $1 in
    tell_erco_load_weather) echo "2018-12-31T12:00:00Z 365" ;;  # ends 2019-12-31 22:00 UTC
    gefcom2014_e)           echo "2013-12-31T12:00:00Z 365" ;;  # ends 2014-12-31
    nyc_load_weather)       echo "2015-12-31T12:00:00Z 366" ;;  # ends 2017-08: 2016 (leap)
    bigdeal2022_round1)     echo "2005-12-31T12:00:00Z 365" ;;  # load ends 2006-12-31
    *) echo "" ;;
    esac
}

echo "file,model,mape,mase,coverage80_pct,coverage95_pct,mape_ba_forecast,seconds"
fail=0
for file in $FILES; do
    f="$HR_DATA/weather/$file.csv"
    set -- $(setting "$file")
    if [ ! -r "$f" ] || [ $# -ne 2 ]; then echo "$file,skipped: no $f or no setting"; continue; fi
    start=$1 origins=$2
    for model in $MODELS; do
        tag=$(basename "$model" .spec)
        t0=$(date +%s.%N)
        if ! "$HEADROOM" backtest --model "$model" --start "$start" --origins "$origins" \
            --step 24 --lead 12 --horizon 24 --refit-every 7 -j "$JOBS" "$f" \
            > "$OUT/$file.$tag.csv" 2> "$OUT/$file.$tag.err"; then
            echo "$file,$tag,failed: $(tail -1 "$OUT/$file.$tag.err")"
            fail=1
            continue
        fi
        t1=$(date +%s.%N)
        awk -F, -v file="$file" -v sec="$(echo "$t1 - $t0" | bc)" '
            # the model is the first row after the header, named by its spec
            NR == 2 { name = $2; mape = $6; mase = $7; c80 = $8; c95 = $9 }
            $2 == "ba_forecast" { bam = $6 }
            END { printf "%s,%s,%.2f,%.3f,%.3f,%.3f,%s,%.1f\n", file, name, mape, mase, c80, c95,
                  bam == "" ? "n/a" : sprintf("%.2f", bam), sec }' "$OUT/$file.$tag.csv"
    done
done | tee "$OUT/table.csv"
awk -F, '$3 ~ /^[0-9.]+$/ { n[$2]++; m[$2] += $3; s[$2] += $4; c8[$2] += $5; c9[$2] += $6; t[$2] += $8
                           if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
    END { for (i = 1; i <= k; i++) { g = order[i]
          printf "mean,%s,%.2f,%.3f,%.3f,%.3f,,%.1f\n", g, m[g] / n[g], s[g] / n[g], c8[g] / n[g],
                 c9[g] / n[g], t[g] } }' "$OUT/table.csv"
exit $fail
