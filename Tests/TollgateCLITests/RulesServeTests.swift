// Tollgate — `serve` with rule files: the rules and alerts API beside Prometheus's, alerts pushed to a real Alertmanager.

import CurlHTTP
import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class RulesServeTests: Sendable {
    let scratch = TemporaryDirectories()

    static let rules = """
        groups:
          - name: demo
            interval: 1s
            rules:
              - record: demo:one
                expr: vector(1)
              - alert: AlwaysFiring
                expr: demo:one > 0
                labels: {severity: critical, team: sre}
                annotations: {summary: always}
              - alert: NeverFiring
                expr: demo:one > 5
                for: 5m
        """

    static func config(alertmanager: Int?) -> String {
        var text = """
            global:
              evaluation_interval: 1s
              external_labels: {cluster: test}
            rule_files: [rules.yml]

            """
        if let alertmanager { text += "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:\(alertmanager)']}]\n" }
        return text
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Polls `read` every 200 ms for up to 20 s until `done` holds.
    static func eventually<T>(_ read: () async throws -> T, _ done: (T) -> Bool) async throws -> T {
        var value = try await read()
        for _ in 0..<100 where !done(value) {
            try await Task.sleep(for: .milliseconds(200))
            value = try await read()
        }
        return value
    }

    /// A JSON object of strings as sorted `k=v` text (Swift dictionaries print in any order).
    static func text(_ value: Any?) -> String {
        guard let map = value as? [String: Any] else { return "" }
        return map.keys.sorted().map { "\($0)=\(map[$0] ?? "")" }.joined(separator: ",")
    }

    /// The parts of `/api/v1/rules` that do not depend on timing, rule by rule.
    static func shape(_ body: String) throws -> [String] {
        let data = try #require(try json(body)["data"] as? [String: Any])
        let groups = try #require(data["groups"] as? [[String: Any]])
        return groups.flatMap { group -> [String] in
            let rules = group["rules"] as? [[String: Any]] ?? []
            return ["group \(group["name"] ?? "") keys=\(group.keys.sorted())"] + rules.map { rule in
                let alerts = (rule["alerts"] as? [[String: Any]] ?? []).map { "\($0["state"] ?? "") \(text($0["labels"])) keys=\($0.keys.sorted())" }
                return "\(rule["type"] ?? "") \(rule["name"] ?? "") query=\(rule["query"] ?? "") labels=\(text(rule["labels"])) health=\(rule["health"] ?? "") "
                    + "state=\(rule["state"] ?? "-") keys=\(rule.keys.sorted()) alerts=\(alerts)"
            }
        }
    }

    /// Tollgate and Prometheus 2.42 evaluate the same rule file (without group `labels`,
    /// which came in Prometheus 3): `/api/v1/rules` has the same
    /// groups, rules, health, states and alerts with the same keys; the firing alert reaches
    /// a real Alertmanager with the external labels; ALERTS is queryable.
    @Test func rulesAlertsAndAlertmanagerAgreeWithPrometheus() async throws {
        guard PrometheusServer.alertmanagerBinary != nil else {
            print("skipped: Debian's prometheus-alertmanager is not installed")
            return
        }
        let dir = try scratch.make("rules-serve")
        let alertmanager = try await PrometheusServer.startAlertmanager(config: "route: {receiver: none}\nreceivers: [{name: none}]\n", in: dir)
        defer { alertmanager.stop() }
        try Data(Self.rules.utf8).write(to: dir.appendingPathComponent("rules.yml"))
        let configFile = dir.appendingPathComponent("tollgate.yml")
        try Data(Self.config(alertmanager: alertmanager.port).utf8).write(to: configFile)
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--config.file", configFile.path])
        defer { _ = server.stop() }

        let alerts = try await Self.eventually({ try await server.get("/api/v1/alerts").1 }) { $0.contains("\"firing\"") }
        let alert = try #require((try Self.json(alerts)["data"] as? [String: Any])?["alerts"] as? [[String: Any]]).first
        #expect(alert?["labels"] as? [String: String] == ["alertname": "AlwaysFiring", "severity": "critical", "team": "sre"])
        #expect(alert?["value"] as? String == "1e+00")

        let received = try await Self.eventually({ String(decoding: try await alertmanager.get("/api/v2/alerts").body, as: UTF8.self) }) {
            $0.contains("AlwaysFiring")
        }
        let first = try #require(try JSONSerialization.jsonObject(with: Data(received.utf8)) as? [[String: Any]]).first
        #expect(first?["labels"] as? [String: String] == ["alertname": "AlwaysFiring", "severity": "critical", "team": "sre", "cluster": "test"])
        #expect((first?["generatorURL"] as? String)?.contains("/graph?g0.expr=demo%3Aone+%3E+0&g0.tab=1") == true)

        let series = try await Self.eventually({ try await server.get("/api/v1/query?query=ALERTS").1 }) { $0.contains("AlwaysFiring") }
        #expect(series.contains("\"alertstate\":\"firing\""))

        guard PrometheusServer.binary != nil else {
            print("skipped the Prometheus comparison: Debian's prometheus is not installed")
            return
        }
        let oracleDir = try scratch.make("rules-oracle")
        try Data(Self.rules.utf8).write(to: oracleDir.appendingPathComponent("rules.yml"))
        let prometheus = try await PrometheusServer.start(config: Self.config(alertmanager: nil), in: oracleDir)
        defer { prometheus.stop() }
        let theirs = try await Self.eventually({ String(decoding: try await prometheus.get("/api/v1/rules").body, as: UTF8.self) }) {
            $0.contains("\"firing\"")
        }
        let ours = try await server.get("/api/v1/rules").1
        let ourShape = try Self.shape(ours)
        let theirShape = try Self.shape(theirs)
        #expect(ourShape == theirShape, "ours:\n\(ourShape.joined(separator: "\n"))\ntheirs:\n\(theirShape.joined(separator: "\n"))")
    }

    /// A rule file that does not load stops `serve` with every problem, and a reload with a
    /// broken rule file keeps the running rules.
    @Test func badRuleFilesAreRefused() async throws {
        let dir = try scratch.make("rules-bad")
        try Data("groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n      - alert: Y\n".utf8)
            .write(to: dir.appendingPathComponent("rules.yml"))
        let configFile = dir.appendingPathComponent("tollgate.yml")
        try Data(Self.config(alertmanager: nil).utf8).write(to: configFile)
        let check = try Binary.run(["check", "config", configFile.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("could not parse expression") && check.stderr.contains("field 'expr' must be set in rule"), "\(check.stderr)")
        let serve = try Binary.run(["serve", "--config.file", configFile.path, "--storage.tsdb.path", dir.appendingPathComponent("d").path, "--web.listen-address", "127.0.0.1:0"])
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("could not parse expression"))
    }
}
