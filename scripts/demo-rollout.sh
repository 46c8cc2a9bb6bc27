#!/usr/bin/env bash
# Tollgate — demo: a canary rollout of a small service, blue → green, 10 % → 50 % → 100 %,
# gated at each stage by `tollgate gate`, rolled back automatically when green misbehaves.
#
#   scripts/demo-rollout.sh [--scenario healthy|failing|both] [--watch "5s 10s 15s"]
#                           [--inject-errors-at 50] [--binary PATH] [--keep]
#
# It starts Tollgate (the built binary: .build/debug/tollgate, else .build/release/tollgate,
# or --binary), two versions of a service exposing Prometheus metrics (scripts/demo/service.py:
# blue, the running version, and green, the new one) and a webhook receiver, then runs the
# pipeline below once per scenario: `healthy` ends promoted; `failing` injects errors into
# green when it reaches --inject-errors-at percent, sees the no-go, moves the traffic back to
# blue, marks the rollout rolled back and prints the time from injection to rollback (RTO).
# The watch windows are the users' 5 / 10 / 15 minutes scaled down to seconds (--watch).
# Needs bash, python3 and curl. Exit status: 0 when every scenario ended as expected.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scenario=both watch="5s 10s 15s" inject=50 binary="" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --scenario) scenario="$2"; shift 2 ;;
        --watch) watch="$2"; shift 2 ;;
        --inject-errors-at) inject="$2"; shift 2 ;;
        --binary) binary="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$scenario" in healthy|failing|both) ;; *) echo "--scenario must be healthy, failing or both" >&2; exit 2 ;; esac
read -r w1 w2 w3 <<<"$watch"
[ -n "${w3:-}" ] || { echo "--watch takes three durations, e.g. \"5s 10s 15s\"" >&2; exit 2; }
if [ -z "$binary" ]; then
    for candidate in "$root/.build/debug/tollgate" "$root/.build/release/tollgate"; do
        [ -x "$candidate" ] && { binary="$candidate"; break; }
    done
fi
[ -x "${binary:-}" ] || { echo "no tollgate binary: run swift build, or pass --binary" >&2; exit 2; }
for tool in python3 curl; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done

work="$(mktemp -d -t tollgate-demo.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$keep" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }

blue_port=$(port) green_port=$(port) hook_port=$(port) tollgate_port=$(port)
url="http://127.0.0.1:$tollgate_port"
mkdir -p "$work/state" "$work/guards" "$work/hooks"
echo 0 >"$work/state/traffic"

cat >"$work/guards/demo.yml" <<EOF
guards:
  - name: demo
    interval: 1s
    window: 30s
    no_data: inconclusive
    checks:
      - name: error-ratio
        expr: sum(rate(http_requests_total{service="\$service",version="\$version",code=~"5.."}[5s]))
              / sum(rate(http_requests_total{service="\$service",version="\$version"}[5s]))
        max: 0.05
plans:
  - name: canary
    stages: [{traffic: 10, watch: $w1}, {traffic: 50, watch: $w2}, {traffic: 100, watch: $w3}]
EOF
cat >"$work/tollgate.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
guard_files: ['guards/*.yml']
rollout_webhooks: ['http://127.0.0.1:$hook_port/rollouts']
scrape_configs:
  - job_name: demo
    static_configs: [{targets: ['127.0.0.1:$blue_port', '127.0.0.1:$green_port']}]
EOF

python3 "$here/demo/service.py" "$blue_port" blue "$work/state" & pids+=($!)
python3 "$here/demo/service.py" "$green_port" green "$work/state" & pids+=($!)
python3 "$here/demo/webhook-receiver.py" "$hook_port" "$work/hooks" & pids+=($!)
"$binary" serve --config.file "$work/tollgate.yml" --data-dir "$work/data" --web.listen-address "127.0.0.1:$tollgate_port" \
    --log.level warning 2>"$work/tollgate.log" & pids+=($!)
for _ in $(seq 100); do curl -fs "$url/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$url/-/ready" >/dev/null || { echo "Tollgate did not start:"; cat "$work/tollgate.log"; exit 2; }
say "Tollgate on $url; blue on :$blue_port, green on :$green_port (data in $work)"
sleep 3  # a few scrapes of both versions

# The pipeline: register, then each stage: set the traffic, ask the gate until the watch
# has passed (go) or the guard says no-go; advance on go, roll back otherwise.
rollout() {
    local name="$1" inject_at="$2" id traffic stage=0 injected="" status body
    rm -f "$work/state/errors-green"
    body=$(curl -fsS -X POST "$url/api/v1/rollouts" -d "{\"service\":\"demo\",\"version\":\"green\",\"baseline\":\"blue\",\"guard\":\"demo\",\"plan\":\"canary\",\"commit_time\":$(($(date +%s) - 900))}")
    id=$(echo "$body" | json 'd["data"]["id"]')
    say "[$name] rollout $id registered: green 10% → 50% → 100%, watched $w1 / $w2 / $w3"
    for traffic in 10 50 100; do
        stage=$((stage + 1))
        echo "$traffic" >"$work/state/traffic"
        say "[$name] stage $stage: green takes $traffic% of the traffic"
        if [ "$traffic" = "$inject_at" ]; then
            touch "$work/state/errors-green"
            injected=$(date +%s.%N)
            say "[$name] injecting errors into green (30% of its requests fail)"
        fi
        set +e
        "$binary" gate --url "$url" --rollout "$id" --wait 5m --interval 500ms >"$work/gate.out"
        status=$?
        set -e
        sed 's/^/            gate: /' "$work/gate.out"
        if [ "$status" = 0 ]; then
            curl -fsS -X POST "$url/api/v1/rollouts/$id/advance" >/dev/null
            continue
        fi
        echo 0 >"$work/state/traffic"
        curl -fsS -X POST "$url/api/v1/rollouts/$id/finish" -d '{"outcome":"rolled_back"}' >/dev/null
        say "[$name] NO-GO: traffic back to blue, rollout $id rolled back"
        if [ -n "$injected" ]; then
            say "[$name] RTO: $(python3 -c "import time; print('%.1f' % (time.time() - $injected))") s from error injection to rollback"
        fi
        rm -f "$work/state/errors-green"
        show "$name" "$id"
        return 1
    done
    say "[$name] PROMOTED: green takes all the traffic"
    show "$name" "$id"
    return 0
}

# The stored history, as GET /api/v1/rollouts/ID gives it.
show() {
    curl -fsS "$url/api/v1/rollouts/$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]
print("            history of %s (status %s, traffic %d%%):" % (d["id"], d["status"], d["traffic"]))
for e in d["history"]:
    print("              %s  %-11s stage %d  %3d%%  %-9s %s" % (e["at"][11:19], e["event"], e["stage"], e["traffic"], e["decision"] or "", e["reason"][:100]))
'
    say "[$1] result: $(curl -fsS "$url/api/v1/rollouts/$2" | json 'd["data"]["status"]')"
}

failed=0
if [ "$scenario" != failing ]; then
    rollout healthy none || failed=1
    echo 0 >"$work/state/traffic"
fi
if [ "$scenario" != healthy ]; then
    if rollout failing "$inject"; then failed=1; fi
fi
say "webhook receiver got $(ls "$work/hooks" | wc -l | tr -d ' ') pushes"
"$binary" dora --url "$url" --window 1d || true
exit "$failed"
