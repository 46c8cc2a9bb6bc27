// Tollgate — Rollouts: the stored rollouts, their decisions, stages and outcomes.

public import Guards
public import Model
public import Rules
public import TollgateConfig

/// The guards and plans a server has loaded (the guards part's registry).
public protocol GuardCatalog: Sendable {
    /// The loaded guard named `name`.
    func guardSpec(named name: String) async -> GuardSpec?
    /// The loaded plan named `name`.
    func plan(named name: String) async -> PlanSpec?
}

/// The rollouts a server tracks: it registers them, decides for each at its stage
/// (Guards' ``RolloutProgress`` rules: `pending` while the watch has not passed), moves
/// them on, finishes them, and stores every change with the decision behind it before
/// answering. Each stored change is handed to `push` (the rollout webhooks) as JSON and,
/// for a start, a promotion, a no-go and a rollback, to `notify` as an alert-like event.
///
/// ```swift
/// let manager = try await RolloutManager.open(store: store, catalog: registry, evaluator: evaluator, clock: SystemClock(),
///                                             notify: { dispatcher.send($0) }, push: { webhooks.send($0) })
/// let rollout = try await manager.create(RolloutRequest(json: body))
/// let decision = try await manager.decision(rollout.id)      // pending, go, no-go or inconclusive
/// ```
public actor RolloutManager {
    let store: RolloutStore
    let catalog: any GuardCatalog
    let evaluator: GuardEvaluator
    let clock: any MillisecondClock
    let notify: @Sendable ([SentAlert]) -> Void
    let push: @Sendable ([UInt8]) -> Void
    /// Every rollout by id, and the ids in the order they were registered.
    var rollouts: [String: Rollout] = [:]
    var order: [String] = []
    /// `for` state per rollout, and per Flagger canary and question.
    var states: [String: GuardState] = [:]
    var flaggerStates: [String: (state: GuardState, lastUsed: Int64)] = [:]
    /// When each active rollout was last evaluated, milliseconds.
    var lastEvaluated: [String: Int64] = [:]
    /// The interval of guards without their own (`global.evaluation_interval`).
    var defaultInterval: Int64 = 60_000
    /// The DORA window and targets.
    public private(set) var dora = DoraConfig()
    /// The most rollouts in progress at once (`--rollouts.max-active`); 0: no limit.
    let maxActive: Int

    init(
        store: RolloutStore, catalog: any GuardCatalog, evaluator: GuardEvaluator, clock: any MillisecondClock,
        notify: @escaping @Sendable ([SentAlert]) -> Void, push: @escaping @Sendable ([UInt8]) -> Void, maxActive: Int = 0
    ) {
        self.maxActive = maxActive
        self.store = store
        self.catalog = catalog
        self.evaluator = evaluator
        self.clock = clock
        self.notify = notify
        self.push = push
    }

    /// A manager over `store`, with the rollouts it holds loaded.
    /// - Parameter maxActive: the most rollouts in progress at once; one more is refused
    ///   (``RolloutError/limit(reason:message:)``); 0: no limit.
    /// - Returns: the manager and the ids of rows that could not be read back (skipped).
    public static func open(
        store: RolloutStore, catalog: any GuardCatalog, evaluator: GuardEvaluator, clock: any MillisecondClock,
        notify: @escaping @Sendable ([SentAlert]) -> Void, push: @escaping @Sendable ([UInt8]) -> Void, maxActive: Int = 0
    ) async throws -> (RolloutManager, damaged: [String]) {
        let manager = RolloutManager(
            store: store, catalog: catalog, evaluator: evaluator, clock: clock, notify: notify, push: push, maxActive: maxActive)
        let (loaded, damaged) = try await store.loadAll()
        await manager.adopt(loaded)
        return (manager, damaged)
    }

    private func adopt(_ loaded: [Rollout]) {
        for rollout in loaded {
            rollouts[rollout.id] = rollout
            order.append(rollout.id)
        }
    }

    /// Applies a configuration's settings: the default guard interval and the DORA section.
    public func configure(defaultInterval: Int64, dora: DoraConfig) {
        self.defaultInterval = max(1, defaultInterval)
        self.dora = dora
    }

    /// Every rollout, oldest first.
    public func all() -> [Rollout] { order.compactMap { rollouts[$0] } }

    /// A rollout and its history.
    public func rollout(_ id: String) async throws(RolloutError) -> (Rollout, [RolloutEvent]) {
        guard let rollout = rollouts[id] else { throw .notFound("rollout \"\(id)\" not found") }
        do {
            return (rollout, try await store.events(of: id))
        } catch {
            throw .unavailable("cannot read the history of rollout \(id): \(error)")
        }
    }

    /// Registers a rollout at its plan's first stage.
    /// - Throws: ``RolloutError/badData(_:)`` for a guard or plan that is not loaded;
    ///   ``RolloutError/limit(reason:message:)`` when `maxActive` rollouts are in progress;
    ///   ``RolloutError/unavailable(_:)`` when it cannot be stored.
    public func create(_ request: RolloutRequest) async throws(RolloutError) -> Rollout {
        let time = clock.now()
        let active = rollouts.values.count { $0.status == .active }
        if maxActive > 0, active >= maxActive {
            throw .limit(
                reason: "max_active_rollouts",
                message: "too many rollouts in progress: \(active) (limit: \(maxActive), --rollouts.max-active); promote or roll back one first")
        }
        guard await catalog.guardSpec(named: request.guardName) != nil else {
            throw .badData("field 'guard': no guard named \"\(request.guardName)\" is loaded")
        }
        guard let plan = await catalog.plan(named: request.planName) else {
            throw .badData("field 'plan': no plan named \"\(request.planName)\" is loaded")
        }
        var id = Self.newID()
        while rollouts[id] != nil { id = Self.newID() }
        let rollout = Rollout(id: id, parameters: request.parameters, guardName: request.guardName, plan: plan, commitTime: request.commitTime, at: time)
        let stages = plan.stages.map { "\($0.traffic)%" }.joined(separator: " → ")
        let event = RolloutEvent(
            rolloutID: id, at: time, kind: .started, stageIndex: 0, traffic: rollout.traffic, decision: nil,
            reason: "\(request.parameters.service) \(request.parameters.version) started under guard \(request.guardName), plan \(plan.name) (\(stages))",
            evidence: nil)
        try await commit(rollout, event)
        order.append(id)
        return rollout
    }

    /// The guard's decision for the rollout's current stage at `time` (default now); a
    /// changed decision is stored, pushed and, when it is a no-go, notified. A finished
    /// rollout answers its outcome: `go` when promoted, `no-go` when rolled back.
    public func decision(_ id: String, at time: Int64? = nil) async throws(RolloutError) -> GuardDecision {
        let time = time ?? clock.now()
        guard let rollout = rollouts[id] else { throw .notFound("rollout \"\(id)\" not found") }
        guard rollout.status == .active else { return Self.outcome(of: rollout, at: time) }
        guard let spec = await catalog.guardSpec(named: rollout.guardName) else {
            throw .unavailable("guard \"\(rollout.guardName)\" of rollout \(id) is no longer loaded")
        }
        var state = states[id] ?? GuardState()
        let raw = await evaluator.evaluate(spec, parameters: rollout.parameters, at: time, state: &state)
        // Another request may have moved or finished the rollout meanwhile.
        guard var current = rollouts[id] else { throw .notFound("rollout \"\(id)\" not found") }
        guard current.status == .active else { return Self.outcome(of: current, at: time) }
        states[id] = state
        lastEvaluated[id] = time
        let gated = current.progress.gate(raw, at: time)
        guard gated.decision != current.lastDecision else { return gated }
        let previous = current.lastDecision
        current.lastDecision = gated.decision
        current.lastReason = gated.reason
        if gated.decision == .noGo && current.failedAt == nil { current.failedAt = time }
        let event = RolloutEvent(
            rolloutID: id, at: time, kind: .decision, stageIndex: current.stageIndex, traffic: current.traffic, decision: gated.decision,
            reason: gated.reason, evidence: gated.json)
        try await commit(current, event, previous: previous)
        return gated
    }

    /// Moves the rollout to its next stage when its decision is `go` (the watch passed,
    /// nothing failed); after the last stage it is promoted.
    /// - Throws: ``RolloutError/conflict(_:)`` with the reason otherwise.
    public func advance(_ id: String, at time: Int64? = nil) async throws(RolloutError) -> Rollout {
        let time = time ?? clock.now()
        guard let before = rollouts[id] else { throw .notFound("rollout \"\(id)\" not found") }
        guard before.status == .active else { throw .conflict("rollout \(id) is \(before.status.words); it cannot advance") }
        let decision = try await self.decision(id, at: time)
        guard var rollout = rollouts[id], rollout.status == .active else { throw .conflict("rollout \(id) finished while it was evaluated") }
        var progress = rollout.progress
        switch progress.advance(on: decision, at: time) {
        case .refused(let why):
            throw .conflict("rollout \(id) cannot advance: \(why)")
        case .advanced(let index):
            rollout.progress = progress
            let event = RolloutEvent(
                rolloutID: id, at: time, kind: .advanced, stageIndex: index, traffic: rollout.traffic, decision: decision.decision,
                reason: "stage \(index + 1) of \(rollout.plan.stages.count): \(rollout.traffic)% traffic after \(decision.reason)", evidence: decision.json)
            try await commit(rollout, event)
        case .completed:
            rollout.progress = progress
            try await finish(&rollout, as: .promoted, reason: "all \(rollout.plan.stages.count) stages passed: \(decision.reason)", evidence: decision.json, at: time)
        }
        return rollouts[id] ?? rollout
    }

    /// Promotes or rolls back the rollout. Finishing it again with the same outcome
    /// changes nothing; with the other one is a conflict.
    public func finish(_ id: String, _ request: FinishRequest, at time: Int64? = nil) async throws(RolloutError) -> Rollout {
        let time = time ?? clock.now()
        guard var rollout = rollouts[id] else { throw .notFound("rollout \"\(id)\" not found") }
        guard rollout.status == .active else {
            if rollout.status == request.outcome { return rollout }
            throw .conflict("rollout \(id) is already \(rollout.status.words)")
        }
        let reason: String
        switch request.outcome {
        case .promoted:
            reason = request.reason ?? "promoted at stage \(rollout.stageIndex + 1) of \(rollout.plan.stages.count) (\(rollout.traffic)% traffic)"
        default:
            let last = rollout.lastDecision == .noGo ? rollout.lastReason : "rolled back by request"
            reason = request.reason ?? last
        }
        try await finish(&rollout, as: request.outcome, reason: reason, evidence: nil, at: time)
        return rollout
    }

    private func finish(_ rollout: inout Rollout, as outcome: RolloutStatus, reason: String, evidence: [UInt8]?, at time: Int64) async throws(RolloutError) {
        let stage = rollout.stageIndex
        rollout.status = outcome
        rollout.finishedAt = time
        if outcome == .rolledBack && rollout.failedAt == nil { rollout.failedAt = time }
        let event = RolloutEvent(
            rolloutID: rollout.id, at: time, kind: outcome == .promoted ? .promoted : .rolledBack, stageIndex: stage, traffic: rollout.traffic,
            decision: rollout.lastDecision, reason: reason, evidence: evidence)
        try await commit(rollout, event)
        states[rollout.id] = nil
        lastEvaluated[rollout.id] = nil
    }

    /// Stores a change, then keeps it, pushes it and notifies it.
    private func commit(_ rollout: Rollout, _ event: RolloutEvent, previous: Decision? = nil) async throws(RolloutError) {
        do {
            try await store.save(rollout, events: [event])
        } catch {
            throw .unavailable("cannot store rollout \(rollout.id): \(error)")
        }
        rollouts[rollout.id] = rollout
        push(RolloutJSON.change(rollout, event, previous: previous))
        if let alert = RolloutNotifications.alert(for: event, of: rollout) { notify([alert]) }
    }

    /// The answer for a finished rollout: its outcome as a decision.
    static func outcome(of rollout: Rollout, at time: Int64) -> GuardDecision {
        let promoted = rollout.status == .promoted
        let when = rollout.finishedAt.map { " at " + Timestamp.rfc3339(milliseconds: $0) } ?? ""
        var decision = GuardDecision(
            guardName: rollout.guardName, parameters: rollout.parameters, decision: promoted ? .go : .noGo,
            reason: "rollout \(rollout.id) was \(promoted ? "promoted" : "rolled back")\(when)", evaluatedAt: time, checks: [], vetoes: [])
        decision.stage = (rollout.traffic, 0)
        return decision
    }

    static func newID() -> String {
        let hex = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        return "r-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
