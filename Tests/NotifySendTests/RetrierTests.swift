// Tollgate — NotifySend tests: the retry stage on a hand-set clock, the backoff, addresses and
// the alert conversion.

import MetricsTestKit
import Model
import Notify
import NotifyRender
import Synchronization
import TestSupport
import Testing

@testable import NotifySend

/// An integration that answers from a script and records what it was given.
final class ScriptedIntegration: ClassifyingIntegration, Sendable {
    let kind = "webhook"
    let index = 2
    let sendResolved: Bool
    private let script: [Result<Void, SendFailure>]
    private let calls = Mutex<[[NotifierAlert]]>([])
    private let delay: Duration

    init(_ script: [Result<Void, SendFailure>], sendResolved: Bool = true, delay: Duration = .zero) {
        self.script = script
        self.sendResolved = sendResolved
        self.delay = delay
    }

    var received: [[NotifierAlert]] { calls.withLock { $0 } }

    func attempt(_ context: Notify.NotificationContext, alerts: [NotifierAlert]) async -> Result<Void, SendFailure> {
        let n = calls.withLock {
            $0.append(alerts)
            return $0.count - 1
        }
        if delay > .zero {
            do { try await Task.sleep(for: delay) } catch { return .failure(SendFailure("cancelled", retry: true)) }
        }
        return script[min(n, script.count - 1)]
    }
}

/// An integration of another module: only `send`.
struct PlainIntegration: Integration {
    let kind = "slack"
    let index = 0
    let sendResolved = true
    func send(_ context: Notify.NotificationContext, alerts: [NotifierAlert]) async -> SendOutcome { .failed(reason: "nope", retry: false) }
}

/// The waits a retrier asked for, in milliseconds.
final class Sleeps: Sendable {
    let values = Mutex<[Int64]>([])
}

struct RetrierTests {
    static let serverError = SendFailure("unexpected status code 500", retry: true, reason: .serverError)

    /// A retrier on a hand-set clock whose sleeps move the clock; the sleeps are recorded.
    func retrier(_ integration: any Integration, metrics: TestMetrics = TestMetrics()) -> (Retrier, ManualClock, Sleeps) {
        let clock = ManualClock(Fixtures.now)
        let sleeps = Sleeps()
        let retrier = Retrier(
            receiver: "team-ops", integration: integration, clock: clock, backoff: Backoff(randomization: 0),
            metrics: NotificationMetrics(factory: metrics), logger: Fixtures.quiet,
            sleep: { duration in
                let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
                sleeps.values.withLock { $0.append(ms) }
                clock.advance(by: ms)
            })
        return (retrier, clock, sleeps)
    }

