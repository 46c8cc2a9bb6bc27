// Tollgate — NotifySend tests: webhook, Slack and PagerDuty integrations against a local
// stand-in that checks each body as the service would, over real libcurl on loopback.

import CurlHTTP
import Foundation
import MetricsTestKit
import Model
import Notify
import NotifyRender
import TestSupport
import Testing
import TollgateConfig

@testable import NotifySend

struct HTTPIntegrationTests {
    let scratch = TemporaryDirectories()

    /// Runs `body` with a started receiver stand-in and an HTTP client, or skips.
    func withReceiver(_ body: (StandIn, HTTPClient, String) async throws -> Void) async throws {
        if let reason = StandIn.skipReason(smtp: false) {
            print("skipping the receiver stand-in tests: \(reason)")
            return
        }
        let standIn = try await StandIn.launch("receiver.py", in: try scratch.make("notify-send"))
        defer { standIn.stop() }
        let client = try HTTPClient()
        defer { client.shutdown() }
        try await body(standIn, client, "http://127.0.0.1:\(standIn.port)")
    }

    @Test func webhookPostsTheV4BodyWithMaxAlerts() async throws {
        try await withReceiver { standIn, client, base in
            var config = WebhookConfig(url: .inline("\(base)/webhook/200/a"))
            config.maxAlerts = 1
            let webhook = WebhookIntegration(config: config, index: 0, externalURL: "http://am.example:9093", client: client)
            let outcome = await webhook.send(Fixtures.context(), alerts: [Fixtures.firing, Fixtures.resolved])
            #expect(outcome == .sent)
            let requests = standIn.requests()
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.problems == [])
            #expect(request.json["version"] as? String == "4")
            #expect(request.json["groupKey"] as? String == Fixtures.groupKey)
            #expect(request.json["truncatedAlerts"] as? Int == 1)
            #expect((request.json["alerts"] as? [Any])?.count == 1)
            #expect(request.json["receiver"] as? String == "team-ops")
            #expect(request.json["externalURL"] as? String == "http://am.example:9093")
            #expect(request.headers["User-Agent"]?.hasPrefix("Alertmanager/") == true)
            // The exact body NotifyRender builds, as Alertmanager encodes it.
            let group = RenderedGroup(Fixtures.context(), alerts: [Fixtures.firing], externalURL: "http://am.example:9093")
            var expected = WebhookMessage.body(context: group.context, alerts: group.alerts, now: group.now).encoded
            expected = expected.replacingOccurrences(of: #""truncatedAlerts":0"#, with: #""truncatedAlerts":1"#)
            #expect(request.text == expected)
        }
    }

    @Test func webhookVerdicts() async throws {
        try await withReceiver { standIn, client, base in
            func outcome(_ plan: String) async -> Result<Void, SendFailure> {
                let webhook = WebhookIntegration(config: WebhookConfig(url: .inline("\(base)/webhook/\(plan)/v")), index: 0, externalURL: "", client: client)
                return await webhook.attempt(Fixtures.context(), alerts: [Fixtures.firing])
            }
            #expect(await outcome("204").failure == nil)
            #expect(await outcome("500").failure == (SendFailure("unexpected status code 500: rollup_error", retry: true, reason: .serverError)))
            #expect(await outcome("400").failure == (SendFailure("unexpected status code 400", retry: false, reason: .clientError)))
            #expect(await outcome("429").failure == (SendFailure("unexpected status code 429: rate limited", retry: false, reason: .clientError)))
            // Nothing listens on the port: a network error, retried, the URL kept out of the message.
            let closed = "http://127.0.0.1:\(try freeLoopbackPort())/secret-token"
            let webhook = WebhookIntegration(config: WebhookConfig(url: .inline(closed)), index: 0, externalURL: "", client: client)
            guard case .failure(let failure) = await webhook.attempt(Fixtures.context(), alerts: [Fixtures.firing]) else {
                Issue.record("a closed port was reached")
                return
            }
            #expect(failure.retry && failure.reason == .other)
            #expect(!failure.message.contains("secret-token"))
        }
    }

