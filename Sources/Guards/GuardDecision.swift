// Tollgate — Guards: a decision and its evidence.

public import Model
public import TollgateConfig

/// What a guard decides.
public enum Decision: String, Sendable, Equatable, CaseIterable {
    /// The version may take more traffic.
    case go
    /// Roll back: a check failed or a veto alert fires.
    case noGo = "no-go"
    /// Not enough to decide (no data, by the guard's policy, or a query failed).
    case inconclusive
    /// Ask again later: the stage's watch window has not passed, or a check breaches but
    /// not yet for its `for`; nothing has failed.
    case pending
}

/// What one check found.
public enum CheckVerdict: String, Sendable, Equatable {
    /// Within its threshold, or the canary is not worse than the baseline.
    case pass
    /// Out of bounds (for its `for`, if it has one).
    case fail
    /// Out of bounds, but not yet for its `for`.
    case breaching
    /// The query returned nothing (or only NaN); the no-data policy decides.
    case nodata
    /// The query failed.
    case error
}

/// The evidence of one check.
public struct CheckEvidence: Sendable, Equatable {
    /// Threshold or comparison.
    public enum Kind: String, Sendable, Equatable {
        /// `expr` with `max`/`min`.
        case threshold
        /// `compare`.
        case comparison
    }

    /// The check's name.
    public var name: String
    /// Threshold or comparison.
    public var kind: Kind
    /// The verdict.
    public var verdict: CheckVerdict
    /// Whether the check is critical.
    public var critical: Bool
    /// The query run, placeholders substituted (for a comparison, the canary's).
    public var query: String
    /// The measured value: a threshold's worst sample, a comparison's canary mean.
    public var value: Double?
    /// The threshold's operator and value (`>` max, `<` min) it was measured against.
    public var threshold: (op: String, value: Double)? {
        get { thresholdOp.map { ($0, thresholdValue ?? .nan) } }
        set {
            thresholdOp = newValue?.op
            thresholdValue = newValue?.value
        }
    }
    var thresholdOp: String?
    var thresholdValue: Double?
    /// The check's `for`, milliseconds.
    public var holdDuration: Int64
    /// How long it has been out of bounds, milliseconds (nil when it is not).
    public var failingFor: Int64?
    /// The no-data policy that applied (when the verdict is nodata).
    public var noDataPolicy: NoDataPolicy?
    /// A comparison's statistics.
    public var comparison: ComparisonEvidence?
    /// Why the query failed (when the verdict is error).
    public var error: String?
    /// The check's part of the reason, in words.
    public var summary: String

    /// Creates evidence.
    public init(name: String, kind: Kind, verdict: CheckVerdict, critical: Bool, query: String, holdDuration: Int64, summary: String) {
        self.name = name
        self.kind = kind
        self.verdict = verdict
        self.critical = critical
        self.query = query
        self.holdDuration = holdDuration
        self.summary = summary
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.kind == b.kind && a.verdict == b.verdict && a.critical == b.critical && a.query == b.query
            && a.value?.bitPattern == b.value?.bitPattern && a.thresholdOp == b.thresholdOp && a.thresholdValue == b.thresholdValue
            && a.holdDuration == b.holdDuration && a.failingFor == b.failingFor && a.noDataPolicy == b.noDataPolicy
            && a.comparison == b.comparison && a.error == b.error && a.summary == b.summary
    }
}

/// A comparison's samples and statistics.
public struct ComparisonEvidence: Sendable, Equatable {
    /// How the canary compares, as Kayenta classifies a metric.
    public enum Classification: String, Sendable, Equatable {
        /// Not worse in the checked direction.
        case pass
        /// Higher than the baseline beyond the tolerance and the allowed increase.
        case high
        /// Lower than the baseline beyond the tolerance and the allowed decrease.
        case low
    }

    /// The baseline's query (`$$v` bound to the baseline).
    public var baselineQuery: String
    /// The canary's values over the window, in time order (NaN removed).
    public var canary: [Double]
    /// The baseline's values over the window.
    public var baseline: [Double]
    /// mean(canary).
    public var canaryMean: Double
    /// mean(baseline).
    public var baselineMean: Double
    /// The Mann-Whitney test of canary against baseline (nil when a sample is empty).
    public var test: MannWhitneyResult?
    /// The Hodges–Lehmann shift (canary − baseline) with its interval.
    public var shift: ShiftEstimate?
    /// mean(canary) / mean(baseline) (NaN when a mean is 0).
    public var effectSize: Double
    /// `direction`.
    public var direction: ComparisonDirection
    /// `confidence`.
    public var confidence: Double
    /// `allowed_increase`.
    public var allowedIncrease: Double
    /// `allowed_decrease`.
    public var allowedDecrease: Double
    /// The classification.
    public var classification: Classification

    public static func == (a: Self, b: Self) -> Bool {
        a.baselineQuery == b.baselineQuery && a.canary == b.canary && a.baseline == b.baseline && a.test == b.test && a.shift == b.shift
            && a.classification == b.classification && a.direction == b.direction && a.confidence == b.confidence
            && a.allowedIncrease == b.allowedIncrease && a.allowedDecrease == b.allowedDecrease
    }
}

/// A decision with its evidence: what the HTTP layer returns and a rollout stores.
public struct GuardDecision: Sendable, Equatable {
    /// The guard's name.
    public var guardName: String
    /// What it was asked about.
    public var parameters: GuardParameters
    /// The decision.
    public var decision: Decision
    /// The reason, in one sentence ("error-ratio 0.034 > 0.01 for 45s").
    public var reason: String
    /// When it was evaluated, milliseconds.
    public var evaluatedAt: Int64
    /// Every check's evidence, in the guard's order.
    public var checks: [CheckEvidence]
    /// The firing alerts that veto the rollout.
    public var vetoes: [Labels]
    /// Why the vetoes could not be checked, if they could not.
    public var vetoError: String?
    /// The rollout's stage when a ``RolloutProgress`` applied (traffic percent, watch left in ms).
    public var stage: (traffic: Int, watchRemaining: Int64)? {
        get { stageTraffic.map { ($0, stageWatchRemaining ?? 0) } }
        set {
            stageTraffic = newValue?.traffic
            stageWatchRemaining = newValue?.watchRemaining
        }
    }
    var stageTraffic: Int?
    var stageWatchRemaining: Int64?

    /// Creates a decision.
    public init(guardName: String, parameters: GuardParameters, decision: Decision, reason: String, evaluatedAt: Int64, checks: [CheckEvidence], vetoes: [Labels]) {
        self.guardName = guardName
        self.parameters = parameters
        self.decision = decision
        self.reason = reason
        self.evaluatedAt = evaluatedAt
        self.checks = checks
        self.vetoes = vetoes
    }
}
