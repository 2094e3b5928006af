#!/bin/sh
# bench/run.sh — the benchmarks of `make bench` (PRODUCT.md section 8).
#
#   HR_DATA=../shared/datasets OPENBLAS_NUM_THREADS=1 sh bench/run.sh
#
# Run from anywhere; works in the project root. Expects `make all` to have
# built build/headroom and build/libheadroom-internal.a. Each section prints its own
# table, or one line saying why it was skipped; an unavailable command never
# fails the whole bench. The exit status is non-zero only for an error of
# this script itself (bad environment, cannot create build/bench).
# Environment: HR_DATA (shared data, default ../shared/datasets),
# BENCH_RUNS (repetitions per timing, default 5), CC (default cc),
# HEADROOM (the CLI to time, default build/headroom), BENCH_INGEST_OPTS
# (options of the timed ingest; default --on-overlap=last because the shared
# set holds two EIA-930 releases that overlap in 2020-01..07).
# See bench/README.md for what each number means.
# shellcheck disable=SC2317  # functions are called indirectly (section_$s)
set -u

cd "$(dirname "$0")/.." || { echo "bench: cannot cd to project root" >&2; exit 1; }
HR_DATA=${HR_DATA:-../shared/datasets}
RUNS=${BENCH_RUNS:-5}
CC=${CC:-cc}
HEADROOM=${HEADROOM:-build/headroom}
INGEST_OPTS=${BENCH_INGEST_OPTS---on-overlap=last}
B=build/bench
LDLIBS="-llapacke -lopenblas -lcsv -ljson-c -lm -pthread"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

case $RUNS in ''|*[!0-9]*|0) echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 1 ;; esac
mkdir -p "$B" || { echo "bench: cannot create $B" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hrbench.XXXXXX") || { echo "bench: mktemp failed" >&2; exit 1; }
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers --
# now: seconds since the epoch with nanoseconds (GNU date).
now() { date +%s.%N; }
case $(now) in *N*|'') echo "bench: needs GNU date (date +%s.%N)" >&2; exit 1 ;; esac

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timeit LABEL CMD...: run CMD RUNS times (stdout to /dev/null, stderr to
# $TMP/err), appending wall seconds to $TMP/t.LABEL; returns the status of
# the first failing run (and stops), or 0.
# TIMEIT_RUNS overrides RUNS; TIMEIT_OUT keeps the last run's stdout.
timeit() {
    label=$1; shift
    : > "$TMP/t.$label"
    r=0
    while [ "$r" -lt "${TIMEIT_RUNS:-$RUNS}" ]; do
        t0=$(now)
        "$@" > "${TIMEIT_OUT:-/dev/null}" 2> "$TMP/err" || return $?
        t1=$(now)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >> "$TMP/t.$label"
        r=$((r + 1))
    done
    return 0
}

# peak RSS in KiB of one run of CMD... (stdout discarded), or "-".
PEAKRSS=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$TMP/rss" true 2>/dev/null; then
    PEAKRSS=gnu
elif "$CC" -std=c11 -O2 -o "$B/peakrss" bench/peakrss.c 2>"$TMP/cc.err"; then
    PEAKRSS=own
fi
peak_rss_kb() {
    rm -f "$TMP/rss"
    case $PEAKRSS in
        gnu) /usr/bin/time -f %M -o "$TMP/rss" "$@" > /dev/null 2>&1 ;;
        own) "$B/peakrss" "$TMP/rss" "$@" > /dev/null 2>&1 ;;
        *) echo "-"; return 0 ;;
    esac
    if [ -s "$TMP/rss" ]; then tail -n 1 "$TMP/rss"; else echo "-"; fi
}

# the last command's first stderr line mentioning "error" (a compiler's
# real message), else its first non-blank line, for "n/a (reason)"
reason() {
    r=$(grep -m 1 'error' "$TMP/err" 2>/dev/null)
    [ -n "$r" ] || r=$(grep -v '^[[:space:]]*$' "$TMP/err" 2>/dev/null | head -n 1)
    echo "${r:-exit status $1}"
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }'; }
mb_kib() { case $1 in -) echo "-" ;; *) awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' ;; esac; }

