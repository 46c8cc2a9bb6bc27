#!/usr/bin/env bash
# query-compare.sh — side-by-side PromQL range-query latency: Tollgate vs Debian's Prometheus.
#
# What it does
#   1. Writes OpenMetrics with timestamps holding the scrape benchmark's series
#      (../shared/tools/fake_targets.py: TARGETS targets × SERIES series, seed 42, labelled
#      job="fake", instance="127.0.0.1:<port>" as the scrape benchmark's config does), one
#      sample every INTERVAL seconds over the 65 minutes before END (Benchmarks/query_compare.py).
#   2. Backfills it into Prometheus (`promtool tsdb create-blocks-from openmetrics`) and into
#      Tollgate (`tollgate import openmetrics`, which seals and compacts), timing both.
#   3. Starts each server in turn on its data — never both at once — and asks it each query
#      below as a range query over the last hour at a 15 s step (241 steps): one warm-up, then
#      RUNS timed requests, each the whole HTTP exchange (GET, answer read to the end).
#   4. Prints, per query, the answer's size, the median and minimum latency per server, the
#      ratio Tollgate / Prometheus of the medians, and whether the two answers agree
#      (same series, values within a relative 1e-5).
#
#   Queries:
#     sum by (job) (rate(http_requests_total[5m]))
#     histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
#     http_requests_total{path=~"/api/v1/(users|orders)",status=~"5.."}
#
# How to run (from the repo root):
#   Benchmarks/query-compare.sh                           # 100 × 2,000 series, a sample a minute
#   TARGETS=25 INTERVAL=15 Benchmarks/query-compare.sh    # a quarter of the series at the scrape rate
#   RUNS=3 TARGETS=10 Benchmarks/query-compare.sh         # a quick look
#
# Environment:
#   TARGETS, SERIES   targets and series per target, default 100 and 2000 (the scrape benchmark's)
#   INTERVAL          seconds between samples, default 60 (13.2 M samples, a run takes ~4 minutes
#                     here); at 15 s the full size is 52.2 M samples, 6.4 GB of text, ~9 minutes
#   RUNS              timed requests per query per server, default 7
#   SERVERS           which servers, in order, default "tollgate prometheus"
#   TOLLGATE          binary, default .build-bench/release/tollgate; if that default is missing the
#                     script runs `swift build -c release --product tollgate --scratch-path .build-bench`
#   PROMETHEUS, PROMTOOL  default `prometheus` and `promtool` on PATH (Debian 2.42); if missing they
#                     are installed with scripts/apt-install.sh prometheus
#   BASE_PORT         where the search for a free port starts, default 29400
#   KEEP_TMP=1        keep the temp dir (data, logs, answers) for inspection
#
# The machine has 2 cores: run nothing else heavy meanwhile; the script prints the load average
# before each server's run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER="$ROOT/Benchmarks/query_compare.py"
PORTS="$ROOT/Benchmarks/scrape_compare.py"   # free-ports, wait-ready
FAKE_TARGETS=${FAKE_TARGETS:-$ROOT/../shared/tools/fake_targets.py}
DEFAULT_TOLLGATE="$ROOT/.build-bench/release/tollgate"

TARGETS=${TARGETS:-100}
SERIES=${SERIES:-2000}
INTERVAL=${INTERVAL:-60}
RUNS=${RUNS:-7}
SERVERS=${SERVERS:-tollgate prometheus}
TOLLGATE=${TOLLGATE:-$DEFAULT_TOLLGATE}
PROMETHEUS=${PROMETHEUS:-prometheus}
PROMTOOL=${PROMTOOL:-promtool}
BASE_PORT=${BASE_PORT:-29400}
KEEP_TMP=${KEEP_TMP:-0}
SPAN=3900             # seconds of data: the hour asked plus the 5m rate window, plus 5 m
RANGE=3600            # the range queries' span
STEP=15
READY_TIMEOUT=120     # seconds a server gets to answer /-/ready (Tollgate opens a large store)
QUERIES=(
    'sum by (job) (rate(http_requests_total[5m]))'
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'
    'http_requests_total{path=~"/api/v1/(users|orders)",status=~"5.."}'
)

die() { echo "query-compare: error: $*" >&2; exit 1; }
say() { echo "== $*"; }

case "${1:-}" in
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) die "unknown argument: $1 (try --help)" ;;
esac
for v in TARGETS SERIES INTERVAL RUNS BASE_PORT; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive whole number, got '${!v}'"
done
for s in $SERVERS; do
    [[ $s == tollgate || $s == prometheus ]] || die "unknown server '$s' (tollgate or prometheus)"
done
command -v python3 >/dev/null || die "python3 is required"
[[ -f $FAKE_TARGETS ]] || die "fake_targets.py not found at $FAKE_TARGETS (../shared relative to the repo)"

# ---------------------------------------------------------------- binaries
if [[ ! -x $TOLLGATE ]]; then
    [[ $TOLLGATE == "$DEFAULT_TOLLGATE" ]] || die "TOLLGATE=$TOLLGATE is not executable"
    say "building Tollgate (release): swift build -c release --product tollgate --scratch-path .build-bench"
    (cd "$ROOT" && swift build -c release --product tollgate --scratch-path .build-bench) || die "Tollgate build failed"
