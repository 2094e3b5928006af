#!/usr/bin/env python3
"""Independent reference for tests/test_ingest.c integration tests.

Reads a shared real data file with Python's csv module and zoneinfo (no code
shared with src/) and prints one line: "first_utc last_utc hours missing peak"
(epoch seconds, hour-beginning) for the load series named by MODE, or
"sum count" for generation sums. Usage: ingest_ref.py MODE FILE [ARG].
"""
import calendar, csv, sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

def num(s):
    s = s.strip().replace(',', '')
    if s in ('', 'MISSING', 'EMPTY'):
        return None
    return float(s)

def utc_naive(dt):
    return calendar.timegm(dt.timetuple())

def iso(s):
    """'YYYY-MM-DD HH:MM:SS' -> naive datetime (fixed layout; faster than strptime)."""
    return datetime(int(s[0:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]), int(s[17:19]))

def local_begin(label, zone, fold, hour_ending=True):
    """UTC hour-beginning of a local label; spring-gap begin -> end label - 1h."""
    z = ZoneInfo(zone)
    b = label - timedelta(hours=1) if hour_ending else label
    aware = b.replace(tzinfo=z, fold=fold)
    back = datetime.fromtimestamp(aware.timestamp(), z).replace(tzinfo=None)
    if back != b:                      # nonexistent wall time
        if not hour_ending:
            return None
        return int(label.replace(tzinfo=z).timestamp()) - 3600
    return int(aware.timestamp())

def summary(pairs):
    have = {t: v for t, v in pairs if v is not None}
    first, last = min(have), max(have)
    hours = (last - first) // 3600 + 1
    print(first, last, hours, hours - len(have), repr(max(have.values())))

def rows(path, delim=','):
    with open(path, newline='', encoding='utf-8-sig') as fh:
        r = csv.reader(fh, delimiter=delim)
        hdr = next(r)
        for row in r:
            if any(x.strip() for x in row):
                yield hdr, row

mode, path = sys.argv[1], sys.argv[2]
if mode == 'eia_ba':                   # UTC hour-ending, raw column 1
    out = []
    for hdr, row in rows(path):
        t = utc_naive(iso(row[0])) - 3600
        out.append((t, num(row[1])))
    summary(out)
elif mode in ('ercot', 'pjmzone'):
    zone = 'America/Chicago' if mode == 'ercot' else 'America/New_York'
    col = sys.argv[3] if len(sys.argv) > 3 else None
    seen = {}
    out = []
    for hdr, row in rows(path):
        j = hdr.index(col) if col else 1
        lab = row[0].strip()
        flagged = lab.endswith(' DST')
        lab = lab[:-4] if flagged else lab
        d, hm = lab.split(' ')
        a, b, y = d.split('/')
        y = int(y); y = y + 2000 if y < 100 else y
        if mode == 'pjmzone' and '-' in d:
            pass
        m, dd = (int(a), int(b))
        if sys.argv[-1] == 'dayfirst':
            m, dd = dd, m
        h, mi = hm.split(':')
        base = datetime(y, m, dd) + timedelta(hours=int(h), minutes=int(mi))
        key = base
        if flagged:
            fold = 1
        else:
            fold = 1 if seen.get(key, 0) else 0
            seen[key] = seen.get(key, 0) + 1
        out.append((local_begin(base, zone, fold), num(row[j])))
    summary(out)
elif mode == 'pjmzone_iso':            # "YYYY-MM-DD HH:MM:SS", NY, hour-ending
    seen = {}
    out = []
    for hdr, row in rows(path):
        base = iso(row[0])
        fold = 1 if seen.get(base, 0) else 0
        seen[base] = seen.get(base, 0) + 1
        out.append((local_begin(base, 'America/New_York', fold), num(row[1])))
    summary(out)
elif mode == 'fuel':                   # ERCOT fuel mix: sum of all quarter-hour MWh of one fuel
    fuel = sys.argv[3]
    s, n = 0.0, 0
    for hdr, row in rows(path, '\t'):
        if row[1] != fuel:
            continue
        for k in range(4, len(row)):
            v = num(row[k])
            if v is not None:
                s += v; n += 1
    print(repr(s), n)
elif mode == 'pjmgen':                 # sum of mw of one fuel, number of distinct hours
    fuel = sys.argv[3]
    s, hours = 0.0, set()
    for hdr, row in rows(path):
        t = datetime.strptime(row[0], '%m/%d/%Y %I:%M:%S %p')
        hours.add(t)
        if row[2] == fuel:
            s += num(row[3])
    print(repr(s), len(hours))
elif mode == 'us48':                   # one key of US_elec / US_source, UTC hour-ending
    key = sys.argv[3]
    out = []
    for hdr, row in rows(path):
        if row[2] == key:
            out.append((utc_naive(iso(row[0])) - 3600, num(row[1])))
    summary(out)
elif mode == 'gefcom':
    out = []
    for hdr, row in rows(path):
        t = utc_naive(datetime(int(row[0][0:4]), int(row[0][5:7]), int(row[0][8:10]))) + int(row[1]) * 3600 - 3600
        out.append((t, num(row[2])))
    summary(out)
elif mode == 'bigdeal':
    out = []
    for hdr, row in rows(path):
        t = utc_naive(datetime(int(row[0]), int(row[1]), int(row[2]))) + int(row[4]) * 3600 - 3600
        out.append((t, num(row[hdr.index('Load')])))
    summary(out)
elif mode == 'tell':
    out = []
    for hdr, row in rows(path):
        t = utc_naive(datetime(int(row[0]), int(row[1]), int(row[2]), int(row[3]))) - 3600
        out.append((t, num(row[hdr.index('Adjusted_Demand_MWh')])))
    summary(out)
elif mode == 'nyc':
    out = []
    for hdr, row in rows(path):
        base = iso(row[0])
        v = num(row[1])
        t = local_begin(base, 'America/New_York', 0, hour_ending=False)
        if t is None:
            continue
        out.append((t, v))
    summary(out)
