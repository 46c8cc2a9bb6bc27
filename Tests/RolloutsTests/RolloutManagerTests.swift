// Tollgate — Rollouts: the manager's stages and decisions on a hand-set clock, its SQLite file, DORA figures and events.

import Foundation
import Guards
import Model
import Rollouts
import Rules
import Synchronization
import TestSupport
import Testing
import TollgateConfig

/// One guard (`error-ratio` ≤ 0.01 over a value the test sets) and one plan.
final class FakeCatalog: GuardCatalog {
    func guardSpec(named name: String) async -> GuardSpec? {
        guard name == "api" else { return nil }
        return GuardSpec(name: "api", checks: [GuardCheckSpec(name: "error-ratio", kind: .threshold(.init(expr: "ratio", max: 0.01)))])
    }

    func plan(named name: String) async -> PlanSpec? {
        guard name == "canary" else { return nil }
        return PlanSpec(name: "canary", stages: [.init(traffic: 10, watch: PromDuration(milliseconds: 60_000)), .init(traffic: 100, watch: PromDuration(milliseconds: 60_000))])
    }
}

/// What the manager handed on: pushed JSON and notified events; and the value the guard's query returns.
final class Outbox: Sendable {
    let pushed = Mutex<[String]>([])
    let alerts = Mutex<[SentAlert]>([])
    let ratio = Mutex<Double>(0.001)
}

final class RolloutManagerTests: Sendable {
    let scratch = TemporaryDirectories()
    let clock = ManualClock(1_800_000_000_000)
    let outbox = Outbox()

    func manager(_ directory: URL) async throws -> RolloutManager {
        let outbox = outbox
        let evaluator = GuardEvaluator(
            query: { _, _ in [RuleSample(labels: Labels(), value: outbox.ratio.withLock { $0 })] }, rangeQuery: { _, _, _, _ in [] }, firingAlerts: { [] })
        return try await RolloutManager.open(
            store: RolloutStore(directory: directory.path), catalog: FakeCatalog(), evaluator: evaluator, clock: clock,
            notify: { alerts in outbox.alerts.withLock { $0 += alerts } },
            push: { json in outbox.pushed.withLock { $0.append(String(decoding: json, as: UTF8.self)) } }
        ).0
    }

