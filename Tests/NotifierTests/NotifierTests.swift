// Tollgate — Notifier tests: the built-in Alertmanager's pipeline on a clock set by hand,
// with a receiver that records what it is sent and a real state file.

import Foundation
import Logging
import Model
import Notifier
import Notify
import Synchronization
import TestSupport
import Testing
import TollgateConfig

/// An integration that records every notification and answers as told.
final class RecordingIntegration: Integration {
    let kind = "webhook"
    let index = 0
    let sendResolved: Bool
    private let state = Mutex<(sent: [[String]], failing: Bool)>((sent: [], failing: false))

    init(sendResolved: Bool = true) { self.sendResolved = sendResolved }

    /// Each notification: its alerts as `alertname state` lines.
    var sent: [[String]] { state.withLock { $0.sent } }
    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func send(_ context: NotificationContext, alerts: [NotifierAlert]) async -> SendOutcome {
        state.withLock { state in
            if state.failing { return .failed(reason: "told to fail", retry: false) }
            state.sent.append(alerts.map { "\($0.labels["alertname"] ?? "") \($0.resolved(at: context.now) ? "resolved" : "firing")" })
            return .sent
        }
    }
}

struct NotifierHarness {
    let clock: ManualClock
    let receiver: RecordingIntegration
    let notifier: Notifier

    static let start: Int64 = 1_700_000_000_000

    static let yaml = """
        route:
          receiver: team
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
        receivers:
          - name: team
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [service]
        """

    static func make(database: NotifierDatabase? = nil, clock: ManualClock = ManualClock(start), receiver: RecordingIntegration = RecordingIntegration()) async throws -> NotifierHarness {
        let file = try AlertmanagerFile(yaml: yaml, file: "alertmanager.yml")
        let config = NotifierConfig(file: file, receivers: ["team": [receiver]])
        let notifier = try await Notifier(
            config: config, database: database, deliver: { integration, context, alerts, _ in await integration.send(context, alerts: alerts) },
            clock: clock, logger: .init(label: "test"))
        return NotifierHarness(clock: clock, receiver: receiver, notifier: notifier)
    }

    /// Posts an alert ending `endsIn` from now (an hour by default, as a rule group keeps
    /// pushing its firing alerts' ends ahead; nil leaves it to resolve_timeout).
    func post(_ name: String, labels: [String: String] = [:], endsIn: Int64? = 3_600_000) async -> [String] {
        var all = labels
        all["alertname"] = name
        let now = clock.now()
        return await notifier.receive([NotifierAlert(labels: Labels(all), startsAt: now, endsAt: endsIn.map { now + $0 } ?? 0)])
    }

    /// Moves the clock by `milliseconds` and flushes what is due.
    func advance(_ milliseconds: Int64) async {
        clock.advance(by: milliseconds)
        await notifier.runOnce()
    }
}

@Suite struct NotifierTests {
    @Test func groupWaitThenRepeatIntervalThenResolved() async throws {
        let h = try await NotifierHarness.make()
        #expect(await h.post("HighErrorRate", labels: ["severity": "critical"]).isEmpty)
        await h.advance(29_000)
        #expect(h.receiver.sent.isEmpty, "nothing before group_wait")
        await h.advance(1_000)
        #expect(h.receiver.sent == [["HighErrorRate firing"]])
        // Re-posting the same alert changes nothing: no notification before repeat_interval.
        for _ in 0..<10 {
            _ = await h.post("HighErrorRate", labels: ["severity": "critical"])
            await h.advance(300_000)
        }
        #expect(h.receiver.sent.count == 1)
        // The alert resolves: the next group_interval tick sends the resolution.
        _ = await h.post("HighErrorRate", labels: ["severity": "critical"], endsIn: 0)
        await h.advance(300_000)
        #expect(h.receiver.sent.last == ["HighErrorRate resolved"])
        #expect(h.receiver.sent.count == 2)
    }

