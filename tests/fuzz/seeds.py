#!/usr/bin/env python3
"""seeds.py OUT HEADROOM — seed corpora of the fuzz harnesses (tests/fuzz/README.md),
written to OUT/<harness>/: the malformed-input corpus (tests/malformed), the
first rows of the generated data (datasets/default, from datasets/gen.c),
one small file per reader format, the bundled specifications, model files
saved by HEADROOM from fits on generated data, and capacity and profile
tables. Never shared data."""
import glob, math, os, subprocess, sys, tempfile

out, headroom = sys.argv[1], sys.argv[2]
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

def put(name, fname, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

readers = ["read_auto", "read_long", "read_eia930", "read_eia930_ba", "read_ercot_native",
           "read_ercot_fuel", "read_pjm_gen", "read_us48", "read_series", "read_weather"]
files = {}
for p in sorted(glob.glob(os.path.join(root, "tests/malformed/*"))):
    files["malformed_" + os.path.basename(p)] = open(p, "rb").read()
gen = sorted(glob.glob(os.path.join(root, "datasets/default/*.csv")))
for p in gen[:3]:
    with open(p, "rb") as f:
        files["gen_" + os.path.basename(p)] = b"".join(f.readline() for _ in range(60))
files["eia930.csv"] = ('"Balancing Authority","Data Date","Hour Number","Local Time at End of Hour",'
    '"UTC Time at End of Hour","Demand Forecast (MW)","Demand (MW)","Net Generation (MW)",'
    '"Total Interchange (MW)","Net Generation (MW) from Coal"\r\n'
    'PJM,01/01/2020,1,01/01/2020 12:00:00 AM,01/01/2020 5:00:00 AM,"90,000","92,345","93,000","-1,234","10,000"\r\n'
    'PJM,01/01/2020,2,01/01/2020 1:00:00 AM,01/01/2020 6:00:00 AM,"91,000","93,000",,,\r\n')
files["us48.csv"] = "date_time,series,type\n2020-01-01 01:00:00,400000,demand\n2020-01-01 02:00:00,390000,demand\n"
files["ercot_native.csv"] = ("Hour Ending,COAST,EAST,FWEST,NORTH,NCENT,SOUTH,SCENT,WEST,ERCOT\r\n"
    "11/05/2017 01:00,1,1,1,1,1,1,1,1,101\r\n11/05/2017 02:00 DST,3,3,3,3,3,3,3,3,30\r\n"
    "11/05/2017 02:00,2,2,2,2,2,2,2,2,20\r\n11/05/2017 24:00,5,5,5,5,5,5,5,5,50\r\n")
hdr = "Date\tFuel\tSettlement Type\tTotal" + "".join(
    "\t%d:%02d" % ((m // 60) % 24, m % 60) for m in range(15, 1441, 15)) + "\r\n"
files["ercot_fuel.tsv"] = hdr + "03/10/2019\tWind\tFINAL\t1\t" + "\t".join("1.5" for _ in range(96)) + "\r\n"
files["pjm_gen.csv"] = ("datetime_beginning_utc,datetime_beginning_ept,fuel_type,mw,fuel_percentage_of_total,is_renewable\r\n"
    '1/1/2021 1:00:00 PM,1/1/2021 8:00:00 AM,Gas,"31,698.8",0.32,False\r\n'
    "1/1/2021 12:00:00 PM,1/1/2021 7:00:00 AM,Gas,200,0.3,False\r\n")
files["series.csv"] = "timestamp,load\n2020-01-01T00:00:00Z,5\n2020-01-01T01:00:00Z,6\n2020-01-01T03:00:00Z,7\n"
files["weather_gefcom.csv"] = "Date,Hour,load,T\n1/1/2012,1,100,30\n1/1/2012,2,101,31\n1/1/2012,3,99,29\n"
files["pjm_zone.csv"] = "Datetime,AEP_MW\n2004-12-31 01:00:00,13478.0\n2004-12-31 02:00:00,12865.0\n"
files["long.csv"] = ("region,timestamp,load_mw,temp_c\nA,2020-01-01T00:00:00Z,5,1\nA,2020-01-01T01:00:00Z,6,2\n"
    "B,2020-01-01T00:00:00+01:00,7,\n")
for r in readers:
    for k, v in files.items():
        put(r, k, v)

for p in sorted(glob.glob(os.path.join(root, "models/*.spec"))):
    put("spec", os.path.basename(p), open(p, "rb").read())
put("spec", "arima.spec", "errors arima 1 0 1 1 1 1 24\n")
put("spec", "joint.spec", "term intercept hour T hdd(18) cdd(22) lag(24)\nerrors arima 1 0 0 0 0 0 24\n"
    "errors-fit joint\narima-window 0\nwindow 8760\ncalibrate 28\nvariance hourly\nerror-mean yes\n")

# models saved by fits on generated data (a few weeks, so each fit is quick)
with tempfile.TemporaryDirectory() as td:
    csv = os.path.join(td, "g.csv")
    with open(gen[0], "rb") as f, open(csv, "wb") as g:
        g.write(b"".join(f.readline() for _ in range(24 * 7 * 5 + 1)))
    fits = [["--model", "calendar"], ["--model", "arima", "--order", "1,0,1", "--seasonal", "1,0,0,24"],
            ["--model", "auto-load"], ["--model", "auto-temp"],
            ["--model", os.path.join(root, "tests/fuzz/../../models/dhr-arima.spec")]]
    for i, a in enumerate(fits):
        m = os.path.join(td, "m%d.hrm" % i)
        if subprocess.call([headroom, "fit"] + a + ["-o", m, csv], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) == 0:
            data = open(m, "rb").read()
            put("model_mem", "m%d.hrm" % i, data)
            put("model_file", "m%d.hrm" % i, data)

put("capacity", "cap.csv", "region,season,threshold_mw\nA,summer,100\nA,winter,90\nB,annual,5.5\n")
put("capacity", "cap_bom.csv", "\xef\xbb\xbfseason,threshold_mw,region\nall,7,X\n")
put("profile", "p24.csv", "hour,mw\n" + "".join("%d,%.3f\n" % (h, 1 + 0.1 * math.sin(h)) for h in range(24)))
put("profile", "p168.csv", "".join("%.2f\n" % (1 + (h % 24) / 24) for h in range(168)))
