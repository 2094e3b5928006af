#!/bin/sh
# faults.sh — outputs under faults and inputs that are not files:
#  - kill -9 at random moments of `fit -o`, `ingest -o` and `report -o`: the
#    output is the previous result or the complete new one, never partial;
#    no temporary is left once the next run has started (a killed writer's
#    temporaries are unnamed where the file system allows, and removed by
#    the next writer otherwise);
#  - a full disk (a 64 KB tmpfs, where this process may mount one): exit 1,
#    "No space left on device", the previous result intact, no temporary;
#  - an unreadable file (run as nobody), a FIFO nobody writes, a directory
#    and /dev/zero as inputs: exit 1 with the path named, no hang.
# Environment: HEADROOM (binary), DATA (generated data), TRIALS (kills per
# command, default 6).
set -u
H=${HEADROOM:-build/headroom}
D=${DATA:-datasets/default}
N=${TRIALS:-6}
T=$(mktemp -d /tmp/hr_faults_XXXXXX)
MNT=""
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail=0
die() { echo "faults.sh: FAIL: $*" >&2; fail=1; }
ok() { echo "faults.sh: ok: $*"; }
temps() { find "$1" -name '.*.tmp-*' 2>/dev/null | wc -l; }
seed=$$

# kill_trials NAME CHECK -- CMD...: CMD once to completion, then N times
# killed after a random delay within 1.5 times its duration; CHECK (a shell
# function) must accept the output after each kill.
kill_trials() {
    name=$1 check=$2
    shift 3
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { die "$name: the first run failed"; return; }
    t1=$(date +%s.%N)
    dur=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
    k=0 partial=0
    while [ $k -lt "$N" ]; do
        k=$((k + 1)) seed=$((seed + 7919))
        delay=$(awk -v d="$dur" -v s="$seed" 'BEGIN { srand(s); printf "%.3f", rand() * 1.5 * d }')
        "$@" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        $check || { die "$name: output not whole after a kill at ${delay}s (trial $k)"; partial=1; }
    done
    # the next run removes what killed runs left
    "$@" >/dev/null 2>&1 || die "$name: a run after the kills failed"
    n=$(temps "$T")
    [ "$n" -eq 0 ] || die "$name: $n temporaries left after the next run: $(find "$T" -name '.*.tmp-*')"
    [ $partial = 0 ] && ok "$name: whole after $N kills at random moments (run ${dur}s)"
}

head -n $((24 * 400 + 1)) "$D/COASTAL.csv" > "$T/c.csv"
head -n $((24 * 120 + 1)) "$D/HIGHLAND.csv" > "$T/h.csv"

# ---- fit -o: a model file that loads, ending in its 'end' line
check_model() {
    [ -f "$T/m.hrm" ] && [ "$(tail -n 1 "$T/m.hrm")" = end ] &&
        "$H" forecast -m "$T/m.hrm" --horizon 1 "$T/c.csv" >/dev/null 2>&1
}
kill_trials "fit -o" check_model -- "$H" fit --model calendar -o "$T/m.hrm" "$T/c.csv"

