# Real-world ingestion quirks (sourced by tests/cli.sh: uses H, T, expect,
# die). Every fixture is generated here; none is a copy of published data.

# row REGION: the ingest summary row of REGION in $T/out
row() { grep "^$1," "$T/out"; }

# ---- rows made only of delimiters are empty rows, anywhere, in every reader
{
    printf 'Hour Ending,COAST,EAST,FWEST,NORTH,NCENT,SOUTH,SCENT,WEST,ERCOT,,,\r\n'
    printf '01/01/2020 01:00,1,2,3,4,5,6,7,8,36,,,\r\n'
    printf ',,,,,,,,,,,,\r\n'
    printf '01/01/2020 02:00,1,2,3,4,5,6,7,8,36,,,\r\n'
    i=0; while [ $i -lt 50 ]; do printf ',,,,,,,,,,,,\r\n'; i=$((i + 1)); done
} > "$T/ercot_pad.csv"
expect 0 "$H" ingest "$T/ercot_pad.csv" && row ERCOT | grep -q '^ERCOT,2020-01-01T06:00:00Z,2020-01-01T07:00:00Z,2,0,' ||
    die "delimiter-only rows in an ERCOT file: $(row ERCOT)"
printf 'region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,10\n,,\n , , \n"","",""\nA,2020-01-01T01:00:00Z,11\n,,\n' > "$T/long_pad.csv"
expect 0 "$H" ingest "$T/long_pad.csv" && row A | grep -q '^A,2020-01-01T00:00:00Z,2020-01-01T01:00:00Z,2,0,0,0,11,10.5$' ||
    die "delimiter-only rows in a long file: $(row A)"
printf 'region,timestamp,load_mw\nA,,10\n' > "$T/long_notime.csv"
expect 1 "$H" ingest "$T/long_notime.csv" && grep -q "long_notime.csv:2: column 'timestamp': empty timestamp" "$T/err" ||
    die "a row with a value but no time is not an empty row"

# ---- files that are not CSV text are named as what they are
printf '{"rows": [1, 2]}\n' > "$T/x.json"
expect 1 "$H" ingest "$T/x.json" && grep -q "x.json:1: a JSON file, not CSV text" "$T/err" || die "JSON not named"
printf 'region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1\n' | gzip > "$T/x.csv.gz"
expect 1 "$H" ingest "$T/x.csv.gz" && grep -q "x.csv.gz:1: a gzip-compressed file" "$T/err" || die "gzip not named"
expect 1 "$H" ingest tests/malformed/binary_junk.bin && grep -q "binary_junk.bin:1: a binary file" "$T/err" ||
    die "binary not named"

# ---- another delimiter: a hint, and --delimiter reads it (no decimal commas)
printf 'region;timestamp;load_mw\nA;2020-01-01T00:00:00Z;100\nA;2020-01-01T01:00:00Z;101.5\n' > "$T/semi.csv"
expect 1 "$H" ingest "$T/semi.csv" && grep -q "semicolon-separated file? use --delimiter ';'" "$T/err" ||
    die "semicolon file: no delimiter hint"
expect 0 "$H" ingest --delimiter ';' "$T/semi.csv" && row A | grep -q ',2,0,0,0,101.5,100.75$' || die "--delimiter ';'"
printf 'region;timestamp;load_mw\nA;2020-01-01T00:00:00Z;100,5\n' > "$T/semi_comma.csv"
expect 1 "$H" ingest --delimiter ';' "$T/semi_comma.csv" && grep -q "semi_comma.csv:2: column 'load_mw': not a number: \"100,5\" (a decimal comma" "$T/err" ||
    die "decimal comma read as a thousands separator"
printf 'region|timestamp|load_mw\nA|2020-01-01T00:00:00Z|7\n' > "$T/pipe.csv"
expect 0 "$H" ingest --delimiter '|' "$T/pipe.csv" && row A | grep -q ',1,0,0,0,7,7$' || die "--delimiter '|'"
expect 2 "$H" ingest --delimiter ab "$T/pipe.csv"