    @Test func repeatIntervalResendsAFiringGroup() async throws {
        let h = try await NotifierHarness.make()
        _ = await h.post("Down")
        await h.advance(30_000)
        var clock: Int64 = 0
        while clock < 4 * 3_600_000 + 300_000 {
            _ = await h.post("Down")  // kept firing, as a rule group resends it
            await h.advance(300_000)
            clock += 300_000
        }
        #expect(h.receiver.sent.count == 2, "one notification, then one more after repeat_interval: \(h.receiver.sent.count)")
    }

    @Test func silencesMuteAndExpiringOneNotifies() async throws {
        let h = try await NotifierHarness.make()
        let now = h.clock.now()
        let id = try await h.notifier.setSilence(
            Silence(id: "", matchers: try AlertmanagerMatchers.parse("alertname=Quiet"), startsAt: now, endsAt: now + 3_600_000, updatedAt: 0, createdBy: "me", comment: "maintenance"))
        #expect(!id.isEmpty)
        _ = await h.post("Quiet")
        await h.advance(30_000)
        #expect(h.receiver.sent.isEmpty)
        try await h.notifier.expireSilence(id)
        _ = await h.post("Quiet")
        await h.advance(300_000)
        #expect(h.receiver.sent == [["Quiet firing"]])
    }

    @Test func criticalInhibitsWarningOfTheSameService() async throws {
        let h = try await NotifierHarness.make()
        _ = await h.post("Latency", labels: ["severity": "warning", "service": "checkout"])
        _ = await h.post("Outage", labels: ["severity": "critical", "service": "checkout"])
        _ = await h.post("Disk", labels: ["severity": "warning", "service": "billing"])
        await h.advance(30_000)
        #expect(h.receiver.sent.flatMap { $0 }.sorted() == ["Disk firing", "Outage firing"])
    }

    @Test func aFailedSendIsTriedAgainAtTheNextGroupInterval() async throws {
        let h = try await NotifierHarness.make()
        h.receiver.fail(true)
        _ = await h.post("Flaky")
        await h.advance(30_000)
        #expect(h.receiver.sent.isEmpty)
        h.receiver.fail(false)
        _ = await h.post("Flaky")
        await h.advance(300_000)
        #expect(h.receiver.sent == [["Flaky firing"]])
    }

    /// The state file keeps what was sent, the alerts and the silences: a notifier started
    /// again on it does not repeat a notification within repeat_interval, still knows the
    /// silence, and notifies an alert that was due.
    @Test func stateSurvivesARestart() async throws {
        let scratch = TemporaryDirectories()
        let directory = try scratch.make("notifier")
        let clock = ManualClock(NotifierHarness.start)
        var first: NotifierHarness? = try await NotifierHarness.make(database: try NotifierDatabase(directory: directory.path), clock: clock)
        guard let h = first else { return }
        _ = await h.post("Sent")
        await h.advance(30_000)
        #expect(h.receiver.sent == [["Sent firing"]])
        let now = clock.now()
        _ = try await h.notifier.setSilence(
            Silence(id: "", matchers: try AlertmanagerMatchers.parse("{alertname=~\"Mut.*\"}"), startsAt: now, endsAt: now + 86_400_000, updatedAt: 0, createdBy: "me", comment: "kept"))
        _ = await h.post("Due")
        // Taken alerts are written within a second, long before their group_wait ends.
        await h.advance(1_000)
        first = nil

        let again = try await NotifierHarness.make(database: try NotifierDatabase(directory: directory.path), clock: clock)
        #expect(await again.notifier.allSilences.map(\.comment) == ["kept"])
        await again.advance(30_000)
        #expect(again.receiver.sent == [["Due firing"]], "the due alert is sent, the sent one is not sent again")
        _ = await again.post("Muted")
        await again.advance(30_000)
        #expect(again.receiver.sent.count == 1)
    }
}