# ---- ingest -o: the directory holds the old set or the new set, whole
"$H" ingest -o "$T/norm" "$T/h.csv" >/dev/null 2>&1 || die "ingest -o (old set)"
check_norm() {
    [ -d "$T/norm" ] || return 1
    set -- "$T"/norm/*.csv
    case $# in
    1) [ -f "$T/norm/HIGHLAND.csv" ] && [ "$(wc -l < "$T/norm/HIGHLAND.csv")" -eq $((24 * 120 + 1)) ] ;;
    2) for f in COASTAL HIGHLAND; do
           [ "$(wc -l < "$T/norm/$f.csv")" -eq "$(grep -c "^$f," "$T/two.csv" | awk '{print $1 + 1}')" ] || return 1
       done ;;
    *) return 1 ;;
    esac
}
cat "$T/c.csv" > "$T/two.csv"
tail -n +2 "$T/h.csv" >> "$T/two.csv"
kill_trials "ingest -o" check_norm -- "$H" ingest -o "$T/norm" "$T/two.csv"

# ---- report -o: the four files of one report, whole
check_report() {
    for f in index.html regions.csv regions.json run.json; do [ -s "$T/rep/$f" ] || return 1; done
    grep -q '</html>' "$T/rep/index.html" && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/rep/run.json"
}
kill_trials "report -o" check_report -- "$H" report -q -o "$T/rep" --backtest-days 14 --scenarios 4 \
    --forecast-hours 24 "$T/c.csv"

# ---- a full disk
MNT=$T/full
mkdir -p "$MNT"
if mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null; then
    "$H" fit --model calendar -o "$MNT/m.hrm" "$T/h.csv" >/dev/null 2>&1 || die "fit -o onto the tmpfs"
    cp "$MNT/m.hrm" "$T/m.before"
    dd if=/dev/zero of="$MNT/filler" bs=1k 2>/dev/null
    for cmd in "fit --model calendar -o $MNT/m.hrm $T/c.csv" "ingest -o $MNT/norm $T/c.csv" \
               "report -q -o $MNT/rep --backtest-days 7 --scenarios 2 --forecast-hours 24 $T/h.csv"; do
        # shellcheck disable=SC2086
        "$H" $cmd >/dev/null 2>"$T/err"
        rc=$?
        [ $rc = 1 ] || die "full disk: '$cmd' exited $rc"
        grep -q "No space left on device" "$T/err" || die "full disk: '$cmd' said: $(cat "$T/err")"
    done
    cmp -s "$MNT/m.hrm" "$T/m.before" || die "full disk: the previous model file changed"
    [ -e "$MNT/norm" ] && die "full disk: ingest -o left $MNT/norm"
    [ -e "$MNT/rep" ] && die "full disk: report -o left $MNT/rep"
    [ "$(temps "$MNT")" -eq 0 ] || die "full disk: temporaries left: $(find "$MNT" -name '.*.tmp-*')"
    [ $fail = 0 ] && ok "full disk: exit 1, 'No space left on device', previous result intact"
    umount "$MNT" && MNT=""
else
    echo "faults.sh: skipped: full disk (cannot mount a tmpfs here)"
fi

# ---- inputs that are not readable text files
mkfifo "$T/fifo"
cp "$T/h.csv" "$T/secret.csv"
chmod 000 "$T/secret.csv"
for input in "$T/fifo" "$T" /dev/zero; do
    for cmd in ingest "fit --model calendar --json" "forecast --horizon 1 -m $T/m.hrm" "report -q -o $T/r2"; do
        # shellcheck disable=SC2086
        timeout 60 "$H" $cmd "$input" >/dev/null 2>"$T/err"
        rc=$?
        [ $rc = 1 ] || die "'$cmd $input' exited $rc (want 1): $(head -c 300 "$T/err")"
        grep -q "$input" "$T/err" || die "'$cmd $input' does not name the input: $(head -c 300 "$T/err")"
    done
    timeout 60 "$H" forecast --horizon 1 -m "$input" "$T/h.csv" >/dev/null 2>"$T/err"
    [ $? = 1 ] && grep -q "$input" "$T/err" || die "'forecast -m $input': $(head -c 300 "$T/err")"
done
[ $fail = 0 ] && ok "a FIFO, a directory and /dev/zero as inputs and model files: exit 1, named"
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    chmod 755 "$T"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$H" ingest "$T/secret.csv" >/dev/null 2>"$T/err"
    rc=$?
    [ $rc = 1 ] && grep -q "secret.csv.*Permission denied" "$T/err" || die "unreadable file: exit $rc, $(cat "$T/err")"
    [ $fail = 0 ] && ok "an unreadable file: exit 1, 'Permission denied'"
elif [ "$(id -u)" != 0 ]; then
    "$H" ingest "$T/secret.csv" >/dev/null 2>"$T/err"
    [ $? = 1 ] && grep -q "Permission denied" "$T/err" || die "unreadable file: $(cat "$T/err")"
else
    echo "faults.sh: skipped: unreadable file (root without setpriv)"
fi
# ---- assess's tables: a line too long, a value that is not a number >= 0
printf 'nan\n' > "$T/p.csv"
"$H" assess --ai-profile "$T/p.csv" "$T/h.csv" >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "p.csv:1: not a finite number" "$T/err" || die "profile 'nan': $(cat "$T/err")"
awk 'BEGIN { printf "region,season,threshold_mw\n"; for (i = 0; i < 2000; i++) printf "x"; printf ",summer,5\n" }' > "$T/cap.csv"
"$H" assess --threshold "capacity:$T/cap.csv" "$T/h.csv" >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "cap.csv:2: line longer" "$T/err" || die "capacity long line: $(cat "$T/err")"
exit $fail
