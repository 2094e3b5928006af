#!/bin/sh
# arima_vs_r.sh — the ARIMA check of PRODUCT.md section 8 on a real hourly
# series: a fixed-order seasonal fit and an automatic order search through
# `headroom fit --json`, next to R's stats::arima and forecast::auto.arima on
# the same values (ingested without screening, so both see identical data),
# with the time ratio. Usage: bench/arima_vs_r.sh [FILE [HOURS]]
# Default FILE: $HR_DATA/eia930/ba_2015_2020/ISNE.csv, the last HOURS (8760).
set -eu
H=${HEADROOM:-build/headroom}
DATA=${HR_DATA:-../shared/datasets}
F=${1:-$DATA/eia930/ba_2015_2020/ISNE.csv}
N=${2:-8760}
command -v Rscript >/dev/null || { echo "arima vs R: skipped (Rscript not installed)"; exit 0; }
[ -f "$F" ] || { echo "arima vs R: skipped ($F not found)"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$H" ingest --no-screen -o "$T/n" "$F" >/dev/null
src=$(ls "$T"/n/*.csv | head -1)
region=$(basename "$src" .csv)
# the last N hours as a long file (same values for both programs)
{ head -1 "$src"; tail -n "$N" "$src"; } | cut -d, -f1-4 > "$T/y.csv"
tail -n +2 "$T/y.csv" | cut -d, -f3 > "$T/y.txt"
echo "series: $region, last $N hours of $(basename "$F")"

now() { date +%s.%N; }
fit() { # label, headroom options...
    label=$1; shift
    t0=$(now); "$H" fit --no-screen --json "$@" "$T/y.csv" > "$T/$label.json"; t1=$(now)
    python3 - "$T/$label.json" "$t0" "$t1" "$label" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); t = float(sys.argv[3]) - float(sys.argv[2])
print(f"headroom {sys.argv[4]:<6} order={d.get('order')} seasonal={d.get('seasonal')} "
      f"loglik={d['loglik']:.4f} aicc={d['aicc']:.4f} time={t:.2f}s")
open(sys.argv[1] + ".t", "w").write(f"{t}\n")
PY
}
fit fixed --model arima --order 1,0,1 --seasonal 1,0,0,24
[ "${SKIP_AUTO:-0}" = 1 ] || fit auto --model auto-arima --season 24
cat > "$T/r.R" <<'R'
suppressMessages(library(forecast))
args <- commandArgs(TRUE)
y <- as.numeric(readLines(args[1])); y[!is.finite(y)] <- NA
t0 <- Sys.time()
f <- arima(ts(y, frequency = 24), order = c(1, 0, 1), seasonal = list(order = c(1, 0, 0), period = 24))
t1 <- Sys.time()
cat(sprintf("R        fixed  loglik=%.4f time=%.2fs\n", f$loglik, as.numeric(t1 - t0, units = "secs")))
t0 <- Sys.time()
a <- auto.arima(ts(y, frequency = 24))
t1 <- Sys.time()
o <- arimaorder(a)
cat(sprintf("R        auto   %s aicc=%.4f time=%.2fs\n", paste(o, collapse = ","), a$aicc,
            as.numeric(t1 - t0, units = "secs")))
R
Rscript "$T/r.R" "$T/y.txt" | tee "$T/r.out"
python3 - "$T" <<'PY'
import json, re, sys
T = sys.argv[1]
r = open(T + "/r.out").read()
rl = float(re.search(r"fixed\s+loglik=(\S+) time=(\S+)s", r).group(1))
rt = float(re.search(r"fixed\s+loglik=\S+ time=(\S+)s", r).group(1))
ra = float(re.search(r"auto\s+\S+ aicc=(\S+) time=(\S+)s", r).group(1))
rat = float(re.search(r"auto\s+\S+ aicc=\S+ time=(\S+)s", r).group(1))
hf = json.load(open(T + "/fixed.json")); ha = json.load(open(T + "/auto.json"))
tf = float(open(T + "/fixed.json.t").read()); ta = float(open(T + "/auto.json.t").read())
print(f"fixed order: loglik headroom - R = {hf['loglik'] - rl:+.4f} (>= -1e-3 wanted), R/headroom time = {rt / tf:.1f}x")
print(f"auto:        aicc   headroom - R = {ha['aicc'] - ra:+.4f} (<= 0 wanted),   R/headroom time = {rat / ta:.1f}x")
PY
