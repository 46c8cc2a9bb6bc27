#!/usr/bin/env python3
"""Helper for Benchmarks/query-compare.sh (Python 3 stdlib only).

Subcommands:
  generate OUT TARGETS SERIES INTERVAL SPAN END FAKE_TARGETS
        write OpenMetrics with timestamps (ending in # EOF) holding fake_targets.py's
        series for TARGETS targets x SERIES series, one sample every INTERVAL seconds
        over SPAN seconds up to END (Unix seconds), with the labels the scrape
        benchmark's config attaches: job="fake", instance="127.0.0.1:<29500+i>".
        Values are fake_targets' own (seed 42): sample k of a target is its scrape
        bucket k. Each target's samples are shifted by i/TARGETS of an interval, as
        staggered scrapes are, plus 7 ms, so no sample lies on a window's edge.
        Prints "series samples bytes".
  bench NAME URL QUERY START END STEP RUNS OUT
        one warm-up, then RUNS timed GET /api/v1/query_range requests (the whole
        answer read); appends one JSON line to OUT: name, query, times (s), answer size,
        result series and points, and the first answer's values for cross-checking.
  report FILE
        the table: median and min latency per query per server, Tollgate/Prometheus
        ratio of the medians, and whether the two answers agree (relative 1e-5).
"""
import importlib.util
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request


def load_fake_targets(path):
    spec = importlib.util.spec_from_file_location("fake_targets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(out, targets, series, interval, span, end, fake_path):
    ft = load_fake_targets(fake_path)
    noise, walk = ft.make_tables(42)
    rounds = int(span // interval) + 1
    start_ms = int(end * 1000) - (rounds - 1) * int(interval * 1000)
    total_series = total_samples = 0
    with open(out, "w", buffering=1 << 22) as f:
        for i in range(targets):
            target = ft.Target(i, series, 42, interval)
            labels = 'instance="127.0.0.1:%d",job="fake",' % (29500 + i)
            lines = [l for l in target.template.split("\n") if l and not l.startswith("#")]
            # staggered like scrapes, and never on a whole 10 ms: no sample lies on the edge of
            # a query's window (2.42 closes windows on the left, 3.x and Tollgate open them)
            shift = int(interval * 100 * i / targets) * 10 + 7
            stamps = ["%d.%03d" % divmod(start_ms + k * int(interval * 1000) + shift, 1000) for k in range(rounds)]
            columns = [target.values(k, noise, walk) for k in range(rounds)]
            for j, line in enumerate(lines):
                prefix, spec = line.rsplit(" ", 1)
                prefix = prefix.replace("%%", "%").replace("{", "{" + labels, 1)
                for k in range(rounds):
                    f.write("%s %s %s\n" % (prefix, spec % columns[k][j], stamps[k]))
            total_series += len(lines)
            total_samples += len(lines) * rounds
        f.write("# EOF\n")
        size = f.tell()
    print(total_series, total_samples, size)


def fetch(url):
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as r:
        body = r.read()
    return time.perf_counter() - t0, body


def bench(name, base, query, start, end, step, runs, out):
    url = "%s/api/v1/query_range?%s" % (base, urllib.parse.urlencode(
        {"query": query, "start": start, "end": end, "step": step}))
    _, first = fetch(url)  # warm-up (page cache, postings, symbol tables)
    times = [fetch(url)[0] for _ in range(runs)]
    answer = json.loads(first)
    if answer.get("status") != "success":
        raise SystemExit("%s: %s failed: %s" % (name, query, first[:300]))
    result = answer["data"]["result"]
    values = {json.dumps(s["metric"], sort_keys=True): s["values"] for s in result}
    with open(out, "a") as f:
        f.write(json.dumps({"name": name, "query": query, "times": times, "bytes": len(first),
                            "series": len(result), "points": sum(len(v) for v in values.values()),
                            "values": values}) + "\n")


def agree(a, b):
    def num(s):
        return float({"+Inf": "inf", "-Inf": "-inf"}.get(s, s))
    if a.keys() != b.keys():
        return "series differ"
    for key in a:
        pa, pb = a[key], b[key]
        if len(pa) != len(pb):
            return "points differ"
        for (ta, va), (tb, vb) in zip(pa, pb):
            x, y = num(va), num(vb)
            if ta != tb or not (x == y or (x != x and y != y) or abs(x - y) <= 1e-5 * min(abs(x), abs(y))):
                return "values differ at %s" % ta
    return "yes"


def report(path):
    rows = [json.loads(l) for l in open(path)]
    queries = list(dict.fromkeys(r["query"] for r in rows))
    by = {(r["name"], r["query"]): r for r in rows}
    print("| query | series × points | Tollgate median (min) | Prometheus median (min) | ratio | answers agree |")
    print("|---|---|---|---|---|---|")
    for q in queries:
        t, p = by.get(("tollgate", q)), by.get(("prometheus", q))
        def cell(r):
            return "%.3f s (%.3f)" % (statistics.median(r["times"]), min(r["times"])) if r else "n/a"
        ratio = "%.2f" % (statistics.median(t["times"]) / statistics.median(p["times"])) if t and p else "n/a"
        shape = "%d × %d" % ((t or p)["series"], (t or p)["points"])
        print("| `%s` | %s | %s | %s | **%s** | %s |" % (q, shape, cell(t), cell(p), ratio,
                                                        agree(t["values"], p["values"]) if t and p else "n/a"))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "generate":
        out, targets, series, interval, span, end, fake = args
        generate(out, int(targets), int(series), float(interval), float(span), float(end), fake)
    elif cmd == "bench":
        name, base, query, start, end, step, runs, out = args
        bench(name, base, query, start, end, step, int(runs), out)
    elif cmd == "report":
        report(args[0])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
