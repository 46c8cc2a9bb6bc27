// Tollgate — Notify: what the notifier knows about an alert besides the alert itself
// (Alertmanager's `types.AlertStatus`, kept by its marker), and a group as the API shows it.

public import Model

/// An alert's status: whether it is being notified, and what mutes it.
public struct AlertStatus: Sendable, Equatable {
    /// Alertmanager's alert states.
    public enum State: String, Sendable, Equatable {
        /// Not yet through the pipeline.
        case unprocessed
        /// Notified (or to be).
        case active
        /// Muted by a silence or an inhibition.
        case suppressed
    }

    /// The state.
    public var state: State
    /// The ids of the active silences muting the alert, sorted.
    public var silencedBy: [String]
    /// The fingerprints (16 hex digits) of the alerts inhibiting it, sorted.
    public var inhibitedBy: [String]

    /// Creates a status.
    public init(state: State = .unprocessed, silencedBy: [String] = [], inhibitedBy: [String] = []) {
        self.state = state
        self.silencedBy = silencedBy
        self.inhibitedBy = inhibitedBy
    }
}

/// One aggregation group as `GET /api/v2/alerts/groups` shows it.
public struct AlertGroupSnapshot: Sendable, Equatable {
    /// The labels the group was formed by.
    public var labels: Labels
    /// The receiver the group notifies.
    public var receiver: String
    /// The group's key.
    public var groupKey: String
    /// The group's alerts.
    public var alerts: [NotifierAlert]

    /// Creates a snapshot.
    public init(labels: Labels, receiver: String, groupKey: String, alerts: [NotifierAlert]) {
        self.labels = labels
        self.receiver = receiver
        self.groupKey = groupKey
        self.alerts = alerts
    }
}
