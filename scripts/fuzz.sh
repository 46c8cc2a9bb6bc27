#!/usr/bin/env bash
# Builds the fuzz package (Fuzz/, scratch path .build-fuzz) with libFuzzer and AddressSanitizer,
# writes the seed corpora (scripts/fuzz-seeds.py) and runs every target; `make fuzz` calls it.
#
#   FUZZ_TARGETS   targets to run, space-separated (default: all; `make fuzz FUZZ_TARGETS=promql`)
#   FUZZ_MIN_RUNS  executions a target must reach to pass (default 1000000)
#   FUZZ_RUNS      executions after which a target stops (default FUZZ_MIN_RUNS; 0: run for FUZZ_SECONDS)
#   FUZZ_SECONDS   time limit per target, in seconds (default 3600)
#   FUZZ_JOBS      targets run at once (default: the number of cores)
#   FUZZ_MAX_LEN   largest input libFuzzer makes, in bytes (default 4096)
#   FUZZ_SANITIZE  swiftc's -sanitize= list (default fuzzer,address; `fuzzer` alone where ASan will not link)
#
# A target fails on a crash, a hang (an input taking more than 1 s: -timeout=1), a sanitizer
# report, or fewer than FUZZ_MIN_RUNS executions. Each finding is kept under
# .build-fuzz/artifacts/<target>/ (replay: TOLLGATE_FUZZ_TARGET=<target> <binary> <file>).
# The table of figures is printed at the end and written to .build-fuzz/fuzz-summary.md.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
scratch=$root/.build-fuzz
sanitize=${FUZZ_SANITIZE:-fuzzer,address}
min_runs=${FUZZ_MIN_RUNS:-1000000}
runs=${FUZZ_RUNS:-$min_runs}
seconds=${FUZZ_SECONDS:-3600}
jobs=${FUZZ_JOBS:-$(nproc)}
max_len=${FUZZ_MAX_LEN:-4096}
swift=${SWIFT:-swift}

# C and C++ code (RE2's shim, Yams's libyaml, SQLite's and BoringSSL's callers) gets the same
# coverage instrumentation and sanitizer as Swift; libFuzzer's main comes in at the link.
cflags="-fsanitize=${sanitize/fuzzer/fuzzer-no-link}"
# SwiftPM's `--sanitize fuzzer --sanitize address` hands swiftc two -sanitize= flags, of which
# swiftc keeps the last only (no coverage at all), hence one list through -Xswiftc, which
# comes after. `--sanitize fuzzer` stays: without it SwiftPM links the executable's own
# entry point as `main`, which clashes with libFuzzer's.
# A release build (the slow targets reach 10^6 executions several times sooner), with
# -enable-testing for the one internal entry point (TSDB's head-log record decoder).
build=(-c release --scratch-path "$scratch" --sanitize fuzzer -Xswiftc "-sanitize=$sanitize" -Xcc "$cflags" -Xswiftc -enable-testing)
echo "fuzz: building Fuzz/ (release, -sanitize=$sanitize) into .build-fuzz" >&2
(cd Fuzz && "$swift" build "${build[@]}")
binary=$(cd Fuzz && "$swift" build "${build[@]}" --show-bin-path)/tollgate-fuzz

all=$(TOLLGATE_FUZZ_TARGET=list "$binary" 2>/dev/null)
targets=${FUZZ_TARGETS:-$all}
for target in $targets; do
    grep -qx "$target" <<<"$all" || { echo "fuzz: no target $target; the targets are:" >&2; echo "$all" >&2; exit 2; }
done

rm -rf "$scratch/seeds" "$scratch/logs"
mkdir -p "$scratch/logs"
python3 scripts/fuzz-seeds.py "$scratch/seeds" >&2

# Swift's own crash reporter waits up to 30 s per crash; libFuzzer (with ASan's stack
# trace) reports crashes itself. Swift's runtime keeps metadata caches for the process's
# life, which LeakSanitizer would call leaks: leaks are not findings here.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}

run_one() {
    local target=$1 log=$scratch/logs/$1.log
    mkdir -p "$scratch/corpus/$target" "$scratch/artifacts/$target"
    local limit=$runs
    [[ $limit -eq 0 ]] && limit=-1
    local start=$SECONDS rc=0
    TOLLGATE_FUZZ_TARGET=$target "$binary" \
        -runs="$limit" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len="$max_len" \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$target/" \
        "$scratch/corpus/$target" "$scratch/seeds/$target" >"$log" 2>&1 || rc=$?
    echo "$rc $((SECONDS - start))" >"$log.result"
}

echo "fuzz: ${targets//$'\n'/ }" >&2
echo "fuzz: each target until $runs executions (0: no limit) or $seconds s, $jobs at once; logs in .build-fuzz/logs" >&2
running=0
for target in $targets; do
    if [[ $running -ge $jobs ]]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_one "$target" &
    running=$((running + 1))
done
wait

summary=$scratch/fuzz-summary.md
failed=0
{
    echo "| target | executions | exec/s | time (s) | corpus | result |"
    echo "|---|---:|---:|---:|---:|---|"
} >"$summary"
for target in $targets; do
    log=$scratch/logs/$target.log
    read -r rc elapsed <"$log.result"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(find "$scratch/corpus/$target" -type f | wc -l)
    result=pass
    if [[ $rc -ne 0 ]]; then
        result="FAIL: $(grep -m1 -oE 'ERROR: (libFuzzer|AddressSanitizer): [a-z-]+|Fatal error: .{0,60}' "$log" || echo "exit $rc")"
        failed=1
    elif [[ -z $execs || $execs -lt $min_runs ]]; then
        result="FAIL: fewer than $min_runs executions"
        failed=1
    fi
    echo "| $target | ${execs:-0} | ${rate:-0} | $elapsed | $corpus | $result |" >>"$summary"
done
cat "$summary"
echo "fuzz: table in .build-fuzz/fuzz-summary.md; findings under .build-fuzz/artifacts/" >&2
exit $failed
