// Tollgate — Rules: one alert of an alerting rule, and its transitions.

public import Model

/// One alert: a label set an alerting rule's expression returned (Prometheus's `rules.Alert`).
public struct Alert: Sendable, Equatable {
    /// The alert's labels: the sample's without `__name__`, the rule's, and `alertname`.
    public var labels: Labels
    /// The expanded annotations of the last evaluation.
    public var annotations: Labels
    /// The state.
    public var state: AlertState
    /// The sample value of the last evaluation that returned the alert.
    public var value: Double
    /// When it became pending, milliseconds.
    public var activeAt: Int64
    /// When it started firing.
    public var firedAt: Int64?
    /// When it was resolved.
    public var resolvedAt: Int64?
    /// When it was last handed on.
    public var lastSentAt: Int64?
    /// Until when the last hand-over said it is valid.
    public var validUntil: Int64?
    /// When the expression stopped returning it while `keep_firing_for` keeps it firing.
    public var keepFiringSince: Int64?

    /// A new pending alert.
    public init(labels: Labels, annotations: Labels, value: Double, activeAt: Int64) {
        self.labels = labels
        self.annotations = annotations
        self.state = .pending
        self.value = value
        self.activeAt = activeAt
    }

    /// Whether the alert is due a hand-over at `time`: never while pending; at once after a
    /// resolution not yet sent; otherwise once the resend delay has passed.
    func needsSending(at time: Int64, resendDelay: Int64) -> Bool {
        if state == .pending { return false }
        if let resolvedAt, resolvedAt > (lastSentAt ?? Int64.min) { return true }
        guard let lastSentAt else { return true }
        return lastSentAt + resendDelay < time
    }
}
