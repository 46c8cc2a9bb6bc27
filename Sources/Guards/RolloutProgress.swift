// Tollgate — Guards: where a rollout is in its plan, and when it may advance.

import Model
public import TollgateConfig

/// A rollout's place in its plan: the current stage, when it started, whether its watch
/// window has passed, and the rules for moving on. A value type without storage; the
/// rollouts store keeps it and the HTTP layer asks it.
///
/// ```swift
/// var progress = RolloutProgress(plan: plan, startedAt: now)
/// let decision = progress.gate(await evaluator.evaluate(...), at: now)  // pending while watching
/// if case .advanced = progress.advance(on: decision, at: now) { /* set the new traffic */ }
/// ```
public struct RolloutProgress: Sendable, Equatable {
    /// The plan.
    public let plan: PlanSpec
    /// The current stage's index in ``PlanSpec/stages``.
    public private(set) var stageIndex = 0
    /// When the current stage started, milliseconds.
    public private(set) var stageStartedAt: Int64
    /// Whether the last stage has been passed (the rollout may be promoted).
    public private(set) var completed = false

    /// What ``advance(on:at:)`` did.
    public enum Advance: Sendable, Equatable {
        /// Moved to the stage at this index.
        case advanced(Int)
        /// The last stage's watch passed with a go: promote.
        case completed
        /// Not moved, and why.
        case refused(String)
    }

    /// A rollout at the plan's first stage, started at `startedAt` (milliseconds).
    public init(plan: PlanSpec, startedAt: Int64) {
        self.plan = plan
        stageStartedAt = startedAt
    }

    /// A rollout restored from storage: at stage `stageIndex`, which started at
    /// `stageStartedAt`, and `completed` or not. An index beyond the plan is clamped to its last stage.
    public init(plan: PlanSpec, stageIndex: Int, stageStartedAt: Int64, completed: Bool) {
        self.plan = plan
        self.stageIndex = max(0, min(stageIndex, plan.stages.count - 1))
        self.stageStartedAt = stageStartedAt
        self.completed = completed
    }

    /// The current stage (nil only for a plan without stages, which files cannot give).
    public var stage: PlanSpec.Stage? { plan.stages.indices.contains(stageIndex) ? plan.stages[stageIndex] : nil }

    /// The current stage's traffic percent (0 without a stage).
    public var traffic: Int { stage?.traffic ?? 0 }

    /// Whether this is the plan's last stage.
    public var isLastStage: Bool { stageIndex >= plan.stages.count - 1 }

    /// How much of the current stage's watch is left at `time`, milliseconds (0 once passed).
    public func watchRemaining(at time: Int64) -> Int64 {
        max(0, (stage?.watch.milliseconds ?? 0) - (time - stageStartedAt))
    }

    /// Whether the current stage's watch window has passed at `time`.
    public func watchPassed(at time: Int64) -> Bool { watchRemaining(at: time) == 0 }

    /// The guard's decision for this rollout at `time`: a `go` before the stage's watch has
    /// passed is `pending`; every other decision stands (a no-go is a no-go at once).
    public func gate(_ decision: GuardDecision, at time: Int64) -> GuardDecision {
        var gated = decision
        let remaining = watchRemaining(at: time)
        gated.stage = (traffic, remaining)
        if decision.decision == .go && remaining > 0 {
            gated.decision = .pending
            let watch = stage?.watch.milliseconds ?? 0
            gated.reason = "stage \(stageIndex + 1) of \(plan.stages.count) (\(traffic)% traffic) watched \(GuardText.duration(watch - remaining)) of "
                + "\(GuardText.duration(watch)); so far \(decision.reason)"
        }
        return gated
    }

    /// Moves to the next stage when `decision` (already ``gate(_:at:)``d or not) is `go`
    /// and the watch has passed at `time`; after the last stage, completes.
    public mutating func advance(on decision: GuardDecision, at time: Int64) -> Advance {
        guard !completed else { return .refused("the rollout has completed") }
        guard decision.decision == .go else { return .refused("the decision is \(decision.decision.rawValue): \(decision.reason)") }
        guard watchPassed(at: time) else {
            return .refused("stage \(stageIndex + 1) is watched \(GuardText.duration(watchRemaining(at: time))) more")
        }
        if isLastStage {
            completed = true
            return .completed
        }
        stageIndex += 1
        stageStartedAt = time
        return .advanced(stageIndex)
    }
}
