// Tollgate — `/api/v2` side by side with Debian's Alertmanager 0.25: the same requests to both,
// the answers compared byte for byte with volatile parts (now, ids) masked. Times are posted
// in UTC: Alertmanager echoes a time in the offset it was posted with, Tollgate in UTC.

import Foundation
import HTTPAPI
import Notifier
import Notify
import TestSupport
@testable import TollgateCLI
import Testing

final class AlertmanagerAPIOracleTests: Sendable {
    let scratch = TemporaryDirectories()

    /// Times of "now" (this year or next) and UUIDs differ between the servers; fixed times do not.
    static func masked(_ text: String) -> String {
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        var out = text
        for pattern in ["\"(\(year)|\(year + 1))-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\"", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"] {
            out = out.replacingOccurrences(of: pattern, with: "<masked>", options: .regularExpression)
        }
        return out
    }

    static let alerts = #"""
        [{"labels":{"alertname":"HighErrorRate","job":"api","severity":"critical","instance":"b:80"},"annotations":{"summary":"5% fail <now>"},"startsAt":"2020-01-01T00:00:00.25Z","endsAt":"2099-01-01T00:00:00Z","generatorURL":"http://prom:9090/graph?g0.expr=up"},
         {"labels":{"alertname":"HighErrorRate","job":"api","severity":"critical","instance":"a:80"},"startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z"},
         {"labels":{"alertname":"DiskFull","team":"db","empty":""},"annotations":{"x":"line\nbreak \u2028"},"startsAt":"2020-06-01T10:00:00Z","endsAt":"2098-01-01T00:00:00.123Z"},
         {"labels":{"alertname":"Resolved","team":"db"},"startsAt":"2020-01-01T00:00:00Z","endsAt":"2020-01-02T00:00:00Z"},
         {"labels":{"alertname":"NoEnd"}}]
        """#

    static let silences = [
        #"{"matchers":[{"name":"alertname","value":"DiskFull","isRegex":false}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2097-01-01T00:00:00Z","createdBy":"me","comment":"disk"}"#,
        #"{"matchers":[{"name":"instance","value":"a:.*","isRegex":true},{"name":"job","value":"web","isRegex":false,"isEqual":false}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2096-01-01T00:00:00Z","createdBy":"you","comment":"a"}"#,
        #"{"matchers":[{"name":"alertname","value":"Later","isRegex":false}],"startsAt":"2095-01-01T00:00:00Z","endsAt":"2096-01-01T00:00:00Z","createdBy":"me","comment":"pending"}"#,
    ]

    static let badRequests: [(String, String, String)] = [
        ("POST", "/api/v2/alerts", #"[{"annotations":{}}]"#), ("POST", "/api/v2/alerts", #"[{"labels":{"a":1}}]"#),
        // An empty label name is refused by every version; `a b` is refused by 0.25 (the
        // oracle) but taken by 0.27's default UTF-8 fallback mode, as Tollgate takes it.
        ("POST", "/api/v2/alerts", #"[{"labels":{}},{"labels":{"":"x"}},{"labels":{"ok":"1"}}]"#),
        ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"startsAt":"2026-12-04T10:00:00Z","endsAt":"2026-12-04T09:00:00Z"}]"#),
        ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"startsAt":"12/04/2026"}]"#),
        ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"startsAt":"2026-12-04 25:00:00"}]"#), ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"startsAt":"2026-12-04 10:00:00 x"}]"#),
        ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"annotations":{"a":[1]},"generatorURL":"http://a b/"}]"#), ("POST", "/api/v2/alerts", "[{\"labels\":{\"a\":\"\u{01}\"}}]"),
        ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"generatorURL":"1a:b"}]"#), ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"generatorURL":"http://h:80x/"}]"#),
        ("POST", "/api/v2/alerts", "[{\"labels\":{\"a\":\"b\"}},{\"labels\":{\"c\":\"d\"},\"endsAt\":\"2026-02-29T00:00:00Z\"}]"),
        ("POST", "/api/v2/silences", #"{"comment":"c","createdBy":"me","endsAt":"2099-01-01T00:00:00Z","startsAt":"2020-01-01T00:00:00Z","matchers":[{"name":"a","value":"x","isRegex":false},{"name":"b","value":"a++","isRegex":true}]}"#),
        ("POST", "/api/v2/silences", #"{"comment":5,"createdBy":"me","endsAt":"2099-01-01T00:00:00Z","startsAt":"2020-01-01T00:00:00Z","matchers":{}}"#),
        ("POST", "/api/v2/silences", #"{"comment":"c","createdBy":"me","endsAt":"2099-01-01T00:00:00Z","startsAt":"2020-01-01T00:00:00Z","matchers":[{"name":"a","value":7,"isRegex":false}]}"#), ("POST", "/api/v2/alerts", "{\"labels\":"),
        ("POST", "/api/v2/alerts", #"[{"labels":{"a":"b"},"generatorURL":"%"}]"#), ("POST", "/api/v2/alerts", ""),
        ("POST", "/api/v2/silences", "{}"), ("POST", "/api/v2/silences", #"{"comment":"c","createdBy":"me","endsAt":"2099-01-01T00:00:00Z","startsAt":"2020-01-01T00:00:00Z","matchers":[{"name":"a","value":".*","isRegex":true}]}"#),
        ("POST", "/api/v2/silences", #"{"comment":"c","createdBy":"me","endsAt":"2099-01-01T00:00:00Z","startsAt":"2020-01-01T00:00:00Z","matchers":[{"name":"a","value":"x","isRegex":"no"}]}"#),
        ("POST", "/api/v2/silences", #"{"id":"4b1d5e4e-8e0a-4d39-9a58-8c5d4f3e2a10","comment":"c","createdBy":"me","endsAt":"2099-01-01T00:00:00Z","startsAt":"2020-01-01T00:00:00Z","matchers":[{"name":"a","value":"x","isRegex":false}]}"#),
        ("GET", "/api/v2/alerts?filter=alertname%3D%22A", ""), ("GET", "/api/v2/alerts?receiver=%28", ""), ("GET", "/api/v2/silences?filter=x", ""),
        ("GET", "/api/v2/silence/nope", ""), ("GET", "/api/v2/silence/4b1d5e4e-8e0a-4d39-9a58-8c5d4f3e2a10", ""),
    ]

    static let reads = [
        "/api/v2/alerts", "/api/v2/alerts?silenced=false", "/api/v2/alerts?active=false", "/api/v2/alerts?receiver=db",
        "/api/v2/alerts?filter=alertname%3D~%22High.%2A%22&filter=instance%21%3D%22b%3A80%22", "/api/v2/alerts?filter=team%3D%22%22",
        "/api/v2/alerts/groups", "/api/v2/alerts/groups?receiver=pager", "/api/v2/silences", "/api/v2/silences?filter=alertname%3DDiskFull",
        "/api/v2/receivers",
    ]

    @Test(.enabled(if: PrometheusServer.alertmanagerBinary != nil, "Debian's prometheus-alertmanager is not installed"))
    func sameAnswersAsAlertmanager() async throws {
        let directory = try scratch.make("am-oracle")
        let alertmanager = try await PrometheusServer.startAlertmanager(config: AlertmanagerRoutesTests.config, in: directory)
        defer { alertmanager.stop() }
        let tollgate = try await RoutesServer.start(try await NotifierSource.make(yaml: AlertmanagerRoutesTests.config))
        defer { tollgate.stop() }
        var mismatches: [String] = []
        func both(_ method: String, _ path: String, _ body: String?) async throws {
            let bytes = body.map { Array($0.utf8) }
            let theirs = try await Exchange.send(alertmanager.port, method, path, body: bytes)
            let ours = try await Exchange.send(tollgate.port, method, path, body: bytes)
            var a = theirs, b = ours
            a.body = Self.masked(a.body)
            b.body = Self.masked(b.body)
            if a != b { mismatches.append("\(method) \(path) \(body ?? "")\n  alertmanager: \(a)\n  tollgate:     \(b)") }
        }
        try await both("POST", "/api/v2/alerts", Self.alerts)
        for silence in Self.silences { try await both("POST", "/api/v2/silences", silence) }
        for path in Self.reads { try await both("GET", path, nil) }
        for (method, path, body) in Self.badRequests { try await both(method, path, method == "GET" ? nil : body) }
        #expect(mismatches.isEmpty, "\(mismatches.count) differences:\n\(mismatches.joined(separator: "\n"))")
    }
}

/// Debian's amtool (0.25) against Tollgate's `/api/v2` and against Alertmanager: the same
/// commands print the same tables and exit the same way.
final class AmtoolAgainstAPITests: Sendable {
    let scratch = TemporaryDirectories()
    static let amtool = "/usr/bin/amtool"

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Binary.run(arguments, executable: URL(fileURLWithPath: amtool))
        // amtool warns on stderr when the server's version is not its own; that line differs by design.
        let stderr = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("Warning: amtool version") }
        return (result.status, result.stdout + stderr.joined(separator: "\n"))
    }

    /// amtool's session against one server: add an alert, query it, silence it, expire the silence.
    static func session(port: Int) throws -> [String] {
        let url = "--alertmanager.url=http://127.0.0.1:\(port)"
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        func masked(_ text: String) -> String {
            AlertmanagerAPIOracleTests.masked(text).replacingOccurrences(
                of: "(\(year)|\(year + 1))-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC", with: "<now>", options: .regularExpression)
        }
        var transcript: [String] = []
        func step(_ arguments: [String]) throws -> String {
            let (status, output) = try run([url] + arguments)
            transcript.append(masked("amtool \(arguments.joined(separator: " ")) → \(status)\n\(output)"))
            return output
        }
        _ = try step(["alert", "add", "alertname=AmtoolAlert", "severity=critical", "--annotation=summary=hi", "--start=2020-01-01T00:00:00Z", "--end=2099-01-01T00:00:00Z"])
        _ = try step(["alert", "add", "alertname=Other", "team=db", "--start=2020-01-01T00:00:00Z", "--end=2098-01-01T00:00:00Z"])
        _ = try step(["alert", "query"])
        _ = try step(["alert", "query", "-o", "extended", "alertname=~Amtool.*"])
        _ = try step(["alert", "query", "--receiver=db"])
        let id = try step(["silence", "add", "alertname=AmtoolAlert", "--comment=c", "--author=me", "--duration=2h"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try step(["silence", "query"])
        _ = try step(["silence", "query", "-o", "extended", "alertname=AmtoolAlert"])
        _ = try step(["alert", "query", "-a"])
        _ = try step(["alert", "query", "-s"])
        _ = try step(["silence", "expire", id])
        _ = try step(["silence", "query", "--expired"])
        _ = try step(["silence", "add", "alertname=\"unclosed"])
        _ = try step(["cluster", "show"])
        return transcript
    }

    @Test(.enabled(if: PrometheusServer.alertmanagerBinary != nil && FileManager.default.isExecutableFile(atPath: amtool), "amtool or Alertmanager missing"))
    func amtoolSeesTheSame() async throws {
        let directory = try scratch.make("amtool-oracle")
        let alertmanager = try await PrometheusServer.startAlertmanager(config: AlertmanagerRoutesTests.config, in: directory)
        defer { alertmanager.stop() }
        let tollgate = try await RoutesServer.start(try await NotifierSource.make(yaml: AlertmanagerRoutesTests.config))
        defer { tollgate.stop() }
        // amtool runs on threads of their own: the in-process server answers on the cooperative pool.
        let theirs = try await Binary.detached { try Self.session(port: alertmanager.port) }
        let ours = try await Binary.detached { try Self.session(port: tollgate.port) }
        #expect(theirs.count == ours.count)
        for (a, b) in zip(theirs, ours) { #expect(a == b) }
    }
}

/// Debian's Prometheus 2.42 sending its alerts to Tollgate's `/api/v2/alerts`.
final class PrometheusSendsToAPITests: Sendable {
    let scratch = TemporaryDirectories()

    @Test(.enabled(if: PrometheusServer.binary != nil, "Debian's prometheus is not installed"))
    func prometheusAlertsArriveAndAreListed() async throws {
        let source = try await NotifierSource.make(yaml: AlertmanagerRoutesTests.config)
        let tollgate = try await RoutesServer.start(source)
        defer { tollgate.stop() }
        let directory = try scratch.make("prom-sends")
        try """
            groups:
              - name: g
                interval: 1s
                rules:
                  - alert: AlwaysFiring
                    expr: vector(1)
                    labels: {severity: critical, team: db}
                    annotations: {summary: 'value {{ $value }} <b>'}

