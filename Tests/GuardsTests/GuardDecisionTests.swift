// Tollgate — decisions over a real store and engine: healthy, breaching, `for`, no data, comparisons, vetoes.

import Foundation
@testable import Guards
import Model
import TestSupport
import Testing
import TollgateConfig

final class GuardDecisionTests: Sendable {
    let scratch = TemporaryDirectories()
    static let second: Int64 = 1000
    static let minute: Int64 = 60_000
    static let parameters = GuardParameters(service: "checkout", version: "v2", baseline: "v1")

    static let file = """
        guards:
          - name: checkout-api
            interval: 15s
            window: 5m
            no_data: inconclusive
            checks:
              - name: error-ratio
                expr: sum(rate(http_requests_total{service="$service",version="$version",code=~"5.."}[1m]))
                      / sum(rate(http_requests_total{service="$service",version="$version"}[1m]))
                max: 0.01
          - name: held
            checks:
              - name: error-ratio
                expr: sum(rate(http_requests_total{service="$service",version="$version",code=~"5.."}[1m]))
                      / sum(rate(http_requests_total{service="$service",version="$version"}[1m]))
                max: 0.01
                for: 30s
          - name: latency
            checks:
              - name: latency-vs-baseline
                compare: max(latency_seconds{service="$service",version="$$v"})
                step: 15s
                direction: increase
                confidence: 0.98
                allowed_increase: 1.2
                critical: true
          - name: vetoed
            vetoes:
              - matchers: ['service="$service"', 'severity="critical"']
        """

    func spec(_ name: String, noData: NoDataPolicy? = nil) throws -> GuardSpec {
        var spec = try #require(try GuardFile(yaml: Self.file, path: "guards.yml").guards.first { $0.name == name })
        if let noData { spec.noData = noData }
        return spec
    }

    /// 10 minutes of a canary answering 10 requests a second with `errorsPerSecond` of them 5xx.
    func canary(_ harness: GuardHarness, errorsPerSecond: Double) async throws {
        try await harness.counter(service: "checkout", version: "v2", code: "200", perSecond: 10 - errorsPerSecond, until: 10 * Self.minute)
        try await harness.counter(service: "checkout", version: "v2", code: "500", perSecond: errorsPerSecond, until: 10 * Self.minute)
    }

