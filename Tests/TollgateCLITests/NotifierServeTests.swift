// Tollgate — `serve` with the built-in notifier: the Alertmanager API v2 answered as
// Alertmanager answers it (amtool against both), Prometheus 2.42 sending its alerts to
// Tollgate, notifications reaching a real webhook receiver, and state kept across kill -9.

import CurlHTTP
import Foundation
import TestSupport
import Testing

/// The capture server the NotifyRender oracle uses: every HTTP POST and every mail it gets
/// becomes a file (`http_<path>-<n>`, `mail-<n>`).
struct CaptureServer {
    let process = Process()
    let httpPort: Int
    let smtpPort: Int
    let directory: URL

    static let python = "/usr/bin/python3"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python)
            && (try? Binary.run(["-c", "import aiosmtpd"], executable: URL(fileURLWithPath: python)).status) == 0
    }

    init(in directory: URL) async throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        httpPort = try freeLoopbackPort()
        smtpPort = try freeLoopbackPort()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [
            Binary.repositoryRoot.appendingPathComponent("Tests/NotifyRenderTests/Oracle/capture.py").path, "\(httpPort)", "\(smtpPort)", directory.path,
        ]
        try process.run()
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("ready").path) {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The bodies captured for `path` (e.g. `/webhook`), in arrival order.
    func bodies(_ path: String) -> [String] {
        let prefix = "http" + path.replacingOccurrences(of: "/", with: "_") + "-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) }
            .sorted { Int($0.dropFirst(prefix.count)) ?? 0 < Int($1.dropFirst(prefix.count)) ?? 0 }
            .compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

final class NotifierServeTests: Sendable {
    let scratch = TemporaryDirectories()

    static func alertmanagerYAML(webhook: String, groupWait: String = "1s") -> String {
        """
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: \(groupWait)
          group_interval: 2s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs: [{url: '\(webhook)', send_resolved: true}]
          - name: unused
        """
    }

    static func post(_ body: String, port: Int, path: String = "/api/v2/alerts", method: String = "POST") async throws -> (Int, String) {
        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPClient.Request(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.body = Array(body.utf8)
        request.headers = [(name: "Content-Type", value: "application/json")]
        let response = try await client.execute(request)
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    static func alerts(_ names: [String], startsAt: String = "2026-01-01T00:00:00Z") -> String {
        "[" + names.map { #"{"labels":{"alertname":"\#($0)","severity":"critical"},"annotations":{"summary":"\#($0) is bad"},"startsAt":"\#(startsAt)","endsAt":"2099-01-01T00:00:00Z"}"# }
            .joined(separator: ",") + "]"
    }

    static func amtool(_ arguments: [String], port: Int) async throws -> Binary.Result {
        try await Binary.runDetached(["--alertmanager.url=http://127.0.0.1:\(port)"] + arguments, executable: URL(fileURLWithPath: "/usr/bin/amtool"))
    }

    static func eventually(_ seconds: Double = 20, _ done: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    /// amtool (0.25, Debian's) against Tollgate and against a real Alertmanager given the same
    /// configuration and alerts prints the same alerts and silences; silences made, imported
    /// and expired through amtool behave alike.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/amtool") && PrometheusServer.alertmanagerBinary != nil && CaptureServer.available))
    func amtoolAnswersTheSameFromTollgateAndAlertmanager() async throws {
        let dir = try scratch.make("amtool")
        let capture = try await CaptureServer(in: dir.appendingPathComponent("captured"))
        defer { capture.stop() }
        let yaml = Self.alertmanagerYAML(webhook: "http://127.0.0.1:\(capture.httpPort)/webhook")
        let file = dir.appendingPathComponent("am.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let tollgate = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--alertmanager.config", file.path])
        let oracle = try await PrometheusServer.startAlertmanager(config: yaml, in: try scratch.make("oracle"))
        defer { oracle.stop() }

        for port in [tollgate.port, oracle.port] {
            let (status, body) = try await Self.post(Self.alerts(["Alpha", "Beta"]), port: port)
            #expect(status == 200, "\(body)")
        }
        let query = ["alert", "query", "--output=extended"]
        #expect(try await Self.amtool(query, port: tollgate.port).stdout == (try await Self.amtool(query, port: oracle.port)).stdout)
        let filtered = ["alert", "query", "alertname=~Al.*"]
        let mine = try await Self.amtool(filtered, port: tollgate.port)
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(mine.stdout == (try await Self.amtool(filtered, port: oracle.port)).stdout)
        #expect(mine.stdout.contains("Alpha") && !mine.stdout.contains("Beta"))

        // A silence added, listed, exported, imported and expired through amtool.
        var ids: [Int: String] = [:]
        for port in [tollgate.port, oracle.port] {
            let added = try await Self.amtool(["silence", "add", "alertname=Alpha", "--comment=maintenance", "--author=sre", "--duration=1h"], port: port)
            #expect(added.status == 0, "\(added.stderr)")
            ids[port] = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let mask = { (text: String, port: Int) in text.replacingOccurrences(of: ids[port] ?? "-", with: "ID") }
        let silenceQuery = try await Self.amtool(["silence", "query"], port: tollgate.port)
        #expect(
            mask(silenceQuery.stdout, tollgate.port).replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"#, with: "T", options: .regularExpression)
                == mask(try await Self.amtool(["silence", "query"], port: oracle.port).stdout, oracle.port)
                .replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"#, with: "T", options: .regularExpression))
        // Silenced alerts leave the default query (active only) on both.
        #expect(try await Self.amtool(["alert", "query"], port: tollgate.port).stdout == (try await Self.amtool(["alert", "query"], port: oracle.port)).stdout)
        // Exported and imported again (amtool keeps the ids, so the import updates the
        // same silences), then expired: both servers end with the same silences.
        for port in [tollgate.port, oracle.port] {
            let exported = try await Self.amtool(["silence", "query", "-o", "json"], port: port)
            let importFile = dir.appendingPathComponent("silences-\(port).json")
            try exported.stdout.write(to: importFile, atomically: true, encoding: .utf8)
            let imported = try await Self.amtool(["silence", "import", importFile.path], port: port)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        #expect(
            try await Self.amtool(["silence", "query", "-q"], port: tollgate.port).stdout.split(separator: "\n").count
                == (try await Self.amtool(["silence", "query", "-q"], port: oracle.port)).stdout.split(separator: "\n").count)
        for port in [tollgate.port, oracle.port] {
            let expire = try await Self.amtool(["silence", "expire", ids[port] ?? ""], port: port)
            #expect(expire.status == 0, "\(expire.stderr)")
        }
        #expect(try await Self.amtool(["silence", "query", "-q"], port: tollgate.port).stdout.isEmpty)
        let expired = ["silence", "query", "--expired"]
        #expect(
            mask(try await Self.amtool(expired, port: tollgate.port).stdout, tollgate.port).replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"#, with: "T", options: .regularExpression)
                == mask(try await Self.amtool(expired, port: oracle.port).stdout, oracle.port).replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"#, with: "T", options: .regularExpression))
        // Expired silences no longer mute: the alert is back in the default query on both.
        #expect(try await Self.amtool(["alert", "query"], port: tollgate.port).stdout == (try await Self.amtool(["alert", "query"], port: oracle.port)).stdout)
        let missing = try await Self.amtool(["silence", "expire", "00000000-0000-0000-0000-000000000000"], port: tollgate.port)
        #expect(missing.status != 0)
        let config = try await Self.amtool(["config", "show"], port: tollgate.port)
        #expect(config.status == 0 && config.stdout.contains("receiver: hook"), "\(config.stdout)\(config.stderr)")
        #expect(tollgate.stop() == 0)
    }

    /// Prometheus 2.42 evaluates a rule and sends its alert to Tollgate's `/api/v2/alerts`;
    /// Tollgate routes it to a webhook receiver, which gets Alertmanager's v4 payload.
    @Test(.enabled(if: PrometheusServer.binary != nil && CaptureServer.available))
    func prometheusSendsItsAlertsToTollgate() async throws {
        let dir = try scratch.make("prom-to-tollgate")
        let capture = try await CaptureServer(in: dir.appendingPathComponent("captured"))
        defer { capture.stop() }
        let file = dir.appendingPathComponent("am.yml")
        try Self.alertmanagerYAML(webhook: "http://127.0.0.1:\(capture.httpPort)/webhook").write(to: file, atomically: true, encoding: .utf8)
        let tollgate = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--alertmanager.config", file.path])
        let rules = dir.appendingPathComponent("rules.yml")
        try "groups: [{name: g, interval: 1s, rules: [{alert: FromPrometheus, expr: vector(1), labels: {severity: page}}]}]\n"
            .write(to: rules, atomically: true, encoding: .utf8)
        let prometheus = try await PrometheusServer.start(
            config: """
                global: {evaluation_interval: 1s}
                rule_files: ['\(rules.path)']
                alerting:
                  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:\(tollgate.port)']}]}]
                """,
            // Prometheus drops what it sends before discovery names the Alertmanagers and
            // sends again after the resend delay (1m by default).
            in: dir, arguments: ["--rules.alert.resend-delay=1s"])
        defer { prometheus.stop() }
        try await Self.eventually(30) { !capture.bodies("/webhook").isEmpty }
        let body = try #require(capture.bodies("/webhook").first)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(payload["version"] as? String == "4")
        #expect(payload["status"] as? String == "firing")
        #expect(payload["receiver"] as? String == "hook")
        #expect(payload["groupKey"] as? String == #"{}:{alertname="FromPrometheus"}"#)
        let alerts = try #require(payload["alerts"] as? [[String: Any]])
        #expect((alerts.first?["labels"] as? [String: String])?["severity"] == "page")
        // Alertmanager's own metrics, under its names, count the notification.
        let (_, metrics, _) = try await tollgate.get("/metrics")
        let sent = metrics.split(separator: "\n").first { $0.hasPrefix(#"alertmanager_notifications_total{integration="webhook"}"#) }
        #expect(sent.map { !$0.hasSuffix(" 0") } == true, "\(sent ?? "no alertmanager_notifications_total")")
        #expect(metrics.contains("alertmanager_alerts_received_total"))
        #expect(tollgate.stop() == 0)
    }

    /// SIGHUP reads alertmanager.yml again: the new receivers answer, and the alerts and
    /// silences held stay.
    @Test func aReloadKeepsAlertsAndSilences() async throws {
        let dir = try scratch.make("notifier-reload")
        let file = dir.appendingPathComponent("am.yml")
        try Self.alertmanagerYAML(webhook: "http://127.0.0.1:9/webhook").write(to: file, atomically: true, encoding: .utf8)
        let tollgate = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--alertmanager.config", file.path])
        _ = try await Self.post(Self.alerts(["Kept"]), port: tollgate.port)
        let silence = #"{"matchers":[{"name":"alertname","value":"Other","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"sre","comment":"kept"}"#
        #expect(try await Self.post(silence, port: tollgate.port, path: "/api/v2/silences").0 == 200)
        try Self.alertmanagerYAML(webhook: "http://127.0.0.1:9/webhook").replacingOccurrences(of: "name: unused", with: "name: renamed")
            .write(to: file, atomically: true, encoding: .utf8)
        kill(tollgate.process.processIdentifier, SIGHUP)
        var receivers = ""
        for _ in 0..<100 where !receivers.contains("renamed") {
            try await Task.sleep(for: .milliseconds(100))
            receivers = try await tollgate.get("/api/v2/receivers").1
        }
        #expect(receivers == #"[{"name":"hook"},{"name":"renamed"}]"# + "\n")
        #expect(try await tollgate.get("/api/v2/alerts").1.contains(#""alertname":"Kept""#))
        #expect(try await tollgate.get("/api/v2/silences").1.contains(#""comment":"kept""#))
        #expect(tollgate.stop() == 0)
    }

    /// kill -9 after a notification was sent and while another was waiting: after the
    /// restart the sent one is not sent again within repeat_interval, the waiting one is
    /// sent, and the silence made before the kill still mutes.
    @Test(.enabled(if: CaptureServer.available))
    func notificationsAndSilencesSurviveKillDashNine() async throws {
        let dir = try scratch.make("kill9")
        let capture = try await CaptureServer(in: dir.appendingPathComponent("captured"))
        defer { capture.stop() }
        let file = dir.appendingPathComponent("am.yml")
        try Self.alertmanagerYAML(webhook: "http://127.0.0.1:\(capture.httpPort)/webhook", groupWait: "3s").write(to: file, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("data")
        let first = try RunningServer(dataDir: data, extra: ["--alertmanager.config", file.path])
        _ = try await Self.post(Self.alerts(["Sent"]), port: first.port)
        try await Self.eventually { capture.bodies("/webhook").count == 1 }
        #expect(capture.bodies("/webhook").count == 1)
        let silence = #"{"matchers":[{"name":"alertname","value":"Muted","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"sre","comment":"kept"}"#
        let (status, _) = try await Self.post(silence, port: first.port, path: "/api/v2/silences")
        #expect(status == 200)
        // "Due" arrives and the process dies before its group_wait ends.
        _ = try await Self.post(Self.alerts(["Due", "Muted"]), port: first.port)
        // Taken alerts are written within a second; group_wait is 3 s.
        try await Task.sleep(for: .milliseconds(1_500))
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()

        let second = try RunningServer(dataDir: data, extra: ["--alertmanager.config", file.path])
        // The alerts are back before anyone sends them again.
        let (_, held, _) = try await second.get("/api/v2/alerts?silenced=false")
        #expect(held.contains(#""alertname":"Due""#) && held.contains(#""alertname":"Sent""#) && !held.contains(#""alertname":"Muted""#), "\(held)")
        // Prometheus keeps sending the firing alerts: so does this test.
        for _ in 0..<6 {
            _ = try await Self.post(Self.alerts(["Sent", "Due", "Muted"]), port: second.port)
            try await Task.sleep(for: .milliseconds(500))
        }
        try await Self.eventually { capture.bodies("/webhook").count >= 2 }
        let names = capture.bodies("/webhook").compactMap { body -> String? in
            guard let payload = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
            return (payload["commonLabels"] as? [String: String])?["alertname"]
        }
        #expect(names == ["Sent", "Due"], "Sent once, Due after the restart, Muted never: \(names)")
        #expect(second.stop() == 0)
    }

    /// A rollout's deployment events go through the alert dispatcher into the built-in
    /// notifier, configured inline in tollgate.yml, and reach the receiver it routes them to.
    @Test(.enabled(if: CaptureServer.available))
    func deploymentEventsAreRoutedByTheNotifier() async throws {
        let dir = try scratch.make("deploy-events")
        let capture = try await CaptureServer(in: dir.appendingPathComponent("captured"))
        defer { capture.stop() }
        let root = dir.appendingPathComponent("server")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let server = try RolloutsServeTests().start(
            root,
            config: """
                alertmanager:
                  route:
                    receiver: oncall
                    group_by: [alertname]
                    group_wait: 1s
                    routes: [{matchers: ['alertname=~"Rollout.*"', 'severity="info"'], receiver: deploys}]
                  receivers:
                    - name: oncall
                    - name: deploys
                      webhook_configs: [{url: 'http://127.0.0.1:\(capture.httpPort)/deploys'}]

                """)
        _ = try await RolloutsServeTests.create(server, #"{"service":"checkout","version":"v2","baseline":"v1","guard":"checkout-api","plan":"slow"}"#)
        try await Self.eventually { !capture.bodies("/deploys").isEmpty }
        let body = try #require(capture.bodies("/deploys").first)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let labels = try #require(payload["commonLabels"] as? [String: String])
        #expect(labels["alertname"] == "RolloutStarted" && labels["severity"] == "info" && labels["service"] == "checkout", "\(labels)")
        #expect(payload["receiver"] as? String == "deploys")
        #expect(server.stop() == 0)
    }
}