fi
if ! command -v "$PROMETHEUS" >/dev/null || ! command -v "$PROMTOOL" >/dev/null; then
    say "installing Debian's prometheus (and promtool)"
    "$ROOT/scripts/apt-install.sh" prometheus || die "could not install prometheus"
fi
command -v "$PROMETHEUS" >/dev/null || die "$PROMETHEUS not found"
command -v "$PROMTOOL" >/dev/null || die "$PROMTOOL not found"
if pgrep -x prometheus >/dev/null 2>&1; then
    echo "query-compare: warning: another prometheus process is running; it will disturb the figures" >&2
fi

# ---------------------------------------------------------------- cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/query-compare.XXXXXX")
SERVER_PID=""
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ $KEEP_TMP == 1 ]]; then echo "query-compare: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- data
# The data ends 10 minutes before a 2-hour boundary, so promtool writes one block.
NOW=$(date +%s)
END=$(( NOW / 7200 * 7200 - 600 ))
say "generating $TARGETS targets × $SERIES series, one sample every ${INTERVAL}s over ${SPAN}s"
t=$EPOCHREALTIME
read -r NSERIES NSAMPLES NBYTES < <(python3 "$HELPER" generate "$TMP/data.om" "$TARGETS" "$SERIES" "$INTERVAL" "$SPAN" "$END" "$FAKE_TARGETS")
say "  $NSERIES series, $NSAMPLES samples, $(( NBYTES / 1000000 )) MB of OpenMetrics in $(elapsed "$t") s"

say "backfilling Prometheus: promtool tsdb create-blocks-from openmetrics"
t=$EPOCHREALTIME
"$PROMTOOL" tsdb create-blocks-from openmetrics "$TMP/data.om" "$TMP/data-prometheus" >"$TMP/promtool.log" 2>&1 ||
    { tail -n 20 "$TMP/promtool.log" >&2; die "promtool failed"; }
PROM_LOAD=$(elapsed "$t")
say "  $PROM_LOAD s, $(du -sm "$TMP/data-prometheus" | cut -f1) MB"

say "backfilling Tollgate: tollgate import openmetrics"
t=$EPOCHREALTIME
"$TOLLGATE" import openmetrics "$TMP/data.om" --data-dir "$TMP/data-tollgate" >"$TMP/import.log" 2>&1 ||
    { tail -n 20 "$TMP/import.log" >&2; die "tollgate import failed"; }
TG_LOAD=$(elapsed "$t")
say "  $TG_LOAD s, $(du -sm "$TMP/data-tollgate" | cut -f1) MB"
[[ $KEEP_TMP == 1 ]] || rm -f "$TMP/data.om"

# ---------------------------------------------------------------- queries
printf 'global: {}\nscrape_configs: []\n' >"$TMP/config.yml"
QSTART=$(( END - RANGE ))
: >"$TMP/results.jsonl"
for name in $SERVERS; do
    port=$(python3 "$PORTS" free-ports 1 "$BASE_PORT") || die "no free port"
    case "$name" in
        tollgate) cmd=("$TOLLGATE" serve --config "$TMP/config.yml" --data-dir "$TMP/data-tollgate"
                       --web.listen-address "127.0.0.1:$port" --storage.retention.time 0 --log.level warning) ;;
        prometheus) cmd=("$PROMETHEUS" --config.file "$TMP/config.yml" --storage.tsdb.path "$TMP/data-prometheus"
                         --storage.tsdb.retention.time 100y --web.listen-address "127.0.0.1:$port") ;;
    esac
    say "$name: starting on 127.0.0.1:$port (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    "${cmd[@]}" >"$TMP/$name.log" 2>&1 &
    SERVER_PID=$!
    python3 "$PORTS" wait-ready "http://127.0.0.1:$port/-/ready" "$SERVER_PID" "$READY_TIMEOUT" ||
        { tail -n 20 "$TMP/$name.log" >&2; die "$name did not become ready: ${cmd[*]}"; }
    for q in "${QUERIES[@]}"; do
        say "  $name: $q"
        python3 "$HELPER" bench "$name" "http://127.0.0.1:$port" "$q" "$QSTART" "$END" "$STEP" "$RUNS" "$TMP/results.jsonl" ||
            { tail -n 20 "$TMP/$name.log" >&2; die "$name failed on $q"; }
    done
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
done

echo
echo "Query benchmark: $NSERIES series ($TARGETS targets × $SERIES, fake_targets), a sample every ${INTERVAL}s,"
echo "$NSAMPLES samples; range queries over ${RANGE}s at a ${STEP}s step; median of $RUNS after one warm-up."
echo "Backfill: promtool ${PROM_LOAD} s, tollgate import ${TG_LOAD} s."
echo "  tollgate:   $TOLLGATE ($("$TOLLGATE" --version 2>/dev/null | head -n 1 || true))"
echo "  prometheus: $(command -v "$PROMETHEUS") ($("$PROMETHEUS" --version 2>&1 | head -n 1 || true))"
echo
python3 "$HELPER" report "$TMP/results.jsonl"
