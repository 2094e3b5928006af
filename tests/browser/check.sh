#!/bin/sh
# check.sh — render a headroom report in headless Chromium and check it.
#
#   tests/browser/check.sh [DIR]
#
# With no DIR, builds tests/browser/sample.c against build/libheadroom-internal.a and
# writes a three-region sample report to build/report-sample first.
# Then: (1) screenshot DIR/index.html to build/report.png (1280x2000),
# (2) dump the DOM and check with python3 that every <svg> has a <title>,
# role="img" and drawn children (path/rect/circle/polyline/line with
# non-empty geometry), (3) fail on console errors, (4) at window widths of
# 1280, 1400 and 1920 px, measure in the page (tests/browser/overflow.js,
# run in a copy of the page) that no element overflows its container: no
# table cut off, no box wider than its parent or past the window, no chart
# label outside its chart. Skips (exit 0, message) when /usr/bin/chromium
# is absent (Debian package `chromium`).
set -eu
cd "$(dirname "$0")/../.."
CHROME=${CHROMIUM:-/usr/bin/chromium}
DIR=${1:-}
if [ -z "$DIR" ]; then
    make -s build/libheadroom-internal.a
    cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -Iinclude -Isrc -Itests/browser \
        -o build/report-sample-gen tests/browser/sample.c build/libheadroom-internal.a \
        -llapacke -lopenblas -lcsv -ljson-c -lm -pthread
    build/report-sample-gen build/report-sample
    DIR=build/report-sample
fi
[ -f "$DIR/index.html" ] || { echo "check.sh: $DIR/index.html not found" >&2; exit 1; }
if [ ! -x "$CHROME" ]; then
    echo "check.sh: SKIP: $CHROME not found (apt-get install chromium)"
    exit 0
fi
mkdir -p build
URL="file://$(cd "$DIR" && pwd)/index.html"
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
 --disable-background-networking --disable-component-update --disable-sync \
 --hide-scrollbars --user-data-dir=$PROFILE --enable-logging=stderr --v=0"

# shellcheck disable=SC2086
"$CHROME" $FLAGS --screenshot=build/report.png --window-size=1280,2000 "$URL" \
    >build/report-chromium.out 2>build/report-chromium.err || true
[ -s build/report.png ] || { echo "check.sh: no screenshot" >&2; cat build/report-chromium.err >&2; exit 1; }
# shellcheck disable=SC2086
"$CHROME" $FLAGS --dump-dom "$URL" >build/report-dom.html 2>>build/report-chromium.err
if grep -E "Uncaught|ERROR:CONSOLE" build/report-chromium.err >&2; then
    echo "check.sh: console errors" >&2
    exit 1
fi
python3 - build/report-dom.html <<'PY'
import sys
from html.parser import HTMLParser

DRAWN = {"path", "rect", "circle", "polyline", "line", "polygon"}
OWN = {"regions.csv", "regions.json", "run.json"}

def has_geometry(tag, a):
    num = lambda k: float(a.get(k, "0") or 0)
    if tag == "path":
        d = a.get("d", "").strip()
        return len(d) > 1 and any(c.isdigit() for c in d)
    if tag == "rect":
        return num("width") > 0 and num("height") > 0
    if tag == "circle":
        return num("r") > 0
    if tag in ("polyline", "polygon"):
        return len(a.get("points", "").split()) >= 2
    if tag == "line":
        return (num("x1"), num("y1")) != (num("x2"), num("y2"))
    return False

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs = []      # [title?, role, drawn count]
        self.depth = 0
        self.external = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "link"):
            self.external.append((tag, "element", ""))
        for k in ("src", "href", "xlink:href"):
            v = a.get(k)
            # links to the report's own files are not external
            if v and not v.startswith("#") and not (k == "href" and v in OWN):
                self.external.append((tag, k, v))
        if tag == "svg":
            self.svgs.append({"title": False, "role": a.get("role"), "drawn": 0})
            self.depth += 1
        elif self.depth:
            s = self.svgs[-1]
            if tag == "title":
                s["title"] = True
            if tag in DRAWN and has_geometry(tag, a):
                s["drawn"] += 1
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1
    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
bad = [i for i, s in enumerate(p.svgs) if not (s["title"] and s["role"] == "img" and s["drawn"] > 0)]
if not p.svgs:
    sys.exit("check.sh: no <svg> in the DOM")
if bad:
    sys.exit("check.sh: svg(s) %s lack a title, role=img or drawn content: %s" % (bad, [p.svgs[i] for i in bad]))
if p.external:
    sys.exit("check.sh: scripts or external references: %s" % p.external[:5])
print("check.sh: %d svg charts, all with title, role=img and drawn content" % len(p.svgs))
PY
# (4) overflow at three widths, measured in a copy of the page with the
# measuring script added (the report itself has none).
python3 - "$DIR/index.html" tests/browser/overflow.js build/report-measure.html <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
js = re.sub(r"^/\*.*?\*/", "", open(sys.argv[2], encoding="utf-8").read(), flags=re.S)
open(sys.argv[3], "w", encoding="utf-8").write(page.replace("</body>", "<script>" + js + "</script></body>", 1))
PY
MURL="file://$(pwd)/build/report-measure.html"
for W in 1280 1400 1920; do
    # shellcheck disable=SC2086
    "$CHROME" $FLAGS --window-size=$W,2000 --dump-dom "$MURL" >build/report-measure-$W.html 2>>build/report-chromium.err
    python3 - build/report-measure-$W.html $W <<'PY'
import html, json, re, sys
found = re.findall(r'<pre id="overflow-result">(.*?)</pre>', open(sys.argv[1], encoding="utf-8").read(), re.S)
if not found:
    sys.exit("check.sh: the overflow measurement did not run at %s px" % sys.argv[2])
d = json.loads(html.unescape(found[-1]))
if d["width"] < int(sys.argv[2]) - 20:
    sys.exit("check.sh: window %s px wide, page %s px" % (sys.argv[2], d["width"]))
if d["count"]:
    sys.exit("check.sh: at %s px, %d element(s) overflow:\n  %s" % (sys.argv[2], d["count"], "\n  ".join(d["bad"])))
print("check.sh: %s px: no element overflows its container" % sys.argv[2])
PY
done
echo "check.sh: screenshot build/report.png"