            """.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let prometheus = try await PrometheusServer.start(
            config: """
                global: {evaluation_interval: 1s}
                rule_files: ['\(directory.appendingPathComponent("rules.yml").path)']
                alerting:
                  alertmanagers:
                    - api_version: v2
                      static_configs: [{targets: ['127.0.0.1:\(tollgate.port)']}]

                """, in: directory, arguments: ["--rules.alert.resend-delay=1s"])  // alerts before discovery found us are dropped
        defer { prometheus.stop() }
        var listed = ""
        for _ in 0..<100 {
            listed = try await Exchange.send(tollgate.port, "GET", "/api/v2/alerts").body
            if listed.contains("AlwaysFiring") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(listed.contains(#""labels":{"alertname":"AlwaysFiring","severity":"critical","team":"db"}"#), "\(listed)")
        #expect(listed.contains(#""receivers":[{"name":"pager"},{"name":"db"}]"#))
        #expect(listed.contains(#""annotations":{"summary":"value 1 \u003cb\u003e"}"#))
        #expect(listed.contains(#""generatorURL":"http"#))
        // Prometheus sets endsAt in the future while the alert fires: not a timeout.
        let alerts = await source.notifier.storedAlerts
        #expect(alerts.count == 1 && alerts.allSatisfy { !$0.timeout && $0.endsAt > $0.startsAt })
    }
}
