#!/bin/sh
# tests/install.sh PREFIX DATA: the CLI installed in PREFIX (make install),
# run from a directory that is neither PREFIX nor the source tree, finds the
# installed model specifications: `fit --model auto` works and `report`
# completes with a backtest, a forecast and no warnings.
set -u
P=$1 D=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: install: $*" >&2; exit 1; }
[ -f "$P/share/headroom/models/auto.spec" ] || fail "no $P/share/headroom/models/auto.spec"
[ -f "$P/include/headroom.h" ] && [ -f "$P/lib/pkgconfig/headroom.pc" ] || fail "header or headroom.pc missing"
cd "$T" || exit 1
env -u HEADROOM_MODELS "$P/bin/headroom" fit --model auto --json "$D/HIGHLAND.csv" >fit.json 2>fit.err ||
    fail "fit --model auto: $(head -2 fit.err)"
grep -q '"model":"auto"' fit.json || fail "fit --model auto: $(head -c 200 fit.json)"
env -u HEADROOM_MODELS "$P/bin/headroom" report -q -o rep --backtest-days 7 --scenarios 10 \
    "$D/HIGHLAND.csv" >rep.out 2>rep.err || fail "report: $(head -2 rep.err)"
grep -qi "warning\|no data\|models" rep.err && fail "report warned: $(head -2 rep.err)"
python3 - rep/run.json rep/regions.json <<'PY' || fail "report incomplete"
import json, sys
run = json.load(open(sys.argv[1]))
assert not run.get("warnings"), run.get("warnings")
text = open(sys.argv[2]).read()
assert "No data" not in text and "no backtest" not in text, "report lost its backtest"
PY
echo "install check: passed ($P)"
