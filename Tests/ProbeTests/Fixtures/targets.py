#!/usr/bin/env python3
"""Probe targets for the blackbox oracle test: HTTP and HTTPS servers with fixed answers and
a line-protocol TCP server. Usage: targets.py DIR HTTP_PORT HTTPS_PORT TCP_PORT.
Writes DIR/ready once every socket listens."""
import http.server, os, socket, ssl, subprocess, sys, threading, time

directory, http_port, https_port, tcp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        if self.path == "/500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(3)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        text = b"hello " + body if body else b"hello"
        self.send_response(200)
        self.send_header("X-Mode", "maintenance" if self.path == "/maintenance" else "ok")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args):
        pass


def serve_http(port, context=None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    if context:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def serve_tcp(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)

    def talk(conn):
        with conn:
            conn.sendall(b"HELLO tollgate\r\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(1024)
                if not chunk:
                    return
                data += chunk
            if data.strip() == b"NAME tollgate":
                conn.sendall(b"WELCOME tollgate\n")
            else:
                conn.sendall(b"WHO\n")

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=talk, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                "-days", "30", "-subj", "/CN=localhost"], check=True, capture_output=True)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
serve_http(http_port)
serve_http(https_port, context)
serve_tcp(tcp_port)
open(os.path.join(directory, "ready"), "w").close()
while True:
    time.sleep(3600)
