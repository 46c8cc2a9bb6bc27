#!/usr/bin/env python3
# Tollgate — demo: a rollout webhook receiver; every POST body becomes a file DIR/NNNN.json.
#
#   webhook-receiver.py PORT DIR [--fail-first]
#
# --fail-first answers the first POST with 500, to show (and test) Tollgate's retries.
import http.server
import os
import signal
import sys
import threading

port, directory = int(sys.argv[1]), sys.argv[2]
fail_first = "--fail-first" in sys.argv[3:]
lock = threading.Lock()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            count[0] += 1
            n = count[0]
        if fail_first and n == 1:
            self.send_response(500)
            self.end_headers()
            return
        path = os.path.join(directory, "%04d.json" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(body)
        os.rename(path + ".tmp", path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


# A parent may have blocked SIGTERM (test runners do); stop on it as a service should.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