    @Test func aDeadlineThatPassesFails() async {
        let metrics = TestMetrics()
        let integration = ScriptedIntegration([.failure(Self.serverError)])
        let (retrier, _, sleeps) = retrier(integration, metrics: metrics)
        let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: Fixtures.now + 2_000)
        // Attempts at 0, 500 and 1250 ms; the next wait (1125 ms) is cut at the deadline.
        #expect(delivery.attempts == 3)
        #expect(sleeps.values.withLock { $0 } == [500, 750, 750])
        #expect(
            delivery.outcome
                == .failed(reason: "team-ops/webhook[2]: notify retry canceled after 3 attempts: unexpected status code 500", retry: true))
        #expect(delivery.failureReason == .serverError)
        let failed = [("integration", "webhook"), ("reason", "serverError")]
        #expect(metrics.counterTotal(label: "alertmanager_notifications_failed_total", dimensions: failed) == 1)
        #expect(metrics.counterTotal(label: "alertmanager_notification_requests_failed_total", dimensions: [("integration", "webhook")]) == 3)
    }

    @Test func sentAfterRetries() async {
        let integration = ScriptedIntegration([.failure(Self.serverError), .failure(Self.serverError), .success(())])
        let (retrier, _, sleeps) = retrier(integration)
        let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: Fixtures.now + 10_000)
        #expect(delivery == Delivery(outcome: .sent, attempts: 3))
        #expect(sleeps.values.withLock { $0 } == [500, 750])
    }

    @Test func withoutSendResolvedOnlyFiringAlertsGo() async {
        let integration = ScriptedIntegration([.success(())], sendResolved: false)
        let (retrier, _, _) = retrier(integration)
        #expect(await retrier.notify(Fixtures.context(), alerts: [Fixtures.resolved], deadline: Fixtures.now + 10_000) == Delivery(outcome: .sent, attempts: 0))
        #expect(integration.received.isEmpty)
        #expect(await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing, Fixtures.resolved], deadline: Fixtures.now + 10_000).attempts == 1)
        #expect(integration.received == [[Fixtures.firing]])
    }

    @Test func otherIntegrationsFailAsOther() async {
        let metrics = TestMetrics()
        let (retrier, _, _) = retrier(PlainIntegration(), metrics: metrics)
        let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: Fixtures.now + 10_000)
        #expect(delivery.attempts == 1 && delivery.failureReason == .other)
        #expect(metrics.counterTotal(label: "alertmanager_notifications_failed_total", dimensions: [("integration", "slack"), ("reason", "other")]) == 1)
    }

    @Test func anAttemptStillRunningAtTheDeadlineIsCancelled() async {
        // An attempt that would take an hour: only the deadline's cancellation ends it.
        let integration = ScriptedIntegration([.success(())], delay: .seconds(3600))
        let retrier = Retrier(receiver: "team-ops", integration: integration, metrics: NotificationMetrics(factory: TestMetrics()), logger: Fixtures.quiet)
        let started = ContinuousClock.now
        let delivery = await retrier.notify(Fixtures.context(), alerts: [Fixtures.firing], deadline: SystemClock().now() + 300)
        #expect(started.duration(to: .now) < .seconds(600))
        #expect(delivery.attempts == 1)
        #expect(delivery.outcome == .failed(reason: "team-ops/webhook[2]: notify retry canceled after 1 attempts: context deadline exceeded", retry: true))
    }

    @Test func registerCreatesTheSeriesAtZero() throws {
        let metrics = TestMetrics()
        NotificationMetrics(factory: metrics).register()
        for integration in ["email", "pagerduty", "slack", "webhook"] {
            #expect(try metrics.expectCounter("alertmanager_notifications_total", [("integration", integration)]).totalValue == 0)
            for reason in ["clientError", "serverError", "other"] {
                #expect(try metrics.expectCounter("alertmanager_notifications_failed_total", [("integration", integration), ("reason", reason)]).totalValue == 0)
            }
        }
    }

    @Test func backoffGrowsAsAlertmanagers() {
        var backoff = Backoff(randomization: 0)
        let waits = (0..<14).map { _ in backoff.next() }
        #expect(waits.prefix(4) == [.milliseconds(500), .milliseconds(750), .milliseconds(1125), .microseconds(1_687_500)])
        #expect(waits.last == .seconds(60))
        var random = Backoff()
        for expected in [500.0, 750, 1125] {
            let wait = random.next()
            #expect(wait >= .milliseconds(expected * 0.5) && wait <= .milliseconds(expected * 1.5))
        }
    }

    @Test func addressLists() {
        #expect(MailAddress.list("ops@example.com") == ["ops@example.com"])
        #expect(MailAddress.list(" a@x.io, Dev Team <dev@x.io>,\"Doe, Jane\" <jd@x.io> ") == ["a@x.io", "dev@x.io", "jd@x.io"])
        #expect(MailAddress.list("Alertmanager <am@example.com>") == ["am@example.com"])
        #expect(MailAddress.list("") == nil)
        #expect(MailAddress.list("not an address") == nil)
        #expect(MailAddress.list("a@x.io,") == nil)
        #expect(MailAddress.list("<a@x.io") == nil)
    }

    @Test func alertsConvertToNanoseconds() {
        let alert = Fixtures.firing.notificationAlert
        #expect(alert.startsAt == (Fixtures.now - 600_000) * 1_000_000)
        #expect(alert.endsAt == (Fixtures.now + 3_600_000) * 1_000_000)
        #expect(alert.labels == ["alertname": "HighErrorRate", "service": "checkout", "severity": "critical"])
        #expect(alert.fingerprint == NotifierAlert.hex(Fixtures.firing.fingerprint))
        #expect(NotifierAlert(labels: Labels(["a": "b"]), startsAt: 1).notificationAlert.endsAt == nil)
        let group = RenderedGroup(Fixtures.context(), alerts: [Fixtures.firing, Fixtures.resolved], externalURL: "http://am")
        #expect(group.data.status == "firing" && group.data.resolved.count == 1)
        #expect(group.context.groupLabels == ["alertname": "HighErrorRate"])
    }
}
