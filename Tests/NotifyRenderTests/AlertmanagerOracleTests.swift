// Tollgate — NotifyRender oracle: Debian's Alertmanager 0.25 sends a notification to every
// receiver type; the captured bodies are compared with what NotifyRender builds from the same data.

import CurlHTTP
import Foundation
import GoTemplate
import Testing

@testable import NotifyRender
@testable import TestSupport

@Suite(.serialized) struct AlertmanagerOracleTests {
    static let python = "/usr/bin/python3"

    /// Why the oracle cannot run here, or nil.
    static var skipReason: String? {
        if PrometheusServer.alertmanagerBinary == nil { return "prometheus-alertmanager is not installed" }
        if !FileManager.default.isExecutableFile(atPath: python) { return "\(python) is missing" }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", "import aiosmtpd.controller"]
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return "cannot run python3" }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? nil : "python3-aiosmtpd is not installed (scripts/apt-install.sh python3-aiosmtpd)"
    }

    @Test func notificationsMatchAlertmanager() async throws {
        if let reason = Self.skipReason {
            print("skipping the Alertmanager oracle: \(reason)")
            return
        }
        try await withTemporaryDirectory("notify-oracle") { directory in
            let captured = directory.appendingPathComponent("captured")
            try FileManager.default.createDirectory(at: captured, withIntermediateDirectories: true)
            let httpPort = try freeLoopbackPort(), smtpPort = try freeLoopbackPort()
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Oracle/capture.py")
            let capture = Process()
            capture.executableURL = URL(fileURLWithPath: Self.python)
            capture.arguments = [script.path, "\(httpPort)", "\(smtpPort)", captured.path]
            try capture.run()
            defer {
                kill(capture.processIdentifier, SIGKILL)
                capture.waitUntilExit()
            }
            try await waitFor { FileManager.default.fileExists(atPath: captured.appendingPathComponent("ready").path) }

            let base = "http://127.0.0.1:\(httpPort)"
            let config = """
                global:
                  smtp_smarthost: 127.0.0.1:\(smtpPort)
                  smtp_from: alertmanager@example.com
                  smtp_require_tls: false
                route:
                  receiver: team.ops
                  group_by: [alertname]
                  group_wait: 3s
                  group_interval: 1h
                receivers:
                - name: team.ops
                  webhook_configs: [{url: '\(base)/webhook'}]
                  slack_configs: [{api_url: '\(base)/slack', channel: '#alerts'}]
                  pagerduty_configs:
                  - {routing_key: 0123456789abcdef0123456789abcdef, url: '\(base)/pdv2'}
                  email_configs:
                  - {to: ops@example.com, text: '{{ template "__text_alert_list" .Alerts }}'}
                """
            try config.write(to: directory.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
            guard let binary = PrometheusServer.alertmanagerBinary else { return }
            let externalURL = "http://am.example:9093"
            let server = try await PrometheusServer.launch(binary: binary) { port in
                [
                    "--config.file=\(directory.appendingPathComponent("am.yml").path)",
                    "--storage.path=\(directory.appendingPathComponent("am").path)", "--web.listen-address=127.0.0.1:\(port)",
                    "--cluster.listen-address=", "--web.external-url=\(externalURL)",
                ]
            }
            defer { server.stop() }

            let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
            // Started less than group_wait ago: an older alert would make Alertmanager flush
            // the new group at once, possibly before the second alert is in it.
            let startsAt = now - 1_000_000_000 + 123_456_789
            let endsAt = now + 3_600_000_000_000
            let alerts = [
                NotificationAlert(
                    labels: ["alertname": "HighErrorRate", "service": "checkout", "severity": "critical"],
                    annotations: ["summary": "5xx > 5% <checkout> & co", "runbook": "https://x/y?a=1&b=2"], startsAt: startsAt, endsAt: endsAt,
                    generatorURL: "http://prom:9090/graph?g0.expr=rate(x[5m])+%3E+0&g0.tab=1"),
                NotificationAlert(
                    labels: ["alertname": "HighErrorRate", "service": "cart", "severity": "critical"], annotations: ["summary": "cart"],
                    startsAt: startsAt, endsAt: endsAt, generatorURL: "http://prom:9090/graph"),
            ]
            var post = HTTPClient.Request(url: "http://127.0.0.1:\(server.port)/api/v2/alerts")
            post.method = "POST"
            post.headers = [("Content-Type", "application/json")]
            post.body = Array(GoJSON.array(alerts.map(Self.postable)).encoded.utf8)
            let client = try HTTPClient()
            defer { client.shutdown() }
            let response = try await client.execute(post)
            #expect(response.status == 200)

            func files() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: captured.path)) ?? [] }
            try await waitFor { ["http_webhook", "http_slack", "http_pdv2", "mail"].allSatisfy { p in files().contains { $0.hasPrefix(p + "-") } } }
            func body(_ prefix: String) throws -> String {
                let name = try #require(files().first { $0.hasPrefix(prefix + "-") })
                return String(decoding: try Data(contentsOf: captured.appendingPathComponent(name)), as: UTF8.self)
            }

            // Alertmanager sorts a group's alerts (job, instance, then label sets).
            let ordered = NotificationAlert.alertmanagerOrder(alerts)
            #expect(ordered.map { $0.labels["service"] } == ["cart", "checkout"])
            let groupKey = #"{}:{alertname="HighErrorRate"}"#
            let context = NotificationContext(receiver: "team.ops", groupKey: groupKey, groupLabels: ["alertname": "HighErrorRate"], externalURL: externalURL)
            let data = context.data(ordered, now: now)
            let templates = try TemplateSet()

            // Webhook: byte for byte.
            let webhook = WebhookMessage.body(context: context, alerts: ordered, now: now).encoded
            if let dump = ProcessInfo.processInfo.environment["NOTIFY_ORACLE_DUMP"] {
                try? FileManager.default.removeItem(atPath: dump)
                try? FileManager.default.copyItem(at: captured, to: URL(fileURLWithPath: dump))
                try? webhook.write(toFile: dump + "/mine-webhook", atomically: true, encoding: .utf8)
                try? PagerDutyMessage.body(config: .init(routingKey: "0123456789abcdef0123456789abcdef"), data: data, groupKey: groupKey, templates: templates)
                    .encoded.write(toFile: dump + "/mine-pdv2", atomically: true, encoding: .utf8)
            }
            #expect(try body("http_webhook") == webhook)
            // Slack: byte for byte.
            #expect(try body("http_slack") == SlackMessage.body(config: .init(channel: "#alerts"), data: data, templates: templates).encoded)
            // PagerDuty v2: byte for byte.
            let v2 = try PagerDutyMessage.body(
                config: .init(routingKey: "0123456789abcdef0123456789abcdef"), data: data, groupKey: groupKey, templates: templates)
            #expect(try body("http_pdv2") == v2.encoded)
            // (Alertmanager 0.25 posts v1 events to PagerDuty's fixed v1 URL whatever `url` says, so v1 has no oracle here.)

            // Email: headers by value, then the body after the headers byte for byte with AM's boundary.
            let mail = try body("mail").replacingOccurrences(of: "\r\n", with: "\n")
            var emailConfig = EmailMessageConfig(to: "ops@example.com", from: "alertmanager@example.com")
            emailConfig.text = #"{{ template "__text_alert_list" .Alerts }}"#
            let message = try EmailMessage(config: emailConfig, data: data, templates: templates)
            let parts = mail.components(separatedBy: "\n\n")
            let headerLines = try #require(parts.first).split(separator: "\n").map(String.init)
            func header(_ name: String) -> String? { headerLines.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) } }
            for name in ["Subject", "To", "From"] { #expect(header(name) == message.header(name), "header \(name)") }
            let boundary = try #require(header("Content-Type")?.components(separatedBy: "boundary=").last)
            let mine = message.mime(boundary: boundary, date: header("Date") ?? "", messageID: header("Message-Id") ?? "")
                .replacingOccurrences(of: "\r\n", with: "\n")
            let mineBody = mine.components(separatedBy: "MIME-Version: 1.0\n").last ?? ""
            let theirBody = mail.components(separatedBy: "MIME-Version: 1.0\n").last ?? ""
            #expect(mineBody == theirBody)
            if let dump = ProcessInfo.processInfo.environment["NOTIFY_ORACLE_DUMP"] {
                try? mineBody.write(toFile: dump + "/mine-mail", atomically: true, encoding: .utf8)
                try? theirBody.write(toFile: dump + "/their-mail", atomically: true, encoding: .utf8)
            }
        }
    }

    static func postable(_ alert: NotificationAlert) -> GoJSON {
        .object([
            .init("labels", .map(alert.labels)), .init("annotations", .map(alert.annotations)), .init("startsAt", .time(alert.startsAt)),
            .init("endsAt", .time(alert.endsAt)), .init("generatorURL", .string(alert.generatorURL)),
        ])
    }

    func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<300 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for Alertmanager's notifications")
    }
}
