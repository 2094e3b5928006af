#!/bin/sh
# headroom-mpi under mpirun writes the report of one process (PRODUCT.md
# section 8). Run by `make check-mpi` with HEADROOM=build/headroom and
# HEADROOM_MPI=build/headroom-mpi on the generated default data.
#
# "The same output": regions.csv and regions.json identical byte for byte;
# index.html and run.json identical once the run's time stamp and its
# timings are masked (they differ between two one-process runs too). Every
# run writes to the same -o path, because the options are printed verbatim.
set -u
H=${HEADROOM:-build/headroom}
HM=${HEADROOM_MPI:-build/headroom-mpi}
D=datasets/default
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
die() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# mpirun refuses root unless told (containers, CI); no ssh is needed on one node
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 # -np 3 on 2 cores
command -v mpirun >/dev/null || { echo "FAIL: no mpirun (make check-mpi installs openmpi-bin)" >&2; exit 1; }
[ -x "$HM" ] || { echo "FAIL: no $HM (make mpi)" >&2; exit 1; }
[ -f "$D/COASTAL.csv" ] || { echo "FAIL: no $D/*.csv (make datasets)" >&2; exit 1; }
# plus a region of 62 days: its headroom and backtest fail, so the report
# has warnings (in run.json, index.html and on stderr)
head -n 1500 "$D/COASTAL.csv" | sed 's/^COASTAL,/SHORT,/' > "$T/SHORT.csv"

# A short run: 60 backtest days, 20 scenarios, one thread per rank; not
# -q, so that the warnings go to stderr (no progress bar off a terminal);
# --keep-going: SHORT's failed stages are expected.
OPTS="-j 1 --backtest-days 60 --scenarios 20 --keep-going"

# mask FILE: the run's time stamp and the timings, everything else as is
mask() {
    c=$(sed -n 's/^  "created_utc": "\(.*\)",$/\1/p' "$(dirname "$1")/run.json")
    sed -E -e "s/$c/CREATED/g" \
        -e 's/"(wall_s|cpu_s)": [-0-9.eE+]+/"\1": S/g' \
        -e '/<h4>Timings<\/h4>/,/<\/table>/ s#<td>[-0-9.,]+</td>#<td>S</td>#g' "$1"
}

# same NAME: the report in $T/NAME against the one-process report $T/one
same() {
    for f in regions.csv regions.json; do
        cmp -s "$T/one/$f" "$T/$1/$f" || die "$1: $f differs from one process"
    done
    for f in index.html run.json; do
        mask "$T/one/$f" > "$T/a"
        mask "$T/$1/$f" > "$T/b"
        cmp -s "$T/a" "$T/b" || { die "$1: $f differs from one process (masked):"; diff "$T/a" "$T/b" | head -10 >&2; }
    done
}

# report NAME CMD...: run CMD with -o $T/out, keep the result as $T/NAME
report() {
    name=$1; shift
    "$@" $OPTS -o "$T/out" "$D"/*.csv "$T/SHORT.csv" > "$T/stdout" 2> "$T/$name.err" ||
        { die "$name: exit $?"; sed 's/^/  | /' "$T/$name.err" | tail -5 >&2; return 1; }
    mv "$T/out" "$T/$name"
}

report one "$H" report || exit 1
grep -q "SHORT: headroom" "$T/one/run.json" && grep -q "SHORT: headroom" "$T/one.err" ||
    die "no warning for the short region"
! grep -q "SHORT: headroom: SHORT" "$T/one/run.json" || die "warning repeats its prefix"
# the masking is needed: a second one-process run matches only with it
report one2 "$H" report && same one2
for np in 2 3; do
    report np$np mpirun -np $np "$HM" report && same np$np
done
# -np larger than the regions leaves ranks with none
n=$(($(ls "$D"/*.csv | wc -l) + 1))
report many mpirun -np $((n + 1)) "$HM" report && same many
# warnings on the log once, from rank 0, as one process logs them
for r in np2 np3 many; do
    cmp -s "$T/one.err" "$T/$r.err" || { die "$r: stderr differs from one process:"; diff "$T/one.err" "$T/$r.err" | head -5 >&2; }
done

# usage errors: exit 2 from every rank, one message
mpirun -np 2 "$HM" report "$D/COASTAL.csv" > /dev/null 2> "$T/err"
rc=$?
[ "$rc" -eq 2 ] || die "missing -o: exit $rc (want 2)"
[ "$(grep -c 'is required' "$T/err")" -eq 1 ] || die "missing -o: not one message"
# a missing input fails on every rank with the error of one process
mpirun -np 2 "$HM" report -q -o "$T/x" "$T/nosuch.csv" > /dev/null 2> "$T/err"
rc=$?
[ "$rc" -eq 1 ] || die "missing input: exit $rc (want 1)"
grep -q "nosuch.csv" "$T/err" || die "missing input not named"
[ ! -e "$T/x" ] || die "missing input: output written"

if [ "$fails" -ne 0 ]; then
    echo "mpi.sh: $fails failure(s)" >&2
    exit 1
fi
echo "mpi.sh: one process = mpirun -np 2, 3, $((n + 1)) (regions.csv/json byte for byte; index.html, run.json but time stamp and timings)"
