# Tollgate — NotifySend tests: a stand-in for webhook, Slack and PagerDuty receivers.
# usage: receiver.py OUT_DIR
# Listens on 127.0.0.1 (a free port, written to OUT_DIR/port). A request to /<kind>/<plan>/<name>
# gets the n-th answer of the comma-separated plan (the last one once the plan runs out):
#   a status (202, 400, 429, 500), `ok` (200 text "ok"), `text` (200 text "invalid_payload"),
#   `jsonok` / `jsonerr` (200 JSON, ok true / false), `sleep` (waits 10 s, then 200).
# kind is `pd` (PagerDuty Events v2 / v1), `slack` or `webhook`; each body is checked against
# what the service accepts (contracts §3.4, §4): a PagerDuty event that is not valid gets
# PagerDuty's 400 whatever the plan says. Every request is written to OUT_DIR/req-<n>.json.
import http.server, json, os, re, sys, threading, time, itertools

out = sys.argv[1]
counter = itertools.count()
lock = threading.Lock()
seen = {}

def check_pd(body):
    problems = []
    if "service_key" in body:  # Events API v1
        if not body.get("service_key"): problems.append("service_key missing")
        if body.get("event_type") not in ("trigger", "resolve"): problems.append("bad event_type")
        if not re.fullmatch(r"[0-9a-f]{64}", body.get("incident_key", "")): problems.append("bad incident_key")
        return problems
    if not re.fullmatch(r"[0-9a-zA-Z]{32}", body.get("routing_key", "")): problems.append("routing_key must be 32 characters")
    action = body.get("event_action")
    if action not in ("trigger", "acknowledge", "resolve"): problems.append("bad event_action")
    if not re.fullmatch(r"[0-9a-f]{64}", body.get("dedup_key", "")): problems.append("dedup_key must be 64 hex digits")
    if action == "trigger":
        payload = body.get("payload") or {}
        if not payload.get("summary") or len(payload["summary"]) > 1024: problems.append("payload.summary")
        if not payload.get("source"): problems.append("payload.source")
        if payload.get("severity") not in ("critical", "error", "warning", "info"): problems.append("payload.severity")
    return problems

def check_slack(body):
    problems = []
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1: return ["exactly one attachment"]
    for key in ("text", "fallback", "title"):
        if key not in attachments[0]: problems.append("attachment." + key)
    if attachments[0].get("color") not in ("danger", "good", "warning"): problems.append("attachment.color")
    return problems

def check_webhook(body):
    problems = []
    for key in ("version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                "commonAnnotations", "externalURL", "alerts"):
        if key not in body: problems.append(key)
    if body.get("version") != "4": problems.append("version")
    return problems

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.strip("/").split("/")
        kind, plan = parts[0], parts[1].split(",") if len(parts) > 1 else ["200"]
        with lock:
            n = seen.get(self.path, 0)
            seen[self.path] = n + 1
            seq = next(counter)
        answer = plan[min(n, len(plan) - 1)]
        try:
            body = json.loads(raw)
            problems = {"pd": check_pd, "slack": check_slack, "webhook": check_webhook}.get(kind, lambda b: [])(body)
        except ValueError:
            body, problems = None, ["not JSON"]
        if self.headers.get("Content-Type") != "application/json": problems.append("Content-Type")
        record = {"path": self.path, "headers": dict(self.headers), "body": raw.decode("utf-8", "replace"), "problems": problems}
        with open(os.path.join(out, f".req-{seq}.tmp"), "w") as f:
            json.dump(record, f)
        os.rename(os.path.join(out, f".req-{seq}.tmp"), os.path.join(out, f"req-{seq}.json"))
        if kind == "pd" and problems:
            return self.reply(400, "application/json", {"status": "invalid event", "message": "Event object is invalid", "errors": problems})
        if answer == "sleep":
            time.sleep(10)
            answer = "200"
        if answer == "ok": return self.reply(200, "text/plain", "ok")
        if answer == "text": return self.reply(200, "text/plain", "invalid_payload")
        if answer == "jsonok": return self.reply(200, "application/json", {"ok": True})
        if answer == "jsonerr": return self.reply(200, "application/json", {"ok": False, "error": "channel_not_found"})
        status = int(answer)
        if kind == "pd" and status == 202:
            return self.reply(202, "application/json", {"status": "success", "message": "Event processed", "dedup_key": (body or {}).get("dedup_key")})
        if kind == "pd" and status == 400:
            return self.reply(400, "application/json", {"status": "invalid event", "message": "Event object is invalid", "errors": ["Length of 'routing_key' is incorrect (should be 32 characters)"]})
        self.reply(status, "text/plain", {429: "rate limited", 500: "rollup_error"}.get(status, ""))

    def reply(self, status, content_type, payload):
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(os.path.join(out, ".port"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(out, ".port"), os.path.join(out, "port"))
server.serve_forever()