    static func request(_ version: String, commit: Int64? = nil) throws -> RolloutRequest {
        let commitField = commit.map { #","commit_time":\#(Double($0) / 1000)"# } ?? ""
        return try RolloutRequest(json: Array(#"{"service":"checkout","version":"\#(version)","guard":"api","plan":"canary"\#(commitField)}"#.utf8))
    }

    @Test func pendingThenGoThenAdvanceThenPromotedAndStoredOnDisk() async throws {
        let dir = try scratch.make("rollouts")
        let manager = try await manager(dir)
        let rollout = try await manager.create(Self.request("v2", commit: clock.now() - 600_000))
        #expect(try await manager.decision(rollout.id).decision == .pending)
        await #expect(throws: RolloutError.self) { try await manager.advance(rollout.id) }
        clock.advance(by: 60_000)
        #expect(try await manager.decision(rollout.id).decision == .go)
        #expect(try await manager.advance(rollout.id).traffic == 100)
        #expect(try await manager.decision(rollout.id).decision == .pending)
        clock.advance(by: 60_000)
        let promoted = try await manager.advance(rollout.id)
        #expect(promoted.status == .promoted && promoted.traffic == 100 && promoted.finishedAt == clock.now())
        // The same outcome again changes nothing; the other one is refused.
        #expect(try await manager.finish(rollout.id, FinishRequest(json: Array(#"{"outcome":"promoted"}"#.utf8))).status == .promoted)
        await #expect(throws: RolloutError.conflict("rollout \(rollout.id) is already promoted")) {
            try await manager.finish(rollout.id, FinishRequest(json: Array(#"{"outcome":"rolled_back"}"#.utf8)))
        }
        let names = outbox.alerts.withLock { $0.map { $0.labels["alertname"] ?? "" } }
        #expect(names == ["RolloutStarted", "RolloutPromoted"])
        #expect(outbox.alerts.withLock { $0.map { $0.labels["severity"] ?? "" } } == ["info", "info"])

        // A new manager over the same file reads the rollout and its history back.
        let reopened = try await self.manager(dir)
        let (stored, history) = try await reopened.rollout(rollout.id)
        #expect(stored == promoted)
        #expect(history.map(\.kind) == [.started, .decision, .decision, .advanced, .decision, .decision, .promoted])
        #expect(history.map(\.decision) == [nil, .pending, .go, .go, .pending, .go, .go])
        #expect(outbox.pushed.withLock { $0.count } == 7)
    }

    @Test func aBreachIsNoGoAtOnceNotifiedAndTheRollbackIsCritical() async throws {
        let manager = try await manager(try scratch.make("rollouts"))
        let rollout = try await manager.create(Self.request("v3"))
        outbox.ratio.withLock { $0 = 0.05 }
        let decision = try await manager.decision(rollout.id)
        #expect(decision.decision == .noGo)
        #expect(decision.reason == "error-ratio 0.05 > 0.01")
        await #expect(throws: RolloutError.conflict("rollout \(rollout.id) cannot advance: the decision is no-go: error-ratio 0.05 > 0.01")) {
            try await manager.advance(rollout.id)
        }
        clock.advance(by: 90_000)
        let rolledBack = try await manager.finish(rollout.id, FinishRequest(json: Array(#"{"outcome":"rolled_back"}"#.utf8)))
        #expect(rolledBack.status == .rolledBack && rolledBack.traffic == 0)
        #expect(rolledBack.failedAt == clock.now() - 90_000)
        let alerts = outbox.alerts.withLock { $0 }
        #expect(alerts.map { $0.labels["alertname"] ?? "" } == ["RolloutStarted", "RolloutNoGo", "RolloutRolledBack"])
        #expect(alerts.map { $0.labels["severity"] ?? "" } == ["info", "warning", "critical"])
        #expect(alerts[2].annotations["reason"] == "error-ratio 0.05 > 0.01")
        #expect(alerts[1].labels["service"] == "checkout" && alerts[1].labels["version"] == "v3")
        // A finished rollout answers its outcome.
        #expect(try await manager.decision(rollout.id).decision == .noGo)
    }

    @Test func theWatcherEvaluatesAtTheGuardsInterval() async throws {
        let manager = try await manager(try scratch.make("rollouts"))
        await manager.configure(defaultInterval: 15_000, dora: DoraConfig())
        let rollout = try await manager.create(Self.request("v2"))
        #expect(await manager.evaluateDue().evaluated == [rollout.id])
        clock.advance(by: 10_000)
        #expect(await manager.evaluateDue().evaluated.isEmpty)
        outbox.ratio.withLock { $0 = 0.5 }
        clock.advance(by: 5_000)
        #expect(await manager.evaluateDue().evaluated == [rollout.id])
        #expect(await manager.all().first?.lastDecision == .noGo)
        #expect(outbox.pushed.withLock { $0.last?.contains(#""previous_decision":"pending""#) } == true)
    }

    @Test func badRequestsNameTheirField() async throws {
        let manager = try await manager(try scratch.make("rollouts"))
        let cases: [(String, String)] = [
            (#"{"version":"v","guard":"api","plan":"canary"}"#, "missing field 'service'"),
            (#"{"service":1,"version":"v","guard":"api","plan":"canary"}"#, "field 'service' must be a string"),
            (#"{"service":"s","version":"v","guard":"api","plan":"canary","commit_time":"yesterday"}"#, "field 'commit_time'"),
            (#"{"service":"s","version":"v","guard":"api","plan":"canary","colour":"blue"}"#, "unknown field 'colour'"),
            ("[1,2]", "not a JSON object"),
            ("", "empty"),
        ]
        for (body, message) in cases {
            #expect(throws: RolloutError.self) { try RolloutRequest(json: Array(body.utf8)) }
            do {
                _ = try RolloutRequest(json: Array(body.utf8))
            } catch {
                #expect(error.message.contains(message), "\(body): \(error.message)")
            }
        }
        await #expect(throws: RolloutError.badData("field 'guard': no guard named \"nope\" is loaded")) {
            try await manager.create(RolloutRequest(json: Array(#"{"service":"s","version":"v","guard":"nope","plan":"canary"}"#.utf8)))
        }
        await #expect(throws: RolloutError.badData("field 'plan': no plan named \"nope\" is loaded")) {
            try await manager.create(RolloutRequest(json: Array(#"{"service":"s","version":"v","guard":"api","plan":"nope"}"#.utf8)))
        }
        await #expect(throws: RolloutError.notFound("rollout \"r-x\" not found")) { try await manager.decision("r-x") }
        #expect(throws: RolloutError.badData("field 'outcome': \"done\" is not promoted or rolled_back")) {
            try FinishRequest(json: Array(#"{"outcome":"done"}"#.utf8))
        }
    }
}
