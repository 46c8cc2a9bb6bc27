#!/usr/bin/env python3
"""Tollgate soak test (python3 standard library only); scripts/soak.sh starts it.

On loopback only: 100 synthetic targets (fake_targets.py), a `tollgate serve` scraping them
and a "flip" target served here, recording and alerting rules, a rollout guard with a
registered rollout, the built-in notifier sending to a webhook receiver served here, and
query load on /api/v1/query and /api/v1/query_range. Part-way through, the server is
killed with SIGKILL and started again on the same data directory.

Checks at the end (the exit status is 1 when one fails):
  * growth of the process's own memory (RssAnon) over the last half of the run under 5 %
    (relaxed for runs under 10 minutes), the median of the first five samples of the half
    against the median of the last five; VmRSS also counts the pages of the store's file
    that readers map (they grow with the file and the kernel may drop them), and is shown;
  * no failed request from the load generator (it pauses around the restart);
  * every expected notification delivered: each flip episode fires once and resolves once;
  * no committed sample lost: every value of `soak_scrape_seq` the flip target served (one
    per scrape) is stored, except one served in the instant before the SIGKILL.
"""
import argparse
import http.server
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SCRAPE_INTERVAL = 5   # the synthetic targets
FLIP_INTERVAL = 1     # the flip target, and the rule group every 2 s: an episode shows within seconds
RULE_INTERVAL = 2
RSS_EVERY = 10


def log(message):
    print("soak: %s" % message, flush=True)


def listen_ports(singles, run):
    """`singles` loopback ports and the first of `run` consecutive ones, all distinct and free
    at once, chosen below the kernel's range of source ports: a port from that range can be
    taken by an outgoing connection (or a readiness probe connecting to itself) before the
    server that was given it binds, and the server then fails to start."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    low, high = (10000, ephemeral_low - 1) if ephemeral_low - 10000 > 4 * (singles + run) else (20000, 60000)
    for _ in range(200):
        base = random.randint(low, high - run - singles)
        ports = list(range(base, base + run)) + random.sample(range(low, high), singles)
        if len(set(ports)) != len(ports):
            continue
        held = []
        try:
            for port in ports:
                s = socket.socket()
                held.append(s)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
            return ports[run:], base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise SystemExit("soak: no %d free ports and run of %d below %d" % (singles, run, high))


class Flip:
    """The flip target's state: `soak_flip{episode}` is 1 while an episode is on, and
    `soak_scrape_seq` counts the scrapes served (each value is stored exactly once)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.on = False
        self.episode = 0
        self.seq = 0
        self.served = []  # (seq, monotonic time)

    def start_episode(self):
        with self.lock:
            self.episode += 1
            self.on = True
            return self.episode

    def stop_episode(self):
        with self.lock:
            self.on = False

    def body(self):
        with self.lock:
            self.seq += 1
            self.served.append((self.seq, time.monotonic()))
            lines = ["# TYPE soak_scrape_seq gauge", "soak_scrape_seq %d" % self.seq, "# TYPE soak_flip gauge"]
            if self.episode:
                lines.append('soak_flip{episode="%d"} %d' % (self.episode, 1 if self.on else 0))
            return ("\n".join(lines) + "\n").encode()


