# flex_ref.py — an independent brute force of the flexible-load headroom
# (docs/headroom.md) in Python, end to end through the CLI's ingest:
#   build/headroom ingest --no-screen -o OUT ../shared/datasets/eia930/ba_2015_2020/DUK.csv
#   python3 tests/reference/flex_ref.py OUT/DUK.csv 20500 21000
# (summer and winter thresholds pinned, study years 2016-2019, budget 0.5 %;
# bisection to 0.01 MW). Compare with
#   build/headroom assess --no-screen --threshold capacity:CAP --years 2016-2019
#     --budgets 0.5 [--every-year | --max-event-hours 4 | ...] DUK.csv
# where CAP holds DUK,summer,20500 and DUK,winter,21000. Output of a run:
# tests/reference/flex_ref.txt.
import csv, math, sys, datetime as dt
rows = list(csv.DictReader(open(sys.argv[1])))
Ts, Tw = float(sys.argv[2]), float(sys.argv[3])
t = [dt.datetime.strptime(r['timestamp'], '%Y-%m-%dT%H:%M:%SZ') for r in rows]
D = [float(r['load_mw']) if r['load_mw'] not in ('', 'nan', 'NaN') else math.nan for r in rows]
idx = [i for i in range(len(t)) if 2016 <= t[i].year <= 2019]
D = [D[i] for i in idx]; t = [t[i] for i in idx]
T = [Ts if 4 <= x.month <= 10 else Tw for x in t]
yr = [x.year - 2016 for x in t]
def run(L, bp=0, bh=4, be=0.85):
    P = bp / 100 * L; cap = P * bh; st = cap
    num = [0]*4; den = [0]*4; hy = [0]*4; ey = [0]*4; runl = 0; mx = 0
    for i in range(len(D)):
        if D[i] != D[i]: runl = 0; continue
        need = min(L, max(0, D[i] + L - T[i])); C = 0
        if need > 0:
            x = min(need, P, st); st -= x; C = need - x
        elif cap > 0:
            ch = min(P, T[i] - D[i] - L, (cap - st) / be)
            if ch > 0: st += be * ch
        y = yr[i]; num[y] += C; den[y] += L
        if C > 0:
            hy[y] += 1
            if runl == 0: ey[y] += 1
            runl += 1; mx = max(mx, runl)
        else: runl = 0
    r = [num[y] / den[y] for y in range(4)]
    return sum(r) / 4, max(r), mx, sum(hy) / 4, sum(ey) / 4
def head(ok):
    lo, hi = 0.0, 1.0
    while ok(hi): lo, hi = hi, hi * 2
    while hi - lo > 0.01:
        m = (lo + hi) / 2
        lo, hi = (m, hi) if ok(m) else (lo, m)
    return lo
b = 0.005
print("study", head(lambda L: run(L)[0] <= b))
print("every-year", head(lambda L: run(L)[1] <= b))
print("event<=4", head(lambda L: run(L)[0] <= b and run(L)[2] <= 4))
print("event<=8", head(lambda L: run(L)[0] <= b and run(L)[2] <= 8))
print("battery", head(lambda L: run(L, 25)[0] <= b))
print("size500 battery", run(500, 25))
