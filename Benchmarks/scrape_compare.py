#!/usr/bin/env python3
"""Helper for Benchmarks/scrape-compare.sh (Python 3 stdlib only).

Subcommands:
  free-ports COUNT START     first port >= START with COUNT consecutive free
                             loopback ports, below the kernel's ephemeral range
  wait-ready URL PID SECS    poll URL until HTTP 200; exit 1 on timeout,
                             2 if process PID died first
  metrics URL NAME...        one value per NAME, summed over all label sets;
                             "n/a" if the fetch fails or the metric is absent;
                             NAME may be "a|b": the first of them present
  stats URL FILE             save fake_targets' /stats JSON to FILE
  scrapes BEFORE AFTER       "TOTAL TARGETS_SCRAPED TARGETS" between two /stats files
  sample PID DIR SECS FILE   every SECS until PID exits: one line per sample in FILE,
                             "t cpu_ticks write_bytes cancelled_write_bytes rss_kib dir_bytes"
                             (/proc/PID/stat, /proc/PID/io, /proc/PID/status; dir_bytes is
                             the space DIR's files take on disk, as du counts it)
  dir-bytes DIR              the space DIR's files take on disk
  report FILE...             print the comparison table from result files
"""
import json
import math
import os
import socket
import sys
import time
import urllib.request


def ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # as the servers do: ignore TIME_WAIT leftovers, detect only live listeners
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_ports(count, start):
    limit = ephemeral_low()
    if start + count > limit:  # no room below the ephemeral range: use any range
        limit = 65536
    port = start
    while port + count <= limit:
        busy = next((p for p in range(port, port + count) if not port_free(p)), None)
        if busy is None:
            print(port)
            return 0
        port = busy + 1
    print("no %d consecutive free ports in [%d, %d)" % (count, start, limit), file=sys.stderr)
    return 1


