// Tollgate — a group evaluated against a real store and engine: recorded series, ALERTS, stale markers, restarts.

import Foundation
import Model
import PromQL
import Rules
import Storage
import TestSupport
import Testing
import TollgateConfig

final class RuleGroupTests: Sendable {
    let scratch = TemporaryDirectories()
    static let minute: Int64 = 60_000

    func group(_ yaml: String, restore: Bool = false) throws -> RuleGroup {
        let file = try RuleFile(yaml: yaml, path: "rules.yml")
        let loader = RuleLoader(
            evaluationInterval: PromDuration(milliseconds: Self.minute), queryOffset: PromDuration(milliseconds: 0), parserOptions: .init(),
            templates: PlainTemplates())
        return try #require(try loader.load(file: file, restore: restore).first)
    }

    static let rules = """
        groups:
          - name: api
            labels: {team: web}
            rules:
              - record: job:errors:sum
                expr: sum by (job) (errors)
              - alert: ManyErrors
                expr: job:errors:sum > 5
                for: 2m
                labels: {severity: critical}
                annotations: {summary: "{{ $labels.job }} has {{ $value }} errors"}
        """

    /// The second rule reads what the first recorded at the same timestamp; ALERTS and
    /// ALERTS_FOR_STATE are written; the alert fires after `for` and is handed on.
    @Test func rulesRunInOrderAndAlertsFire() async throws {
        let harness = try await RuleHarness(scratch)
        try await harness.write(["__name__": "errors", "job": "api", "instance": "a"], (0...10).map { (Int64($0) * Self.minute, 4) })
        try await harness.write(["__name__": "errors", "job": "api", "instance": "b"], (0...10).map { (Int64($0) * Self.minute, 3) })
        let group = try group(Self.rules)
        for step in 1...4 { await group.evaluate(at: Int64(step) * Self.minute, environment: harness.environment) }

        let recorded = try await harness.read("job:errors:sum", from: 0, to: 10 * Self.minute)
        #expect(recorded.map(\.labels) == [Labels(["__name__": "job:errors:sum", "job": "api", "team": "web"])])
        #expect(recorded.first?.values == [7, 7, 7, 7])

        let alerts = try await harness.read("ALERTS", from: 0, to: 10 * Self.minute)
        #expect(alerts.map { $0.labels["alertstate"] } == ["firing", "pending"])
        // Pending at 1m and 2m, then ended by a stale marker when it fires.
        #expect(alerts.last?.timestamps == [Self.minute, 2 * Self.minute, 3 * Self.minute])
        #expect(alerts.last?.values.last?.bitPattern == 0x7FF0_0000_0000_0002)
        #expect(alerts.first?.timestamps == [3 * Self.minute, 4 * Self.minute])  // firing from 3m (for: 2m)
        #expect(alerts.first?.labels == Labels([
            "__name__": "ALERTS", "alertname": "ManyErrors", "alertstate": "firing", "job": "api", "severity": "critical", "team": "web",
        ]))
        let forState = try await harness.read("ALERTS_FOR_STATE", from: 0, to: 10 * Self.minute)
        #expect(forState.first?.values.allSatisfy { $0 == 60 } == true)

        let sent = harness.notified.take()
        #expect(sent.count == 1)
        #expect(sent.first?.annotations == Labels(["summary": "api has 7.0 errors"]))
        #expect(sent.first?.startsAt == 3 * Self.minute)
        #expect(sent.first?.generatorURL == "http://tollgate.example:9090/graph?g0.expr=job%3Aerrors%3Asum+%3E+5&g0.tab=1")
        let snapshot = await group.snapshot()
        #expect(snapshot.rules.map(\.status.health) == [.ok, .ok])
    }

    /// A series a rule no longer writes gets a stale marker; so does an alert that resolves.
    @Test func staleMarkersEndWhatARuleNoLongerWrites() async throws {
        let harness = try await RuleHarness(scratch)
        try await harness.write(["__name__": "errors", "job": "api"], [(0, 9), (Self.minute, 9)])
        let group = try group(Self.rules.replacingOccurrences(of: "for: 2m", with: "for: 0s"))
        await group.evaluate(at: Self.minute, environment: harness.environment)
        // Beyond the lookback window the input is gone.
        await group.evaluate(at: 7 * Self.minute, environment: harness.environment)
        let recorded = try await harness.read("job:errors:sum", from: 0, to: 10 * Self.minute)
        #expect(recorded.first?.timestamps == [Self.minute, 7 * Self.minute])
        #expect(recorded.first?.values.last?.bitPattern == 0x7FF0_0000_0000_0002)
        let alerts = try await harness.read("ALERTS", from: 0, to: 10 * Self.minute)
        #expect(alerts.first?.values.last?.bitPattern == 0x7FF0_0000_0000_0002)
        // The resolution is handed on.
        #expect(harness.notified.all.map(\.resolved) == [false, true])
    }

    /// A failing rule is recorded and counted; the next rule still runs.
    @Test func aFailingRuleDoesNotStopTheGroup() async throws {
        let harness = try await RuleHarness(scratch)
        try await harness.write(["__name__": "errors", "job": "api", "instance": "a"], [(0, 1)])
        try await harness.write(["__name__": "errors", "job": "api", "instance": "b"], [(0, 2)])
        let group = try group("""
            groups:
              - name: g
                rules:
                  - record: clash
                    expr: errors
                    labels: {instance: ""}
                  - record: fine
                    expr: count(errors)
            """)
        await group.evaluate(at: Self.minute, environment: harness.environment)
        let snapshot = await group.snapshot()
        #expect(snapshot.rules.map(\.status.health) == [.err, .ok])
        #expect(snapshot.rules.first?.status.lastError == "vector contains metrics with the same labelset after applying rule labels")
        #expect(try await harness.read("fine", from: 0, to: Self.minute).first?.values == [2])
    }

    /// After a restart, a pending alert keeps how long it had been pending (moved on by the
    /// time the server was down), so it neither restarts its `for` nor fires at once.
    @Test func forStateIsRestoredAfterARestart() async throws {
        let yaml = Self.rules.replacingOccurrences(of: "for: 2m", with: "for: 30m")
        let harness = try await RuleHarness(scratch)
        try await harness.write(["__name__": "errors", "job": "api"], (0...60).map { (Int64($0) * Self.minute, 9) })
        let before = try group(yaml)
        for step in 1...10 { await before.evaluate(at: Int64(step) * Self.minute, environment: harness.environment) }
        // Down from 10m to 15m: a new process's group (state empty) restores at its first run
        // from the ALERTS_FOR_STATE the old one wrote.
        let after = try group(yaml, restore: true)
        await after.evaluate(at: 15 * Self.minute, environment: harness.environment)
        let alert = try #require(await after.snapshot().rules.last?.alerts.first)
        #expect(alert.state == .pending)
        #expect(alert.activeAt == Self.minute + 5 * Self.minute)  // active since 1m, plus 5m down
        // No ALERTS sample is written by the first run, before the restore.
        #expect(try await harness.read("ALERTS", from: 11 * Self.minute, to: 20 * Self.minute).isEmpty)
        await after.evaluate(at: 16 * Self.minute, environment: harness.environment)
        #expect(try await harness.read("ALERTS", from: 16 * Self.minute, to: 20 * Self.minute).count == 1)
    }

    /// With less than the grace period of `for` left, a restored alert waits the grace period.
    @Test func aRestoredAlertWaitsAtLeastTheGracePeriod() async throws {
        let yaml = Self.rules.replacingOccurrences(of: "for: 2m", with: "for: 15m")
        let harness = try await RuleHarness(scratch)
        try await harness.write(["__name__": "errors", "job": "api"], (0...60).map { (Int64($0) * Self.minute, 9) })
        let before = try group(yaml)
        for step in 1...10 { await before.evaluate(at: Int64(step) * Self.minute, environment: harness.environment) }
        let after = try group(yaml, restore: true)
        await after.evaluate(at: 12 * Self.minute, environment: harness.environment)
        let alert = try #require(await after.snapshot().rules.last?.alerts.first)
        // 9 of 15 minutes spent, 6 left: less than the 10-minute grace period.
        #expect(alert.activeAt == 12 * Self.minute + 10 * Self.minute - 15 * Self.minute)
    }

    @Test func loaderReportsEveryBadRuleWithFileLineAndGroup() throws {
        let file = try RuleFile(
            yaml: """
                groups:
                  - name: g
                    rules:
                      - record: ok
                        expr: up
                      - record: bad
                        expr: sum(up
                      - alert: Broken
                        expr: up == 0
                        annotations: {summary: "{{ broken"}
                """, path: "r.yml")
        let loader = RuleLoader(
            evaluationInterval: PromDuration(milliseconds: Self.minute), queryOffset: PromDuration(milliseconds: 0), parserOptions: .init(),
            templates: PlainTemplates())
        let problems = loader.check(file: file)
        #expect(problems.map(\.line) == [7, 8])  // the expr line, where promtool points
        #expect(problems.first?.located.hasPrefix("r.yml:7: groups[0].rules[1].expr: group \"g\", rule 2, \"bad\": could not parse expression: ") == true)
        #expect(problems.last?.message == "group \"g\", rule 3, \"Broken\": annotation \"summary\": template: __alert_Broken:1: unexpected EOF")
        #expect(throws: ConfigError.self) { try loader.load(file: file) }
    }

    /// Each group gets its own offset within the interval, stable for its key.
    @Test func evaluationTimesAreSpreadByGroup() throws {
        let a = RuleGroup(name: "a", file: "f", interval: Self.minute, queryOffset: 0, limit: 0, rules: [])
        let b = RuleGroup(name: "b", file: "f", interval: Self.minute, queryOffset: 0, limit: 0, rules: [])
        let now: Int64 = 1_700_000_012_345
        for group in [a, b] {
            let at = group.evaluationTimestamp(atOrBefore: now)
            #expect(at <= now && now - at < Self.minute)
            #expect(group.evaluationTimestamp(atOrBefore: at + Self.minute) == at + Self.minute)
        }
        #expect(a.evaluationTimestamp(atOrBefore: now) != b.evaluationTimestamp(atOrBefore: now))
    }
}
