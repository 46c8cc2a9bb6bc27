#!/usr/bin/env bash
# notifier-compare.sh — Tollgate's built-in notifier vs Debian's Alertmanager 0.25, one after
# the other on this machine: CPU per accepted alert and resident memory per active alert
# for 20,000 active alerts in 500 groups posted to /api/v2/alerts (see
# Benchmarks/notifier_compare.py for what is measured and its options).
#
#   Benchmarks/notifier-compare.sh                     # defaults: 5 rounds of 20,000 alerts
#   Benchmarks/notifier-compare.sh --rounds 10 --batch 64
#
# TOLLGATE (default .build/release/tollgate, built if missing) and ALERTMANAGER (default
# /usr/bin/prometheus-alertmanager, installed with scripts/apt-install.sh if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOLLGATE=${TOLLGATE:-$ROOT/.build/release/tollgate}
ALERTMANAGER=${ALERTMANAGER:-/usr/bin/prometheus-alertmanager}
if [[ ! -x $TOLLGATE ]]; then
    echo "== building Tollgate (release): swift build -c release --product tollgate"
    (cd "$ROOT" && swift build -c release --product tollgate)
fi
[[ -x $ALERTMANAGER ]] || "$ROOT/scripts/apt-install.sh" prometheus-alertmanager
exec python3 "$ROOT/Benchmarks/notifier_compare.py" "$TOLLGATE" "$ALERTMANAGER" "$@"