# build_c OUT SRC [EXTRA...]: compile a bench program against the library;
# 0 on success, else the compiler's first message is left in $TMP/err.
build_c() {
    out=$1 src=$2; shift 2
    [ -f "$src" ] || { echo "$src not found" > "$TMP/err"; return 1; }
    "$CC" -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o "$out" "$src" "$@" 2> "$TMP/err"
}

have_headroom_cmd() { # have_headroom_cmd CMD: the CLI exists and CMD answers --help
    [ -x "$HEADROOM" ] || { echo "$HEADROOM not built (run make all)" > "$TMP/err"; return 1; }
    "$HEADROOM" "$1" --help > /dev/null 2> "$TMP/err"
}

section() { printf '\n== %s\n' "$*"; }

echo "headroom bench — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -m), $(nproc 2>/dev/null || echo ?) CPUs," \
     "OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS, $RUNS runs per timing (median reported)"
[ -x "$HEADROOM" ] && echo "binary: $HEADROOM ($("$HEADROOM" --version 2>/dev/null | head -n 1))"

# =========================================================================
# SECTION ingest — raw read vs libcsv tokenising vs headroom ingest
# (PRODUCT.md 8: "ingest MB/s next to libcsv-only and raw read MB/s";
# peak memory of the ingest run)
# =========================================================================
section_ingest() {
    section "ingest throughput"
    src="$HR_DATA/eia930"
    # balancing_authority_acronyms.csv is a lookup table (BA code, name,
    # zone), not hourly data: no reader takes it, so it is left out.
    find "$src" -type f -name '*.csv' ! -name balancing_authority_acronyms.csv 2>/dev/null |
        LC_ALL=C sort > "$TMP/files"
    if [ ! -s "$TMP/files" ]; then
        echo "no CSV under $src (set HR_DATA); using the generated default data instead"
        src=datasets/default
        find "$src" -type f -name '*.csv' 2>/dev/null | LC_ALL=C sort > "$TMP/files"
    fi
    if [ ! -s "$TMP/files" ]; then
        echo "skipped: no input files (neither \$HR_DATA/eia930 nor datasets/default; run make datasets)"
        return 0
    fi
    if grep -q '[[:space:]]' "$TMP/files"; then
        echo "skipped: file names with blanks under $src are not supported by this script"
        return 0
    fi
    set -f
    # shellcheck disable=SC2046  # file names are checked above to have no blanks
    set -- $(cat "$TMP/files")
    set +f
    bytes=$(cat "$@" | wc -c | tr -d ' ')
    nfiles=$#
    echo "input: $nfiles files under $src, $bytes bytes ($(mbps "$bytes" 1) MB); page cache warmed by one read"
    cat "$@" > /dev/null  # warm the page cache

    printf '%-28s %12s %10s %12s   %s\n' "step" "median s" "MB/s" "peak RSS MB" "note"
    row() { printf '%-28s %12s %10s %12s   %s\n' "$1" "$2" "$3" "$4" "$5"; }

    # 1. raw read
    if timeit cat cat "$@"; then
        s_cat=$(median < "$TMP/t.cat")
        row "cat > /dev/null" "$s_cat" "$(mbps "$bytes" "$s_cat")" "-" "raw read from page cache"
    else
        row "cat > /dev/null" "n/a" "-" "-" "$(reason $?)"
    fi

    # 2. libcsv only
    s_csv=""
    if "$CC" -std=c11 -O2 -o "$B/csvcount" bench/csvcount.c -lcsv 2> "$TMP/err"; then
        if timeit csv "$B/csvcount" "$@"; then
            s_csv=$(median < "$TMP/t.csv")
            rss=$(peak_rss_kb "$B/csvcount" "$@")
            row "libcsv count (csvcount)" "$s_csv" "$(mbps "$bytes" "$s_csv")" "$(mb_kib "$rss")" \
                "$("$B/csvcount" "$@" | awk '{ print $6 " records, " $8 " fields" }')"
        else
            row "libcsv count (csvcount)" "n/a" "-" "-" "$(reason $?)"
        fi
    else
        row "libcsv count (csvcount)" "n/a" "-" "-" "build failed: $(reason 1)"
    fi

    # 3. headroom ingest (one warm-up run decides whether it works at all)
    s_ing=""
    set -f
    # shellcheck disable=SC2086  # INGEST_OPTS is a word list
    set -- $INGEST_OPTS "$@"
    set +f
    if [ ! -x "$HEADROOM" ]; then
        echo "ingest: n/a ($HEADROOM not built; run make all)"
    elif "$HEADROOM" ingest "$@" > /dev/null 2> "$TMP/err"; rc=$?; [ "$rc" -ne 0 ]; then
        echo "ingest: n/a ($(reason "$rc"))"
    elif timeit ing "$HEADROOM" ingest "$@"; then
        s_ing=$(median < "$TMP/t.ing")
        rss=$(peak_rss_kb "$HEADROOM" ingest "$@")
        row "headroom ingest" "$s_ing" "$(mbps "$bytes" "$s_ing")" "$(mb_kib "$rss")" \
            "read + grid + screen + impute; options: ${INGEST_OPTS:-none}"
    else
        echo "ingest: n/a ($(reason $?))"
    fi

    # 4. parsing alone (no screening), the figure the issue's goal is about
    s_ns=""
    if [ -n "$s_ing" ] && timeit ingns "$HEADROOM" ingest --no-screen "$@"; then
        s_ns=$(median < "$TMP/t.ingns")
        row "headroom ingest --no-screen" "$s_ns" "$(mbps "$bytes" "$s_ns")" "-" "read + grid only"
    fi

    if [ -n "$s_ing" ] && [ -n "$s_csv" ]; then
        awk -v i="$s_ing" -v c="$s_csv" 'BEGIN { if (c > 0 && i > 0)
            printf "ratio ingest/libcsv (time): %.2fx  (ingest runs at %.0f %% of the libcsv-only speed)\n", i / c, 100 * c / i }'
        [ -n "$s_ns" ] && awk -v i="$s_ns" -v c="$s_csv" 'BEGIN { if (c > 0 && i > 0)
            printf "without screening:          %.2fx  (%.0f %% of the libcsv-only speed; goal >= 50 %%)\n", i / c, 100 * c / i }'
    else
        echo "ratio ingest/libcsv: n/a"
    fi
    # Peak memory against the numeric data held: hours x numeric columns x 8
    # bytes over every region (from the normalised per-region files).
    if [ -n "$s_ing" ] && "$HEADROOM" ingest -o "$TMP/norm" "$@" > /dev/null 2>&1; then
        held=$(for f in "$TMP"/norm/*.csv; do
            awk -F, 'NR == 1 { c = NF - 3 } END { print (NR - 1) * c * 8 + (NR - 1) }' "$f"; done |
            awk '{ s += $1 } END { print s }')
        awk -v r="$rss" -v h="$held" 'BEGIN { if (h > 0 && r != "-")
            printf "peak RSS / numeric data held: %.1f MB / %.1f MB = %.2fx (goal <= 3x)\n", r / 1024, h / 1e6, r * 1024 / h }'
    fi
    return 0
}

# =========================================================================
# SECTION regress — regression fit time vs the BLAS time of its X'X (dsyrk)
# (PRODUCT.md 8). HOOK: owned by the regression helper; bench/regress_bench.c
# prints its own table. Replace the body, keep the skip-with-message rule.
# =========================================================================
section_regress() {
    section "regression fit vs dsyrk of X'X"
    if [ ! -f bench/regress_bench.c ]; then echo "skipped: bench/regress_bench.c not present yet"; return 0; fi
    if [ ! -f build/libheadroom-internal.a ]; then echo "skipped: build/libheadroom-internal.a not built (run make all)"; return 0; fi
    # shellcheck disable=SC2086  # LDLIBS is a word list
    if ! build_c "$B/regress_bench" bench/regress_bench.c build/libheadroom-internal.a $LDLIBS; then
        echo "skipped: bench/regress_bench.c does not build: $(reason 1)"; return 0
    fi
    "$B/regress_bench" models 2> "$TMP/err" || echo "regress_bench failed: $(reason $?)"
    return 0
}

# =========================================================================
# SECTION arima — SARIMA fit time vs R stats::arima / forecast::auto.arima
# (PRODUCT.md 8). HOOK: owned by the ARIMA helper. bench/arima_bench.c times
# our kernel; bench/arima_vs_r.sh compares `headroom fit --json` with R on a
# real hourly series when Rscript is installed.
# =========================================================================
section_direct() {
    section "direct errors: a refit block's origins at once vs one at a time"
    if [ ! -f build/libheadroom-internal.a ]; then echo "skipped: build/libheadroom-internal.a not built (run make all)"; return 0; fi
    # shellcheck disable=SC2086  # LDLIBS is a word list
    if ! build_c "$B/direct_bench" bench/direct_bench.c build/libheadroom-internal.a $LDLIBS; then
        echo "skipped: bench/direct_bench.c does not build: $(reason 1)"; return 0
    fi
    "$B/direct_bench" 2> "$TMP/err" || echo "direct_bench failed: $(reason $?)"
    return 0
}

section_arima() {
    section "ARIMA fit vs R"
    # shellcheck disable=SC2086  # LDLIBS is a word list
    if [ ! -f bench/arima_bench.c ]; then
        echo "skipped: bench/arima_bench.c not present yet"
    elif [ ! -f build/libheadroom-internal.a ]; then
        echo "skipped: build/libheadroom-internal.a not built (run make all)"
    elif ! build_c "$B/arima_bench" bench/arima_bench.c build/libheadroom-internal.a $LDLIBS; then
        echo "skipped: bench/arima_bench.c does not build: $(reason 1)"
    else
        "$B/arima_bench" 2> "$TMP/err" || echo "arima_bench failed: $(reason $?)"
    fi
    # Fit time and peak memory through the CLI: a one-year hourly SARIMA at
    # s = 24, and a regression with ARIMA errors (models/auto.spec) over five
    # years of hours.
    f="$HR_DATA/eia930/ba_2015_2020/PJM.csv"
    if [ -f "$f" ] && [ -x "$HEADROOM" ]; then
        for spec in "--model arima --order 1,0,1 --seasonal 1,0,0,24 --from 2019-01-01 --to 2019-12-31T23:00:00Z|SARIMA(1,0,1)(1,0,0)24, PJM 2019 (8760 h)" \
                    "--model auto --from 2015-07-02 --to 2020-07-01T22:00:00Z|auto (regression + direct errors), PJM 5 years"; do
            opts=${spec%%|*} label=${spec#*|}
            # shellcheck disable=SC2086
            secs=$("$HEADROOM" fit --json $opts "$f" 2> "$TMP/err" | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["fit_seconds"])' 2>/dev/null)
            # shellcheck disable=SC2086
            rss=$(peak_rss_kb "$HEADROOM" fit --json $opts "$f")
            echo "fit $label: ${secs:-n/a} s (fit_seconds), peak RSS $(mb_kib "$rss") MB (whole process)"
        done
    fi
    # A regression with ARIMA errors: bench/dhr_errors.spec (25 columns,
    # SARIMA(2,0,0)(2,0,0)24 errors on the whole window), fitted in two
    # stages and by one joint likelihood (errors-fit joint), over five years
    # of PJM (43,8xx h, 81 missing hours, no differencing: beta profiled
    # out of R's filter, ~18 s) and two gap-free years of ISNE (beta
    # profiled out by GLS on the differenced likelihood, src/arima/likelihood.c
    # ar_armafn_p). One run each, time and peak RSS from the same run.
    if [ -x "$HEADROOM" ] && [ -f bench/dhr_errors.spec ]; then
        for case in "PJM|2015-07-02|2020-07-01T22:00:00Z|PJM 5 years" "ISNE|2016-07-01|2018-06-30T23:00:00Z|ISNE 2 years"; do
            IFS='|' read -r ba from to label <<EOF2
$case
EOF2
            df="$HR_DATA/eia930/ba_2015_2020/$ba.csv"
            [ -f "$df" ] || continue
            for mode in two-stage joint; do
                sed "s/^errors-fit .*/errors-fit $mode/" bench/dhr_errors.spec > "$TMP/dhr.spec"
                # shellcheck disable=SC2016  # expanded by the inner shell
                rss=$(peak_rss_kb sh -c '"$0" fit --json --model "$1" --from "$4" --to "$5" "$2" > "$3"' \
                      "$HEADROOM" "$TMP/dhr.spec" "$df" "$TMP/dhr.json" "$from" "$to")
                res=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d[0] if isinstance(d,list) else d; print("%d h, %d coefficients, loglik %.1f: %.1f s (fit_seconds)" % (d["n"], len(d["coef"]), d["loglik"], d["fit_seconds"]))' "$TMP/dhr.json" 2>/dev/null)
                echo "fit DHR + SARIMA(2,0,0)(2,0,0)24 errors, $label, $mode: ${res:-n/a}, peak RSS $(mb_kib "$rss") MB"
            done
        done
    fi
    # The real-series check (fixed order and auto) through `headroom fit --json`
    # next to R, when Rscript and the shared data are present.
    HEADROOM="$HEADROOM" sh bench/arima_vs_r.sh 2> "$TMP/err" || echo "R comparison failed: $(reason $?)"
    # The order search against auto.arima on series generated for this
    # measurement only (never used by the tests or in development), median
    # of RUNS runs, on one thread and on two.
    RUNS=3 CC="$CC" sh bench/arima_search_speed.sh 2> "$TMP/err" || echo "search speed failed: $(reason $?)"
    return 0
}

