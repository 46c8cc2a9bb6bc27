// Tollgate — a rollout's stages: pending while watched, advancing only on go, completing at 100.

@testable import Guards
import Model
import Testing
import TollgateConfig

struct RolloutProgressTests {
    static let minute: Int64 = 60_000
    static let plan = PlanSpec(name: "blue-green", stages: [
        .init(traffic: 10, watch: PromDuration(milliseconds: 5 * minute)), .init(traffic: 50, watch: PromDuration(milliseconds: 10 * minute)),
        .init(traffic: 100, watch: PromDuration(milliseconds: 15 * minute)),
    ])

    func decision(_ kind: Decision, at time: Int64) -> GuardDecision {
        GuardDecision(guardName: "g", parameters: GuardParameters(service: "s", version: "v2"), decision: kind, reason: "all 2 checks pass",
            evaluatedAt: time, checks: [], vetoes: [])
    }

    @Test func goIsPendingUntilTheWatchPasses() {
        let progress = RolloutProgress(plan: Self.plan, startedAt: 0)
        let gated = progress.gate(decision(.go, at: 2 * Self.minute), at: 2 * Self.minute)
        #expect(gated.decision == .pending)
        #expect(gated.reason == "stage 1 of 3 (10% traffic) watched 2m of 5m; so far all 2 checks pass")
        #expect(gated.stage?.watchRemaining == 3 * Self.minute)
        #expect(progress.gate(decision(.go, at: 5 * Self.minute), at: 5 * Self.minute).decision == .go)
        // A no-go is a no-go at once, watched or not.
        #expect(progress.gate(decision(.noGo, at: Self.minute), at: Self.minute).decision == .noGo)
    }

    @Test func advancesOnlyOnGoAfterTheWatch() {
        var progress = RolloutProgress(plan: Self.plan, startedAt: 0)
        #expect(progress.advance(on: decision(.go, at: Self.minute), at: Self.minute) == .refused("stage 1 is watched 4m more"))
        #expect(progress.advance(on: decision(.noGo, at: 6 * Self.minute), at: 6 * Self.minute) == .refused("the decision is no-go: all 2 checks pass"))
        #expect(progress.advance(on: decision(.go, at: 6 * Self.minute), at: 6 * Self.minute) == .advanced(1))
        #expect(progress.traffic == 50 && progress.stageStartedAt == 6 * Self.minute && !progress.watchPassed(at: 15 * Self.minute))
        #expect(progress.advance(on: decision(.go, at: 16 * Self.minute), at: 16 * Self.minute) == .advanced(2))
        #expect(progress.isLastStage)
        #expect(progress.advance(on: decision(.go, at: 31 * Self.minute), at: 31 * Self.minute) == .completed)
        #expect(progress.completed)
        #expect(progress.advance(on: decision(.go, at: 32 * Self.minute), at: 32 * Self.minute) == .refused("the rollout has completed"))
    }

    @Test func decideOrdersVetoCriticalFailuresUnsurePending() {
        func check(_ name: String, _ verdict: CheckVerdict, critical: Bool = false, policy: NoDataPolicy? = nil) -> CheckEvidence {
            var evidence = CheckEvidence(name: name, kind: .threshold, verdict: verdict, critical: critical, query: "q", holdDuration: 0, summary: "\(name) \(verdict)")
            evidence.noDataPolicy = policy
            return evidence
        }
        let veto = Labels(["alertname": "Down"])
        #expect(GuardEvaluator.decide(checks: [check("a", .pass)], vetoes: [veto], vetoError: nil, maxFailedChecks: 0).0 == .noGo)
        // One non-critical failure tolerated by max_failed_checks: 1; a critical one is not.
        #expect(GuardEvaluator.decide(checks: [check("a", .fail), check("b", .pass)], vetoes: [], vetoError: nil, maxFailedChecks: 1).0 == .go)
        #expect(GuardEvaluator.decide(checks: [check("a", .fail, critical: true)], vetoes: [], vetoError: nil, maxFailedChecks: 1) == (.noGo, "a fail"))
        #expect(GuardEvaluator.decide(checks: [check("a", .error), check("b", .breaching)], vetoes: [], vetoError: nil, maxFailedChecks: 0).0 == .inconclusive)
        #expect(GuardEvaluator.decide(checks: [check("a", .nodata, policy: .pass), check("b", .breaching)], vetoes: [], vetoError: nil, maxFailedChecks: 0).0 == .pending)
        #expect(GuardEvaluator.decide(checks: [check("a", .fail), check("b", .fail)], vetoes: [], vetoError: nil, maxFailedChecks: 0) == (.noGo, "a fail (and 1 more)"))
    }
}