    @Test func healthyCanaryIsGo() async throws {
        let harness = try await GuardHarness(scratch)
        try await canary(harness, errorsPerSecond: 0.05)
        var state = GuardState()
        let decision = await harness.evaluator.evaluate(try spec("checkout-api"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .go)
        #expect(decision.reason == "error-ratio 0.005 ≤ 0.01")
        let check = try #require(decision.checks.first)
        #expect(check.verdict == .pass)
        #expect(abs((check.value ?? 0) - 0.005) < 1e-9)
        #expect(check.query.contains("service=\"checkout\",version=\"v2\""))
    }

    @Test func errorRatioBreachIsNoGoWithReason() async throws {
        let harness = try await GuardHarness(scratch)
        try await canary(harness, errorsPerSecond: 0.34)
        var state = GuardState()
        let decision = await harness.evaluator.evaluate(try spec("checkout-api"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .noGo)
        #expect(decision.reason == "error-ratio 0.034 > 0.01")
        #expect(decision.checks.first?.verdict == .fail)
        #expect(decision.checks.first?.threshold?.op == ">")
        #expect(decision.checks.first?.threshold?.value == 0.01)
    }

    @Test func forNeedsConsecutiveBreaches() async throws {
        let harness = try await GuardHarness(scratch)
        // Healthy for 5 minutes, then 3.4 % errors.
        try await harness.counter(service: "checkout", version: "v2", code: "200", perSecond: 9.95, until: 5 * Self.minute)
        try await harness.counter(service: "checkout", version: "v2", code: "500", perSecond: 0.05, until: 5 * Self.minute)
        let at5 = 5 * Self.minute
        try await harness.counter(service: "checkout", version: "v2", code: "200", perSecond: 9.66, from: at5 + 15 * Self.second, until: 12 * Self.minute, start: 9.95 * 300 + 9.66 * 15)
        try await harness.counter(service: "checkout", version: "v2", code: "500", perSecond: 0.34, from: at5 + 15 * Self.second, until: 12 * Self.minute, start: 0.05 * 300 + 0.34 * 15)
        let spec = try spec("held")
        var state = GuardState()
        let t = 7 * Self.minute  // the whole 1m rate window is in the breach
        var decision = await harness.evaluator.evaluate(spec, parameters: Self.parameters, at: t, state: &state)
        #expect(decision.decision == .pending)
        #expect(decision.checks.first?.verdict == .breaching)
        #expect(decision.reason == "error-ratio 0.034 > 0.01 for 0s of 30s")
        decision = await harness.evaluator.evaluate(spec, parameters: Self.parameters, at: t + 15 * Self.second, state: &state)
        #expect(decision.decision == .pending)
        decision = await harness.evaluator.evaluate(spec, parameters: Self.parameters, at: t + 45 * Self.second, state: &state)
        #expect(decision.decision == .noGo)
        #expect(decision.reason == "error-ratio 0.034 > 0.01 for 45s")
        #expect(decision.checks.first?.failingFor == 45 * Self.second)
        // A healthy evaluation clears the run: the next breach starts again.
        var fresh = GuardState()
        decision = await harness.evaluator.evaluate(spec, parameters: Self.parameters, at: 4 * Self.minute, state: &fresh)
        #expect(decision.decision == .go)
        #expect(fresh.failingSince.isEmpty)
        decision = await harness.evaluator.evaluate(spec, parameters: Self.parameters, at: t + 60 * Self.second, state: &fresh)
        #expect(decision.decision == .pending)
    }

    @Test(arguments: [(NoDataPolicy.inconclusive, Decision.inconclusive), (.fail, .noGo), (.pass, .go)])
    func noDataFollowsThePolicy(policy: NoDataPolicy, expected: Decision) async throws {
        let harness = try await GuardHarness(scratch)
        try await canary(harness, errorsPerSecond: 0.05)
        var state = GuardState()
        let unknown = GuardParameters(service: "nobody", version: "v9", baseline: "v8")
        let decision = await harness.evaluator.evaluate(try spec("checkout-api", noData: policy), parameters: unknown, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == expected)
        #expect(decision.checks.first?.verdict == .nodata)
        #expect(decision.checks.first?.noDataPolicy == policy)
        #expect(decision.reason.contains("error-ratio has no data (no_data: \(policy.rawValue))") || policy == .pass)
    }

    @Test func clearlyHigherLatencyIsNoGo() async throws {
        let harness = try await GuardHarness(scratch)
        try await harness.latency(service: "checkout", version: "v1", level: 0.2, until: 10 * Self.minute)
        try await harness.latency(service: "checkout", version: "v2", level: 0.5, until: 10 * Self.minute)
        var state = GuardState()
        let decision = await harness.evaluator.evaluate(try spec("latency"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .noGo)
        let check = try #require(decision.checks.first)
        let comparison = try #require(check.comparison)
        #expect(comparison.canary.count == 21 && comparison.baseline.count == 21)
        #expect(comparison.classification == .high)
        let p = try #require(comparison.test?.pValue)
        #expect(p < 1 - 0.98)
        #expect(comparison.test.map(\.u) == Double(21 * 21))  // every canary value above every baseline value
        #expect(abs(comparison.effectSize - 2.5) < 0.1)
        let shift = try #require(comparison.shift)
        #expect(shift.lower > 0.2 && shift.lower <= shift.estimate && shift.estimate <= shift.upper)
        #expect(decision.reason.hasPrefix("latency-vs-baseline higher on the canary: mean 0.4982 vs 0.1993 (×2.5), shift +0.2974 in [0.2713, 0.3276] at 98%, p="))
        #expect(check.query.contains("version=\"v2\"") && comparison.baselineQuery.contains("version=\"v1\""))
    }

    @Test func sameLatencyIsGo() async throws {
        let harness = try await GuardHarness(scratch)
        try await harness.latency(service: "checkout", version: "v1", level: 0.2, until: 10 * Self.minute)
        try await harness.latency(service: "checkout", version: "v2", level: 0.2, until: 10 * Self.minute)
        var state = GuardState()
        let decision = await harness.evaluator.evaluate(try spec("latency"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .go)
        #expect(decision.checks.first?.comparison?.classification == .pass)
    }

    @Test func comparisonWithoutBaselineIsInconclusive() async throws {
        let harness = try await GuardHarness(scratch)
        var state = GuardState()
        let decision = await harness.evaluator.evaluate(
            try spec("latency"), parameters: GuardParameters(service: "checkout", version: "v2"), at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .inconclusive)
        #expect(decision.checks.first?.verdict == .error)
    }

    @Test func vetoAlertIsNoGo() async throws {
        let harness = try await GuardHarness(scratch)
        harness.alerts.set([Labels(["alertname": "Slow", "service": "billing", "severity": "critical"])])
        var state = GuardState()
        var decision = await harness.evaluator.evaluate(try spec("vetoed"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .go)
        let alert = Labels(["alertname": "HighLatency", "service": "checkout", "severity": "critical"])
        harness.alerts.set([alert, Labels(["alertname": "Other", "service": "checkout", "severity": "warning"])])
        decision = await harness.evaluator.evaluate(try spec("vetoed"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        #expect(decision.decision == .noGo)
        #expect(decision.vetoes == [alert])
        #expect(decision.reason == "alert HighLatency{service=\"checkout\",severity=\"critical\"} is firing")
    }

    @Test func evidenceIsJSON() async throws {
        let harness = try await GuardHarness(scratch)
        try await harness.latency(service: "checkout", version: "v1", level: 0.2, until: 10 * Self.minute)
        try await harness.latency(service: "checkout", version: "v2", level: 0.5, until: 10 * Self.minute)
        var state = GuardState()
        let decision = await harness.evaluator.evaluate(try spec("latency"), parameters: Self.parameters, at: 10 * Self.minute, state: &state)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(decision.json)) as? [String: Any])
        #expect(object["decision"] as? String == "no-go")
        #expect(object["evaluated_at"] as? String == "1970-01-01T00:10:00Z")
        let checks = try #require(object["checks"] as? [[String: Any]])
        let comparison = try #require(checks.first?["comparison"] as? [String: Any])
        #expect((comparison["canary"] as? [String: Any])?["count"] as? Int == 21)
        #expect(comparison["p_value"] as? Double == decision.checks.first?.comparison?.test?.pValue)
        #expect((comparison["hodges_lehmann"] as? [String: Any])?["confidence"] as? Double == 0.98)
    }
}
