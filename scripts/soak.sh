#!/usr/bin/env bash
# Tollgate — soak test: `scripts/soak.sh DURATION_SECONDS [FAKE_TARGETS_PY]`.
#
# Runs `tollgate serve` for DURATION seconds on loopback against 100 synthetic targets
# (the fake_targets.py of the shared tools), with recording and alerting rules, a rollout
# guard, alerts firing and resolving on a schedule into a local webhook receiver, queries
# from a load generator, and one SIGKILL and restart part-way; then checks memory, request
# errors, notifications and samples (scripts/soak.py does the work; see docs/reliability.md).
#
# Environment:
#   SOAK_FAKE_TARGETS  the fake targets script (default: ../shared/tools/fake_targets.py,
#                      beside the project); when it is absent the soak says so and exits 0
#   TOLLGATE_BIN       the binary (default: .build/debug/tollgate when present, else
#                      .build/release/tollgate); SOAK_RELEASE=1 prefers the release one
#   SOAK_SERIES        series per target (default 200)
#   SOAK_KEEP          keep the working folder (logs, data) after the run
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-}"
if [[ -z "$duration" || ! "$duration" =~ ^[0-9]+$ || "$duration" -lt 30 || "$duration" -gt 86400 ]]; then
    echo "usage: scripts/soak.sh DURATION_SECONDS [FAKE_TARGETS_PY]   (30 to 86400 seconds)" >&2
    exit 2
fi
fake="${2:-${SOAK_FAKE_TARGETS:-$root/../shared/tools/fake_targets.py}}"
if [[ ! -f "$fake" ]]; then
    echo "soak: skipped: the synthetic targets script $fake is absent (set SOAK_FAKE_TARGETS or pass its path)"
    exit 0
fi

binary="${TOLLGATE_BIN:-}"
if [[ -z "$binary" ]]; then
    if [[ "${SOAK_RELEASE:-0}" == 1 && -x "$root/.build/release/tollgate" ]]; then
        binary="$root/.build/release/tollgate"
    elif [[ -x "$root/.build/debug/tollgate" ]]; then
        binary="$root/.build/debug/tollgate"
    elif [[ -x "$root/.build/release/tollgate" ]]; then
        binary="$root/.build/release/tollgate"
    else
        echo "soak: no tollgate binary: build first (swift build) or set TOLLGATE_BIN" >&2
        exit 2
    fi
fi

exec "${PYTHON:-python3}" "$root/scripts/soak.py" --duration "$duration" --binary "$binary" --fake-targets "$fake" \
    --series "${SOAK_SERIES:-200}" ${SOAK_KEEP:+--keep}
