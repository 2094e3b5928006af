#!/bin/sh
# CLI tests in the zstd style: exit codes, messages, no-clobber, golden
# outputs. Run by `make test` with HEADROOM=build/headroom (and again with the
# sanitizer build). HR_DATA points at the shared real data (optional).
set -u
H=${HEADROOM:-build/headroom}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0
die() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { pass=$((pass + 1)); }

# expect CODE CMD... : run, check the exit code
expect() {
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        die "exit $got (want $want): $*"; sed 's/^/  | /' "$T/err" | head -5 >&2
        return 1
    fi
    ok
    return 0
}

# ---- usage
expect 2 "$H"
expect 0 "$H" --help && grep -q "usage: headroom" "$T/out" || die "--help text"
expect 2 "$H" nosuchcommand
for c in ingest fit forecast backtest assess report; do
    expect 0 "$H" $c --help && grep -q "usage: headroom $c" "$T/out" || die "$c --help"
done
expect 2 "$H" ingest
expect 2 "$H" ingest --bogus-option x.csv
expect 2 "$H" ingest --format nosuch x.csv
expect 1 "$H" ingest "$T/does-not-exist.csv" && grep -q "does-not-exist.csv" "$T/err" || die "missing file not named"

# ---- ingest on the generated default data
D=datasets/default
if ls $D/*.csv >/dev/null 2>&1; then
    expect 0 "$H" ingest $D/*.csv
    head -1 "$T/out" | grep -qx "region,first_utc,last_utc,hours,missing,flagged,imputed,peak_mw,mean_mw" \
        || die "ingest header"
    [ "$(tail -n +2 "$T/out" | wc -l)" -ge 3 ] || die "ingest: fewer than 3 regions in default data"
    expect 0 "$H" ingest -o "$T/norm" $D/*.csv
    [ "$(ls "$T/norm" | wc -l)" -ge 3 ] || die "ingest -o wrote no region files"
    ls "$T/norm" | grep -q '\.tmp' && die "ingest -o left a temporary file"
else
    die "no generated default data in $D (make datasets)"
fi

# ---- malformed corpus: exit 1, message names file and line, no output written
for f in tests/malformed/*; do
    [ -f "$f" ] || continue
    rm -rf "$T/mal"
    expect 1 "$H" ingest -o "$T/mal" "$f" || continue
    b=$(basename "$f")
    grep -q "$b:[0-9][0-9]*" "$T/err" || die "malformed $b: message lacks file:line: $(head -1 "$T/err")"
    grep -q "^headroom: ingest: " "$T/err" || die "malformed $b: message prefix"
    [ -z "$(ls -A "$T/mal" 2>/dev/null)" ] || die "malformed $b: output written"
done

echo "cli tests: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
