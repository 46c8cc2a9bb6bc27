#!/usr/bin/env python3
"""A remote-write receiver stand-in: answers POST /api/v1/write with the statuses given,
in turn (the last one repeats), and appends one JSON line per request to a log file:
{"status", "sha1" (of the body), "encoding", "version", "content_type"}; each body is
saved beside it as LOGFILE.N.bin (N from 0).

usage: status_receiver.py PORT LOGFILE STATUS...
"""
import hashlib
import http.server
import json
import sys

port, log, statuses = int(sys.argv[1]), sys.argv[2], [int(s) for s in sys.argv[3:]]
answered = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global answered
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = statuses[min(answered, len(statuses) - 1)]
        answered += 1
        with open("%s.%d.bin" % (log, answered - 1), "wb") as f:
            f.write(body)
        with open(log, "a") as f:
            f.write(json.dumps({
                "status": status, "sha1": hashlib.sha1(body).hexdigest(),
                "encoding": self.headers.get("Content-Encoding"),
                "version": self.headers.get("X-Prometheus-Remote-Write-Version"),
                "content_type": self.headers.get("Content-Type"),
            }) + "\n")
        text = b"" if status < 300 else b"stand-in says %d\n" % status
        self.send_response(status)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
