#!/usr/bin/env python3
"""Writes the four Grafana dashboards of dashboards/ (Grafana 10/11 JSON, schemaVersion 39).

    python3 scripts/make-dashboards.py        # rewrites dashboards/*.json

The JSON files are the product (Grafana imports them, `tollgate serve` draws them at /ui/dashboards);
this script only keeps their common parts (data source, variables, annotation, layout) in one place.
Standard library only.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DS = {"type": "prometheus", "uid": "${datasource}"}

SEL_API = 'job=~"$job",service=~"$service",version=~"$version",instance=~"$instance"'
SEL_HOST = 'job=~"$job",instance=~"$instance"'
SEL_SVC = 'job=~"$job",service=~"$service",instance=~"$instance"'


def variable(name, query, label):
    return {
        "name": name, "label": label, "type": "query", "datasource": DS,
        "definition": query, "query": {"query": query, "refId": f"{name}-values", "qryType": 1},
        "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1, "hide": 0, "options": [], "regex": "",
    }


TEMPLATING = {
    "list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {"selected": False, "text": "Prometheus", "value": "${DS_PROMETHEUS}"},
         "hide": 0, "refresh": 1, "regex": "", "options": [], "includeAll": False, "multi": False},
        variable("job", "label_values(up, job)", "Job"),
        variable("service", 'label_values(http_requests_total{job=~"$job"}, service)', "Service"),
        variable("version", 'label_values(http_requests_total{job=~"$job",service=~"$service"}, version)', "Version"),
        variable("instance", 'label_values(up{job=~"$job"}, instance)', "Instance"),
    ]
}

ANNOTATIONS = {
    "list": [
        {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True, "hide": True,
         "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts", "type": "dashboard"},
        {"name": "Rollouts", "datasource": DS, "enable": True, "iconColor": "#8F3BB8",
         "expr": 'count by (service) (group by (service, version) (rate(http_requests_total{job=~"$job",service=~"$service"}[5m]) > 0)) > 1',
         "step": "60s", "titleFormat": "Rollout of {{service}}", "textFormat": "more than one version serves traffic",
         "tagKeys": "service", "useValueForTime": False},
        {"name": "Guard decisions", "datasource": DS, "enable": True, "iconColor": "#E02F44",
         "expr": 'ALERTS{alertname=~"Deployment.*",alertstate="firing",service=~"$service"}',
         "step": "60s", "titleFormat": "{{alertname}}", "textFormat": "{{service}} {{version}}", "tagKeys": "service,version",
         "useValueForTime": False},
    ]
}


class Layout:
    def __init__(self):
        self.next_id = 1
        self.x = 0
        self.y = 0
        self.row_height = 0

    def place(self, w, h):
        if self.x + w > 24:
            self.x = 0
            self.y += self.row_height
            self.row_height = 0
        pos = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_height = max(self.row_height, h)
        return pos

    def ident(self):
        value = self.next_id
        self.next_id += 1
        return value

    def row(self, title):
        if self.x:
            self.x = 0
            self.y += self.row_height
            self.row_height = 0
        panel = {"type": "row", "id": self.ident(), "title": title, "collapsed": False, "panels": [],
                 "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}}
        self.y += 1
        return panel


def targets(exprs):
    out = []
    for index, (expr, legend) in enumerate(exprs):
        out.append({"refId": chr(ord("A") + index), "datasource": DS, "expr": expr, "legendFormat": legend,
                    "range": True, "instant": False, "editorMode": "code"})
    return out


def timeseries(layout, title, exprs, unit="short", w=12, h=8, description=""):
    return {"type": "timeseries", "id": layout.ident(), "title": title, "description": description, "datasource": DS,
            "gridPos": layout.place(w, h), "targets": targets(exprs),
            "fieldConfig": {"defaults": {"unit": unit, "custom": {"lineWidth": 1, "fillOpacity": 10, "showPoints": "never"}},
                            "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def stat(layout, title, exprs, unit="short", w=6, h=4, thresholds=None, description=""):
    steps = [{"color": "green", "value": None}] + [{"color": color, "value": value} for value, color in (thresholds or [])]
    panel = {"type": "stat", "id": layout.ident(), "title": title, "description": description, "datasource": DS,
             "gridPos": layout.place(w, h), "targets": targets(exprs),
             "fieldConfig": {"defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}}, "overrides": []},
             "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                         "colorMode": "value", "graphMode": "area", "textMode": "auto", "justifyMode": "auto"}}
    for target in panel["targets"]:
        target["instant"] = True
        target["range"] = False
    return panel


def table(layout, title, exprs, w=24, h=8, description=""):
    panel = {"type": "table", "id": layout.ident(), "title": title, "description": description, "datasource": DS,
             "gridPos": layout.place(w, h), "targets": targets(exprs),
             "fieldConfig": {"defaults": {}, "overrides": []},
             "options": {"showHeader": True}, "transformations": [{"id": "labelsToFields", "options": {}}]}
    for target in panel["targets"]:
        target["instant"] = True
        target["range"] = False
        target["format"] = "table"
    return panel


def dashboard(uid, title, description, tags, panels):
    return {
        "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "Tollgate or Prometheus",
                      "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"}],
        "__elements": {},
        "__requires": [
            {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
            {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
            {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
            {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
            {"type": "panel", "id": "table", "name": "Table", "version": ""},
        ],
        "annotations": ANNOTATIONS, "description": description, "editable": True, "fiscalYearStartMonth": 0,
        "graphTooltip": 1, "id": None, "links": [], "liveNow": False, "panels": panels, "refresh": "30s",
        "schemaVersion": 39, "tags": ["tollgate"] + tags, "templating": TEMPLATING,
        "time": {"from": "now-1h", "to": "now"}, "timepicker": {}, "timezone": "utc", "title": title, "uid": uid,
        "version": 1, "weekStart": "",
    }


def application():
    l = Layout()
    rate = f'sum by (service, version) (rate(http_requests_total{{{SEL_API}}}[$__rate_interval]))'
    errors = f'sum by (service, version) (rate(http_requests_total{{{SEL_API},code=~"5.."}}[$__rate_interval]))'
    bucket = f'sum by (service, version, le) (rate(http_request_duration_seconds_bucket{{{SEL_API}}}[$__rate_interval]))'
    panels = [
        stat(l, "Request rate", [(f'sum(rate(http_requests_total{{{SEL_API}}}[$__rate_interval]))', "requests")], "reqps"),
        stat(l, "Error ratio", [(f'sum(rate(http_requests_total{{{SEL_API},code=~"5.."}}[$__rate_interval])) / sum(rate(http_requests_total{{{SEL_API}}}[$__rate_interval]))', "5xx")],
             "percentunit", thresholds=[(0.001, "orange"), (0.01, "red")]),
        stat(l, "p99 latency", [(f'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{{SEL_API}}}[$__rate_interval])))', "p99")],
             "s", thresholds=[(0.5, "red")]),
        stat(l, "In-flight requests", [(f'sum(http_requests_in_flight{{{SEL_API}}})', "in flight")]),
        l.row("Traffic and errors"),
        timeseries(l, "Request rate by service and version", [(rate, "{{service}} {{version}}")], "reqps"),
        timeseries(l, "Error ratio by service and version", [(f'{errors} / {rate}', "{{service}} {{version}}")], "percentunit"),
        l.row("Latency"),
        timeseries(l, "Latency p50 / p95 / p99", [
            (f'histogram_quantile(0.50, {bucket})', "p50 {{service}} {{version}}"),
            (f'histogram_quantile(0.95, {bucket})', "p95 {{service}} {{version}}"),
            (f'histogram_quantile(0.99, {bucket})', "p99 {{service}} {{version}}"),
        ], "s", w=24),
        l.row("Saturation and SLO"),
        timeseries(l, "In-flight requests (saturation)", [(f'sum by (service, version) (http_requests_in_flight{{{SEL_API}}})', "{{service}} {{version}}")]),
        timeseries(l, "Apdex (0.25 s satisfied, 1 s tolerated)", [(
            f'(sum by (service) (rate(http_request_duration_seconds_bucket{{{SEL_API},le=~"0.25"}}[$__rate_interval]))'
            f' + sum by (service) (rate(http_request_duration_seconds_bucket{{{SEL_API},le=~"1|1.0"}}[$__rate_interval]))) / 2'
            f' / sum by (service) (rate(http_request_duration_seconds_count{{{SEL_API}}}[$__rate_interval]))', "{{service}}")], "percentunit"),
        timeseries(l, "Latency SLO burn rate (99% within 0.5 s)", [(
            f'(1 - sum by (service) (rate(http_request_duration_seconds_bucket{{{SEL_API},le="0.5"}}[$__rate_interval]))'
            f' / sum by (service) (rate(http_request_duration_seconds_count{{{SEL_API}}}[$__rate_interval]))) / 0.01', "{{service}}")], w=24,
            description="1 spends the 30-day error budget exactly; the burn-rate alerts of rules/slo.yml fire at 14.4, 6, 3 and 1."),
    ]
    return dashboard("tollgate-application", "Tollgate · Application performance",
                     "Request rate, errors, latency, saturation and SLO burn of each service and version.", ["application"], panels)


def infrastructure():
    l = Layout()
    panels = [
        stat(l, "Targets up", [('sum(up{job=~"$job",instance=~"$instance"})', "up")]),
        stat(l, "Targets down", [('count(up{job=~"$job",instance=~"$instance"} == 0) or vector(0)', "down")], thresholds=[(1, "red")]),
        stat(l, "Database connections", [(f'sum(pg_stat_activity_count{{{SEL_HOST}}})', "connections")]),
        stat(l, "Cache hit ratio", [(f'sum(rate(redis_keyspace_hits_total{{{SEL_HOST}}}[$__rate_interval])) / (sum(rate(redis_keyspace_hits_total{{{SEL_HOST}}}[$__rate_interval])) + sum(rate(redis_keyspace_misses_total{{{SEL_HOST}}}[$__rate_interval])))', "hit ratio")],
             "percentunit"),
        l.row("Hosts (node_exporter)"),
        timeseries(l, "CPU utilisation", [(f'1 - avg by (instance) (rate(node_cpu_seconds_total{{{SEL_HOST},mode="idle"}}[$__rate_interval]))', "{{instance}}")], "percentunit"),
        timeseries(l, "Memory utilisation", [(f'1 - node_memory_MemAvailable_bytes{{{SEL_HOST}}} / node_memory_MemTotal_bytes{{{SEL_HOST}}}', "{{instance}}")], "percentunit"),
        timeseries(l, "Disk space available", [(f'node_filesystem_avail_bytes{{{SEL_HOST},fstype!~"tmpfs|overlay"}} / node_filesystem_size_bytes{{{SEL_HOST},fstype!~"tmpfs|overlay"}}', "{{instance}} {{mountpoint}}")], "percentunit"),
        timeseries(l, "Network traffic", [
            (f'sum by (instance) (rate(node_network_receive_bytes_total{{{SEL_HOST},device!="lo"}}[$__rate_interval]))', "{{instance}} in"),
            (f'sum by (instance) (rate(node_network_transmit_bytes_total{{{SEL_HOST},device!="lo"}}[$__rate_interval]))', "{{instance}} out"),
        ], "Bps"),
        l.row("Database (postgres_exporter)"),
        timeseries(l, "Connections used", [(f'sum by (instance) (pg_stat_activity_count{{{SEL_HOST}}}) / max by (instance) (pg_settings_max_connections{{{SEL_HOST}}})', "{{instance}}")], "percentunit"),
        timeseries(l, "Replication lag", [(f'max by (instance) (pg_replication_lag_seconds{{{SEL_HOST}}})', "{{instance}}")], "s"),
        l.row("Cache (redis_exporter)"),
        timeseries(l, "Cache hit ratio", [(
            f'sum by (instance) (rate(redis_keyspace_hits_total{{{SEL_HOST}}}[$__rate_interval])) / (sum by (instance) (rate(redis_keyspace_hits_total{{{SEL_HOST}}}[$__rate_interval])) + sum by (instance) (rate(redis_keyspace_misses_total{{{SEL_HOST}}}[$__rate_interval])))',
            "{{instance}}")], "percentunit"),
        timeseries(l, "Cache clients", [(f'redis_connected_clients{{{SEL_HOST}}}', "{{instance}}")]),
        l.row("AWS (CloudWatch through YACE)"),
        timeseries(l, "ALB requests", [('sum by (dimension_LoadBalancer) (aws_applicationelb_request_count_sum{job=~"$job",region=~".*"})', "{{dimension_LoadBalancer}}")]),
        timeseries(l, "ALB target response time", [('max by (dimension_LoadBalancer) (aws_applicationelb_target_response_time_average{job=~"$job"})', "{{dimension_LoadBalancer}}")], "s"),
        timeseries(l, "RDS connections", [('max by (dimension_DBInstanceIdentifier) (aws_rds_database_connections_average{job=~"$job"})', "{{dimension_DBInstanceIdentifier}}")]),
        timeseries(l, "ElastiCache connections and hits", [
            ('max by (dimension_CacheClusterId) (aws_elasticache_curr_connections_average{job=~"$job"})', "{{dimension_CacheClusterId}} connections"),
            ('sum by (dimension_CacheClusterId) (aws_elasticache_cache_hits_sum{job=~"$job"})', "{{dimension_CacheClusterId}} hits"),
        ]),
    ]
    return dashboard("tollgate-infrastructure", "Tollgate · Infrastructure health",
                     "Hosts, database, cache and the AWS services in front of them.", ["infrastructure"], panels)


def errors():
    l = Layout()
    rate = f'sum by (service) (rate(http_requests_total{{{SEL_API}}}[$__rate_interval]))'
    panels = [
        stat(l, "5xx per second", [(f'sum(rate(http_requests_total{{{SEL_API},code=~"5.."}}[$__rate_interval]))', "5xx")], "reqps", thresholds=[(0.1, "red")]),
        stat(l, "Error budget remaining (30d, 99.9%)", [(
            f'1 - (sum(increase(http_requests_total{{{SEL_API},code=~"5.."}}[$__range])) / sum(increase(http_requests_total{{{SEL_API}}}[$__range]))) / 0.001',
            "budget")], "percentunit", thresholds=[(0.25, "orange"), (0.5, "green")], w=6,
            description="The share of the error budget left, spending at the dashboard range's rate."),
        stat(l, "Firing alerts", [('count(ALERTS{alertstate="firing"}) or vector(0)', "firing")], thresholds=[(1, "red")]),
        stat(l, "ALB 5xx (CloudWatch)", [('sum(aws_applicationelb_httpcode_target_5_xx_count_sum{job=~"$job"})', "5xx")]),
        l.row("Errors"),
        timeseries(l, "5xx by route and version", [(f'sum by (route, version) (rate(http_requests_total{{{SEL_API},code=~"5.."}}[$__rate_interval]))', "{{route}} {{version}}")], "reqps"),
        timeseries(l, "Error ratio by service", [(f'sum by (service) (rate(http_requests_total{{{SEL_API},code=~"5.."}}[$__rate_interval])) / {rate}', "{{service}}")], "percentunit"),
        table(l, "Top failing endpoints", [(f'topk(10, sum by (service, route) (rate(http_requests_total{{{SEL_API},code=~"5.."}}[$__rate_interval])))', "{{service}} {{route}}")], w=12),
        table(l, "Firing alerts", [('ALERTS{alertstate="firing"}', "{{alertname}}")], w=12),
    ]
    return dashboard("tollgate-errors", "Tollgate · Errors", "Server errors by route and version, the error budget, and the alerts firing.", ["errors"], panels)


def business():
    l = Layout()
    svc = 'service=~"$service"'
    panels = [
        stat(l, "Syncs per second", [(f'sum(service:seed_syncs:rate5m{{{svc}}})', "syncs")]),
        stat(l, "Sync failure ratio", [(f'max(service:seed_sync_failures:ratio_rate5m{{{svc}}})', "failures")], "percentunit", thresholds=[(0.05, "red")]),
        stat(l, "Approval rate (1h)", [(f'avg(service:seed_approvals_approved:ratio_rate1h{{{svc}}})', "approved")], "percentunit"),
        stat(l, "Account reviews waiting", [(f'sum(service:seed_account_reviews_pending:sum{{{svc}}})', "waiting")], thresholds=[(100, "orange")]),
        l.row("Syncs"),
        timeseries(l, "Syncs done and failed", [
            (f'sum by (service) (rate(seed_syncs_total{{{SEL_SVC},result="success"}}[$__rate_interval]))', "{{service}} done"),
            (f'sum by (service) (rate(seed_syncs_total{{{SEL_SVC},result="failure"}}[$__rate_interval]))', "{{service}} failed"),
        ], "ops"),
        timeseries(l, "Sync failure ratio", [(f'service:seed_sync_failures:ratio_rate5m{{{svc}}}', "{{service}}")], "percentunit"),
        l.row("Approvals and reviews"),
        timeseries(l, "Approvals per hour and approval rate", [
            (f'service:seed_approvals:rate1h{{{svc}}} * 3600', "{{service}} decisions / h"),
            (f'service:seed_approvals_approved:ratio_rate1h{{{svc}}}', "{{service}} approved share"),
        ]),
        timeseries(l, "Account reviews waiting and the oldest one's age", [
            (f'service:seed_account_reviews_pending:sum{{{svc}}}', "{{service}} waiting"),
            (f'service:seed_account_review_oldest_pending_seconds:max{{{svc}}} / 3600', "{{service}} oldest (hours)"),
        ]),
    ]
    return dashboard("tollgate-business", "Tollgate · Business", "The seed service's own signals, from the recording rules of rules/business.yml.",
                     ["business"], panels)


def main():
    out = ROOT / "dashboards"
    for name, build in [("application-performance", application), ("infrastructure-health", infrastructure),
                        ("errors", errors), ("business", business)]:
        (out / f"{name}.json").write_text(json.dumps(build(), indent=2) + "\n")
        print(f"wrote dashboards/{name}.json")


if __name__ == "__main__":
    main()
