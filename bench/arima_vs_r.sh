#!/bin/sh
# arima_vs_r.sh — the ARIMA comparison with R (docs/arima.md) on real hourly
# series: a fixed-order seasonal fit and an automatic order search through
# `headroom fit --json`, next to R's stats::arima and forecast::auto.arima on
# the same values (ingested without screening, so both see identical data),
# with the time ratio, as one compact table.
#
# Usage: bench/arima_vs_r.sh [FILE [HOURS]]...
#   each FILE HOURS pair is one series: the first region of FILE, its last
#   HOURS hours (default 8760), or the HOURS before END when END is set.
#   Default: $HR_DATA/eia930/ba_2015_2020/ISNE.csv 8760.
# Environment:
#   ORDER=1,0,1 SEASONAL=1,0,0 SEASON=24   the fixed-order fit (both programs,
#                                          R's default method CSS-ML)
#   SEASON also sets auto-arima's period (R: ts frequency).
#   END=YYYY-MM-DD     take the HOURS before this UTC date instead of the last
#   REGION=NAME        the region of FILE to use instead of the first
#   SKIP_AUTO=1        fixed-order fits only (R's auto.arima takes minutes)
#   SKIP_R=1           our fits only
#   TABLE=FILE         also append the rows (tab-separated) to FILE
#   R_CACHE=DIR        keep R's results per series and settings in DIR and reuse
#                      them (R's auto.arima takes minutes per series)
# Times are wall seconds of the whole `headroom fit` process for us and of the
# arima()/auto.arima() call alone for R (R's start-up and package loading are
# not counted), one run each: a shared machine makes them noisy.
# Pass criteria (column ok): loglik >= R's - 1e-3; AICc <= R's + 1e-3.
set -eu
H=${HEADROOM:-build/headroom}
DATA=${HR_DATA:-../shared/datasets}
ORDER=${ORDER:-1,0,1}
SEASONAL=${SEASONAL:-1,0,0}
SEASON=${SEASON:-24}
[ $# -gt 0 ] || set -- "$DATA/eia930/ba_2015_2020/ISNE.csv" 8760
command -v python3 >/dev/null || { echo "arima vs R: skipped (python3 not installed)"; exit 0; }
if [ "${SKIP_R:-0}" != 1 ] && ! command -v Rscript >/dev/null; then
    echo "arima vs R: skipped (Rscript not installed)"; exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: > "$T/rows"

cat > "$T/r.R" <<'R'
suppressMessages(library(forecast))
a <- commandArgs(TRUE)   # file, p,d,q, P,D,Q, s, skip_auto
y <- as.numeric(readLines(a[1])); y[!is.finite(y)] <- NA
o <- as.integer(strsplit(a[2], ",")[[1]]); so <- as.integer(strsplit(a[3], ",")[[1]])
s <- as.integer(a[4])
yt <- ts(y, frequency = s)
t0 <- Sys.time()
f <- tryCatch(arima(yt, order = o, seasonal = list(order = so, period = s)), error = function(e) NULL)
t1 <- Sys.time()
cat(sprintf("fixed\t%s\t%.6f\t%.3f\n", if (is.null(f)) "failed" else "ok",
            if (is.null(f)) NA else f$loglik, as.numeric(t1 - t0, units = "secs")))
if (a[5] != "1") {
    t0 <- Sys.time()
    m <- auto.arima(yt)
    t1 <- Sys.time()
    ao <- arimaorder(m)
    lab <- sprintf("(%d,%d,%d)", ao[1], ao[2], ao[3])
    if (length(ao) > 3) lab <- sprintf("%s(%d,%d,%d)", lab, ao[4], ao[5], ao[6])
    cs <- names(coef(m))
    if ("intercept" %in% cs) lab <- paste0(lab, "+mean")
    if ("drift" %in% cs) lab <- paste0(lab, "+drift")
    cat(sprintf("auto\t%s\t%.6f\t%.3f\n", lab, m$aicc, as.numeric(t1 - t0, units = "secs")))
}
R

now() { date +%s.%N; }
while [ $# -gt 0 ]; do
    F=$1; N=${2:-8760}
    shift; [ $# -gt 0 ] && shift
    [ -f "$F" ] || { echo "arima vs R: $F not found, skipped"; continue; }
    rm -rf "$T/n"
    "$H" ingest --no-screen -o "$T/n" "$F" > /dev/null
    src=$(ls "$T"/n/*.csv | head -1)
    [ -z "${REGION:-}" ] || src="$T/n/$REGION.csv"
    region=$(basename "$src" .csv)
    # the HOURS hours (ending at END when set) as a long file: same values for both
    head -1 "$src" | cut -d, -f1-4 > "$T/y.csv"
    tail -n +2 "$src" | awk -F, -v e="${END:-}" 'e == "" || $2 < e' | tail -n "$N" | cut -d, -f1-4 >> "$T/y.csv"
    tail -n +2 "$T/y.csv" | cut -d, -f3 > "$T/y.txt"
    first=$(sed -n 2p "$T/y.csv" | cut -d, -f2 | cut -c1-10)
    nh=$(wc -l < "$T/y.txt")
    label="$region $first"
    for what in fixed auto; do
        [ "$what" = auto ] && [ "${SKIP_AUTO:-0}" = 1 ] && continue
        if [ "$what" = fixed ]; then
            opts="--model arima --order $ORDER --seasonal $SEASONAL,$SEASON"
        else
            opts="--model auto-arima --season $SEASON"
        fi
        t0=$(now)
        # shellcheck disable=SC2086  # opts is a word list
        "$H" fit --no-screen --json $opts "$T/y.csv" > "$T/$what.json" 2> "$T/$what.err" || true
        t1=$(now)
        echo "$t0 $t1" > "$T/$what.t"
    done
    key=""
    if [ -n "${R_CACHE:-}" ]; then
        mkdir -p "$R_CACHE"
        key="$R_CACHE/$(cat "$T/y.txt" | md5sum | cut -c1-16)-$ORDER-$SEASONAL-$SEASON-${SKIP_AUTO:-0}"
    fi
    if [ -n "$key" ] && [ -s "$key" ]; then
        cp "$key" "$T/r.out"
    elif [ "${SKIP_R:-0}" != 1 ]; then
        Rscript "$T/r.R" "$T/y.txt" "$ORDER" "$SEASONAL" "$SEASON" "${SKIP_AUTO:-0}" > "$T/r.out" 2> "$T/r.err" || true
        [ -z "$key" ] || cp "$T/r.out" "$key"
    else
        : > "$T/r.out"
    fi
    python3 - "$T" "$label" "$nh" "$ORDER" "$SEASONAL" "$SEASON" >> "$T/rows" <<'PY'
import json, os, sys
T, label, nh, order, seas, s = sys.argv[1:]
r = {}
for line in open(T + "/r.out"):
    f = line.rstrip("\n").split("\t")
    if len(f) == 4: r[f[0]] = f[1:]
def ours(what):
    try:
        d = json.load(open(f"{T}/{what}.json"))
        if isinstance(d, list): d = d[0]
        t0, t1 = map(float, open(f"{T}/{what}.t").read().split())
        return d, t1 - t0
    except Exception:
        return None, None
for what in ("fixed", "auto"):
    if not os.path.exists(f"{T}/{what}.t"): continue
    d, t = ours(what)
    key = "loglik" if what == "fixed" else "aicc"
    if d:
        o, so = d.get("order", [0, 0, 0]), d.get("seasonal", [0, 0, 0, 1])
        m = "(%d,%d,%d)(%d,%d,%d)%d" % (*o[:3], *so[:4]) if what == "auto" else \
            "(%s)(%s)%s" % (order, seas, s)
        cn = d.get("coef", {})
        if what == "auto" and "intercept" in cn: m += "+mean"
        if what == "auto" and "drift" in cn: m += "+drift"
        v = d[key]
    else:
        m, v = "failed", float("nan")
    rm, rv, rt = "", float("nan"), float("nan")
    if what in r:
        rm, rv, rt = r[what][0], float(r[what][1]) if r[what][1] != "NA" else float("nan"), float(r[what][2])
        if what == "fixed": rm = ""
    diff = v - rv
    ok = "" if rv != rv else ("yes" if (diff >= -1e-3 if what == "fixed" else diff <= 1e-3) else "NO")
    ratio = rt / t if t and rt == rt else float("nan")
    print("\t".join([label, nh, what, key, m, rm, "%.4f" % v, "%.4f" % rv, "%+.4f" % diff, ok,
                     "%.2f" % (t or float("nan")), "%.2f" % rt, "%.1fx" % ratio]))
PY
    rm -f "$T"/fixed.t "$T"/auto.t
done
[ -n "${TABLE:-}" ] && cat "$T/rows" >> "$TABLE"
python3 - "$T/rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
hdr = ["series", "hours", "fit", "", "model (ours)", "model (R)", "ours", "R", "ours-R", "ok",
       "ours s", "R s", "R/ours"]
w = [max(len(x) for x in col) for col in zip(hdr, *rows)]
for row in [hdr] + rows:
    print("  ".join(x.ljust(w[i]) if i < 6 or i == 9 else x.rjust(w[i]) for i, x in enumerate(row)))
PY
