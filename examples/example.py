"""example.py: the headroom Python package (python/, `pip install
--no-build-isolation ./python`) on a region's hourly load: read it, fit the
default model, forecast 48 hours, and the headroom at a 0.5 % budget.

    python3 examples/example.py [FILE]      (from the project root)
"""
import sys

import headroom

path = sys.argv[1] if len(sys.argv) > 1 else "datasets/default/COASTAL.csv"
try:
    s = headroom.read(path)
    region = s.regions[0]
    q = s.quality(region)
    print("%s: %d hours, peak %.0f MW, %d hours imputed" % (region, q["hours"], q["peak_mw"], q["imputed"]))

    m = headroom.fit(s, region, model="auto")
    f = m.forecast(s, 48, levels=[95])
    for k in range(0, 48, 12):
        print("%s  %8.0f MW  (95 %%: %.0f .. %.0f)"
              % (f["timestamp"][k], f["mean"][k], f["lo_95"][k], f["hi_95"][k]))

    a = headroom.assess(s, budgets=[0.5], regions=[region])
    print("headroom at 0.5 %%: %.1f MW (%.1f %% of peak), %.0f curtailed hours/year"
          % (a["headroom_mw"][0], a["headroom_pct_peak"][0], a["curtailed_hours_per_year"][0]))
except headroom.Error as e:
    sys.exit("headroom: %s" % e)
