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

# ---- several series for the same hours: the column that tells them apart,
# not an on-duplicate rule that would average them
{
    echo 'datetime_beginning_utc,datetime_beginning_ept,nerc_region,mkt_region,zone,load_area,mw,is_verified'
    for h in 5 6 7; do
        e=$((h - 5))
        echo "1/1/2023 $h:00:00 AM,1/1/2023 $e:00:00 AM,RFC,MIDATL,AE,AECO,$((1000 + h)),True"
        echo "1/1/2023 $h:00:00 AM,1/1/2023 $e:00:00 AM,RFC,MIDATL,AE,VMEU,$((50 + h)),True"
        echo "1/1/2023 $h:00:00 AM,1/1/2023 $e:00:00 AM,RFC,WEST,AEP,AEPAPT,$((9000 + h)),True"
    done
} > "$T/hrl_load_metered.csv"
expect 0 "$H" ingest -o "$T/hrl" "$T/hrl_load_metered.csv" &&
    row AECO | grep -q '^AECO,2023-01-01T05:00:00Z,2023-01-01T07:00:00Z,3,0,0,0,1007,1006$' &&
    row VMEU | grep -q '^VMEU,2023-01-01T05:00:00Z,2023-01-01T07:00:00Z,3,' &&
    row AEPAPT | grep -q ',9007,9006$' || die "hrl_load_metered: one region per load_area: $(cat "$T/out")"
# the same file read as a plain series: the duplicate names load_area
expect 1 "$H" ingest --time-col datetime_beginning_utc --value-col mw "$T/hrl_load_metered.csv" &&
    grep -q "hrl_load_metered.csv:3: duplicate hour 2023-01-01T05:00:00Z for region hrl_load_metered: rows 2 and 3 differ in column 'load_area' (several series in one file: use --region-col load_area)" "$T/err" ||
    die "duplicate hint: $(cat "$T/err")"
grep -q -- "--on-duplicate" "$T/err" && die "duplicate of different series suggests --on-duplicate"
expect 0 "$H" ingest --format series --time-col datetime_beginning_utc --value-col mw --region-col load_area \
    "$T/hrl_load_metered.csv" && [ "$(tail -n +2 "$T/out" | wc -l)" -eq 3 ] && row VMEU | grep -q ',57,56$' ||
    die "--format series --region-col"
printf 'region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1\nA,2020-01-01T00:00:00Z,2\n' > "$T/repeat.csv"
expect 1 "$H" ingest "$T/repeat.csv" && grep -q "repeat.csv:3: duplicate hour .*row 3 repeats row 2 (not a DST repeat; use --on-duplicate mean, first or last)" "$T/err" ||
    die "true repeat: $(cat "$T/err")"
expect 1 "$H" ingest --region-col nope "$T/repeat.csv" && grep -q "column 'nope' (--region-col): not in the header" "$T/err" ||
    die "--region-col of a missing column"

# ---- ISO 8601 basic timestamps (the 2019 cleaned EIA-930 release)
{
    echo 'date_time,raw demand (MW),category,cleaned demand (MW)'
    echo '20150702T01Z,100,OKAY,100'
    echo '20150702T02Z,101,OKAY,101'
    echo '20150702T0300Z,102,OKAY,102'
    echo '20150702T040000Z,103,OKAY,103'
} > "$T/BASIC.csv"
expect 0 "$H" ingest "$T/BASIC.csv" && row BASIC | grep -q '^BASIC,2015-07-02T00:00:00Z,2015-07-02T03:00:00Z,4,0,' ||
    die "ISO 8601 basic: $(cat "$T/out" "$T/err")"
printf 'region,timestamp,load_mw\nA,20150702T01+0100,5\n' > "$T/basic_off.csv"
expect 0 "$H" ingest "$T/basic_off.csv" && row A | grep -q '^A,2015-07-02T00:00:00Z,' || die "ISO 8601 basic with offset"

