#!/bin/sh
# The Python package: `pip install ./python` into a fresh virtual environment
# (system site packages: Debian's numpy and setuptools; --no-index: offline),
# then tests/test_python.py run from another directory.
set -u
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$PY" -m venv --system-site-packages "$T/venv" || exit 1
"$T/venv/bin/python" -m pip install -q --no-index ./python >"$T/pip.log" 2>&1 ||
    { cat "$T/pip.log" >&2; exit 1; }
ROOT=$(pwd)
cd "$T" && HEADROOM="$ROOT/${HEADROOM:-build/headroom}" DATA="$ROOT/datasets/default" \
    "$T/venv/bin/python" "$ROOT/tests/test_python.py"
