#!/usr/bin/env bash
# scrape-compare.sh — side-by-side scrape benchmark: Tollgate vs Debian's Prometheus.
#
# What it does
#   1. Starts ../shared/tools/fake_targets.py (ports mode, loopback): TARGETS targets ×
#      SERIES series each (default 100 × 2,000), values changing every 2 s.
#   2. Writes one prometheus.yml (temp dir): scrape_interval 2s, scrape_timeout 2s, one job
#      `fake` listing every target. Both servers use the same file.
#   3. Runs Tollgate, then Prometheus — one at a time, never together — each for DURATION
#      seconds after it reports ready (/-/ready), each with a fresh temp data dir and its own
#      free port.
#   4. Measures, per server:
#        - CPU: utime+stime of the server process (/proc/PID/stat, CLK_TCK ticks), taken at
#          t = WARMUP and at t = DURATION; the first WARMUP seconds (first scrapes, which
#          create every series) are left out of the per-sample figure. The CPU of the whole
#          process life is shown too.
#        - samples ingested in the same window, from the server's own /metrics:
#          prometheus_tsdb_head_samples_appended_total (summed over its label sets; both
#          servers expose it, older Tollgates as tollgate_tsdb_head_samples_appended_total).
#        - active series at the end: prometheus_tsdb_head_series (older Tollgates:
#          tollgate_tsdb_head_series).
#        - peak RSS: VmHWM from /proc/PID/status, read just before stopping the server (whole
#          run, warm-up included; it grows with DURATION as head chunks fill).
#        - scrapes each server made: fake_targets' /stats metrics_requests before and after.
#        - with RULES=1: the rule group's evaluation time per iteration in the same window,
#          from prometheus_rule_group_duration_seconds_sum / _count (both servers).
#        - disk: bytes the process wrote (/proc/PID/io write_bytes) in the window and over its
#          life, per ingested sample; the data directory's size on disk (as du counts it)
#          every SAMPLE_EVERY seconds (largest, mean, and at the end), and after a graceful
#          stop; write amplification = bytes written over the life ÷ the directory after stop.
#        - restart: with RESTART=1 (default) the server is started again on the same data
#          directory after the graceful stop, and the seconds until /-/ready answers 200 (the
#          head rebuilt, WAL or head log replayed) are measured, then it is stopped again.
#   5. Prints CPU-µs per ingested sample (warm-up excluded and included), peak RSS per active
#      series (KiB), samples/s, the disk figures and the restart time, and the ratios
#      Tollgate / Prometheus with the goals. A metric the server does not expose shows "n/a".
#
#   Prometheus starts scraping ~5 s after it is ready (service discovery batches its first
#   update), so keep WARMUP at 10 s or more: with less, series creation lands in the window.
#   Background work inside the window counts: Tollgate compacts every minute; Prometheus
#   does not compact its head within a run this short (its first block is cut after ~3 h).
#
# How to run (from the repo root; takes about 2 × DURATION + ~30 s):
#   Benchmarks/scrape-compare.sh                 # 120 s per server, 100 × 2,000 series
#   DURATION=60 Benchmarks/scrape-compare.sh     # or: Benchmarks/scrape-compare.sh --duration 60
#   SERVERS=prometheus DURATION=40 Benchmarks/scrape-compare.sh   # one server only
#
# Environment (flags in parentheses):
#   DURATION (-d, --duration)  seconds per server after ready, default 120
#   WARMUP   (--warmup)        seconds left out at the start, default 10
#   TARGETS, SERIES            targets and series per target, default 100 and 2000
#   SERVERS  (--only NAME)     which servers, in order, default "tollgate prometheus"
#   TOLLGATE                   binary, default .build/release/tollgate; if that default is
#                              missing the script runs `swift build -c release --product tollgate`
#   PROMETHEUS                 binary, default `prometheus` on PATH (Debian 2.42); if missing it
#                              is installed with scripts/apt-install.sh prometheus
#   BASE_PORT                  where the search for TARGETS free ports starts, default 29500
#   KEEP_TMP=1                 keep the temp dir (config, logs, results) for inspection
#   RULES=1    (--rules)       also evaluate Benchmarks/make_rules.py's group (200 recording and
#                              50 alerting rules over the fake targets' series) every RULE_INTERVAL
#   RULE_INTERVAL              the group's interval, default 15s
#   SAMPLE_EVERY               seconds between samples of CPU, RSS, disk writes and the data
#                              directory's size, default 5 (written to samples.NAME)
#   RESTART=0                  skip the restart measurement
#   CHURN_EVERY                seconds; every so often CHURN_PERCENT % of the targets (default
#                              10) get a new value of a `generation` target label and the server
#                              reloads its configuration (SIGHUP), so that share of the series is
#                              replaced by new ones (series churn); default 0 (no churn)
#   TOLLGATE_FLAGS             more flags for `tollgate serve`, split at blanks (for example
#                              "--storage.tsdb.idle-series-time 5m" for a churn run shorter
#                              than the default idle time)
#   SCRAPE_INTERVAL            seconds, default 2 (also fake_targets' --step)
#   READY_TIMEOUT              seconds a server gets to answer /-/ready (at start and after the
#                              restart), default 120
#   REMOTE_WRITE=1 (--remote-write)  both servers also remote-write every sample to one
#                              Debian victoria-metrics (started on a free port); the CPU figures
#                              then include sending, and the samples each server sent in the
#                              window (prometheus_remote_storage_samples_total) are printed
#
# The machine has 2 cores: run nothing else heavy meanwhile. fake_targets itself uses a few
# percent of one core (it reports its CPU at the end).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER="$ROOT/Benchmarks/scrape_compare.py"
FAKE_TARGETS=${FAKE_TARGETS:-$ROOT/../shared/tools/fake_targets.py}
DEFAULT_TOLLGATE="$ROOT/.build/release/tollgate"

