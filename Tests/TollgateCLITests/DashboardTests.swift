// Tollgate — dashboards/: each Grafana dashboard's structure, and every query it runs, against a Tollgate holding the demo.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class DashboardTests: Sendable {
    let scratch = TemporaryDirectories()

    static let files = ["application-performance", "infrastructure-health", "errors", "business"]

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Binary.repositoryRoot.appendingPathComponent("dashboards/\(name).json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every panel, rows' children included.
    static func panels(_ dashboard: [String: Any]) -> [[String: Any]] {
        var all: [[String: Any]] = []
        for panel in dashboard["panels"] as? [[String: Any]] ?? [] {
            all.append(panel)
            all += panel["panels"] as? [[String: Any]] ?? []
        }
        return all
    }

    /// Grafana's substitution for "All" (`.*`) and its built-in intervals over a 1h range
    /// (`$__rate_interval` as for a 75 s scrape interval, so the instant queries still find
    /// two samples when a loaded machine reaches them minutes after the import).
    static func substitute(_ expr: String) -> String {
        var text = expr
        for (name, value) in [("__rate_interval", "5m"), ("__interval", "15s"), ("__range_s", "3600"), ("__range", "1h")] {
            text = text.replacingOccurrences(of: "$\(name)", with: value)
        }
        for name in ["job", "service", "version", "instance"] {
            text = text.replacingOccurrences(of: "${\(name)}", with: ".*").replacingOccurrences(of: "$\(name)", with: ".*")
        }
        return text
    }

    @Test(arguments: files)
    func theDashboardHasGrafanasCurrentShape(_ name: String) throws {
        let dashboard = try Self.load(name)
        let inputs = try #require(dashboard["__inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus" })
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 36, "Grafana 10 and 11 read schema 36 and later")
        #expect(dashboard["uid"] as? String != nil && dashboard["title"] as? String != nil)
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.contains { $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource" && $0["query"] as? String == "prometheus" })
        for variable in ["job", "service", "version", "instance"] {
            let found = try #require(variables.first { $0["name"] as? String == variable }, "\(name): variable \(variable)")
            #expect((found["definition"] as? String ?? "").hasPrefix("label_values("), "\(name): \(variable) is answered by label_values")
            #expect((found["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}")
        }
        let annotations = (dashboard["annotations"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(annotations.contains { ($0["name"] as? String) == "Rollouts" && ($0["expr"] as? String)?.isEmpty == false }, "a rollout annotation")

        let panels = Self.panels(dashboard)
        #expect(panels.count >= 6)
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "\(name): panel ids are unique")
        for panel in panels {
            let grid = try #require(panel["gridPos"] as? [String: Int], "\(name): panel \(panel["id"] ?? "?") has a gridPos")
            let (x, w, h) = (grid["x"] ?? -1, grid["w"] ?? 0, grid["h"] ?? 0)
            #expect(x >= 0 && w > 0 && h > 0 && x + w <= 24 && grid["y"] != nil, "\(name): \(grid)")
            guard panel["type"] as? String != "row" else { continue }
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "\(name): panel \(panel["title"] ?? "")")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(name): panel \(panel["title"] ?? "") has queries")
            for target in targets {
                #expect((target["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}")
            }
        }
        // No data source is named by a fixed uid anywhere.
        let text = try String(contentsOf: Binary.repositoryRoot.appendingPathComponent("dashboards/\(name).json"), encoding: .utf8)
        let uids = text.matches(of: /"uid": "([^"]*)"/).map { String($0.1) }
        #expect(Set(uids).subtracting(["${datasource}", "-- Grafana --", dashboard["uid"] as? String ?? ""]).isEmpty, "\(uids)")
    }

    /// Runs every panel query (variables as "All") on the demo: each parses, evaluates and has data;
    /// every variable's label_values has values; every annotation query evaluates.
    @Test func everyPanelQueryReturnsDataOnTheDemo() async throws {
        let demo = try await DemoServer.start(scratch)
        let server = demo.server
        // The recorded series and ALERTS start when the server does: query a moment after their first samples.
        try await Task.sleep(for: .seconds(2))
        let end = Int(Date().timeIntervalSince1970)
        var failures: [String] = []
        var checked = 0
        for name in Self.files {
            let dashboard = try Self.load(name)
            for panel in Self.panels(dashboard) where panel["type"] as? String != "row" {
                let instant = panel["type"] as? String == "stat" || panel["type"] as? String == "table"
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    let expr = Self.substitute(target["expr"] as? String ?? "")
                    let path =
                        instant
                        ? "/api/v1/query?query=\(DemoServer.encode(expr))&time=\(end)"
                        : "/api/v1/query_range?query=\(DemoServer.encode(expr))&start=\(end - 3600)&end=\(end)&step=15"
                    // Recording rules fill in within a few evaluations.
                    let (status, body, _) = try await RulesServeTests.eventually({ try await server.get(path) }) {
                        $0.0 != 200 || !$0.1.contains("\"result\":[]")
                    }
                    checked += 1
                    if status != 200 || !body.contains("\"status\":\"success\"") {
                        failures.append("\(name) / \(panel["title"] ?? ""): \(status) \(body.prefix(300)) for \(expr)")
                    } else if body.contains("\"result\":[]") {
                        failures.append("\(name) / \(panel["title"] ?? ""): no data for \(expr)")
                    }
                }
            }
            let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
            for variable in variables where variable["type"] as? String == "query" {
                let definition = variable["definition"] as? String ?? ""
                let match = try #require(definition.firstMatch(of: /label_values\((.*), *(\w+)\)/), "\(definition)")
                let path = "/api/v1/label/\(match.2)/values?match%5B%5D=\(DemoServer.encode(Self.substitute(String(match.1))))"
                let (status, body, _) = try await server.get(path)
                checked += 1
                if status != 200 || body.contains("\"data\":[]") { failures.append("\(name): variable \(definition): \(status) \(body.prefix(200))") }
            }
            for annotation in (dashboard["annotations"] as? [String: Any])?["list"] as? [[String: Any]] ?? [] {
                guard let expr = annotation["expr"] as? String else { continue }
                let path = "/api/v1/query_range?query=\(DemoServer.encode(Self.substitute(expr)))&start=\(end - 3600)&end=\(end)&step=60"
                let (status, body, _) = try await server.get(path)
                checked += 1
                if status != 200 { failures.append("\(name): annotation \(expr): \(status) \(body.prefix(200))") }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(checked > 60, "\(checked) queries")
        #expect(server.stop() == 0)
    }
}
