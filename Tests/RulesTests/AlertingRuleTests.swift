// Tollgate — the alert state machine, transition by transition (Prometheus's rules/alerting.go).

import Model
import Rules
import Testing

struct AlertingRuleTests {
    static let minute: Int64 = 60_000

    func rule(for hold: Int64 = 5 * minute, keepFiringFor: Int64 = 0) -> AlertingRule {
        AlertingRule(name: "HighErrors", expr: "errors > 1", holdDuration: hold, keepFiringFor: keepFiringFor, labels: ["severity": "page"], annotations: [:])
    }

    func returned(_ instance: String, value: Double = 2) -> AlertingRule.Returned {
        AlertingRule.Returned(labels: Labels(["alertname": "HighErrors", "instance": instance, "severity": "page"]), annotations: Labels(), value: value)
    }

    @Test func pendingThenFiringAfterForThenResolvedThenDropped() throws {
        var rule = rule()
        var samples = try rule.apply([returned("a")], at: 0, limit: 0)
        #expect(rule.activeAlerts.map(\.state) == [.pending])
        #expect(samples.map { $0.0["alertstate"] } == ["pending", nil])
        #expect(samples.last?.1 == 0)  // ALERTS_FOR_STATE: activeAt in seconds
        _ = try rule.apply([returned("a")], at: 4 * Self.minute, limit: 0)
        #expect(rule.state == .pending)
        samples = try rule.apply([returned("a")], at: 5 * Self.minute, limit: 0)
        #expect(rule.state == .firing)
        #expect(rule.activeAlerts.first?.firedAt == 5 * Self.minute)
        #expect(samples.first?.0 == Labels(["__name__": "ALERTS", "alertname": "HighErrors", "alertstate": "firing", "instance": "a", "severity": "page"]))
        // Gone from the result: resolved, kept (not active), no ALERTS sample.
        samples = try rule.apply([], at: 6 * Self.minute, limit: 0)
        #expect(samples.isEmpty)
        #expect(rule.activeAlerts.isEmpty)
        #expect(rule.active.values.first?.resolvedAt == 6 * Self.minute)
        // Dropped once the 15-minute retention has passed.
        _ = try rule.apply([], at: 21 * Self.minute, limit: 0)
        #expect(rule.active.count == 1)
        _ = try rule.apply([], at: 21 * Self.minute + 1, limit: 0)
        #expect(rule.active.isEmpty)
    }

    @Test func aPendingAlertThatGoesAwayIsDeletedNotResolved() throws {
        var rule = rule()
        _ = try rule.apply([returned("a")], at: 0, limit: 0)
        _ = try rule.apply([], at: Self.minute, limit: 0)
        #expect(rule.active.isEmpty)
        #expect(rule.alertsToSend(at: Self.minute, resendDelay: Self.minute, interval: Self.minute, generatorURL: "").isEmpty)
    }

    @Test func forZeroFiresOnTheFirstEvaluation() throws {
        var rule = rule(for: 0)
        _ = try rule.apply([returned("a")], at: 1000, limit: 0)
        #expect(rule.state == .firing)
    }

    @Test func keepFiringForHoldsAFiringAlert() throws {
        var rule = rule(for: 0, keepFiringFor: 2 * Self.minute)
        _ = try rule.apply([returned("a")], at: 0, limit: 0)
        var samples = try rule.apply([], at: Self.minute, limit: 0)
        #expect(rule.state == .firing)
        #expect(rule.activeAlerts.first?.keepFiringSince == Self.minute)
        #expect(samples.first?.0["alertstate"] == "firing")
        samples = try rule.apply([], at: 3 * Self.minute, limit: 0)
        #expect(rule.state == .inactive)
        #expect(samples.isEmpty)
    }

    @Test func aResolvedAlertThatReturnsIsPendingAgain() throws {
        var rule = rule(for: Self.minute)
        _ = try rule.apply([returned("a")], at: 0, limit: 0)
        _ = try rule.apply([returned("a")], at: Self.minute, limit: 0)
        _ = try rule.apply([], at: 2 * Self.minute, limit: 0)
        _ = try rule.apply([returned("a")], at: 3 * Self.minute, limit: 0)
        #expect(rule.activeAlerts.first?.state == .pending)
        #expect(rule.activeAlerts.first?.activeAt == 3 * Self.minute)
    }

    @Test func overTheLimitEveryAlertIsDropped() throws {
        var rule = rule()
        _ = try rule.apply([returned("a")], at: 0, limit: 2)
        #expect(throws: AlertingRule.EvaluationError(description: "exceeded limit of 2 with 3 alerts")) {
            try rule.apply([returned("a"), returned("b"), returned("c")], at: Self.minute, limit: 2)
        }
        #expect(rule.active.isEmpty)
    }

    @Test func twoSamplesWithOneAlertLabelSetFail() {
        var rule = rule()
        #expect(throws: AlertingRule.EvaluationError(description: "vector contains metrics with the same labelset after applying alert labels")) {
            try rule.apply([returned("a", value: 1), returned("a", value: 2)], at: 0, limit: 0)
        }
    }

    @Test func alertLabelsDropTheNameAndTakeTheRulesLabels() {
        let rule = rule()
        let labels = rule.alertLabels(of: Labels(["__name__": "errors", "instance": "a", "severity": "low", "drop": "x"]), expandedRuleLabels: ["severity": "page", "drop": ""])
        #expect(labels == Labels(["alertname": "HighErrors", "instance": "a", "severity": "page"]))
    }

    /// §1.5: firing alerts are sent at once and then once per resend delay, with endsAt four
    /// times the larger of interval and resend delay ahead; a resolution is sent at once
    /// with its own endsAt.
    @Test func sendingFollowsTheResendDelay() throws {
        var rule = rule(for: 0)
        _ = try rule.apply([returned("a")], at: 0, limit: 0)
        var sent = rule.alertsToSend(at: 0, resendDelay: Self.minute, interval: 15_000, generatorURL: "g")
        #expect(sent.count == 1)
        #expect(sent.first?.startsAt == 0 && sent.first?.endsAt == 4 * Self.minute && sent.first?.resolved == false)
        _ = try rule.apply([returned("a")], at: 15_000, limit: 0)
        #expect(rule.alertsToSend(at: 15_000, resendDelay: Self.minute, interval: 15_000, generatorURL: "g").isEmpty)
        sent = rule.alertsToSend(at: Self.minute + 1, resendDelay: Self.minute, interval: 15_000, generatorURL: "g")
        #expect(sent.count == 1)
        _ = try rule.apply([], at: Self.minute + 15_000, limit: 0)
        sent = rule.alertsToSend(at: Self.minute + 15_000, resendDelay: Self.minute, interval: 15_000, generatorURL: "g")
        #expect(sent.first?.resolved == true && sent.first?.endsAt == Self.minute + 15_000)
    }
}