DURATION=${DURATION:-120}
WARMUP=${WARMUP:-10}
TARGETS=${TARGETS:-100}
SERIES=${SERIES:-2000}
SERVERS=${SERVERS:-tollgate prometheus}
TOLLGATE=${TOLLGATE:-$DEFAULT_TOLLGATE}
PROMETHEUS=${PROMETHEUS:-prometheus}
BASE_PORT=${BASE_PORT:-29500}
KEEP_TMP=${KEEP_TMP:-0}
RULES=${RULES:-0}
RULE_INTERVAL=${RULE_INTERVAL:-15s}
REMOTE_WRITE=${REMOTE_WRITE:-0}
SCRAPE_INTERVAL=${SCRAPE_INTERVAL:-2}   # seconds; also fake_targets' --step
SAMPLE_EVERY=${SAMPLE_EVERY:-5}
RESTART=${RESTART:-1}
CHURN_EVERY=${CHURN_EVERY:-0}
TOLLGATE_FLAGS=${TOLLGATE_FLAGS:-}
CHURN_PERCENT=${CHURN_PERCENT:-10}
READY_TIMEOUT=${READY_TIMEOUT:-120}   # seconds a server gets to answer /-/ready
STOP_TIMEOUT=60        # seconds a server gets to exit after SIGTERM

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

die() { echo "scrape-compare: error: $*" >&2; exit 1; }
say() { echo "== $*"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        -d|--duration) DURATION=${2:?--duration needs a value}; shift 2 ;;
        --warmup) WARMUP=${2:?--warmup needs a value}; shift 2 ;;
        --only) SERVERS=${2:?--only needs tollgate or prometheus}; shift 2 ;;
        --rules) RULES=1; shift ;;
        --remote-write) REMOTE_WRITE=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (try --help)" ;;
    esac
done

for v in DURATION WARMUP TARGETS SERIES BASE_PORT SCRAPE_INTERVAL SAMPLE_EVERY CHURN_EVERY CHURN_PERCENT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
(( DURATION > WARMUP )) || die "DURATION ($DURATION) must exceed WARMUP ($WARMUP)"
(( TARGETS > 0 && SERIES > 0 )) || die "TARGETS and SERIES must be positive"
for s in $SERVERS; do
    [[ $s == tollgate || $s == prometheus ]] || die "unknown server '$s' (tollgate or prometheus)"
done
command -v python3 >/dev/null || die "python3 is required"
[[ -f $FAKE_TARGETS ]] || die "fake_targets.py not found at $FAKE_TARGETS (../shared relative to the repo)"

# ---------------------------------------------------------------- binaries
if [[ " $SERVERS " == *" tollgate "* && ! -x $TOLLGATE ]]; then
    [[ $TOLLGATE == "$DEFAULT_TOLLGATE" ]] || die "TOLLGATE=$TOLLGATE is not executable"
    say "building Tollgate (release): swift build -c release --product tollgate"
    (cd "$ROOT" && swift build -c release --product tollgate) || die "Tollgate build failed"
