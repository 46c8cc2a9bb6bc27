# Tollgate — NotifyRender oracle: records what Alertmanager sends.
# usage: capture.py HTTP_PORT SMTP_PORT OUT_DIR
# Each HTTP POST is written to OUT_DIR/http-<n>-<path>.body; each mail to OUT_DIR/mail-<n>.eml.
import http.server, os, signal, sys, threading, itertools
from aiosmtpd.controller import Controller

http_port, smtp_port, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
counter = itertools.count()
lock = threading.Lock()

def save(name, data):
    with lock:
        n = next(counter)
    tmp = os.path.join(out, f".{n}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(out, f"{name}-{n}"))

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        save("http" + self.path.replace("/", "_"), body)
        status = 202 if self.path.startswith("/pd") else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass

class Mail:
    async def handle_DATA(self, server, session, envelope):
        save("mail", envelope.original_content or envelope.content)
        return "250 OK"

signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
controller = Controller(Mail(), hostname="127.0.0.1", port=smtp_port)
controller.start()
open(os.path.join(out, "ready"), "w").close()
http.server.ThreadingHTTPServer(("127.0.0.1", http_port), Handler).serve_forever()
