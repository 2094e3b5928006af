#!/bin/sh
# arima_search_speed.sh — the order search against forecast::auto.arima on
# series that neither the tests nor the search's development used: three
# hourly-like series of 2,016 h (12 weeks, s = 24) generated here in R from
# seeds used nowhere else. Per series: R's auto.arima (the call alone, R's
# start-up not counted) and arima_search_bench (arima_auto in-process) on 1
# and on 2 threads, median of RUNS (3) runs each, the models, their AICc and
# the time ratios R / ours. A shared machine makes single timings noisy:
# the ratio of medians from the same run is the number to read.
# Usage: sh bench/arima_search_speed.sh   (from the repository root, after
#        make; needs Rscript with the forecast package, else it says skipped)
# Environment: RUNS (3), CC (cc), N (2016), KEEP=DIR keeps the series there.
set -eu
RUNS=${RUNS:-3}
N=${N:-2016}
CC=${CC:-cc}
command -v Rscript >/dev/null || { echo "search speed vs auto.arima: skipped (Rscript not installed)"; exit 0; }
Rscript -e 'suppressMessages(library(forecast))' 2>/dev/null ||
    { echo "search speed vs auto.arima: skipped (R package forecast not installed)"; exit 0; }
[ -f build/libheadroom-internal.a ] || { echo "search speed: skipped (run make first)"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck disable=SC2086
"$CC" -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o "$T/bench" bench/arima_search_bench.c \
    build/libheadroom-internal.a -llapacke -lopenblas -lcsv -lm -pthread

cat > "$T/gen.R" <<'R'
suppressMessages(library(forecast))
a <- commandArgs(TRUE); dir <- a[1]; n <- as.integer(a[2]); runs <- as.integer(a[3])
h <- (0:(n - 1)) %% 24; dow <- ((0:(n - 1)) %/% 24) %% 7
gen <- list(
  # airline-type errors around a daily cycle (seed 73101)
  sarima = function() { set.seed(73101)
    e <- arima.sim(list(ar = c(0.9, -0.2), ma = 0.3), n = n + 24)
    x <- stats::filter(e - 0.7 * c(rep(0, 24), e[1:(n)]), c(rep(0, 23), 1), "recursive")[25:(n + 24)]
    1000 + x },
  # load-like: daily and weekly shape, AR(2) noise with a seasonal AR (seed 73102)
  loadlike = function() { set.seed(73102)
    u <- arima.sim(list(order = c(2, 0, 0), ar = c(1.2, -0.3)), n = n, sd = 15)
    s <- arima.sim(list(order = c(24, 0, 0), ar = c(rep(0, 23), 0.6)), n = n, sd = 5)
    5000 + 600 * sin(2 * pi * (h - 8) / 24) + 250 * cos(4 * pi * h / 24) - 300 * (dow >= 5) + u + s },
  # stationary SARMA with mean (seed 73103)
  sarma = function() { set.seed(73103)
    50 + arima.sim(list(order = c(25, 0, 1), ar = c(0.5, rep(0, 22), 0.4, -0.2), ma = -0.3), n = n) })
for (nm in names(gen)) {
  y <- as.numeric(gen[[nm]]())
  writeLines(sprintf("%.10g", y), file.path(dir, paste0(nm, ".txt")))
  t <- numeric(runs)
  for (r in 1:runs) { t0 <- Sys.time(); f <- auto.arima(ts(y, frequency = 24)); t[r] <- as.numeric(Sys.time() - t0, units = "secs") }
  a <- f$arma; cst <- if ("intercept" %in% names(coef(f))) "+mean" else if ("drift" %in% names(coef(f))) "+drift" else ""
  cat(sprintf("%s\t(%d,%d,%d)(%d,%d,%d)%d%s\t%.4f\t%.3f\n", nm, a[1], a[6], a[2], a[3], a[7], a[4], a[5], cst,
              f$aicc, median(t)), file = file.path(dir, "r.tsv"), append = TRUE)
}
R
Rscript "$T/gen.R" "$T" "$N" "$RUNS"
[ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$T"/*.txt "$T/r.tsv" "$KEEP"/
printf '%-9s %-26s %11s %8s | %-26s %11s %8s %8s %7s %7s\n' series "auto.arima model" AICc "R s" \
    "headroom model" AICc "1 thr s" "2 thr s" "R/1thr" "R/2thr"
while IFS='	' read -r nm rm ra rt; do
    "$T/bench" "$T/$nm.txt" 24 "$RUNS" > "$T/ours" || { echo "$nm: arima_search_bench failed"; continue; }
    o1=$(awk '$2 == 1 { print $4, $6, $8 }' "$T/ours")
    o2=$(awk '$2 == 2 { print $4 }' "$T/ours")
    set -- $o1
    awk -v nm="$nm" -v rm="$rm" -v ra="$ra" -v rt="$rt" -v t1="$1" -v om="$2" -v oa="$3" -v t2="$o2" 'BEGIN {
        printf "%-9s %-26s %11.2f %8.2f | %-26s %11.2f %8.2f %8.2f %6.1fx %6.1fx\n",
               nm, rm, ra, rt, om, oa, t1, t2, rt / t1, rt / t2 }'
done < "$T/r.tsv"
echo "(median of $RUNS runs each; AICc lower is better; ratio = auto.arima time / ours)"