fi
if [[ " $SERVERS " == *" prometheus "* ]] && ! command -v "$PROMETHEUS" >/dev/null; then
    [[ $PROMETHEUS == prometheus ]] || die "PROMETHEUS=$PROMETHEUS not found"
    say "installing Debian's prometheus"
    "$ROOT/scripts/apt-install.sh" prometheus || die "could not install prometheus"
    command -v prometheus >/dev/null || die "prometheus still not on PATH after install"
fi
if pgrep -x prometheus >/dev/null 2>&1; then
    echo "scrape-compare: warning: another prometheus process is running; it will disturb the figures" >&2
fi

# ---------------------------------------------------------------- cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/scrape-compare.XXXXXX")
PIDS=()

stop_pid() {  # stop_pid PID TIMEOUT: SIGTERM, wait, then SIGKILL; reaps it
    local pid=$1 timeout=$2 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "scrape-compare: warning: PID $pid ignored SIGTERM for ${timeout}s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    local keep=() p
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

SLEEP_PID=""
pause() {  # sleep that a trapped signal interrupts at once (bash defers traps during a foreground sleep)
    sleep "$1" &
    SLEEP_PID=$!
    wait "$SLEEP_PID"
    SLEEP_PID=""
}

cleanup() {
    local p
    if [[ -n $SLEEP_PID ]]; then kill "$SLEEP_PID" 2>/dev/null || true; fi
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p" 10; done
    if [[ $KEEP_TMP == 1 ]]; then
        echo "scrape-compare: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {  # show_log FILE: the last lines of a server log, for error messages
    echo "--- last lines of $1:" >&2
    tail -n 20 "$1" >&2 || true
    echo "---" >&2
}

# ---------------------------------------------------------------- fake targets
FAKE_PORT=$(python3 "$HELPER" free-ports "$TARGETS" "$BASE_PORT") || die "no free port range for $TARGETS targets"
NSERVERS=$(wc -w <<<"$SERVERS")
FAKE_SECONDS=$(( NSERVERS * (DURATION + 2 * (READY_TIMEOUT + STOP_TIMEOUT)) + 120 ))
(( FAKE_SECONDS <= 86400 )) || die "DURATION too long: fake_targets runs at most 86400 s"
say "fake_targets: $TARGETS targets × $SERIES series on 127.0.0.1:$FAKE_PORT-$((FAKE_PORT + TARGETS - 1)), step ${SCRAPE_INTERVAL}s"
python3 "$FAKE_TARGETS" --mode ports --host 127.0.0.1 --port "$FAKE_PORT" \
    --targets "$TARGETS" --series-per-target "$SERIES" --step "$SCRAPE_INTERVAL" \
    --seconds "$FAKE_SECONDS" --ready-file "$TMP/fake.ready" >"$TMP/fake.log" 2>&1 &
FAKE_PID=$!
PIDS+=("$FAKE_PID")
for ((i = 0; i < 1200; i++)); do
    [[ -s $TMP/fake.ready ]] && break
    kill -0 "$FAKE_PID" 2>/dev/null || { show_log "$TMP/fake.log"; die "fake_targets exited before it was ready"; }
    sleep 0.1
done
[[ -s $TMP/fake.ready ]] || { show_log "$TMP/fake.log"; die "fake_targets not ready after 120 s"; }
ACTUAL_SERIES=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        d = json.loads(l)
        if d.get("ready"): print(d["series_per_target"]); break' "$TMP/fake.log")
STATS_URL="http://127.0.0.1:$FAKE_PORT/stats"

# ---------------------------------------------------------------- remote store
if [[ $REMOTE_WRITE == 1 ]]; then
    command -v victoria-metrics >/dev/null || "$ROOT/scripts/apt-install.sh" victoria-metrics || die "could not install victoria-metrics"
    VM_PORT=$(python3 "$HELPER" free-ports 1 $(( BASE_PORT + TARGETS + 100 ))) || die "no free port for victoria-metrics"
    say "victoria-metrics on 127.0.0.1:$VM_PORT (remote_write target of both servers)"
    victoria-metrics -storageDataPath="$TMP/vm" -httpListenAddr="127.0.0.1:$VM_PORT" -retentionPeriod=100y \
        -loggerLevel=ERROR >"$TMP/vm.log" 2>&1 &
    VM_PID=$!
    PIDS+=("$VM_PID")
    python3 "$HELPER" wait-ready "http://127.0.0.1:$VM_PORT/health" "$VM_PID" 30 || { show_log "$TMP/vm.log"; die "victoria-metrics did not start"; }
fi

# ---------------------------------------------------------------- config
CONFIG="$TMP/prometheus.yml"
[[ $RULES == 1 ]] && python3 "$ROOT/Benchmarks/make_rules.py" "$TMP/rules.yml" "$RULE_INTERVAL"
write_config() {  # write_config STEP: the configuration after STEP churn steps (0: none yet)
    local step=$1 i gen per=$(( (TARGETS * CHURN_PERCENT + 99) / 100 ))
    {
        echo "global:"
        echo "  scrape_interval: ${SCRAPE_INTERVAL}s"
        echo "  scrape_timeout: ${SCRAPE_INTERVAL}s"
        [[ $RULES == 1 ]] && echo "rule_files: [$TMP/rules.yml]"
        echo "scrape_configs:"
        echo "  - job_name: fake"
        echo "    static_configs:"
        for ((i = 0; i < TARGETS; i++)); do
            # Step k renews targets [(k-1)·per, k·per) modulo TARGETS: target i has been renewed
            # once for each step whose range held it.
            gen=0
            if (( step > 0 && per > 0 )); then
                local k
                for ((k = 1; k <= step; k++)); do
                    local lo=$(( ((k - 1) * per) % TARGETS ))
                    local off=$(( (i - lo + TARGETS) % TARGETS ))
                    (( off < per )) && gen=$(( gen + 1 ))
                done
            fi
            echo "      - targets: [127.0.0.1:$((FAKE_PORT + i))]"
            (( CHURN_EVERY > 0 )) && echo "        labels: {generation: \"$gen\"}"
        done
        if [[ $REMOTE_WRITE == 1 ]]; then
            echo "remote_write:"
            echo "  - url: http://127.0.0.1:$VM_PORT/api/v1/write"
        fi
    } >"$CONFIG"
}
write_config 0

# ---------------------------------------------------------------- one run
CLK_TCK=$(getconf CLK_TCK)

cpu_ticks() {  # utime + stime of PID, in clock ticks
    local s f
    s=$(<"/proc/$1/stat") || return 1
    s=${s##*) }            # the command name may contain spaces; fields resume after ") "
    read -r -a f <<<"$s"   # f[0] is field 3 (state): utime is field 14, stime field 15
    echo $(( f[11] + f[12] ))
}

io_bytes() {  # io_bytes PID: write_bytes of PID (/proc/PID/io)
    awk '/^write_bytes:/ {print $2}' "/proc/$1/io"
}

run_window() {  # run_window PID SECONDS: waits, renewing a share of the targets every CHURN_EVERY s
    local pid=$1 left=$2 step=0 next
    if (( CHURN_EVERY == 0 )); then pause "$left"; return; fi
    while (( left > 0 )); do
        next=$(( left < CHURN_EVERY ? left : CHURN_EVERY ))
        pause "$next"
        left=$(( left - next ))
        if (( left > 0 )); then
            step=$(( step + 1 ))
            write_config "$step"
            kill -HUP "$pid" 2>/dev/null || true
        fi
    done
    write_config 0   # the next server starts from the same configuration
}

alive_or_die() {  # alive_or_die PID NAME LOG
    kill -0 "$1" 2>/dev/null || { show_log "$3"; die "$2 exited during the run"; }
}

run_server() {  # run_server NAME PORT: runs one server, writes $TMP/result.NAME
    local name=$1 port=$2
    local data="$TMP/data-$name" logf="$TMP/$name.log" res="$TMP/result.$name"
    local samples_metric series_metric cmd
    mkdir -p "$data"
    case "$name" in
        tollgate)
            samples_metric='prometheus_tsdb_head_samples_appended_total|tollgate_tsdb_head_samples_appended_total'
            series_metric='prometheus_tsdb_head_series|tollgate_tsdb_head_series'
            cmd=("$TOLLGATE" serve --config "$CONFIG" --data-dir "$data"
                 --web.listen-address "127.0.0.1:$port" --log.level warning)
            # shellcheck disable=SC2206  # flags split at blanks on purpose
            [[ -n $TOLLGATE_FLAGS ]] && cmd+=($TOLLGATE_FLAGS) ;;
        prometheus)
            samples_metric=prometheus_tsdb_head_samples_appended_total
            series_metric=prometheus_tsdb_head_series
            cmd=("$PROMETHEUS" --config.file "$CONFIG" --storage.tsdb.path "$data"
                 --web.listen-address "127.0.0.1:$port") ;;
    esac
    local base="http://127.0.0.1:$port"

    kill -0 "$FAKE_PID" 2>/dev/null || { show_log "$TMP/fake.log"; die "fake_targets is no longer running"; }
    python3 "$HELPER" stats "$STATS_URL" "$TMP/stats-before.$name" || die "cannot read fake_targets /stats"

    say "$name: starting on 127.0.0.1:$port for ${DURATION}s (warm-up ${WARMUP}s)"
    "${cmd[@]}" >"$logf" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    local rc=0
    python3 "$HELPER" wait-ready "$base/-/ready" "$pid" "$READY_TIMEOUT" || rc=$?
    if (( rc != 0 )); then
        show_log "$logf"
        local hint=""
        [[ $SERVERS == *" "* ]] && hint=" (to benchmark the other server alone: SERVERS=... or --only NAME)"
        (( rc == 2 )) && die "$name failed to start: it exited before answering /-/ready$hint
  command: ${cmd[*]}"
        die "$name did not answer $base/-/ready within ${READY_TIMEOUT}s$hint
  command: ${cmd[*]}"
    fi
    local t_ready=$EPOCHREALTIME
    python3 "$HELPER" sample "$pid" "$data" "$SAMPLE_EVERY" "$TMP/samples.$name" &
    local sampler=$!

    pause "$WARMUP"
    alive_or_die "$pid" "$name" "$logf"
    local samples_a t_a cpu_a rules_a="n/a n/a" rules_b="n/a n/a"
    samples_a=$(python3 "$HELPER" metrics "$base/metrics" "$samples_metric")
    local sent_a=n/a sent_b=n/a
    [[ $REMOTE_WRITE == 1 ]] && sent_a=$(python3 "$HELPER" metrics "$base/metrics" prometheus_remote_storage_samples_total)
    [[ $RULES == 1 ]] && rules_a=$(python3 "$HELPER" metrics "$base/metrics" prometheus_rule_group_duration_seconds_sum prometheus_rule_group_duration_seconds_count)
    t_a=$EPOCHREALTIME
    cpu_a=$(cpu_ticks "$pid") || { show_log "$logf"; die "$name exited during the run"; }
    local io_a io_b
    io_a=$(io_bytes "$pid")

    run_window "$pid" "$(( DURATION - WARMUP ))"
    alive_or_die "$pid" "$name" "$logf"
    local samples_b series t_b cpu_b hwm
    read -r samples_b series < <(python3 "$HELPER" metrics "$base/metrics" "$samples_metric" "$series_metric")
    [[ $REMOTE_WRITE == 1 ]] && sent_b=$(python3 "$HELPER" metrics "$base/metrics" prometheus_remote_storage_samples_total)
    [[ $RULES == 1 ]] && rules_b=$(python3 "$HELPER" metrics "$base/metrics" prometheus_rule_group_duration_seconds_sum prometheus_rule_group_duration_seconds_count)
    t_b=$EPOCHREALTIME
    cpu_b=$(cpu_ticks "$pid") || { show_log "$logf"; die "$name exited during the run"; }
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")   # kB (KiB)
    io_b=$(io_bytes "$pid")
    local dir_end
    dir_end=$(python3 "$HELPER" dir-bytes "$data")

    say "$name: stopping"
    local io_life
    io_life=$(io_bytes "$pid")   # just before the stop: what the stop itself writes is left out
    stop_pid "$pid" "$STOP_TIMEOUT"
    local t_stop=$EPOCHREALTIME
    python3 "$HELPER" stats "$STATS_URL" "$TMP/stats-after.$name" || die "cannot read fake_targets /stats"
    wait "$sampler" 2>/dev/null || true
    local dir_stopped restart_s=n/a
    dir_stopped=$(python3 "$HELPER" dir-bytes "$data")
    if [[ $RESTART == 1 ]]; then
        say "$name: restarting on the same data directory"
        local t0=$EPOCHREALTIME
        "${cmd[@]}" >>"$logf" 2>&1 &
        local pid2=$!
        PIDS+=("$pid2")
        if python3 "$HELPER" wait-ready "$base/-/ready" "$pid2" "$READY_TIMEOUT"; then
            restart_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
        else
            show_log "$logf"
            echo "scrape-compare: warning: $name did not answer /-/ready within ${READY_TIMEOUT}s after a restart" >&2
        fi
        stop_pid "$pid2" "$STOP_TIMEOUT"
    fi
    local scrapes scraped ntargets
    read -r scrapes scraped ntargets < <(python3 "$HELPER" scrapes "$TMP/stats-before.$name" "$TMP/stats-after.$name")
    [[ $KEEP_TMP == 1 ]] || rm -rf "$data"   # kept with the rest for inspection

    [[ $samples_b == n/a ]] &&
        echo "scrape-compare: note: $name does not expose $samples_metric; its per-sample figures are n/a" >&2
    if [[ $REMOTE_WRITE == 1 ]]; then
        awk -v n="$name" -v a="$sent_a" -v b="$sent_b" -v s="$samples_a" -v e="$samples_b" -v ta="$t_a" -v tb="$t_b" -v ca="$cpu_a" -v cb="$cpu_b" -v k="$CLK_TCK" 'BEGIN {
            if (a == "n/a" || b == "n/a") { printf "remote write: %s: n/a\n", n; exit }
            printf "remote write: %s sent %.0f samples/s (%.0f stored/s) in the window; CPU per sample sent %.3f us\n",
                n, (b - a) / (tb - ta), (e - s) / (tb - ta), (cb - ca) / k * 1e6 / (b - a) }' >>"$TMP/remote.txt"
    fi
    cat >"$res" <<EOF