class Received:
    """What the webhook receiver got: (episode, status) per alert, and the raw count."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pairs = set()
        self.notifications = 0
        self.alerts = 0

    def add(self, payload):
        with self.lock:
            self.notifications += 1
            for alert in payload.get("alerts", []):
                episode = alert.get("labels", {}).get("episode")
                if episode is not None:
                    self.alerts += 1
                    self.pairs.add((int(episode), alert.get("status")))


def serve(port, handler_class):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler_class)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_handlers(flip, received):
    class Quiet(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", content_type="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class FlipHandler(Quiet):
        def do_GET(self):
            self.reply(200, flip.body(), "text/plain; version=0.0.4")

    class WebhookHandler(Quiet):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            try:
                received.add(json.loads(body))
            except ValueError:
                pass
            self.reply(200)

    return FlipHandler, WebhookHandler


def http_get(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def api(port, path, **params):
    url = "http://127.0.0.1:%d%s" % (port, path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    status, body = http_get(url)
    return json.loads(body)


class Server:
    """`tollgate serve` as a child process."""

    def __init__(self, binary, args, log_path):
        self.binary, self.args, self.log_path = binary, args, log_path
        self.process = None

    def start(self, port):
        log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "serve"] + self.args, stdout=log_file, stderr=log_file)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("soak: tollgate exited at start (%s); the end of %s:\n%s"
                                 % (self.process.returncode, self.log_path, self.log_tail()))
            try:
                if http_get("http://127.0.0.1:%d/-/ready" % port, timeout=2)[0] == 200:
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise SystemExit("soak: tollgate did not become ready in 120 s; the end of %s:\n%s" % (self.log_path, self.log_tail()))

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-lines:]).decode("utf-8", "replace")
        except OSError as error:
            return "(unreadable: %s)" % error

    def memory_kib(self):
        """VmRSS, RssAnon and RssFile of /proc/PID/status, in KiB (None when unreadable)."""
        values = {}
        try:
            with open("/proc/%d/status" % self.process.pid) as status:
                for line in status:
                    name = line.split(":")[0]
                    if name in ("VmRSS", "RssAnon", "RssFile"):
                        values[name] = int(line.split()[1])
        except OSError:
            return None
        return values if len(values) == 3 else None

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Load:
    """Query load: workers asking instant and range queries until stopped; paused around the restart."""

    QUERIES = [
        "sum by (job) (rate(http_requests_total[1m]))",
        "job:http_requests:rate1m",
        "topk(5, app_queue_depth)",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))",
        "count(up == 1)",
        "soak_flip",
    ]

    def __init__(self, port, workers):
        self.port, self.workers = port, workers
        self.running = threading.Event()
        self.stopped = threading.Event()
        # A worker holds its lock while it decides to send and until the answer is in.
        self.busy = [threading.Lock() for _ in range(workers)]
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = []
        self.threads = [threading.Thread(target=self.work, args=(i,), daemon=True) for i in range(workers)]

    def start(self):
        self.running.set()
        for thread in self.threads:
            thread.start()

    def pause(self):
        """Returns once no request is in flight and none will start before `resume`."""
        self.running.clear()
        for lock in self.busy:
            with lock:
                pass

    def resume(self):
        self.running.set()

    def stop(self):
        self.stopped.set()
        self.running.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def work(self, index):
        rng = random.Random(index)
        while not self.stopped.is_set():
            self.running.wait()
            with self.busy[index]:
                if self.running.is_set() and not self.stopped.is_set():
                    self.ask(rng)
            time.sleep(rng.uniform(0.05, 0.25))

    def ask(self, rng):
        query = rng.choice(self.QUERIES)
        now = time.time()
        if rng.random() < 0.5:
            path, params = "/api/v1/query", {"query": query, "time": "%.3f" % now}
        else:
            path, params = "/api/v1/query_range", {"query": query, "start": "%.3f" % (now - 300), "end": "%.3f" % now, "step": "15"}
        try:
            answer = api(self.port, path, **params)
            problem = None if answer.get("status") == "success" else answer
        except (OSError, urllib.error.URLError, ValueError) as error:
            problem = error
        with self.lock:
            self.requests += 1
            if problem is not None:
                self.errors.append("%s %s: %s" % (path, query, problem))


def write_config(folder, flip_port, fake_base, targets, webhook_port):
    fake = ", ".join("'127.0.0.1:%d'" % (fake_base + i) for i in range(targets))
    with open(os.path.join(folder, "tollgate.yml"), "w") as f:
        f.write("""global:
  scrape_interval: %ds
  evaluation_interval: %ds
scrape_configs:
  - job_name: fake
    static_configs: [{targets: [%s]}]
  - job_name: flip
    scrape_interval: %ds
    static_configs: [{targets: ['127.0.0.1:%d']}]
rule_files: [rules.yml]
guard_files: [guards.yml]
""" % (SCRAPE_INTERVAL, SCRAPE_INTERVAL, fake, FLIP_INTERVAL, flip_port))
    with open(os.path.join(folder, "rules.yml"), "w") as f:
        f.write("""groups:
  - name: soak
    interval: %ds
    rules:
      - record: job:http_requests:rate1m
        expr: sum by (job) (rate(http_requests_total[1m]))
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: SoakFlip
        expr: soak_flip == 1
        labels: {severity: warning}
        annotations: {summary: 'episode {{ $labels.episode }}'}
""" % RULE_INTERVAL)
    with open(os.path.join(folder, "guards.yml"), "w") as f:
        f.write("""guards:
  - name: soak
    interval: %ds
    window: 1m
    checks:
      - name: targets-up
        expr: sum(up{job="fake"}) / count(up{job="fake"})
        min: 0.9
      - name: request-rate
        expr: sum(job:http_requests:rate1m{job="fake"})
        min: 0
    vetoes:
      - matchers: ['alertname="SoakVeto"']
plans:
  - name: soak
    stages: [{traffic: 10, watch: 24h}, {traffic: 100, watch: 1h}]
""" % SCRAPE_INTERVAL)
    with open(os.path.join(folder, "alertmanager.yml"), "w") as f:
        f.write("""route:
  receiver: hook
  group_by: [alertname, episode]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 24h
