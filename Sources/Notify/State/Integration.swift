// Tollgate — Notify: the seam between the notification pipeline and the receivers that send.

public import Model

/// What a notification is about: the aggregation group it flushes and the receiver it goes to.
public struct NotificationContext: Sendable, Equatable {
    /// The receiver's name.
    public var receiver: String
    /// The group's key (`{}/{severity="critical"}:{alertname="HighErrorRate"}`).
    public var groupKey: String
    /// The labels the group was formed by.
    public var groupLabels: Labels
    /// The route's `repeat_interval`, in milliseconds.
    public var repeatInterval: Int64
    /// The time of the flush, milliseconds since the epoch.
    public var now: Int64

    /// Creates a context.
    public init(receiver: String, groupKey: String, groupLabels: Labels, repeatInterval: Int64, now: Int64) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.repeatInterval = repeatInterval
        self.now = now
    }
}

/// The outcome of one attempt to send (Alertmanager's `Notify` returning `(retry, err)`).
public enum SendOutcome: Sendable, Equatable {
    /// Delivered.
    case sent
    /// Failed; `retry` says whether trying again may help (5xx, 429, a network error).
    case failed(reason: String, retry: Bool)
}

/// One integration of a receiver (one `webhook_configs` entry, one `slack_configs` entry, …):
/// sends a group's alerts once. Retries belong to the caller.
public protocol Integration: Sendable {
    /// The integration's kind as Alertmanager names it (`webhook`, `slack`, `pagerduty`, `email`).
    var kind: String { get }
    /// Its position among the receiver's integrations of that kind.
    var index: Int { get }
    /// `send_resolved`: whether resolved alerts are notified.
    var sendResolved: Bool { get }
    /// Sends the group's alerts once.
    /// - Parameters:
    ///   - context: the group and receiver.
    ///   - alerts: the alerts, firing and resolved, in Alertmanager's order.
    /// - Returns: whether it was sent, and whether a failure is worth retrying.
    func send(_ context: NotificationContext, alerts: [NotifierAlert]) async -> SendOutcome
}