# ---- day-first dates for every separator (a re-saved PJM hourly file), refused when ambiguous
{
    echo 'Datetime,PJME_MW'
    echo '31-12-2002 01:00,26498'
    echo '31-12-2002 02:00,25147'
    echo '01-01-2003 01:00,30000'
} > "$T/PJME_resaved.csv"
# hour-ending US Eastern: 31-12-2002 01:00 ends the hour from 05:00 UTC
expect 0 "$H" ingest --no-screen -o "$T/pjme" "$T/PJME_resaved.csv" &&
    row PJME | grep -q '^PJME,2002-12-31T05:00:00Z,2003-01-01T05:00:00Z,25,22,' &&
    grep -q '^PJME,2003-01-01T05:00:00Z,30000,' "$T/pjme/PJME.csv" ||
    die "day-first with '-': $(cat "$T/out" "$T/err")"
printf 'region,timestamp,load_mw\nA,13.01.2020 01:00,1\nA,02.01.2020 01:00,2\n' > "$T/dots.csv"
expect 0 "$H" ingest -o "$T/dots" "$T/dots.csv" && grep -q '^A,2020-01-02T01:00:00Z,2,' "$T/dots/A.csv" ||
    die "day-first with '.'"
printf 'region,timestamp,load_mw\nA,03-04-2020 01:00,1\nA,05-04-2020 01:00,2\n' > "$T/ambig.csv"
expect 1 "$H" ingest "$T/ambig.csv" && grep -q "ambig.csv:2: column 'timestamp': ambiguous date \"03-04-2020 01:00\"" "$T/err" ||
    die "ambiguous day-first: $(cat "$T/err")"
printf 'region,timestamp,load_mw\nA,13-01-2020 01:00,1\nA,01-13-2020 01:00,2\n' > "$T/both.csv"
expect 1 "$H" ingest "$T/both.csv" && grep -q "both orders" "$T/err" || die "dates of both orders"
# '/' dates: a user's file that nothing decides is refused; a publisher's format is month-first
printf 'region,timestamp,load_mw\nA,1/2/2020 01:00,1\nA,1/3/2020 01:00,2\n' > "$T/slash_ambig.csv"
expect 1 "$H" ingest "$T/slash_ambig.csv" && grep -q 'ambiguous date "1/2/2020 01:00"' "$T/err" || die "ambiguous '/' dates read"
printf 'region,timestamp,load_mw\nA,2/1/2020 01:00,1\nA,13/1/2020 01:00,2\n' > "$T/slash_dayfirst.csv"
expect 0 "$H" ingest --no-screen -o "$T/sdf" "$T/slash_dayfirst.csv" && grep -q '^A,2020-01-02T01:00:00Z,1,' "$T/sdf/A.csv" ||
    die "day-first '/' dates"
printf 'Hour Ending,COAST,ERCOT\n1/2/2020 01:00,1,2\n1/3/2020 01:00,1,2\n' > "$T/ercot_mdy.csv"
expect 0 "$H" ingest "$T/ercot_mdy.csv" && row ERCOT | grep -q '^ERCOT,2020-01-02T06:00:00Z,2020-01-03T06:00:00Z,' ||
    die "ERCOT '/' dates month-first: $(cat "$T/out")"
printf 'region,timestamp,load_mw\nA,yesterday,1\n' > "$T/badts.csv"
expect 1 "$H" ingest "$T/badts.csv" && grep -q "not a valid timestamp: \"yesterday\" (accepted: 2024-01-31 13:00" "$T/err" &&
    grep -q "20240131T13" "$T/err" || die "timestamp error does not list the accepted forms"

# ---- no fixed column limit (a 754-column EIA wide file, one column used)
awk 'BEGIN { OFS = ","; printf "period"; for (i = 1; i <= 753; i++) printf ",R%d Demand (MW)", i; print "";
             for (h = 0; h < 3; h++) { printf "2020-01-01T%02d:00:00Z", h; for (i = 1; i <= 753; i++) printf ",%d", i * 10 + h; print "" } }' \
    > "$T/wide.csv"
expect 0 "$H" ingest --time-col period --value-col 'R700 Demand (MW)' "$T/wide.csv" &&
    row wide | grep -q '^wide,2020-01-01T00:00:00Z,2020-01-01T02:00:00Z,3,0,0,0,7002,7001$' || die "754 columns: $(cat "$T/err")"

