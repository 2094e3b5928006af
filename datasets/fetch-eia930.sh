#!/bin/sh
# fetch-eia930.sh — download EIA-930 BALANCE six-month files.
#
#   sh datasets/fetch-eia930.sh [-n] FROM TO [DIR]
#
# FROM and TO are half-years written YYYYH1 or YYYYH2 (inclusive), e.g.
# `2023H1 2024H2`. Files go to DIR (default datasets/eia930) as
# EIA930_BALANCE_<YYYY>_<Jan_Jun|Jul_Dec>.csv; files already present are
# skipped. Each download goes to NAME.part and is renamed when complete, so
# an interrupted run leaves no half file under the final name. An HTTP error
# stops the script with the URL and the status (exit 1). -n prints the URLs
# (one per line) and downloads nothing. Usage errors exit 2.
# Never run by the tests (they have no internet); see datasets/README.md.
set -eu

BASE=https://www.eia.gov/electricity/gridmonitor/sixMonthFiles
prog=fetch-eia930.sh

usage() {
    echo "usage: $prog [-n] FROM TO [DIR]   (FROM, TO: YYYYH1 or YYYYH2; DIR default datasets/eia930)" >&2
    exit 2
}

dry=0
while [ $# -gt 0 ]; do
    case $1 in
        -n) dry=1; shift ;;
        -h|--help)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
            exit 0 ;;
        --) shift; break ;;
        -*) echo "$prog: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
from=$1 to=$2 dir=${3:-datasets/eia930}

# half-year "YYYYHn" -> index 2*YYYY + n - 1 (checked)
half_index() {
    case $1 in
        [12][0-9][0-9][0-9][Hh][12]) ;;
        *) echo "$prog: bad half-year '$1' (want YYYYH1 or YYYYH2)" >&2; exit 2 ;;
    esac
    y=${1%??}
    n=${1#????}; n=${n#?}
    echo $((2 * y + n - 1))
}
i=$(half_index "$from")
j=$(half_index "$to")
if [ "$i" -gt "$j" ]; then
    echo "$prog: FROM ($from) is after TO ($to)" >&2
    exit 2
fi
# EIA-930 starts in July 2015.
if [ "$i" -lt $((2 * 2015 + 1)) ]; then
    echo "$prog: EIA-930 begins with 2015H2; $from is earlier" >&2
    exit 2
fi

if [ "$dry" = 0 ]; then
    if command -v curl >/dev/null 2>&1; then
        tool=curl
    elif command -v wget >/dev/null 2>&1; then
        tool=wget
    else
        echo "$prog: neither curl nor wget is installed" >&2
        exit 1
    fi
    mkdir -p "$dir"
fi

# fetch URL OUT: download to OUT (via OUT.part); 0 on success, else message + 1.
fetch() {
    url=$1 out=$2 part=$2.part
    rm -f "$part"
    if [ "$tool" = curl ]; then
        code=$(curl -sS -L --retry 3 --connect-timeout 30 -o "$part" -w '%{http_code}' "$url") || {
            rm -f "$part"
            echo "$prog: download failed: $url (curl error, HTTP ${code:-none})" >&2
            return 1
        }
        case $code in
            2??) ;;
            *) rm -f "$part"
               echo "$prog: HTTP $code for $url" >&2
               return 1 ;;
        esac
    else
        # wget exits 8 on a server error response; -S prints the status line.
        if ! wget -q -S -O "$part" "$url" 2>"$part.log"; then
            code=$(sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$part.log" | tail -n 1)
            rm -f "$part" "$part.log"
            echo "$prog: HTTP ${code:-error} for $url" >&2
            return 1
        fi
        rm -f "$part.log"
    fi
    # EIA answers some missing files with an HTML page and status 200.
    if head -c 512 "$part" | grep -qi '<html'; then
        rm -f "$part"
        echo "$prog: got an HTML page, not CSV, for $url" >&2
        return 1
    fi
    mv -f "$part" "$out"
}

k=$i
got=0 skipped=0
while [ "$k" -le "$j" ]; do
    y=$((k / 2))
    if [ $((k % 2)) -eq 0 ]; then h=Jan_Jun; else h=Jul_Dec; fi
    name=EIA930_BALANCE_${y}_${h}.csv
    url=$BASE/$name
    if [ "$dry" = 1 ]; then
        echo "$url"
    elif [ -s "$dir/$name" ]; then
        echo "$prog: $dir/$name present, skipped" >&2
        skipped=$((skipped + 1))
    else
        echo "$prog: $url -> $dir/$name" >&2
        fetch "$url" "$dir/$name" || exit 1
        got=$((got + 1))
    fi
    k=$((k + 1))
done
[ "$dry" = 1 ] || echo "$prog: $got downloaded, $skipped already present, in $dir" >&2
