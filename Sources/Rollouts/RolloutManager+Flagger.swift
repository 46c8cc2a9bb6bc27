// Tollgate — Rollouts: Flagger's gate and rollback webhooks, and the evaluations the watcher runs.

public import Guards
import Model
import TollgateConfig

/// Which of Flagger's webhooks asks.
public enum FlaggerHook: String, Sendable, Equatable {
    /// `confirm-rollout`, `pre-rollout`, `rollout`, `confirm-traffic-increase`, `confirm-promotion`:
    /// success (200) lets the canary go on.
    case gate
    /// `rollback`: success (200) means roll back now.
    case rollback
}

/// A Flagger webhook's answer: the HTTP status (Flagger reads ≤ 202 as success) and the decision.
public struct FlaggerAnswer: Sendable {
    /// 200 or 403.
    public var status: Int
    /// The decision with its evidence.
    public var decision: GuardDecision
}

extension RolloutManager {
    /// Answers one of Flagger's webhooks: the gate passes (200) on `go`, and on
    /// `inconclusive` or `pending` only when the guard says `flagger_inconclusive: pass`,
    /// else 403; the rollback hook answers 200 (roll back now) only on `no-go`.
    ///
    /// With `metadata.rollout` the stored rollout's decision answers (watch windows
    /// included); otherwise the guard is evaluated for the metadata's service and
    /// versions, with `for` state kept per Canary and question.
    public func flagger(_ request: FlaggerRequest, hook: FlaggerHook, at time: Int64? = nil) async throws(RolloutError) -> FlaggerAnswer {
        let time = time ?? clock.now()
        let decision: GuardDecision
        let policy: FlaggerInconclusivePolicy
        if let id = request.rolloutID {
            decision = try await self.decision(id, at: time)
            policy = await catalog.guardSpec(named: decision.guardName)?.flaggerInconclusive ?? .fail
        } else {
            guard let spec = await catalog.guardSpec(named: request.guardName) else {
                throw .badData("field 'metadata.guard': no guard named \"\(request.guardName)\" is loaded")
            }
            let key = "\(request.namespace)/\(request.name)\u{0}\(request.guardName)\u{0}\(request.parameters.service)\u{0}\(request.parameters.version)\u{0}\(request.parameters.baseline ?? "")"
            var state = flaggerStates[key]?.state ?? GuardState()
            decision = await evaluator.evaluate(spec, parameters: request.parameters, at: time, state: &state)
            flaggerStates[key] = (state, time)
            if flaggerStates.count > 1000 { flaggerStates = flaggerStates.filter { time - $0.value.lastUsed < 3_600_000 } }
            policy = spec.flaggerInconclusive
        }
        let passes: Bool
        switch (hook, decision.decision) {
        case (.gate, .go): passes = true
        case (.gate, .noGo): passes = false
        case (.gate, .inconclusive), (.gate, .pending): passes = policy == .pass
        case (.rollback, let outcome): passes = outcome == .noGo
        }
        return FlaggerAnswer(status: passes ? 200 : 403, decision: decision)
    }

    /// Evaluates every active rollout whose guard's interval has passed since its last
    /// evaluation (as ``decision(_:at:)`` does, so changes are stored and pushed).
    /// - Returns: the ids evaluated, and the errors met (a guard no longer loaded, a store failure).
    @discardableResult
    public func evaluateDue(at time: Int64? = nil) async -> (evaluated: [String], errors: [String]) {
        let time = time ?? clock.now()
        var evaluated: [String] = [], errors: [String] = []
        for id in order {
            guard let rollout = rollouts[id], rollout.status == .active else { continue }
            let spec = await catalog.guardSpec(named: rollout.guardName)
            let interval = spec?.interval?.milliseconds ?? defaultInterval
            if let last = lastEvaluated[id], time - last < interval { continue }
            do {
                _ = try await decision(id, at: time)
                evaluated.append(id)
            } catch {
                lastEvaluated[id] = time  // not again before the next interval
                errors.append("rollout \(id): \(error.message)")
            }
        }
        return (evaluated, errors)
    }

    /// The DORA figures over `window` milliseconds (default the configured window) ending at `time`.
    public func doraReport(window: Int64? = nil, at time: Int64? = nil) -> DoraReport {
        DoraReport(rollouts: all(), window: window ?? dora.window.milliseconds, at: time ?? clock.now(), targets: dora)
    }
}
