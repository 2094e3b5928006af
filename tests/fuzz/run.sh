#!/bin/sh
# run.sh MODE BINDIR SEEDS — run the libFuzzer harnesses (tests/fuzz/README.md).
#   check        every harness on its seeds, its committed corpus and every
#                past finding (tests/fuzz/findings/NAME), then CHECK_SECONDS
#                (default 2) of fuzzing; fails on any crash, leak, timeout
#                or out-of-memory
#   fuzz SECS    every harness for SECS seconds
#   long RUNS    every harness for RUNS executions (10 million by default)
# fuzz and long print executions, coverage and findings per harness; new
# crashing inputs are kept in BINDIR/findings/NAME (copy them to
# tests/fuzz/findings/NAME once fixed: they become regression inputs).
set -u
mode=$1 bin=$2 seeds=$3 arg=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
# sizes from input are bounded: a refused input must not need a gigabyte
limits="-rss_limit_mb=1024 -malloc_limit_mb=512 -timeout=20"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OPENBLAS_NUM_THREADS=1
bad=0
printf '%-18s %12s %8s %8s %8s %s\n' harness executions cov features corpus findings
for exe in "$bin"/fuzz_*; do
    name=${exe##*/fuzz_}
    work=$bin/work/$name found=$bin/findings/$name log=$bin/logs/$name.log
    mkdir -p "$work" "$found" "$bin/logs"
    dirs="$work"
    for d in "$seeds/$name" "$here/corpus/$name" "$here/findings/$name"; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    case $mode in
    check)
        # past findings one by one (a crash names its file), then a short run
        for f in "$here/findings/$name"/*; do
            [ -f "$f" ] || continue
            if ! "$exe" $limits "$f" >"$log" 2>&1; then
                echo "run.sh: $name: regression input $f fails:" >&2; tail -30 "$log" >&2; bad=1
            fi
        done
        opts="-max_total_time=${CHECK_SECONDS:-2}" ;;
    fuzz) opts="-max_total_time=$arg" ;;
    long) opts="-runs=${arg:-10000000}" ;;
    *) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
    esac
    # shellcheck disable=SC2086
    "$exe" $limits $opts -print_final_stats=1 -artifact_prefix="$found/" $dirs >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    nf=$(find "$found" -type f | wc -l)
    printf '%-18s %12s %8s %8s %8s %s\n' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$nf"
    if [ $rc -ne 0 ]; then
        echo "run.sh: $name exited $rc (log $log):" >&2
        grep -E 'ERROR|SUMMARY|==[0-9]+==|Test unit written|runtime error' "$log" | head -20 >&2
        bad=1
    fi
done
exit $bad