# =========================================================================
# SECTION assess — headroom computation on the default data
# and the kernel on generated series (bench/assess_bench.c).
# =========================================================================
section_assess() {
    section "assess (headroom at the default budgets)"
    if ! have_headroom_cmd assess; then echo "skipped: assess unavailable ($(reason 1))"; return 0; fi
    set -- datasets/default/*.csv
    [ -f "$1" ] || { echo "skipped: datasets/default is empty (run make datasets)"; return 0; }
    if timeit assess "$HEADROOM" assess "$@"; then
        s=$(median < "$TMP/t.assess")
        echo "headroom assess, $# files of datasets/default: median $s s, peak RSS $(mb_kib "$(peak_rss_kb "$HEADROOM" assess "$@")") MB"
    else
        echo "assess: n/a ($(reason $?))"
    fi
    # The kernel alone on generated series of the flexible-load goal's shape
    # (80 series x 9 years x 4 budgets; goals: < 1 s with an event cap,
    # < 5 s with the battery), CPU seconds.
    if [ ! -f build/libheadroom.a ]; then
        echo "assess kernel: skipped (build/libheadroom.a not built)"
    elif build_c "$B/assess_bench" bench/assess_bench.c build/libheadroom.a $LDLIBS; then
        "$B/assess_bench" "$RUNS" || echo "assess kernel: n/a (assess_bench failed)"
    else
        echo "assess kernel: n/a ($(reason 1))"
    fi
    return 0
}

# SECTION outlook — forward headroom: 200 scenarios x 10 years for one
# region (goal: under 2 s), without and with the hindcast calibration.
section_outlook() {
    section "outlook (assess --forecast-year, 200 scenarios x 10 years, one region)"
    if ! have_headroom_cmd assess; then echo "skipped: assess unavailable ($(reason 1))"; return 0; fi
    f=datasets/default/PLAINS.csv
    [ -f "$f" ] || { echo "skipped: datasets/default is empty (run make datasets)"; return 0; }
    for c in 0 1; do
        if timeit "outlook$c" "$HEADROOM" assess --forecast-year 2024-2033 --scenarios 200 --calibrate "$c" "$f"; then
            echo "calibrate $c: median $(median < "$TMP/t.outlook$c") s (goal without calibration: < 2 s)"
        else
            echo "calibrate $c: n/a ($(reason $?))"
        fi
    done
    return 0
}

# =========================================================================
# SECTION report — end-to-end `report` on the whole shared data set
# HOOK: owned by the report helper; decide the file set (all of $HR_DATA
# or a documented subset) and the options. One run (it is long).
# =========================================================================
section_report() {
    section "report end-to-end"
    if ! have_headroom_cmd report; then echo "skipped: report unavailable ($(reason 1))"; return 0; fi
    # Every series of the shared EIA-930 folders (the 2020 releases overlap:
    # the later file wins), or the default data when the shared data is absent.
    set -- "$HR_DATA"/eia930/ba_2015_2020/*.csv "$HR_DATA"/eia930/ba_2020/*.csv "$HR_DATA"/eia930/iso_2020/*.csv
    [ -f "$1" ] || set -- datasets/default/*.csv
    # The median of up to 3 runs (BENCH_RUNS caps it); with GNU time also the
    # CPU seconds (user + sys) and the peak RSS of each run. On a machine
    # shared with other jobs the CPU seconds move least: the wall time then
    # measures the neighbours as much as the report.
    n=$RUNS
    [ "$n" -gt 3 ] && n=3
    : > "$TMP/rep"
    r=0
    while [ "$r" -lt "$n" ]; do
        rm -rf "$TMP/report"
        t0=$(now)
        if [ "$PEAKRSS" = gnu ]; then
            /usr/bin/time -f "%U %S %M" -o "$TMP/rtime" "$HEADROOM" report -q -o "$TMP/report" \
                --on-overlap=last "$@" > /dev/null 2> "$TMP/err"
        else
            "$HEADROOM" report -q -o "$TMP/report" --on-overlap=last "$@" > /dev/null 2> "$TMP/err"
        fi
        rc=$?
        t1=$(now)
        if [ "$rc" -ne 0 ]; then echo "report: n/a ($(reason "$rc"))"; return 0; fi
        if [ "$PEAKRSS" = gnu ]; then
            tail -n 1 "$TMP/rtime" | awk -v a="$t0" -v b="$t1" '{ printf "%.3f %.3f %s\n", b - a, $1 + $2, $3 }' >> "$TMP/rep"
        else
            awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f - -\n", b - a }' >> "$TMP/rep"
        fi
        r=$((r + 1))
    done
    wall=$(awk '{ print $1 }' "$TMP/rep" | median)
    awk -v w="$wall" -v n="$#" -v r="$n" 'BEGIN { printf "headroom report over %d files: %.1f s wall (median of %d; goal < 60 s)\n", n, w, r }'
    if [ "$PEAKRSS" = gnu ]; then
        cpu=$(awk '{ print $2 }' "$TMP/rep" | median)
        rss=$(awk '{ print $3 }' "$TMP/rep" | median)
        awk -v c="$cpu" -v n="$#" 'BEGIN { printf "CPU (user + sys): %.1f s (median), %.2f s per file\n", c, c / n }'
    else
        rss=$(peak_rss_kb "$HEADROOM" report -q -o "$TMP/report2" --on-overlap=last "$@")
    fi
    echo "peak RSS: $(mb_kib "$rss") MB"
    return 0
}

# =========================================================================
# SECTION skill — one BA-year of day-ahead backtest with the default refit
# policy (issue: "well under a minute on 2 cores"), `auto` next to the
# regression alone (`calendar`, the baseline of the same run). The full
# 11-BA skill table is bench/skill.sh (about 3 minutes).
# =========================================================================
section_skill() {
    section "day-ahead backtest, one BA-year (366 origins, refit every 7)"
    if ! have_headroom_cmd backtest; then echo "skipped: backtest unavailable ($(reason 1))"; return 0; fi
    f="$HR_DATA/eia930/ba_2015_2020/ISNE.csv"
    [ -f "$f" ] || { echo "skipped: no $f (set HR_DATA)"; return 0; }
    n=$RUNS
    [ "$n" -gt 3 ] && n=3
    TIMEIT_RUNS=$n
    for m in auto calendar; do
        TIMEIT_OUT="$TMP/bt_$m.csv"
        timeit "bt_$m" "$HEADROOM" backtest --model "$m" --start 2019-06-30T12:00:00Z --origins 366 \
            --step 24 --lead 12 --horizon 24 --refit-every 7 -j 2 "$f" ||
            { rc=$?; unset TIMEIT_RUNS TIMEIT_OUT; echo "backtest $m: n/a ($(reason $rc))"; return 0; }
    done
    unset TIMEIT_RUNS TIMEIT_OUT
    ta=$(median < "$TMP/t.bt_auto")
    tc=$(median < "$TMP/t.bt_calendar")
    mape=$(awk -F, 'NR == 2 { print $6 }' "$TMP/bt_auto.csv")
    awk -v a="$ta" -v c="$tc" -v m="$mape" -v r="$n" 'BEGIN {
        printf "ISNE 2019-07..2020-06, auto: %.1f s wall (median of %d, -j 2; goal well under 60 s), MAPE %.2f %%\n", a, r, m
        printf "regression alone (calendar): %.1f s; auto / calendar = %.2f\n", c, a / c }'
    return 0
}

# =========================================================================
# SECTION mpi — the report of section report split over MPI ranks
# (PRODUCT.md 8: headroom-mpi under mpirun writes the report of one
# process): -np 1 with -j 2 against -np 2 with -j 1, the same two cores.
# Needs `make mpi` (build/headroom-mpi, HEADROOM_MPI) and mpirun.
# =========================================================================
section_mpi() {
    section "report under MPI (-np 1 -j 2 vs -np 2 -j 1)"
    hm=${HEADROOM_MPI:-build/headroom-mpi}
    command -v mpirun > /dev/null || { echo "skipped: no mpirun (make mpi installs openmpi-bin)"; return 0; }
    [ -x "$hm" ] || { echo "skipped: no $hm (make mpi)"; return 0; }
    set -- "$HR_DATA"/eia930/ba_2015_2020/*.csv "$HR_DATA"/eia930/ba_2020/*.csv "$HR_DATA"/eia930/iso_2020/*.csv
    [ -f "$1" ] || set -- datasets/default/*.csv
    n=$RUNS
    [ "$n" -gt 3 ] && n=3
    for np in 1 2; do
        j=$((3 - np))
        : > "$TMP/t.mpi$np"
        r=0
        while [ "$r" -lt "$n" ]; do
            rm -rf "$TMP/mpi$np"
            t0=$(now)
            OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np "$np" "$hm" report -q \
                -j "$j" -o "$TMP/mpi$np" --on-overlap=last "$@" > /dev/null 2> "$TMP/err" ||
                { echo "mpirun -np $np: n/a ($(reason $?))"; return 0; }
            t1=$(now)
            awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >> "$TMP/t.mpi$np"
            r=$((r + 1))
        done
    done
    same=no
    cmp -s "$TMP/mpi1/regions.csv" "$TMP/mpi2/regions.csv" && cmp -s "$TMP/mpi1/regions.json" "$TMP/mpi2/regions.json" && same=yes
    t1=$(median < "$TMP/t.mpi1")
    t2=$(median < "$TMP/t.mpi2")
    awk -v a="$t1" -v b="$t2" -v f="$#" -v r="$n" -v s="$same" 'BEGIN {
        printf "report over %d files: -np 1 -j 2 %.1f s, -np 2 -j 1 %.1f s wall (median of %d); ratio %.2f\n", f, a, b, r, b / a
        printf "regions.csv and regions.json identical: %s\n", s }'
    return 0
}

# ------------------------------------------------------------------ main --
# A section returns non-zero only on an error of this script; the others
# still run and the script then exits 1.
status=0
for s in ingest regress direct arima assess outlook skill report mpi; do
    "section_$s" || { echo "bench: section $s: script error" >&2; status=1; }
done
echo
exit $status