name=$name
clk_tck=$CLK_TCK
t_ready=$t_ready
t_a=$t_a
t_b=$t_b
cpu_ticks_a=$cpu_a
cpu_ticks_b=$cpu_b
samples_a=$samples_a
samples_b=$samples_b
series=$series
hwm_kib=$hwm
write_bytes_a=$io_a
write_bytes_b=$io_b
write_bytes_life=$io_life
dir_bytes_end=$dir_end
dir_bytes_stopped=$dir_stopped
restart_s=$restart_s
samples_file=$TMP/samples.$name
rule_seconds_a=${rules_a% *}
rule_iterations_a=${rules_a#* }
rule_seconds_b=${rules_b% *}
rule_iterations_b=${rules_b#* }
scrapes=$scrapes
targets_scraped=$scraped
targets=$ntargets
expected_scrapes=$(awk -v a="$t_ready" -v b="$t_stop" -v n="$TARGETS" -v i="$SCRAPE_INTERVAL" 'BEGIN { printf "%.0f", (b - a) / i * n }')
EOF
}

# ---------------------------------------------------------------- main
port=$(( FAKE_PORT + TARGETS ))
results=()
for s in $SERVERS; do
    port=$(python3 "$HELPER" free-ports 1 "$port") || die "no free port for $s"
    run_server "$s" "$port"
    results+=("$TMP/result.$s")
    port=$(( port + 1 ))
done

echo
echo "Scrape benchmark: $TARGETS targets × $ACTUAL_SERIES series (fake_targets), interval ${SCRAPE_INTERVAL}s,"
echo "${DURATION}s per server, per-sample CPU over t=${WARMUP}s..${DURATION}s, peak RSS over the whole run."
for s in $SERVERS; do
    case "$s" in
        tollgate) echo "  tollgate:   $TOLLGATE ($("$TOLLGATE" --version 2>/dev/null | head -n 1 || true))" ;;
        prometheus) echo "  prometheus: $(command -v "$PROMETHEUS") ($("$PROMETHEUS" --version 2>&1 | head -n 1 || true))" ;;
    esac
done
echo
python3 "$HELPER" report "${results[@]}"
[[ -s $TMP/remote.txt ]] && { echo; cat "$TMP/remote.txt"; }
python3 - "$STATS_URL" <<'EOF' || true
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1], timeout=5))
print("\nfake_targets: %.1f CPU s over %.0f s (%.1f%% of one core), %d /metrics bodies served, %d errors"
      % (d["cpu_user_s"] + d["cpu_sys_s"], d["uptime_s"], 100 * d["cpu_frac_of_one_core"],
         d["metrics_requests"], d["errors"]))
EOF