def fetch(url, timeout=10.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_ready(url, pid, secs):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 2
        try:
            if fetch(url, timeout=2.0)[0] == 200:
                return 0
        except Exception:
            pass
        time.sleep(0.2)
    return 1


def parse_line(line):
    """(name, value) of a text-format sample line, or None."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    brace = line.find("{")
    space = line.find(" ")
    if brace != -1 and (space == -1 or brace < space):
        name = line[:brace]
        i, quoted = brace + 1, False
        while i < len(line):  # find the closing brace outside quoted values
            c = line[i]
            if quoted and c == "\\":
                i += 2
                continue
            if c == '"':
                quoted = not quoted
            elif c == "}" and not quoted:
                break
            i += 1
        rest = line[i + 1:]
    else:
        if space == -1:
            return None
        name, rest = line[:space], line[space:]
    fields = rest.split()
    if not fields:
        return None
    try:
        return name, float(fields[0])
    except ValueError:
        return None


def metrics(url, names):
    wanted = {n for name in names for n in name.split("|")}
    sums = {}
    try:
        status, body = fetch(url)
        if status == 200:
            for line in body.decode("utf-8", "replace").splitlines():
                if line.startswith("# TYPE "):  # a declared family with no samples sums to 0
                    f = line.split()
                    if len(f) >= 3 and f[2] in wanted:
                        sums.setdefault(f[2], 0.0)
                    continue
                p = parse_line(line)
                if p and p[0] in wanted:
                    sums[p[0]] = sums.get(p[0], 0.0) + p[1]
    except Exception:
        pass
    out = []
    for name in names:
        v = next((sums[n] for n in name.split("|") if n in sums), None)
        out.append("n/a" if v is None or math.isnan(v) else "%.0f" % v)
    print(" ".join(out))
    return 0


def stats(url, path):
    try:
        _, body = fetch(url)
        data = json.loads(body)
    except Exception as e:
        print("cannot read %s: %s" % (url, e), file=sys.stderr)
        return 1
    with open(path, "w") as f:
        json.dump(data, f)
    return 0


def scrapes(before, after):
    try:
        with open(before) as f:
            a = json.load(f)["metrics_requests_per_target"]
        with open(after) as f:
            b = json.load(f)["metrics_requests_per_target"]
    except Exception:
        print("n/a n/a n/a")
        return 0
    d = [y - x for x, y in zip(a, b)]
    print(sum(d), sum(1 for x in d if x > 0), len(d))
    return 0


# ---------------------------------------------------------------- sampling

def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass  # removed between listing and stat
    return total


def proc_sample(pid):
    """(cpu_ticks, write_bytes, cancelled_write_bytes, rss_kib) of PID, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/%d/io" % pid) as f:
            io = dict(line.split(":", 1) for line in f if ":" in line)
        with open("/proc/%d/status" % pid) as f:
            rss = next((int(l.split()[1]) for l in f if l.startswith("VmRSS:")), 0)
    except (OSError, IndexError, ValueError):
        return None
    return int(fields[11]) + int(fields[12]), int(io["write_bytes"]), int(io["cancelled_write_bytes"]), rss


def sample(pid, path, every, out):
    with open(out, "w") as f:
        while True:
            p = proc_sample(pid)
            if p is None:
                return 0
            f.write("%.3f %d %d %d %d %d\n" % ((time.time(),) + p + (dir_bytes(path),)))
            f.flush()
            time.sleep(every)


# ---------------------------------------------------------------- report

def num(r, key):
    try:
        return float(r[key])
    except (KeyError, ValueError):
        return None


def derive(r):
    """Figures for one server from its key=value result file."""
    d = {}
    clk = num(r, "clk_tck") or 100.0
    ta, tb = num(r, "t_a"), num(r, "t_b")
    ca, cb = num(r, "cpu_ticks_a"), num(r, "cpu_ticks_b")
    sa, sb = num(r, "samples_a"), num(r, "samples_b")
    if sa is None and sb is not None:
        # a labelled counter (Prometheus 2.42: {type=...}) has no label sets before
        # the first append, so it is absent rather than 0 when nothing was scraped yet
        sa = 0.0
    series, hwm = num(r, "series"), num(r, "hwm_kib")
    window = tb - ta if ta is not None and tb is not None else None
    cpu = (cb - ca) / clk if ca is not None and cb is not None else None
    samples = sb - sa if sa is not None and sb is not None else None
    d["window_s"] = window
    d["cpu_s"] = cpu
    d["cores"] = cpu / window if cpu is not None and window else None
    d["cpu_total_s"] = cb / clk if cb is not None else None
    d["samples"] = samples
    d["samples_per_s"] = samples / window if samples is not None and window else None
    d["cpu_us_per_sample"] = (cpu * 1e6 / samples
                              if cpu is not None and samples else None)
    d["series"] = series
    d["hwm_mib"] = hwm / 1024 if hwm is not None else None
    d["kib_per_series"] = hwm / series if hwm is not None and series else None
    d["scrapes"] = r.get("scrapes", "n/a")
    d["targets_scraped"] = "%s/%s" % (r.get("targets_scraped", "n/a"), r.get("targets", "n/a"))
    d["expected_scrapes"] = num(r, "expected_scrapes")
    d["cpu_us_per_sample_life"] = (cb / clk * 1e6 / sb if cb is not None and sb else None)
    wa, wb, wl = num(r, "write_bytes_a"), num(r, "write_bytes_b"), num(r, "write_bytes_life")
    d["write_b_per_sample"] = (wb - wa) / samples if wa is not None and wb is not None and samples else None
    d["write_b_per_sample_life"] = wl / sb if wl is not None and sb else None
    d["write_mib_life"] = wl / 2**20 if wl is not None else None
    d["dir_mib_end"] = num(r, "dir_bytes_end") / 2**20 if num(r, "dir_bytes_end") is not None else None
    stopped = num(r, "dir_bytes_stopped")
    d["dir_mib_stopped"] = stopped / 2**20 if stopped is not None else None
    d["write_amplification"] = wl / stopped if wl is not None and stopped else None
    d["restart_s"] = num(r, "restart_s")
    d["trace"] = load_samples(r.get("samples_file"), num(r, "t_ready"))
    if d["trace"]:
        sizes = [x[5] for x in d["trace"]]
        d["dir_mib_max"] = max(sizes) / 2**20
        d["dir_mib_mean"] = sum(sizes) / len(sizes) / 2**20
    rs_a, rs_b = num(r, "rule_seconds_a"), num(r, "rule_seconds_b")
    ri_a, ri_b = num(r, "rule_iterations_a"), num(r, "rule_iterations_b")
    if rs_b is not None and ri_b is not None:
        rs_a, ri_a = rs_a or 0.0, ri_a or 0.0
        d["rule_iterations"] = ri_b - ri_a
        d["rule_ms_per_iteration"] = (rs_b - rs_a) * 1000 / (ri_b - ri_a) if ri_b > ri_a else None
    return d


def load_samples(path, t_ready):
    """The sampler's lines as (seconds since ready, cpu, write_bytes, cancelled, rss_kib, dir_bytes)."""
    if not path or t_ready is None:
        return []
    out = []
    try:
        with open(path) as f:
            for line in f:
                x = line.split()
                if len(x) == 6:
                    out.append((float(x[0]) - t_ready,) + tuple(int(v) for v in x[1:]))
    except OSError:
        return []
    return out


def paired_dir_ratios(tg, pr, after):
    """Tollgate's directory over Prometheus's at the same time since ready (t >= after)."""
    ratios = []
    j = 0
    for t, *rest in tg:
        while j + 1 < len(pr) and abs(pr[j + 1][0] - t) <= abs(pr[j][0] - t):
            j += 1
        if t >= after and pr and pr[j][5] > 0 and abs(pr[j][0] - t) < 10:
            ratios.append(rest[4] / pr[j][5])
    return ratios


def fmt(v, spec):
    if v is None:
        return "n/a"
    return format(v, spec)


def report(paths):
    results = []
    for p in paths:
        r = {}
        with open(p) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    r[k] = v
        results.append((r.get("name", os.path.basename(p)), derive(r)))
    rows = [
        ("measured window (s)", "window_s", ".1f"),
        ("CPU in window (s)", "cpu_s", ".2f"),
        ("CPU cores used (avg)", "cores", ".3f"),
        ("CPU whole process life (s)", "cpu_total_s", ".2f"),
        ("samples ingested in window", "samples", ",.0f"),
        ("samples/s", "samples_per_s", ",.0f"),
        ("CPU-us per ingested sample", "cpu_us_per_sample", ".3f"),
        ("active series (head)", "series", ",.0f"),
        ("peak RSS (VmHWM, MiB)", "hwm_mib", ",.1f"),
        ("peak RSS per series (KiB)", "kib_per_series", ".3f"),
        ("scrapes served by targets", "scrapes", "s"),
        ("max scrapes (2s, ready to stop)", "expected_scrapes", ",.0f"),
        ("targets scraped", "targets_scraped", "s"),
        ("CPU-us per sample, warm-up included", "cpu_us_per_sample_life", ".3f"),
        ("disk write bytes per sample (window)", "write_b_per_sample", ".2f"),
        ("disk write bytes per sample (life)", "write_b_per_sample_life", ".2f"),
        ("disk writes over the life (MiB)", "write_mib_life", ",.1f"),
        ("data dir, largest while running (MiB)", "dir_mib_max", ",.1f"),
        ("data dir, mean while running (MiB)", "dir_mib_mean", ",.1f"),
        ("data dir at the end (MiB)", "dir_mib_end", ",.1f"),
        ("data dir after a graceful stop (MiB)", "dir_mib_stopped", ",.1f"),
        ("write amplification (written / kept)", "write_amplification", ".1f"),
        ("restart to /-/ready (s)", "restart_s", ".2f"),
        ("rule group iterations in window", "rule_iterations", ",.0f"),
        ("rule group ms per iteration", "rule_ms_per_iteration", ".1f"),
    ]
    names = [n for n, _ in results]
    w0 = max(len(r[0]) for r in rows)
    w = [max(14, len(n)) for n in names]
    print("%-*s  %s" % (w0, "", "  ".join("%*s" % (wi, n) for wi, n in zip(w, names))))
    print("%s  %s" % ("-" * w0, "  ".join("-" * wi for wi in w)))
    for label, key, spec in rows:
        cells = []
        for (_, d), wi in zip(results, w):
            v = d.get(key)
            cells.append("%*s" % (wi, v if isinstance(v, str) else fmt(v, spec)))
        print("%-*s  %s" % (w0, label, "  ".join(cells)))
    by = dict(results)
    tg, pr = by.get("tollgate"), by.get("prometheus")
    if tg is not None and pr is not None:
        def ratio(key):
            a, b = tg.get(key), pr.get(key)
            return "%.2f" % (a / b) if a is not None and b else "n/a"
        def goal(label, key, limit):
            a, b = tg.get(key), pr.get(key)
            if a is None or not b:
                print("  %-44s   n/a" % label)
                return
            r = a / b
            print("  %-44s %6.2f   goal <= %.2f  %s" % (label, r, limit, "met" if r <= limit else "NOT MET"))
        print()
        print("Tollgate / Prometheus (samples/s %s; rule group time %s):" % (ratio("samples_per_s"), ratio("rule_ms_per_iteration")))
        goal("CPU per sample, warm-up excluded", "cpu_us_per_sample", 0.5)
        goal("CPU per sample, warm-up included", "cpu_us_per_sample_life", 0.5)
        goal("peak RSS per active series", "kib_per_series", 0.5)
        goal("disk write bytes per sample (window)", "write_b_per_sample", 0.5)
        goal("disk write bytes per sample (life)", "write_b_per_sample_life", 0.5)
        goal("data dir, largest while running", "dir_mib_max", 0.5)
        goal("data dir, mean while running", "dir_mib_mean", 0.5)
        goal("data dir at the end", "dir_mib_end", 0.5)
        goal("data dir after a graceful stop", "dir_mib_stopped", 0.5)
        goal("restart to /-/ready", "restart_s", 1.0)
        ratios = paired_dir_ratios(tg.get("trace") or [], pr.get("trace") or [], 60)
        if ratios:
            print("  data dir at the same time since ready (t >= 60 s): ratio from %.2f to %.2f, last %.2f"
                  % (min(ratios), max(ratios), ratios[-1]))
        kib = tg.get("kib_per_series")
        if kib is not None:
            print("  Tollgate's peak RSS per active series: %.3f KiB (goal <= 1 KiB: %s)" % (kib, "met" if kib <= 1 else "NOT MET"))
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "free-ports":
        return free_ports(int(args[0]), int(args[1]))
    if cmd == "wait-ready":
        return wait_ready(args[0], int(args[1]), float(args[2]))
    if cmd == "metrics":
        return metrics(args[0], args[1:])
    if cmd == "stats":
        return stats(args[0], args[1])
    if cmd == "scrapes":
        return scrapes(args[0], args[1])
    if cmd == "sample":
        return sample(int(args[0]), args[1], float(args[2]), args[3])
    if cmd == "dir-bytes":
        print(dir_bytes(args[0]))
        return 0
    if cmd == "report":
        return report(args)
    print("unknown subcommand %r\n%s" % (cmd, __doc__), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
