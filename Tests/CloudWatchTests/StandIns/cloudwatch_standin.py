#!/usr/bin/env python3
"""A stand-in CloudWatch on loopback for the tests: the AWS Query protocol with answers
shaped as CloudWatch's (recorded XML), where moto cannot help (contracts §6.6): extended
statistics, NextToken paging of GetMetricData and ListMetrics, throttling, server errors,
refused signatures, garbage.

Every request's SigV4 signature is checked with botocore against the secret given on the
command line; a wrong one is answered 403 SignatureDoesNotMatch, as AWS answers.

usage: cloudwatch_standin.py PORT MODE SECRET LOGFILE
MODE: ok | single (GetMetricData answers in one page) | slow (single, each answer after 0.3 s) | throttle (the first two calls: 400 Throttling) | unavailable (the first call:
503) | auth (every call: 403 InvalidClientTokenId) | garbage (200 with bytes that are not XML)
Each request is logged to LOGFILE as one JSON line.
"""
import datetime
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PORT, MODE, SECRET, LOGFILE = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
NS = "http://monitoring.amazonaws.com/doc/2010-08-01/"
BASE = {"Sum": 10.0, "Average": 5.0, "Minimum": 1.0, "Maximum": 9.0, "SampleCount": 4.0}
calls = {"n": 0, "inflight": 0}
lock = threading.Lock()

LISTED = [  # (metric, [(dimension, value)]), duplicates as moto and CloudWatch may send them
    ("DatabaseConnections", [("DBInstanceIdentifier", "demo-1")]),
    ("DatabaseConnections", [("DBInstanceIdentifier", "demo-2")]),
    ("DatabaseConnections", [("DBInstanceIdentifier", "demo-1")]),
    ("DatabaseConnections", [("DBInstanceIdentifier", "other-1")]),
    ("CPUUtilization", [("DBInstanceIdentifier", "demo-1")]),
    ("DatabaseConnections", [("DBClusterIdentifier", "demo-cluster")]),
]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def base_value(stat):
    if stat in BASE:
        return BASE[stat]
    return float(stat.lstrip("ptmwcs").rstrip(")") or 0) if stat[0] == "p" else 42.0


def error(code, message, status):
    body = (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
            f'<Message>{message}</Message></Error><RequestId>0000-standin</RequestId></ErrorResponse>')
    return status, body


def get_metric_data(form):
    start, end = parse_time(form["StartTime"]), parse_time(form["EndTime"])
    queries = []
    index = 1
    while f"MetricDataQueries.member.{index}.Id" in form:
        prefix = f"MetricDataQueries.member.{index}."
        queries.append((form[prefix + "Id"], form[prefix + "MetricStat.Stat"], int(form[prefix + "MetricStat.Period"])))
        index += 1
    single = MODE in ("single", "slow")  # every point in one page
    page_two = form.get("NextToken") == "page-2"
    members = []
    for query_id, stat, period in queries:
        # Three periods, newest first; page one has the newest, page two the older two.
        points = [(end - datetime.timedelta(seconds=period * k), base_value(stat) - (k - 1)) for k in (1, 2, 3)]
        points = [p for p in points if p[0] >= start]
        if not single:
            points = points[1:] if page_two else points[:1]
        stamps = "".join(f"<member>{iso(t)}</member>" for t, _ in points)
        values = "".join(f"<member>{v}</member>" for _, v in points)
        members.append(f"<member><Timestamps>{stamps}</Timestamps><StatusCode>Complete</StatusCode>"
                       f"<Values>{values}</Values><Id>{query_id}</Id><Label>{query_id}</Label></member>")
    token = "" if page_two or single else "<NextToken>page-2</NextToken>"
    return 200, (f'<GetMetricDataResponse xmlns="{NS}"><GetMetricDataResult><Messages/>'
                 f'<MetricDataResults>{"".join(members)}</MetricDataResults>{token}</GetMetricDataResult>'
                 f'<ResponseMetadata><RequestId>1111-standin</RequestId></ResponseMetadata></GetMetricDataResponse>'), len(queries)


def list_metrics(form):
    page = int(form.get("NextToken", "0") or 0)
    chunk = LISTED[page * 2:page * 2 + 2]
    members = "".join(
        "<member><Namespace>" + form["Namespace"] + "</Namespace><MetricName>" + name + "</MetricName><Dimensions>"
        + "".join(f"<member><Name>{d}</Name><Value>{v}</Value></member>" for d, v in dims)
        + "</Dimensions></member>" for name, dims in chunk)
    token = f"<NextToken>{page + 1}</NextToken>" if (page + 1) * 2 < len(LISTED) else ""
    return 200, (f'<ListMetricsResponse xmlns="{NS}"><ListMetricsResult><Metrics>{members}</Metrics>{token}'
                 f'</ListMetricsResult><ResponseMetadata><RequestId>2222-standin</RequestId></ResponseMetadata></ListMetricsResponse>')


def signature_ok(handler, body):
    authorization = handler.headers.get("Authorization", "")
    if not authorization.startswith("AWS4-HMAC-SHA256 "):
        return False
    fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
    access_key, date, region, service, _ = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    headers = {name: handler.headers.get(name) for name in signed}
    request = AWSRequest(method=handler.command, url=f"http://{handler.headers.get('host')}{handler.path}", headers=headers, data=body)
    moment = datetime.datetime.strptime(handler.headers.get("X-Amz-Date"), "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: moment
    token = handler.headers.get("X-Amz-Security-Token")
    signer = botocore.auth.SigV4Auth(Credentials(access_key, SECRET, token), service, region)
    signer.add_auth(request)
    return request.headers["Authorization"] == authorization


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
        action = form.get("Action", "")
        with lock:
            calls["n"] += 1
            calls["inflight"] += 1
            inflight = calls["inflight"]
        if MODE == "slow":
            time.sleep(0.3)
        ok = signature_ok(self, body)
        queries = 0
        ids = [v for k, v in form.items() if k.endswith(".Id")]
        if not ok:
            status, text = error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", 403)
        elif MODE == "auth":
            status, text = error("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
        elif MODE == "throttle" and calls["n"] <= 2:
            status, text = error("Throttling", "Rate exceeded", 400)
        elif MODE == "unavailable" and calls["n"] <= 1:
            status, text = 503, "<html><body>Service Unavailable</body></html>"
        elif MODE == "garbage":
            status, text = 200, "\x00\x01<<<not xml" * 100
        elif action == "GetMetricData":
            status, text, queries = get_metric_data(form)
        elif action == "ListMetrics":
            status, text = list_metrics(form)
        else:
            status, text = error("InvalidAction", "unknown action", 400)
        with open(LOGFILE, "a") as log:
            log.write(json.dumps({"action": action, "queries": queries, "ids": ids, "signature_ok": ok, "status": status,
                                  "next_token": form.get("NextToken"), "inflight": inflight, "region": self.headers.get("Authorization", "").split("/")[2] if "/" in self.headers.get("Authorization", "") else "", "security_token": self.headers.get("X-Amz-Security-Token") is not None}) + "\n")
        with lock:
            calls["inflight"] -= 1
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
