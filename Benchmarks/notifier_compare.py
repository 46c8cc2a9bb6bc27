#!/usr/bin/env python3
"""Side-by-side notifier benchmark: Tollgate's built-in notifier vs Debian's Alertmanager.

Each server in turn (never together) gets the same alertmanager.yml (alerts grouped by a
`group` label, a webhook receiver on loopback that answers 200) and the same alerts: ALERTS
active alerts in GROUPS groups, posted to /api/v2/alerts in batches of BATCH (Prometheus's
batch size is 64), ROUNDS times over (as Prometheus resends firing alerts). Per server it
prints:
  - CPU per accepted alert: utime+stime of the server process (/proc/PID/stat) from just
    before the first post until every group has notified, over the alerts posted;
  - resident memory per active alert: VmRSS after the posts minus VmRSS before, over ALERTS;
  - peak RSS (VmHWM) and the notifications the webhook got;
and the ratios Tollgate / Alertmanager.

usage: notifier_compare.py TOLLGATE_BINARY ALERTMANAGER_BINARY [--alerts N] [--groups N]
       [--rounds N] [--batch N] [--only tollgate|alertmanager]
"""
import argparse, http.client, http.server, json, os, shutil, socket, subprocess, sys, tempfile, threading, time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Webhook:
    """A receiver that counts notifications and the alerts in them."""

    def __init__(self):
        self.notifications = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                json.loads(body)
                with owner.lock:
                    owner.notifications += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.request_queue_size = 1024  # 500 groups notify at once
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self):
        with self.lock:
            return self.notifications


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def wait_ready(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/-/ready")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} not ready after {timeout}s")


def batches(args, round_index):
    now = time.time()
    ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 3600))
    starts = "2026-01-01T00:00:00Z"
    alerts = []
    for i in range(args.alerts):
        alerts.append({
            "labels": {"alertname": "BenchAlert", "group": f"g{i % args.groups}", "instance": f"host-{i}:9100", "job": "node", "severity": "warning"},
            "annotations": {"summary": f"host-{i} is slow", "round": str(round_index)},
            "startsAt": starts, "endsAt": ends, "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
        })
    for i in range(0, len(alerts), args.batch):
        yield json.dumps(alerts[i:i + args.batch]).encode()


def run(name, argv, port, args, webhook):
    log = open(os.path.join(args.tmp, f"{name}.log"), "w")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(port)
        time.sleep(2)
        rss0, cpu0, sent0 = proc_status(proc.pid, "VmRSS"), proc_cpu(proc.pid), webhook.count()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        posted = 0
        started = time.time()
        for r in range(args.rounds):
            for body in batches(args, r):
                conn.request("POST", "/api/v2/alerts", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{name}: POST answered {response.status}")
                posted += body.count(b'"alertname"')
        post_seconds = time.time() - started
        # Every group notifies once (group_wait 2s); wait for all of them.
        deadline = time.time() + 120
        while webhook.count() - sent0 < args.groups and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        cpu = proc_cpu(proc.pid) - cpu0
        rss = proc_status(proc.pid, "VmRSS")
        return {
            "posted": posted, "post_seconds": post_seconds, "cpu_us_per_alert": cpu * 1e6 / posted,
            "rss_per_alert": (rss - rss0) / args.alerts, "rss": rss, "hwm": proc_status(proc.pid, "VmHWM"),
            "notifications": webhook.count() - sent0,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("tollgate")
    p.add_argument("alertmanager")
    p.add_argument("--alerts", type=int, default=20000)
    p.add_argument("--groups", type=int, default=500)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--only", choices=["tollgate", "alertmanager"])
    args = p.parse_args()
    args.tmp = tempfile.mkdtemp(prefix="notifier-compare.")
    webhook = Webhook()
    config = os.path.join(args.tmp, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(f"""route:
  receiver: hook
  group_by: [group]
  group_wait: 2s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs: [{{url: 'http://127.0.0.1:{webhook.port}/hook'}}]
""")
    results = {}
    for name in ["tollgate", "alertmanager"]:
        if args.only and args.only != name:
            continue
        port = free_port()
        data = os.path.join(args.tmp, f"{name}-data")
        if name == "tollgate":
            # An empty tollgate.yml: no scraping and no rule groups, only the notifier.
            empty = os.path.join(args.tmp, "tollgate.yml")
            open(empty, "w").close()
            argv = [args.tollgate, "serve", "--config.file", empty, "--web.listen-address", f"127.0.0.1:{port}", "--data-dir", data, "--alertmanager.config", config]
        else:
            argv = [args.alertmanager, f"--config.file={config}", f"--storage.path={data}", f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="]
        print(f"== {name}: {args.rounds} rounds of {args.alerts} alerts in {args.groups} groups, batches of {args.batch}", flush=True)
        results[name] = run(name, argv, port, args, webhook)
        r = results[name]
        print(f"   posted {r['posted']} alerts in {r['post_seconds']:.1f}s; notifications {r['notifications']}; "
              f"CPU {r['cpu_us_per_alert']:.1f} µs/alert; RSS +{r['rss_per_alert']:.0f} B/alert "
              f"(RSS {r['rss'] / 2**20:.1f} MiB, peak {r['hwm'] / 2**20:.1f} MiB)", flush=True)
    if len(results) == 2:
        t, a = results["tollgate"], results["alertmanager"]
        print("== Tollgate / Alertmanager")
        print(f"   CPU per accepted alert     {t['cpu_us_per_alert'] / a['cpu_us_per_alert']:.2f}")
        print(f"   memory per active alert    {t['rss_per_alert'] / max(a['rss_per_alert'], 1):.2f}")
        print(f"   peak RSS                   {t['hwm'] / a['hwm']:.2f}")
    if os.environ.get("KEEP_TMP") == "1":
        print(f"== logs kept in {args.tmp}")
    else:
        shutil.rmtree(args.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
