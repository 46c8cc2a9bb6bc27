// Tollgate — Rollouts: a stored rollout and the events of its history.

public import Guards
public import TollgateConfig

/// Where a rollout ended, or that it has not.
public enum RolloutStatus: String, Sendable, Equatable, CaseIterable {
    /// Moving through its plan.
    case active
    /// Finished with the new version taking all traffic.
    case promoted
    /// Finished with the traffic back on the baseline.
    case rolledBack = "rolled_back"

    /// The status in words (`rolled back`).
    var words: String { self == .rolledBack ? "rolled back" : rawValue }
}

/// A rollout the server tracks: a new version of a service moving through a plan's
/// stages under a guard. The plan is copied when the rollout starts, so a reload that
/// changes the plan does not move a running rollout.
public struct Rollout: Sendable, Equatable {
    /// The rollout's id (`r-` and 16 hex digits).
    public var id: String
    /// `$service`, `$version`, `$baseline`.
    public var parameters: GuardParameters
    /// The guard deciding it.
    public var guardName: String
    /// The plan, as it was when the rollout started.
    public var plan: PlanSpec
    /// When the change was committed, milliseconds (lead time for changes), if given.
    public var commitTime: Int64?
    /// When the rollout was registered, milliseconds.
    public var createdAt: Int64
    /// Active, promoted or rolled back.
    public var status: RolloutStatus = .active
    /// The current stage's index in the plan.
    public var stageIndex = 0
    /// When the current stage started, milliseconds.
    public var stageStartedAt: Int64
    /// Whether the last stage has passed its watch with a go.
    public var completed = false
    /// The last decision stored (nil before the first evaluation).
    public var lastDecision: Decision?
    /// Its reason.
    public var lastReason = ""
    /// When the guard first said no-go, milliseconds (time to restore counts from it).
    public var failedAt: Int64?
    /// When it was promoted or rolled back, milliseconds.
    public var finishedAt: Int64?

    /// A rollout starting at its plan's first stage at `time`.
    public init(id: String, parameters: GuardParameters, guardName: String, plan: PlanSpec, commitTime: Int64?, at time: Int64) {
        self.id = id
        self.parameters = parameters
        self.guardName = guardName
        self.plan = plan
        self.commitTime = commitTime
        createdAt = time
        stageStartedAt = time
    }

    /// Its place in the plan, as Guards' rules read it.
    public var progress: RolloutProgress {
        get { RolloutProgress(plan: plan, stageIndex: stageIndex, stageStartedAt: stageStartedAt, completed: completed) }
        set {
            stageIndex = newValue.stageIndex
            stageStartedAt = newValue.stageStartedAt
            completed = newValue.completed
        }
    }

    /// The new version's share of traffic now: the stage's while active, 100 once
    /// promoted, 0 once rolled back.
    public var traffic: Int {
        switch status {
        case .active: progress.traffic
        case .promoted: 100
        case .rolledBack: 0
        }
    }
}

/// One entry of a rollout's history: a change of its state, with the decision behind it.
public struct RolloutEvent: Sendable, Equatable {
    /// What changed.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Registered.
        case started
        /// The guard's decision for the rollout changed.
        case decision
        /// Moved to the next stage.
        case advanced
        /// Promoted.
        case promoted
        /// Rolled back.
        case rolledBack = "rolled_back"
    }

    /// The rollout's id.
    public var rolloutID: String
    /// When, milliseconds.
    public var at: Int64
    /// What changed.
    public var kind: Kind
    /// The stage's index after the change.
    public var stageIndex: Int
    /// The new version's traffic after the change.
    public var traffic: Int
    /// The decision behind the change, if one was made.
    public var decision: Decision?
    /// Why, in one sentence.
    public var reason: String
    /// The decision with its evidence as JSON (``GuardDecision/json``), if one was made.
    public var evidence: [UInt8]?

    /// Creates an event.
    public init(rolloutID: String, at: Int64, kind: Kind, stageIndex: Int, traffic: Int, decision: Decision?, reason: String, evidence: [UInt8]?) {
        self.rolloutID = rolloutID
        self.at = at
        self.kind = kind
        self.stageIndex = stageIndex
        self.traffic = traffic
        self.decision = decision
        self.reason = reason
        self.evidence = evidence
    }
}