# ---- EIA-930 INTERCHANGE named; SUBREGION read as BA-SUBREGION; --demand
printf '%s\n' 'Balancing Authority,Data Date,Hour Number,Directly Interconnected Balancing Authority,Interchange (MW),Local Time at End of Hour,UTC Time at End of Hour,Region,DIBA_Region' \
    'PJM,01/01/2024,1,MISO,"1,200",01/01/2024 1:00:00 AM,01/01/2024 6:00:00 AM,MIDA,MIDW' > "$T/EIA930_INTERCHANGE_2024_Jan_Jun.csv"
expect 1 "$H" ingest "$T/EIA930_INTERCHANGE_2024_Jan_Jun.csv" &&
    grep -q "EIA930_INTERCHANGE_2024_Jan_Jun.csv:1: column 'Balancing Authority': an EIA-930 INTERCHANGE file" "$T/err" ||
    die "INTERCHANGE not named: $(cat "$T/err")"
{
    echo 'Balancing Authority,Data Date,Hour Number,Sub-Region,Local Time at End of Hour,UTC Time at End of Hour,Demand (MW)'
    echo 'PJM,01/01/2024,1,DOM,01/01/2024 1:00:00 AM,01/01/2024 6:00:00 AM,"12,000"'
    echo 'PJM,01/01/2024,2,DOM,01/01/2024 2:00:00 AM,01/01/2024 7:00:00 AM,"11,500"'
    echo 'PJM,01/01/2024,1,AE,01/01/2024 1:00:00 AM,01/01/2024 6:00:00 AM,"1,100"'
    echo 'ERCO,01/01/2024,1,COAS,01/01/2024 12:00:00 AM,01/01/2024 6:00:00 AM,"9,000"'
} > "$T/EIA930_SUBREGION_2024_Jan_Jun.csv"
expect 0 "$H" ingest "$T/EIA930_SUBREGION_2024_Jan_Jun.csv" &&
    row PJM-DOM | grep -q '^PJM-DOM,2024-01-01T05:00:00Z,2024-01-01T06:00:00Z,2,0,0,0,12000,11750$' &&
    row PJM-AE | grep -q ',1100,1100$' && row ERCO-COAS | grep -q ',9000,9000$' ||
    die "SUBREGION: $(cat "$T/out" "$T/err")"
balance_header='Balancing Authority,Data Date,Hour Number,Local Time at End of Hour,UTC Time at End of Hour,Demand Forecast (MW),Demand (MW),Net Generation (MW),Total Interchange (MW),Sum(Valid DIBAs) (MW),Demand (MW) (Imputed),Net Generation (MW) (Imputed),Total Interchange (MW) (Imputed),Demand (MW) (Adjusted),Net Generation (MW) (Adjusted),Total Interchange (MW) (Adjusted)'
{
    echo "$balance_header,Net Generation (MW) from Coal,Net Generation (MW) from Natural Gas,Net Generation (MW) from Nuclear,Net Generation (MW) from All Petroleum Products,Net Generation (MW) from Hydropower and Pumped Storage,Net Generation (MW) from Solar,Net Generation (MW) from Wind,Net Generation (MW) from Other Fuel Sources,Net Generation (MW) from Unknown Fuel Sources,Region"
    echo 'CISO,06/30/2024,24,06/30/2024 12:00:00 AM,07/01/2024 7:00:00 AM,"20,000","21,000","18,000","-3,000",,"21,000",,,"20,900",,,0,"5,000",,,"1,000",100,"2,000",10,,CAL'
} > "$T/EIA930_BALANCE_2024_Jan_Jun.csv"
{
    echo "$balance_header,Net Generation (MW) from Coal,Net Generation (MW) from Natural Gas,Net Generation (MW) from Nuclear,Net Generation (MW) from All Petroleum Products,Net Generation (MW) from Hydropower Excluding Pumped Storage,Net Generation (MW) from Pumped Storage,Net Generation (MW) from Solar without Integrated Battery Storage,Net Generation (MW) from Solar with Integrated Battery Storage,Net Generation (MW) from Wind without Integrated Battery Storage,Net Generation (MW) from Wind with Integrated Battery Storage,Net Generation (MW) from Battery Storage,Net Generation (MW) from Other Energy Storage,Net Generation (MW) from Unknown Energy Storage,Net Generation (MW) from Geothermal,Net Generation (MW) from Other Fuel Sources,Net Generation (MW) from Unknown Fuel Sources,Region"
    echo 'CISO,07/01/2024,1,07/01/2024 1:00:00 AM,07/01/2024 8:00:00 AM,"20,100","21,100","18,100","-3,000",,"21,050",,,"21,000",,,0,"5,000",,,990,-40,80,30,"1,900",20,-50,,,700,10,,CAL'
} > "$T/EIA930_BALANCE_2024_Jul_Dec.csv"
expect 0 "$H" ingest -o "$T/bal" "$T/EIA930_BALANCE_2024_Jan_Jun.csv" "$T/EIA930_BALANCE_2024_Jul_Dec.csv" &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
             { s[NR] = $c["gen_solar_mw"]; w[NR] = $c["gen_wind_mw"]; h[NR] = $c["gen_hydro_mw"]; b[NR] = $c["gen_battery_mw"] }
             END { exit !(s[2] == 100 && s[3] == 110 && w[2] == 2000 && w[3] == 1920 && h[2] == 1000 && h[3] == 950 &&
                          b[3] == -50 && !("gen_solar_battery_mw" in c) && !("gen_pumped_storage_mw" in c) &&
                          !("gen_wind_battery_mw" in c)) }' "$T/bal/CISO.csv" ||
    die "July 2024 fuel columns: $(cat "$T/bal/CISO.csv" "$T/err")"
