// Tollgate — WebUI: a Grafana dashboard JSON file, read for drawing (panels, their PromQL, variables).

public import Foundation
import Model

/// What the UI draws of a Grafana dashboard: its panels (rows' children included) with their
/// PromQL targets, and the names of its template variables.
///
/// ```swift
/// let dashboards = try Dashboard.load(directory: "dashboards")
/// Dashboard.substitute("rate(x{job=~\"$job\"}[$__rate_interval])", values: ["job": ".*"], range: 3_600_000, step: 15_000)
/// ```
public struct Dashboard: Sendable {
    public struct Target: Sendable {
        public var refId: String
        public var expr: String
        public var legend: String?
    }

    public struct Panel: Sendable {
        public var id: Int
        public var title: String
        public var type: String
        public var unit: String?
        public var targets: [Target]
    }

    public var uid: String
    public var title: String
    public var panels: [Panel]
    /// The template variables' names, `datasource` (the data source picker) left out.
    public var variables: [String]

    /// Reads one dashboard; nil when the bytes are not a dashboard.
    public init?(json: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let title = object["title"] as? String else { return nil }
        self.title = title
        uid = object["uid"] as? String ?? title.lowercased().replacingOccurrences(of: " ", with: "-")
        var panels: [Panel] = []
        func collect(_ list: [[String: Any]]) {
            for panel in list {
                let type = panel["type"] as? String ?? ""
                if type == "row" {
                    collect(panel["panels"] as? [[String: Any]] ?? [])
                    continue
                }
                let targets = (panel["targets"] as? [[String: Any]] ?? []).compactMap { target -> Target? in
                    guard let expr = target["expr"] as? String, !expr.isEmpty else { return nil }
                    return Target(refId: target["refId"] as? String ?? "A", expr: expr, legend: target["legendFormat"] as? String)
                }
                let unit = ((panel["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])?["unit"] as? String
                panels.append(Panel(id: (panel["id"] as? NSNumber)?.intValue ?? 0, title: panel["title"] as? String ?? "", type: type, unit: unit, targets: targets))
            }
        }
        collect(object["panels"] as? [[String: Any]] ?? [])
        self.panels = panels
        let list = (object["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        variables = list.compactMap { variable in
            guard let name = variable["name"] as? String, variable["type"] as? String == "query" else { return nil }
            return name
        }
    }

    /// Every `*.json` dashboard of `directory`, by file name; files that are not dashboards are skipped.
    public static func load(directory: String) -> [Dashboard] {
        let url = URL(fileURLWithPath: directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            (try? Data(contentsOf: url.appendingPathComponent(name))).flatMap { Dashboard(json: $0) }
        }
    }

    /// `expr` with Grafana's variables replaced: `$name` / `${name}` / `[[name]]` by `values`, and
    /// `$__rate_interval`, `$__interval`, `$__range` (with `_s` and `_ms`) by durations from `range` and `step` (ms).
    /// `$__rate_interval` is at least 5m: Grafana's rule for scrape intervals up to 75 s.
    public static func substitute(_ expr: String, values: [String: String], range: Int64, step: Int64) -> String {
        let rateInterval = max(4 * step, 300_000)
        var text = expr
        let builtins: [(String, String)] = [
            ("__rate_interval", PromDuration(milliseconds: rateInterval).description), ("__interval_ms", String(step)),
            ("__interval", PromDuration(milliseconds: step).description), ("__range_ms", String(range)), ("__range_s", String(range / 1000)),
            ("__range", PromDuration(milliseconds: range).description),
        ]
        for (name, value) in builtins + values.sorted(by: { $0.key.count > $1.key.count }).map({ ($0.key, $0.value) }) {
            text = text.replacingOccurrences(of: "${\(name)}", with: value).replacingOccurrences(of: "[[\(name)]]", with: value)
                .replacingOccurrences(of: "$\(name)", with: value)
        }
        return text
    }

    /// A value in Grafana's `unit`: percentunit, percent, s, ms, bytes, reqps, or a short number.
    static func format(_ value: Double, unit: String?) -> String {
        guard value.isFinite else { return Chart.human(value) }
        switch unit {
        case "percentunit": return Chart.human(value * 100) + "%"
        case "percent": return Chart.human(value) + "%"
        case "s": return Chart.human(value) + " s"
        case "ms": return Chart.human(value) + " ms"
        case "bytes", "decbytes": return Chart.human(value) + "B"
        case "reqps": return Chart.human(value) + " req/s"
        default: return Chart.human(value)
        }
    }
}