# ---- EIA API v2 exports (electricity/rto region-data, fuel-type-data), CSV and JSON
cat > "$T/api.json" <<'JSON'
{"response": {"total": 6, "dateFormat": "YYYY-MM-DD\"T\"HH24", "frequency": "hourly",
 "data": [
  {"period": "2024-01-01T07", "respondent": "PJM", "respondent-name": "PJM Interconnection, LLC",
   "type": "D", "type-name": "Demand", "value": "90100", "value-units": "megawatthours"},
  {"period": "2024-01-01T06", "respondent": "PJM", "respondent-name": "PJM Interconnection, LLC",
   "type": "D", "type-name": "Demand", "value": 91000, "value-units": "megawatthours"},
  {"period": "2024-01-01T06", "respondent": "PJM", "respondent-name": "PJM Interconnection, LLC",
   "type": "NG", "type-name": "Net generation", "value": 95000, "value-units": "megawatthours"},
  {"period": "2024-01-01T06", "respondent": "PJM", "respondent-name": "PJM Interconnection, LLC",
   "type": "DF", "type-name": "Day-ahead demand forecast", "value": 90500, "value-units": "megawatthours"},
  {"period": "2024-01-01T06", "respondent": "PJM", "respondent-name": "PJM Interconnection, LLC",
   "type": "TI", "type-name": "Total interchange", "value": -4000, "value-units": "megawatthours"},
  {"period": "2024-01-01T06", "respondent": "ERCO", "respondent-name": "Electric Reliability Council of Texas, Inc.",
   "type": "D", "type-name": "Demand", "value": 40000.5, "value-units": "megawatthours"}
 ]}, "request": {"params": {"sort": [{"column": "period", "direction": "desc"}]}}, "apiVersion": "2.1.8"}
JSON
{
    echo 'period,respondent,respondent-name,type,type-name,value,value-units'
    echo '2024-01-01T07,PJM,"PJM Interconnection, LLC",D,Demand,90100,megawatthours'
    echo '2024-01-01T06,PJM,"PJM Interconnection, LLC",D,Demand,91000,megawatthours'
    echo '2024-01-01T06,PJM,"PJM Interconnection, LLC",NG,Net generation,95000,megawatthours'
    echo '2024-01-01T06,PJM,"PJM Interconnection, LLC",DF,Day-ahead demand forecast,90500,megawatthours'
    echo '2024-01-01T06,PJM,"PJM Interconnection, LLC",TI,Total interchange,-4000,megawatthours'
    echo '2024-01-01T06,ERCO,"Electric Reliability Council of Texas, Inc.",D,Demand,40000.5,megawatthours'
} > "$T/api.csv"
expect 0 "$H" ingest -o "$T/apij" "$T/api.json" && cp "$T/out" "$T/apij.sum"
expect 0 "$H" ingest -o "$T/apic" "$T/api.csv" && cp "$T/out" "$T/apic.sum"
cmp -s "$T/apij.sum" "$T/apic.sum" && cmp -s "$T/apij/PJM.csv" "$T/apic/PJM.csv" || die "EIA API: JSON and CSV differ"
# hour-ending UTC: period T06 is the hour from 05:00
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
             NR == 2 { exit !($2 == "2024-01-01T05:00:00Z" && $c["load_raw_mw"] == 91000 && $c["forecast_mw"] == 90500 &&
                               $c["gen_total_mw"] == 95000 && $c["interchange_mw"] == -4000) }' "$T/apic/PJM.csv" ||
    die "EIA API region-data columns: $(head -2 "$T/apic/PJM.csv" | tr '\n' ' ')"
{
    echo 'period,respondent,respondent-name,fueltype,type-name,value,value-units'
    echo '2024-08-01T06,CISO,California ISO,SUN,Solar,100,megawatthours'
    echo '2024-08-01T06,CISO,California ISO,SNB,Solar with integrated battery storage,20,megawatthours'
    echo '2024-08-01T06,CISO,California ISO,BAT,Battery storage,-5,megawatthours'
    echo '2024-08-01T06,CISO,California ISO,NG,Natural Gas,3000,megawatthours'
    echo '2024-08-01T06,CISO,California ISO,WAT,Hydro,400,megawatthours'
    echo '2024-08-01T06,CISO,California ISO,PS,Pumped storage,-30,megawatthours'
} > "$T/api_fuel.csv"
expect 0 "$H" ingest -o "$T/apif" "$T/api_fuel.csv" &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
             NR == 2 { exit !($c["gen_solar_mw"] == 120 && $c["gen_battery_mw"] == -5 && $c["gen_gas_mw"] == 3000 &&
                               $c["gen_hydro_mw"] == 370 && !("gen_solar_battery_mw" in c) && !("gen_pumped_storage_mw" in c)) }' \
        "$T/apif/CISO.csv" || die "EIA API fuel-type-data: $(head -2 "$T/apif/CISO.csv" | tr '\n' ' ')"
printf 'period,respondent,respondent-name,type,type-name,value,value-units\n2024-01-01T06,PJM,PJM,XX,What,1,megawatthours\n' > "$T/api_bad.csv"
expect 1 "$H" ingest "$T/api_bad.csv" && grep -q "api_bad.csv:2: column 'type': unknown region-data type 'XX'" "$T/err" ||
    die "EIA API: unknown type not refused"
