#!/usr/bin/env bash
# Tollgate — benchmark: the web UI's overview page rendered with 100,000 series stored.
#
#   Benchmarks/ui-overview.sh [--binary PATH] [--series 100000] [--requests 50]
#
# Starts `tollgate serve` on a fresh data directory with its embedded default (it scrapes
# itself and evaluates ./rules when run from the repository), backfills SERIES series (one
# gauge sample each, now) through POST /api/v1/import/openmetrics, then fetches /ui/
# REQUESTS times one after another and prints the median, 90th percentile and maximum of
# curl's total time. Needs bash, python3 and curl.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binary="" series=100000 requests=50
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --series) series="$2"; shift 2 ;;
        --requests) requests="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$binary" ]; then
    for candidate in "$root/.build/release/tollgate" "$root/.build/debug/tollgate"; do
        [ -x "$candidate" ] && { binary="$candidate"; break; }
    done
fi
[ -x "${binary:-}" ] || { echo "no tollgate binary: swift build -c release, or pass --binary" >&2; exit 2; }

work="$(mktemp -d -t tollgate-ui-bench.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$root" && exec "$binary" serve --data-dir "$work/data" --web.listen-address "127.0.0.1:$port" --web.enable-admin-api \
    --web.max-import-size 512MB --log.level warning) 2>"$work/log" &
pid=$!
for _ in $(seq 100); do curl -fs "127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done

python3 - "$series" >"$work/series.om" <<'PY'
import sys, time
n, now = int(sys.argv[1]), time.time()
out = sys.stdout
for i in range(n):
    out.write(f'bench_gauge{{job="bench",instance="host-{i % 1000}:9100",shard="{i // 1000}",series="{i}"}} {i % 97} {now:.3f}\n')
out.write("# EOF\n")
PY
curl -fsS -XPOST --data-binary @"$work/series.om" "127.0.0.1:$port/api/v1/import/openmetrics" >/dev/null
curl -fsS "127.0.0.1:$port/ui/" >/dev/null    # warm
for _ in $(seq "$requests"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "127.0.0.1:$port/ui/"
done | sort -n | awk -v binary="$binary" -v series="$series" '
    { t[NR] = $1 * 1000 }
    END {
        stored = series
        printf "overview /ui/ with %d series stored (%s): median %.1f ms, p90 %.1f ms, max %.1f ms over %d requests\n",
            stored, binary, t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], t[NR], NR
    }'
curl -fsS "127.0.0.1:$port/ui/" | grep -o 'id="card-series".*</div></div>' | sed 's/<[^>]*>/ /g' | tr -s ' ' | head -c 200; echo
