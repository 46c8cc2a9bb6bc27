// Tollgate — the server's guards: the loaded files, the evaluator, and `for` state per question.

import Guards
import HTTPAPI
import Model
import Rollouts
import TollgateConfig

/// The guards the server answers for, and what each decision remembers for the next.
///
/// The decision endpoint is stateless for its callers, but a check's `for` needs the
/// previous evaluations: the registry keeps one ``GuardState`` per guard and parameters
/// (service, version, baseline), forgets a guard's state when a reload removes the guard
/// (and the state of checks it no longer has), and drops states no one has asked about
/// for an hour once there are many.
actor GuardRegistry: GuardSource, GuardCatalog {
    /// One question: a guard and its parameters.
    struct Key: Hashable {
        var guardName: String
        var parameters: GuardParameters
    }

    private let evaluator: GuardEvaluator
    private var files: [GuardFile] = []
    private var guards: [String: GuardSpec] = [:]
    private var plans: [String: PlanSpec] = [:]
    private var states: [Key: (state: GuardState, lastUsed: Int64)] = [:]
    /// Above this many states, those idle for `idleLimit` are dropped.
    private let stateLimit = 1000
    private let idleLimit: Int64 = 3_600_000

    /// A registry evaluating with `evaluator`; it holds no guards until ``apply(_:)``.
    init(evaluator: GuardEvaluator) { self.evaluator = evaluator }

    /// Replaces the guards with those of `files` (already checked).
    func apply(_ files: [GuardFile]) {
        self.files = files
        var guards: [String: GuardSpec] = [:]
        for spec in files.flatMap(\.guards) where guards[spec.name] == nil { guards[spec.name] = spec }
        self.guards = guards
        var plans: [String: PlanSpec] = [:]
        for plan in files.flatMap(\.plans) where plans[plan.name] == nil { plans[plan.name] = plan }
        self.plans = plans
        for (key, entry) in states {
            guard let spec = guards[key.guardName] else {
                states[key] = nil
                continue
            }
            var state = entry.state
            state.keep(only: Set(spec.checks.map(\.name)))
            states[key] = (state, entry.lastUsed)
        }
    }

    func guardSpec(named name: String) async -> GuardSpec? { guards[name] }

    func plan(named name: String) async -> PlanSpec? { plans[name] }

    func guardsJSON() async -> [UInt8] {
        var json = JSONWriter()
        GuardListing.write(files, to: &json)
        return json.bytes
    }

    func decide(guard name: String, service: String, version: String, baseline: String?, at time: Int64) async -> GuardAnswer {
        guard let spec = guards[name] else { return .unknownGuard }
        let parameters = GuardParameters(service: service, version: version, baseline: baseline)
        let key = Key(guardName: name, parameters: parameters)
        var state = states[key]?.state ?? GuardState()
        let decision = await evaluator.evaluate(spec, parameters: parameters, at: time, state: &state)
        // A reload while the evaluation ran may have removed the guard: keep nothing then.
        if guards[name] != nil { states[key] = (state, time) }
        prune(now: time)
        return .decided(decision.json)
    }

    private func prune(now: Int64) {
        guard states.count > stateLimit else { return }
        states = states.filter { now - $0.value.lastUsed < idleLimit }
    }
}