receivers:
  - name: hook
    webhook_configs: [{url: 'http://127.0.0.1:%d/hook', send_resolved: true}]
""" % webhook_port)


def percent(a, b):
    return 100.0 * (b - a) / a if a else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--fake-targets", required=True)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    duration = args.duration
    short = duration < 600
    # Episodes: on, then off, each long enough for scrapes, evaluations and a flush; an
    # episode ends `margin` seconds or more before the SIGKILL, so that its resolution is sent.
    phase = 10 if short else 60
    margin = 10
    rss_limit = 50.0 if short else 5.0

    folder = tempfile.mkdtemp(prefix="tollgate-soak-")
    (port, flip_port, webhook_port), fake_base = listen_ports(3, args.targets)
    write_config(folder, flip_port, fake_base, args.targets, webhook_port)
    log("binary %s, %d targets x %d series every %d s, %d s, working folder %s"
        % (args.binary, args.targets, args.series, SCRAPE_INTERVAL, duration, folder))

    flip, received = Flip(), Received()
    flip_handler, webhook_handler = make_handlers(flip, received)
    servers = [serve(flip_port, flip_handler), serve(webhook_port, webhook_handler)]
    fake = subprocess.Popen(
        [sys.executable, args.fake_targets, "--targets", str(args.targets), "--series-per-target", str(args.series),
         "--port", str(fake_base), "--seconds", str(duration + 600)],
        stdout=open(os.path.join(folder, "fake_targets.log"), "wb"), stderr=subprocess.STDOUT)
    server = Server(args.binary, [
        "--config.file", os.path.join(folder, "tollgate.yml"), "--alertmanager.config", os.path.join(folder, "alertmanager.yml"),
        "--storage.tsdb.path", os.path.join(folder, "data"), "--web.listen-address", "127.0.0.1:%d" % port,
    ], os.path.join(folder, "tollgate.log"))
    failures = []
    load = None
    try:
        server.start(port)
        started = time.monotonic()
        wall_start = time.time()
        body = json.dumps({"service": "soak", "version": "v2", "baseline": "v1", "guard": "soak", "plan": "soak"}).encode()
        request = urllib.request.Request("http://127.0.0.1:%d/api/v1/rollouts" % port, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            rollout = json.loads(response.read())["data"]["id"]
        load = Load(port, args.workers)
        load.start()

        kill_at = duration * (0.5 if short else 0.4)
        killed_at = None
        killed_elapsed = None
        restarted = False
        rss = []  # (seconds since start, KiB, process generation)
        next_rss = 0.0
        next_phase = 2.0
        decisions = 0
        episodes = []  # (episode, start, end) in seconds since start
        generation = 1
        while True:
            elapsed = time.monotonic() - started
            if elapsed >= duration:
                break
            if elapsed >= next_rss:
                value = server.memory_kib()
                if value is not None:
                    rss.append((elapsed, value, generation))
                next_rss += RSS_EVERY
            if elapsed >= next_phase:
                if flip.on:
                    flip.stop_episode()
                    episodes[-1][2] = elapsed
                    next_phase = elapsed + phase
                elif elapsed + phase + 5 < duration and (restarted or elapsed + phase + margin < kill_at):
                    # An episode never spans the restart: a rule's firing state is not kept across one.
                    episodes.append([flip.start_episode(), elapsed, None])
                    next_phase = elapsed + phase
                else:
                    next_phase = elapsed + 1
            if not restarted and elapsed >= kill_at and not flip.on:
                load.pause()
                server.kill()
                killed_at = time.monotonic()
                killed_elapsed = elapsed
                log("SIGKILL at %.0f s; starting again" % elapsed)
                server.start(port)
                log("ready again after %.1f s" % (time.monotonic() - killed_at))
                generation += 1
                restarted = True
                load.resume()
            if int(elapsed) % 15 == 0:
                try:
                    answer = api(port, "/api/v1/rollouts/%s/decision" % rollout)
                    decisions += answer.get("status") == "success"
                except (OSError, urllib.error.URLError, ValueError):
                    pass
            time.sleep(0.5)
        if flip.on:
            flip.stop_episode()
            episodes[-1][2] = time.monotonic() - started
        load.stop()
        value = server.memory_kib()
        if value is not None:
            rss.append((time.monotonic() - started, value, generation))

        # Notifications: each episode's firing and resolved, waited for at most 60 s.
        expected = set()
        for episode, _, _ in episodes:
            expected |= {(episode, "firing"), (episode, "resolved")}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with received.lock:
                if expected <= received.pairs:
                    break
            time.sleep(0.5)
        with received.lock:
            delivered = set(received.pairs)
            notifications, alerts = received.notifications, received.alerts

        # Samples: every soak_scrape_seq value served must be stored, but those served in the
        # instant before the SIGKILL (scraped, not yet committed).
        time.sleep(FLIP_INTERVAL + 1)
        end = time.time()
        answer = api(port, "/api/v1/query", query="soak_scrape_seq[%ds]" % (int(end - wall_start) + 60), time="%.3f" % end)
        stored = set()
        for series in answer["data"]["result"]:
            stored |= {int(float(v)) for _, v in series["values"]}
        with flip.lock:
            served = list(flip.served)
        cutoff = time.monotonic() - 2
        in_flight = [seq for seq, at in served if killed_at is not None and killed_at - 2 <= at <= killed_at]
        lost = [seq for seq, at in served if at < cutoff and seq not in stored and seq not in in_flight]
        rollout_state = api(port, "/api/v1/rollouts/%s" % rollout)["data"]
        series = api(port, "/api/v1/status/tsdb")["data"]["headStats"]["numSeries"]
    finally:
        if load:
            load.stop()
        server.stop()
        fake.terminate()
        try:
            fake.wait(timeout=30)
        except subprocess.TimeoutExpired:
            fake.kill()
        for s in servers:
            s.shutdown()

    # Report.
    print()
    print("Memory of tollgate serve (every %d s; the process was killed and started again at %.0f s)" % (RSS_EVERY, killed_elapsed or 0))
    print("| t (s) | VmRSS (MiB) | RssAnon (MiB) | RssFile (MiB) | process |")
    print("|---:|---:|---:|---:|---:|")
    for t, kib, gen in rss:
        print("| %.0f | %.1f | %.1f | %.1f | %d |" % (t, kib["VmRSS"] / 1024.0, kib["RssAnon"] / 1024.0, kib["RssFile"] / 1024.0, gen))
    half = [kib for t, kib, gen in rss if t >= duration / 2 and gen == generation]

    def growth(name):
        if len(half) < 2:
            return 0.0
        window = max(1, min(5, len(half) // 2))
        first = sorted(k[name] for k in half[:window])[window // 2]
        last = sorted(k[name] for k in half[-window:])[window // 2]
        return percent(first, last)

    print()
    print("series in the store: %s" % series)
    note = " (relaxed from 5 % for a run under 10 minutes: the restarted process is still filling its head)" if short else ""
    print("RssAnon growth over the last half: %.1f %% (limit %.0f %%%s); VmRSS: %.1f %%, RssFile: %.1f %% (not checked)"
          % (growth("RssAnon"), rss_limit, note, growth("VmRSS"), growth("RssFile")))
    if len(half) < 2:
        failures.append("too few memory samples in the last half")
    elif growth("RssAnon") >= rss_limit:
        failures.append("RssAnon grew %.1f %% over the last half (limit %.0f %%)" % (growth("RssAnon"), rss_limit))
    error_rate = len(load.errors) / load.requests if load.requests else 1.0
    print("query requests: %d, failed: %d (error rate %.4f %%)" % (load.requests, len(load.errors), 100 * error_rate))
    for error in load.errors[:5]:
        print("  " + error[:300])
    if load.requests == 0 or load.errors:
        failures.append("%d of %d query requests failed" % (len(load.errors), load.requests))
    print("alert episodes: %d; notifications expected (firing + resolved per episode): %d, delivered: %d (%d webhook calls, %d alert entries)"
          % (len(episodes), len(expected), len(delivered & expected), notifications, alerts))
    if not episodes:
        failures.append("no alert episode ran")
    if delivered != expected:
        failures.append("notifications: missing %s, unexpected %s" % (sorted(expected - delivered), sorted(delivered - expected)))
    print("scrapes of the sequence target: %d served, %d stored; %d served in the 2 s before the SIGKILL (may be uncommitted), %d of them missing; lost: %d"
          % (len(served), len(stored), len(in_flight), len([seq for seq in in_flight if seq not in stored]), len(lost)))
    if lost:
        failures.append("%d committed samples lost: %s" % (len(lost), lost[:20]))
    print("rollout %s: %s at %s %% after the restart; %d decisions asked" % (rollout, rollout_state.get("status"), rollout_state.get("traffic"), decisions))
    if rollout_state.get("status") != "active":
        failures.append("the rollout is %s, not active" % rollout_state.get("status"))
    if not restarted:
        failures.append("the server was not restarted")
    print()
    if failures:
        for failure in failures:
            print("soak: FAIL: " + failure)
        print("soak: logs and data kept in %s" % folder)
        return 1
    print("soak: PASS")
    if args.keep:
        print("soak: logs and data kept in %s" % folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
