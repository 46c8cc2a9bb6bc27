#!/usr/bin/env python3
"""Writes the rules benchmark's rule file: one group of 200 recording rules and 50 alerting
rules over the series of ../shared/tools/fake_targets.py (http_requests_total,
http_request_duration_seconds, node_cpu_seconds_total, app_* gauges).

Usage: make_rules.py OUT.yml [INTERVAL]   (INTERVAL: the group's interval, default 15s)
"""
import sys

PATHS = ["/api/v1/users", "/api/v1/orders", "/api/v1/items", "/api/v1/cart", "/healthz", "/api/v2/users", "/graphql", "/admin"]
METHODS = ["GET", "POST", "PUT", "DELETE"]


def recording(i):
    path = PATHS[i % len(PATHS)]
    method = METHODS[(i // len(PATHS)) % len(METHODS)]
    kind = i % 8
    if kind == 0:
        return "sum by (instance) (rate(http_requests_total[1m]))"
    if kind == 1:
        return 'sum by (path) (rate(http_requests_total{method="%s"}[1m]))' % method
    if kind == 2:
        return 'sum(rate(http_requests_total{status=~"5..",path="%s"}[1m])) / sum(rate(http_requests_total{path="%s"}[1m]))' % (path, path)
    if kind == 3:
        return 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{path="%s"}[1m])))' % path
    if kind == 4:
        return 'avg by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))'
    if kind == 5:
        return 'max by (instance) (app_queue_depth) + %d' % i
    if kind == 6:
        return 'sum by (method) (increase(http_request_duration_seconds_count{path="%s"}[2m]))' % path
    return 'topk(5, sum by (instance, path) (rate(http_requests_total{method="%s"}[1m])))' % method


def main():
    out = sys.argv[1]
    interval = sys.argv[2] if len(sys.argv) > 2 else "15s"
    lines = ["groups:", "  - name: bench", "    interval: %s" % interval, "    rules:"]
    for i in range(200):
        lines += ["      - record: bench:rule%03d" % i, "        expr: %s" % recording(i)]
    for i in range(50):
        path = PATHS[i % len(PATHS)]
        lines += [
            "      - alert: Bench%02d" % i,
            '        expr: sum by (instance) (rate(http_requests_total{path="%s"}[1m])) > %d' % (path, i),
            "        for: 1m",
            "        labels: {severity: warning}",
            '        annotations: {summary: "{{ $labels.instance }} serves {{ $value | humanize }} requests/s"}',
        ]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
