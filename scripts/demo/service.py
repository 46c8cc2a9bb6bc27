#!/usr/bin/env python3
# Tollgate — demo: one version of a small service, exposing Prometheus metrics.
#
#   service.py PORT VERSION STATE_DIR
#
# The service does not serve real users: each scrape of /metrics adds the requests it
# would have served since the last one, at 20 requests/s times its share of traffic.
# Its share is read from STATE_DIR/traffic (the new version's percent; "blue" gets the
# rest). While STATE_DIR/errors-VERSION exists, 30 % of its requests fail with 500.
import http.server
import os
import signal
import sys
import threading
import time

port, version, state = int(sys.argv[1]), sys.argv[2], sys.argv[3]
RATE = 20.0
lock = threading.Lock()
counts = {"200": 0.0, "500": 0.0}
last = [time.time()]


def share():
    try:
        with open(os.path.join(state, "traffic")) as f:
            green = float(f.read().strip() or 0)
    except (OSError, ValueError):
        green = 0.0
    return (100.0 - green if version == "blue" else green) / 100.0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/metrics":
            self.send_response(404)
            self.end_headers()
            return
        now = time.time()
        with lock:
            served = (now - last[0]) * RATE * share()
            last[0] = now
            failing = os.path.exists(os.path.join(state, "errors-" + version))
            counts["500"] += served * 0.3 if failing else 0.0
            counts["200"] += served * 0.7 if failing else served
            lines = ["# TYPE http_requests_total counter"]
            for code, value in sorted(counts.items()):
                lines.append('http_requests_total{service="demo",version="%s",code="%s"} %.3f' % (version, code, value))
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# A parent may have blocked SIGTERM (test runners do); stop on it as a service should.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
