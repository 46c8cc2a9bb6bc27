// Tollgate — Rules: what rules get from outside and hand back (Prometheus's rules.ManagerOptions seams).

public import Model

/// One sample of an instant query's result.
public struct RuleSample: Sendable, Equatable {
    /// The series.
    public var labels: Labels
    /// The value.
    public var value: Double

    /// Creates a sample.
    public init(labels: Labels, value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// Runs an instant query at a time (milliseconds) and returns its vector; a scalar result
/// is one sample without labels (Prometheus's `EngineQueryFunc`). Rules and templates'
/// `query` use it; rules never see the engine.
public typealias QueryFunc = @Sendable (_ query: String, _ time: Int64) async throws -> [RuleSample]

/// An alert as it is handed on after an evaluation (Prometheus's `notifier.Alert`).
public struct SentAlert: Sendable, Equatable {
    /// The alert's labels (`alertname` included).
    public var labels: Labels
    /// The expanded annotations.
    public var annotations: Labels
    /// When it started firing (`FiredAt`, not when it became pending), milliseconds.
    public var startsAt: Int64
    /// When it was resolved, or until when it is valid if it is still firing, milliseconds.
    public var endsAt: Int64
    /// Whether ``endsAt`` is the resolution time.
    public var resolved: Bool
    /// A link to the rule's expression in the UI.
    public var generatorURL: String

    /// Creates an alert.
    public init(labels: Labels, annotations: Labels, startsAt: Int64, endsAt: Int64, resolved: Bool, generatorURL: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.resolved = resolved
        self.generatorURL = generatorURL
    }
}

/// Receives the alerts of one alerting rule after each group evaluation (firing ones due
/// a resend and resolved ones): the notifier, external Alertmanagers, or a test. Never the
/// notifier itself (Prometheus's `NotifyFunc`).
public typealias NotifyFunc = @Sendable (_ expr: String, _ alerts: [SentAlert]) async -> Void

/// The state of an alert.
public enum AlertState: String, Sendable, Equatable {
    /// No longer active (resolved), kept for 15 minutes to send its resolution.
    case inactive
    /// Active, not yet for `for`.
    case pending
    /// Active for at least `for`.
    case firing
}

/// The health of a rule after its last evaluation.
public enum RuleHealth: String, Sendable, Equatable {
    /// Not evaluated yet.
    case unknown
    /// The last evaluation succeeded.
    case ok
    /// The last evaluation failed.
    case err
}
