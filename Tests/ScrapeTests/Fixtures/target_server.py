#!/usr/bin/env python3
"""A scrape target for tests, controlled over HTTP (Python 3 stdlib only).

Prints one JSON line {"port": P, "tls_port": T or null} once listening on 127.0.0.1.

  POST /_control?path=/x[&content_type=..][&gzip=1][&delay=SECONDS][&status=CODE]
       body = what GET /x serves from now on
  GET  /_requests?path=/x   -> JSON list of the headers of each request to /x
  GET  /x                   -> the body set for /x (404 when none)

With --tls-cert and --tls-key a second port serves the same paths over TLS.
"""
import argparse
import gzip
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATE = {}
REQUESTS = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if url.path != "/_control":
            return self.reply(404, b"not found\n")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with LOCK:
            STATE[query["path"]] = {
                "body": body,
                "content_type": query.get("content_type", "text/plain; version=0.0.4"),
                "gzip": query.get("gzip") == "1",
                "delay": float(query.get("delay", "0")),
                "status": int(query.get("status", "200")),
            }
        self.reply(200, b"ok\n")

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_requests":
            path = parse_qs(url.query)["path"][0]
            with LOCK:
                seen = list(REQUESTS.get(path, []))
            return self.reply(200, json.dumps(seen).encode(), [("Content-Type", "application/json")])
        with LOCK:
            REQUESTS.setdefault(url.path, []).append({k.lower(): v for k, v in self.headers.items()} | {"_query": url.query, "_peer": str(self.client_address[1])})
            state = STATE.get(url.path)
        if state is None:
            return self.reply(404, b"not found\n")
        if state["delay"]:
            time.sleep(state["delay"])
        body = state["body"]
        headers = [("Content-Type", state["content_type"])]
        if state["gzip"] and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        try:
            self.reply(state["status"], body, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    plain = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    plain.daemon_threads = True
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    tls_port = None
    if args.tls_cert:
        secure = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        secure.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        tls_port = secure.server_address[1]
        threading.Thread(target=secure.serve_forever, daemon=True).start()
    print(json.dumps({"port": plain.server_address[1], "tls_port": tls_port}), flush=True)
    # Exit when the test process closes our stdin.
    sys.stdin.read()


if __name__ == "__main__":
    main()