    @Test func retrierSendsAfterOneRetryOn500() async throws {
        try await withReceiver { standIn, client, base in
            let metrics = TestMetrics()
            let clock = ManualClock(Fixtures.now)
            let webhook = WebhookIntegration(config: WebhookConfig(url: .inline("\(base)/webhook/500,202/r")), index: 0, externalURL: "", client: client)
            let retrier = Retrier(
                receiver: "team-ops", integration: webhook, clock: clock, metrics: NotificationMetrics(factory: metrics), logger: Fixtures.quiet,
                sleep: { clock.advance(by: Int64($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) })
            let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: Fixtures.now + 10_000)
            #expect(delivery == Delivery(outcome: .sent, attempts: 2))
            #expect(standIn.requests().count == 2)
            let integration = [("integration", "webhook")]
            #expect(metrics.counterTotal(label: "alertmanager_notifications_total", dimensions: integration) == 1)
            #expect(metrics.counterTotal(label: "alertmanager_notification_requests_total", dimensions: integration) == 2)
            #expect(metrics.counterTotal(label: "alertmanager_notification_requests_failed_total", dimensions: integration) == 1)
            #expect(metrics.counters(label: "alertmanager_notifications_failed_total").allSatisfy { $0.totalValue == 0 })
            let latency = try metrics.expectTimer(NotificationMetrics.latencyLabel, integration)
            #expect(latency.values.count == 2)
        }
    }