expect 0 "$H" ingest --demand adjusted -o "$T/bala" "$T/EIA930_BALANCE_2024_Jan_Jun.csv" &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
             { exit !($c["load_raw_mw"] == 20900 && $c["load_reported_mw"] == 21000) }' "$T/bala/CISO.csv" ||
    die "--demand adjusted: $(cat "$T/bala/CISO.csv")"
expect 0 "$H" ingest --demand imputed -o "$T/bali" "$T/EIA930_BALANCE_2024_Jul_Dec.csv" &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { exit !($c["load_raw_mw"] == 21050) }' "$T/bali/CISO.csv" ||
    die "--demand imputed"
expect 1 "$H" ingest --demand adjusted "$T/EIA930_SUBREGION_2024_Jan_Jun.csv" &&
    grep -q "no 'Demand (MW) (Adjusted)' column (--demand)" "$T/err" || die "--demand adjusted on SUBREGION: $(cat "$T/err")"
expect 1 "$H" ingest --demand adjusted "$T/repeat.csv" && grep -q "\-\-demand applies to EIA-930 BALANCE files only" "$T/err" ||
    die "--demand on another format: $(cat "$T/err")"
expect 2 "$H" ingest --demand cleaned "$T/repeat.csv"

# ---- generation-only input: the generation hours are summarised
printf 'datetime_beginning_utc,datetime_beginning_ept,fuel_type,mw,fuel_percentage_of_total,is_renewable\n' > "$T/gen_by_fuel.csv"
for h in 8 7 6 5; do
    printf '1/1/2021 %d:00:00 AM,1/1/2021 %d:00:00 AM,Gas,%d,0.5,False\n1/1/2021 %d:00:00 AM,1/1/2021 %d:00:00 AM,Wind,%d,0.1,True\n' \
        $h $((h - 5)) $((30000 + h)) $h $((h - 5)) $((2000 + h))
done >> "$T/gen_by_fuel.csv"
expect 0 "$H" ingest "$T/gen_by_fuel.csv" && row PJM | grep -q '^PJM,2021-01-01T05:00:00Z,2021-01-01T08:00:00Z,4,0,0,0,32016,32013$' &&
    grep -q "region 'PJM' has generation and no load" "$T/err" || die "generation-only summary: $(cat "$T/out")"
grep -q nan "$T/out" && die "generation-only summary prints nan"

# ---- statsforecast ds,y
printf 'ds,y\n2020-01-01 00:00:00,5\n2020-01-01 01:00:00,6\n' > "$T/dsy.csv"
expect 0 "$H" ingest "$T/dsy.csv" && row dsy | grep -q '^dsy,2020-01-01T00:00:00Z,2020-01-01T01:00:00Z,2,0,0,0,6,5.5$' || die "ds,y"

