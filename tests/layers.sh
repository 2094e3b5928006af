#!/bin/sh
# layers.sh — the library's folders form layers: a file may include headers
# of its own folder and of folders in lower layers only, so a region's load
# walks from the command line down to the assessment in one direction.
#   util < time < ingest, stats < arima, assess < model < outlook < report < cli, mpi
set -eu
cd "$(dirname "$0")/.."
rank() {
    case $1 in
        util) echo 0 ;; time) echo 1 ;; ingest|stats) echo 2 ;;
        arima|assess) echo 3 ;; model) echo 4 ;; outlook) echo 5 ;; report) echo 6 ;;
        cli|mpi) echo 7 ;; *) echo "layers.sh: folder src/$1 has no layer" >&2; echo 99 ;;
    esac
}
bad=0
for f in src/*/*.c src/*/*.h; do
    dir=${f#src/}; dir=${dir%%/*}
    r=$(rank "$dir")
    [ "$r" = 99 ] && bad=1
    for inc in $(sed -n 's/^#include "\([a-z_]*\)\/[a-z_0-9]*\.h".*/\1/p' "$f" | sort -u); do
        [ "$inc" = "$dir" ] && continue
        ri=$(rank "$inc")
        if [ "$ri" -ge "$r" ]; then
            echo "layers.sh: $f (src/$dir) includes src/$inc/, which is not in a lower layer" >&2
            bad=1
        fi
    done
done
[ $bad = 0 ] && echo "layers.sh: every include points to the same folder or a lower layer"
exit $bad