    @Test func retrierGivesUpAt400() async throws {
        try await withReceiver { standIn, client, base in
            let metrics = TestMetrics()
            let webhook = WebhookIntegration(config: WebhookConfig(url: .inline("\(base)/webhook/400,202/r")), index: 0, externalURL: "", client: client)
            let retrier = Retrier(receiver: "team-ops", integration: webhook, metrics: NotificationMetrics(factory: metrics), logger: Fixtures.quiet, sleep: { _ in })
            let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: SystemClock().now() + 10_000)
            #expect(delivery.attempts == 1)
            #expect(delivery.failureReason == .clientError)
            #expect(
                delivery.outcome
                    == .failed(
                        reason: "team-ops/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 400",
                        retry: false))
            #expect(standIn.requests().count == 1)
            let failed = [("integration", "webhook"), ("reason", "clientError")]
            #expect(metrics.counterTotal(label: "alertmanager_notifications_failed_total", dimensions: failed) == 1)
        }
    }

    @Test func slackPostsOneAttachmentAndChecksTheAnswer() async throws {
        try await withReceiver { standIn, client, base in
            let templates = try TemplateSet()
            func attempt(_ plan: String) async -> Result<Void, SendFailure> {
                let slack = SlackIntegration(
                    config: SlackConfig(apiURL: .inline("\(base)/slack/\(plan)/s"), channel: "#alerts"), index: 0, templates: templates,
                    externalURL: "http://am.example:9093", client: client)
                return await slack.attempt(Fixtures.context(), alerts: [Fixtures.firing])
            }
            #expect(await attempt("ok").failure == nil)
            let request = try #require(standIn.requests().first)
            #expect(request.problems == [])
            let attachment = try #require((request.json["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["title"] as? String == "[FIRING:1] HighErrorRate (checkout critical)")
            #expect(attachment["color"] as? String == "danger")
            #expect(request.json["channel"] as? String == "#alerts")

            #expect(await attempt("jsonok").failure == nil)
            #expect(
                await attempt("text").failure
                    == (SendFailure(##"channel "#alerts": received an error response from Slack: invalid_payload"##, retry: false, reason: .clientError)))
            #expect(
                await attempt("jsonerr").failure
                    == (SendFailure(##"channel "#alerts": error response from Slack: channel_not_found"##, retry: false, reason: .clientError)))
            #expect(
                await attempt("500").failure
                    == (SendFailure(##"channel "#alerts": unexpected status code 500: rollup_error"##, retry: true, reason: .serverError)))
            // Alertmanager's Slack notifier does not retry a 429.
            #expect(
                await attempt("429").failure
                    == (SendFailure(##"channel "#alerts": unexpected status code 429: rate limited"##, retry: false, reason: .clientError)))
        }
    }

    @Test func pagerDutyTriggersAndResolvesWithTheGroupsDedupKey() async throws {
        try await withReceiver { standIn, client, base in
            let templates = try TemplateSet()
            var config = PagerDutyConfig(routingKey: .inline("0123456789abcdef0123456789abcdef"))
            config.url = "\(base)/pd/202/t"
            let pagerduty = PagerDutyIntegration(config: config, index: 0, templates: templates, externalURL: "http://am.example:9093", client: client)
            #expect(await pagerduty.send(Fixtures.context(), alerts: [Fixtures.firing, Fixtures.resolved]) == .sent)
            #expect(await pagerduty.send(Fixtures.context(), alerts: [Fixtures.resolved]) == .sent)
            let requests = standIn.requests()
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.problems.isEmpty })
            let trigger = try #require(requests.first).json
            #expect(trigger["event_action"] as? String == "trigger")
            #expect(trigger["routing_key"] as? String == "0123456789abcdef0123456789abcdef")
            #expect(trigger["dedup_key"] as? String == PagerDutyMessage.dedupKey(Fixtures.groupKey))
            let payload = try #require(trigger["payload"] as? [String: Any])
            #expect(payload["summary"] as? String == "[FIRING:1] HighErrorRate (critical)")
            #expect(payload["source"] as? String == "Alertmanager")
            #expect(payload["severity"] as? String == "error")
            #expect(try #require(requests.last).json["event_action"] as? String == "resolve")
        }
    }

    @Test func pagerDutyVerdicts() async throws {
        try await withReceiver { standIn, client, base in
            let templates = try TemplateSet()
            func attempt(_ plan: String, severity: String = "error") async -> Result<Void, SendFailure> {
                var config = PagerDutyConfig(routingKey: .inline("0123456789abcdef0123456789abcdef"))
                config.severity = severity
                let pagerduty = PagerDutyIntegration(
                    config: config, index: 0, templates: templates, externalURL: "", client: client, defaultURL: "\(base)/pd/\(plan)/v")
                return await pagerduty.attempt(Fixtures.context(), alerts: [Fixtures.firing])
            }
            #expect(
                await attempt("400").failure
                    == (
                        SendFailure(
                            "unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)",
                            retry: false, reason: .clientError)))
            #expect(await attempt("429").failure == (SendFailure("unexpected status code 429", retry: true, reason: .clientError)))
            #expect(await attempt("503").failure == (SendFailure("unexpected status code 503", retry: true, reason: .serverError)))
            // A severity PagerDuty does not know: its 400, not retried.
            #expect(
                await attempt("202", severity: "{{ .CommonLabels.severity }}-ish").failure
                    == (SendFailure("unexpected status code 400: Event object is invalid: payload.severity", retry: false, reason: .clientError)))
            // With the severity taken from the alerts' label, PagerDuty takes it.
            #expect(await attempt("202", severity: "{{ .CommonLabels.severity }}").failure == nil)
            #expect(standIn.requests().last?.json["payload"].flatMap { ($0 as? [String: Any])?["severity"] as? String } == "critical")
        }
    }

    @Test func pagerDutyRetriesA429ThenSends() async throws {
        try await withReceiver { standIn, client, base in
            let templates = try TemplateSet()
            var config = PagerDutyConfig(routingKey: .inline("0123456789abcdef0123456789abcdef"))
            config.url = "\(base)/pd/429,202/r"
            let pagerduty = PagerDutyIntegration(config: config, index: 0, templates: templates, externalURL: "", client: client)
            let retrier = Retrier(receiver: "team-ops", integration: pagerduty, metrics: NotificationMetrics(factory: TestMetrics()), logger: Fixtures.quiet, sleep: { _ in })
            let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: SystemClock().now() + 120_000)
            #expect(delivery == Delivery(outcome: .sent, attempts: 2))
            #expect(standIn.requests().count == 2)
        }
    }

    @Test func pagerDutyV1WithAServiceKey() async throws {
        try await withReceiver { standIn, client, base in
            var config = PagerDutyConfig(routingKey: .inline(""))
            config.key = .service(.inline("service-key-1"))
            let pagerduty = PagerDutyIntegration(
                config: config, index: 0, templates: try TemplateSet(), externalURL: "", client: client, v1URL: "\(base)/pd/200/v1")
            #expect(await pagerduty.send(Fixtures.context(), alerts: [Fixtures.firing]) == .sent)
            let request = try #require(standIn.requests().first)
            #expect(request.problems == [])
            #expect(request.json["service_key"] as? String == "service-key-1")
            #expect(request.json["event_type"] as? String == "trigger")
            #expect(request.json["incident_key"] as? String == PagerDutyMessage.dedupKey(Fixtures.groupKey))
        }
    }

    @Test func pagerDutyDropsDetailsPastTheSizeLimit() async throws {
        try await withReceiver { standIn, client, base in
            var config = PagerDutyConfig(routingKey: .inline("0123456789abcdef0123456789abcdef"))
            config.url = "\(base)/pd/202/big"
            config.details["big"] = String(repeating: "x", count: 600_000)
            let pagerduty = PagerDutyIntegration(config: config, index: 0, templates: try TemplateSet(), externalURL: "", client: client)
            #expect(await pagerduty.send(Fixtures.context(), alerts: [Fixtures.firing]) == .sent)
            let request = try #require(standIn.requests().first)
            #expect(request.text.utf8.count < PagerDutyIntegration.maxEventSize)
            let details = (request.json["payload"] as? [String: Any])?["custom_details"] as? [String: String]
            #expect(details == ["error": "Custom details have been removed because the original event exceeds the maximum size of 512kB"])
        }
    }

    @Test func slackWithAnAppToken() async throws {
        try await withReceiver { standIn, client, base in
            var config = SlackConfig(apiURL: nil, channel: "#alerts")
            config.appToken = .inline("xoxb-123")
            config.appURL = "\(base)/slack/jsonok/app"
            let slack = SlackIntegration(config: config, index: 0, templates: try TemplateSet(), externalURL: "", client: client)
            #expect(await slack.send(Fixtures.context(), alerts: [Fixtures.firing]) == .sent)
            #expect(standIn.requests().first?.headers["Authorization"] == "Bearer xoxb-123")
        }
    }

    @Test func receiversBuildsIntegrationsInAlertmanagersOrder() throws {
        let yaml = """
            global:
              smtp_smarthost: 127.0.0.1:25
              smtp_from: am@example.com
              slack_api_url: http://127.0.0.1:1/slack
            route: {receiver: team}
            receivers:
            - name: team
              slack_configs: [{channel: '#a'}]
              pagerduty_configs: [{routing_key: 0123456789abcdef0123456789abcdef}]
              email_configs: [{to: a@example.com}, {to: b@example.com}]
              webhook_configs: [{url: 'http://127.0.0.1:1/hook'}]
            - name: nobody
            """
        let file = try AlertmanagerFile(yaml: yaml, file: "am.yml")
        let client = try HTTPClient()
        defer { client.shutdown() }
        let byName = Receivers.integrations(for: file, templates: try TemplateSet(), externalURL: "", http: client)
        #expect(byName["nobody"]?.isEmpty == true)
        let team = try #require(byName["team"])
        #expect(team.map { "\($0.kind)[\($0.index)]" } == ["webhook[0]", "email[0]", "email[1]", "pagerduty[0]", "slack[0]"])
        #expect(team.map(\.sendResolved) == [true, false, false, true, false])
        let pagerduty = try #require(team[3] as? PagerDutyIntegration)
        #expect(pagerduty.eventsURL == "https://events.pagerduty.com/v2/enqueue")
        let email = try #require(team[1] as? EmailIntegration)
        #expect(email.config.smarthost == "127.0.0.1:25" && email.config.requireTLS == true)
    }
}

extension Result where Success == Void {
    /// The failure, nil on success.
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