# ---- sub-hourly (gridstatus 5-minute export): hourly means, coverage, interval end
awk 'BEGIN { print "Time,Interval Start,Interval End,Load"
             for (i = 0; i < 36; i++) { if (i == 30) continue; m = 5 * i; e = m + 5
               printf "2023-01-01 %02d:%02d:00-06:00,2023-01-01 %02d:%02d:00-06:00,2023-01-01 %02d:%02d:00-06:00,%d\n",
                      int(m / 60), m % 60, int(m / 60), m % 60, int(e / 60), e % 60, 100 + i } }' > "$T/gs_load.csv"
expect 0 "$H" ingest -o "$T/gs" "$T/gs_load.csv" && [ "$(grep -c OKAY "$T/gs/gs_load.csv")" -eq 2 ] &&
    grep -q '^gs_load,2023-01-01T06:00:00Z,105.5,105.5,' "$T/gs/gs_load.csv" &&
    grep -q '^gs_load,2023-01-01T07:00:00Z,117.5,117.5,' "$T/gs/gs_load.csv" || die "5-minute to hourly: $(cat "$T/gs/gs_load.csv")"
# the hour missing one interval has a value only with --min-coverage (11 of 12)
expect 0 "$H" ingest -o "$T/gs2" --min-coverage 0.9 "$T/gs_load.csv" &&
    awk -F, '$2 == "2023-01-01T08:00:00Z" { exit !($4 > 129.4545 && $4 < 129.4546) } END { }' "$T/gs2/gs_load.csv" &&
    grep -q '2023-01-01T08:00:00Z' "$T/gs2/gs_load.csv" || die "--min-coverage"
# stamped at the interval end: one interval earlier
awk -F, 'NR == 1 { print "timestamp,load_mw"; next } { print $3 "," $4 }' "$T/gs_load.csv" > "$T/end.csv"
expect 0 "$H" ingest -o "$T/ie" --time-col timestamp --value-col load_mw --interval-end "$T/end.csv" &&
    grep -q '^end,2023-01-01T06:00:00Z,105.5,' "$T/ie/end.csv" || die "--interval-end: $(head -3 "$T/ie/end.csv")"
expect 2 "$H" ingest --min-coverage 0 "$T/end.csv"
printf 'region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1\nA,2020-01-01T00:07:00Z,2\nA,2020-01-01T00:14:00Z,3\n' > "$T/odd.csv"
expect 1 "$H" ingest "$T/odd.csv" && grep -q "odd.csv:3: time is not on the hour, and the times of region A are not in intervals that divide the hour" "$T/err" ||
    die "7-minute intervals not refused: $(cat "$T/err")"
printf 'region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1\nA,2020-01-01T00:15:00Z,2\nA,2020-01-01T00:15:00Z,3\n' > "$T/dupint.csv"
expect 1 "$H" ingest "$T/dupint.csv" && grep -q "dupint.csv:4: duplicate interval 2020-01-01T00:15:00Z" "$T/err" ||
    die "duplicate interval: $(cat "$T/err")"

# ---- gridstatus.io snake_case fuel mix; UTF-16 text named
printf 'interval_start_local,interval_start_utc,interval_end_local,interval_end_utc,coal,natural_gas,solar\n' > "$T/gsio_fuel.csv"
printf '2023-01-01T00:00:00-06:00,2023-01-01T06:00:00+00:00,2023-01-01T01:00:00-06:00,2023-01-01T07:00:00+00:00,5,10,0\n' >> "$T/gsio_fuel.csv"
expect 0 "$H" ingest -o "$T/gsio" "$T/gsio_fuel.csv" &&
    head -1 "$T/gsio/gsio_fuel.csv" | grep -q '^region,timestamp,load_mw,load_raw_mw,flag,gen_coal_mw,gen_gas_mw,gen_solar_mw$' &&
    grep -q '^gsio_fuel,2023-01-01T06:00:00Z,,,,5,10,0$' "$T/gsio/gsio_fuel.csv" || die "gridstatus.io fuel mix: $(cat "$T/gsio/gsio_fuel.csv")"
printf '\377\376r\000e\000' > "$T/u16.csv"
expect 1 "$H" ingest "$T/u16.csv" && grep -q "u16.csv:1: a UTF-16 text file" "$T/err" || die "UTF-16 not named"
