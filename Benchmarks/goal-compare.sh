#!/usr/bin/env bash
# goal-compare.sh — the performance goals, Tollgate against Debian's Prometheus in one run.
#
# Runs Benchmarks/scrape-compare.sh (read its header for what is measured and how) with
# the settings of one of the goal runs and prints every ratio with its goal:
#
#   Benchmarks/goal-compare.sh            # 30 minutes per server: CPU per sample (warm-up
#                                         # excluded and included), peak RSS per series, disk
#                                         # bytes written per sample, the data directory's size
#                                         # while running / at the end / after a stop, write
#                                         # amplification, restart time (about 65 minutes)
#   Benchmarks/goal-compare.sh --short    # the same for 300 s per server (about 12 minutes)
#   Benchmarks/goal-compare.sh --churn    # one hour per server, 10 % of the targets' series
#                                         # replaced every 10 minutes (about 2 h 10 min)
#   Benchmarks/goal-compare.sh --restart  # 100 targets × 10,000 series at 15 s (1M series),
#                                         # 180 s per server, then each restarted on its data:
#                                         # seconds until /-/ready (about 8 minutes)
#
# Every variable scrape-compare.sh reads may be set as well (TOLLGATE, PROMETHEUS, KEEP_TMP…);
# settings given in the environment win over the mode's.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:---long}
case "$mode" in
    --long)    : "${DURATION:=1800}" "${WARMUP:=60}" "${SAMPLE_EVERY:=15}" ;;
    --short)   : "${DURATION:=300}" "${WARMUP:=10}" "${SAMPLE_EVERY:=5}" ;;
    --churn)   : "${DURATION:=3600}" "${WARMUP:=60}" "${SAMPLE_EVERY:=30}" "${CHURN_EVERY:=600}" "${CHURN_PERCENT:=10}" ;;
    --restart) : "${DURATION:=180}" "${WARMUP:=30}" "${SAMPLE_EVERY:=10}" "${SERIES:=10000}" "${SCRAPE_INTERVAL:=15}" "${READY_TIMEOUT:=600}" ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "goal-compare: unknown mode $mode (try --help)" >&2; exit 2 ;;
esac
export DURATION WARMUP SAMPLE_EVERY RESTART=${RESTART:-1}
export CHURN_EVERY=${CHURN_EVERY:-0} CHURN_PERCENT=${CHURN_PERCENT:-10}
export SERIES=${SERIES:-2000} SCRAPE_INTERVAL=${SCRAPE_INTERVAL:-2} READY_TIMEOUT=${READY_TIMEOUT:-120}
echo "== goal-compare $mode: DURATION=$DURATION WARMUP=$WARMUP SERIES=$SERIES SCRAPE_INTERVAL=$SCRAPE_INTERVAL CHURN_EVERY=$CHURN_EVERY on $(nproc) cores, $(date -u +%FT%TZ)"
exec "$ROOT/Benchmarks/scrape-compare.sh"
