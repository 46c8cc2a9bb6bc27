// Tollgate — HTTPAPI: `/api/v1/rules` and `/api/v1/alerts`, as Prometheus answers them.

public import Hummingbird
import Model
public import Rules

/// What the rules API reads: the rule manager, or anything that knows rule groups.
public protocol RuleSource: Sendable {
    /// Every group as it stands, in file and group order.
    func snapshots() async -> [RuleGroupSnapshot]
}

extension RuleManager: RuleSource {}

/// `/api/v1/rules` (with `type`, `rule_name[]`, `rule_group[]`, `file[]`, `exclude_alerts`)
/// and `/api/v1/alerts`, in Prometheus's shapes (Grafana's alert list reads them), plus
/// `/api/v1/alertmanagers` from the Alertmanagers alerts are sent to.
public struct RuleRoutes: RouteRegistrar {
    let source: any RuleSource
    let alertmanagers: @Sendable () async -> [String]

    /// Routes answering from `source`; `alertmanagers` lists the URLs alerts are pushed to.
    public init(source: any RuleSource, alertmanagers: @escaping @Sendable () async -> [String] = { [] }) {
        self.source = source
        self.alertmanagers = alertmanagers
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source, alertmanagers = alertmanagers
        router.get("/api/v1/rules") { request, _ in
            let form = APIForm(query: request.uri.query, body: [])
            return RulesAPI.rules(await source.snapshots(), form: form).response(gzip: false)
        }
        router.get("/api/v1/alerts") { _, _ in
            RulesAPI.alerts(await source.snapshots()).response(gzip: false)
        }
        router.get("/api/v1/alertmanagers") { _, _ in
            RulesAPI.alertmanagers(await alertmanagers()).response(gzip: false)
        }
    }
}

/// The JSON of the rules API.
enum RulesAPI {
    static func rules(_ groups: [RuleGroupSnapshot], form: APIForm) -> APIResult {
        let type = form["type"] ?? ""
        let kind: RuleSnapshot.Kind?
        switch type.lowercased() {
        case "": kind = nil
        case "alert": kind = .alerting
        case "record": kind = .recording
        default: return .error(.badData, "unsupported type \(type)")
        }
        let names = Set(form.all("rule_name[]")), groupNames = Set(form.all("rule_group[]")), files = Set(form.all("file[]"))
        let excludeAlerts = form["exclude_alerts"] == "true"
        let filtered = kind != nil || !names.isEmpty
        var json = JSONWriter()
        json.object { json in
            json.key("groups")
            json.array { json in
                for group in groups where (groupNames.isEmpty || groupNames.contains(group.name)) && (files.isEmpty || files.contains(group.file)) {
                    let rules = group.rules.filter { (kind == nil || $0.kind == kind) && (names.isEmpty || names.contains($0.name)) }
                    if filtered && rules.isEmpty { continue }
                    json.object { json in
                        json.field("name", group.name)
                        json.field("file", group.file)
                        json.key("rules")
                        json.array { json in for rule in rules { write(rule, excludeAlerts: excludeAlerts, to: &json) } }
                        json.key("interval")
                        json.number(Double(group.interval) / 1000)
                        json.key("limit")
                        json.integer(group.limit)
                        json.key("evaluationTime")
                        json.number(group.evaluationTime)
                        json.field("lastEvaluation", time(group.lastEvaluation))
                    }
                }
            }
        }
        return .success(json.bytes)
    }

    private static func write(_ rule: RuleSnapshot, excludeAlerts: Bool, to json: inout JSONWriter) {
        json.object { json in
            if rule.kind == .alerting { json.field("state", rule.state.rawValue) }
            json.field("name", rule.name)
            json.field("query", rule.query)
            if rule.kind == .alerting {
                json.key("duration")
                json.number(Double(rule.holdDuration) / 1000)
                json.key("keepFiringFor")
                json.number(Double(rule.keepFiringFor) / 1000)
            }
            // A recording rule's labels are left out when it has none (`omitempty`).
            if rule.kind == .alerting || !rule.labels.isEmpty {
                json.key("labels")
                map(rule.labels, to: &json)
            }
            if rule.kind == .alerting {
                json.key("annotations")
                map(rule.annotations, to: &json)
                json.key("alerts")
                json.array { json in
                    if !excludeAlerts { for alert in rule.alerts { write(alert, to: &json) } }
                }
            }
            json.field("health", rule.status.health.rawValue)
            if !rule.status.lastError.isEmpty { json.field("lastError", rule.status.lastError) }
            json.key("evaluationTime")
            json.number(rule.status.evaluationTime)
            json.field("lastEvaluation", time(rule.status.lastEvaluation))
            json.field("type", rule.kind.rawValue)
        }
    }

    static func alerts(_ groups: [RuleGroupSnapshot]) -> APIResult {
        var json = JSONWriter()
        json.object { json in
            json.key("alerts")
            json.array { json in
                for group in groups {
                    for rule in group.rules where rule.kind == .alerting {
                        for alert in rule.alerts { write(alert, to: &json) }
                    }
                }
            }
        }
        return .success(json.bytes)
    }

    static func alertmanagers(_ urls: [String]) -> APIResult {
        var json = JSONWriter()
        json.object { json in
            json.key("activeAlertmanagers")
            json.array { json in for url in urls { json.object { $0.field("url", url) } } }
            json.key("droppedAlertmanagers")
            json.array { _ in }
        }
        return .success(json.bytes)
    }

    private static func write(_ alert: Alert, to json: inout JSONWriter) {
        json.object { json in
            json.field("labels", alert.labels)
            json.field("annotations", alert.annotations)
            json.field("state", alert.state.rawValue)
            json.field("activeAt", Timestamp.rfc3339(milliseconds: alert.activeAt))
            if let since = alert.keepFiringSince { json.field("keepFiringSince", Timestamp.rfc3339(milliseconds: since)) }
            json.field("value", GoFloat.formatE(alert.value))
        }
    }

    private static func map(_ map: [String: String], to json: inout JSONWriter) {
        json.object { json in for key in map.keys.sorted() { json.field(key, map[key] ?? "") } }
    }

    /// Go's zero time for never.
    private static func time(_ ms: Int64?) -> String { ms.map { Timestamp.rfc3339(milliseconds: $0) } ?? "0001-01-01T00:00:00Z" }
}
