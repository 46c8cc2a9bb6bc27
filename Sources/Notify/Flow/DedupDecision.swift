// Tollgate — Notify: whether an integration notifies a group again (Alertmanager's `DedupStage.needsUpdate`).

/// The dedup stage's verdict for one integration at one flush, with the reason.
///
/// Mirrors `DedupStage.needsUpdate` (notify/notify.go), checked in this order:
/// 1. no log entry: notify iff something fires;
/// 2. some firing alert was not firing at the last notification: notify;
/// 3. nothing fires: notify iff the last notification had firing alerts (whatever
///    `send_resolved` says, so that the log forgets them);
/// 4. with `send_resolved`, some resolved alert was not resolved at the last
///    notification: notify;
/// 5. otherwise notify iff the last notification is older than `repeat_interval`.
public enum DedupDecision: Sendable, Equatable {
    /// No entry and something fires.
    case firstNotification
    /// Some firing alert was not in the last notification.
    case newFiringAlerts
    /// Nothing fires any more and the last notification had firing alerts.
    case allResolved
    /// `send_resolved` and some resolved alert was not in the last notification.
    case newResolvedAlerts
    /// Nothing changed and `repeat_interval` has passed.
    case repeatIntervalElapsed
    /// Nothing to notify.
    case noUpdate

    /// Whether the integration notifies.
    public var notifies: Bool { self != .noUpdate }

    /// Decides.
    /// - Parameters:
    ///   - entry: the log's entry for the group and integration, if any.
    ///   - firing: the fingerprints of the alerts firing now.
    ///   - resolved: the fingerprints of the alerts resolved now.
    ///   - sendResolved: the integration's `send_resolved`.
    ///   - repeatInterval: the route's `repeat_interval`, milliseconds.
    ///   - now: the flush time, milliseconds.
    public init(entry: NotificationLogEntry?, firing: Set<UInt64>, resolved: Set<UInt64>, sendResolved: Bool, repeatInterval: Int64, now: Int64) {
        guard let entry else {
            self = firing.isEmpty ? .noUpdate : .firstNotification
            return
        }
        if !entry.isFiringSubset(firing) {
            self = .newFiringAlerts
        } else if firing.isEmpty {
            self = entry.firing.isEmpty ? .noUpdate : .allResolved
        } else if sendResolved && !entry.isResolvedSubset(resolved) {
            self = .newResolvedAlerts
        } else {
            self = entry.timestamp < now - repeatInterval ? .repeatIntervalElapsed : .noUpdate
        }
    }

    /// `DedupStage.needsUpdate`: whether the integration notifies (see the type's steps).
    /// - Parameters:
    ///   - entry: the log's entry for the group and integration, if any.
    ///   - firing: the fingerprints of the alerts firing now.
    ///   - resolved: the fingerprints of the alerts resolved now.
    ///   - sendResolved: the integration's `send_resolved`.
    ///   - repeatInterval: the route's `repeat_interval`, milliseconds.
    ///   - now: the flush time, milliseconds.
    public static func needsUpdate(
        entry: NotificationLogEntry?, firing: Set<UInt64>, resolved: Set<UInt64>, sendResolved: Bool, repeatInterval: Int64, now: Int64
    ) -> Bool {
        DedupDecision(entry: entry, firing: firing, resolved: resolved, sendResolved: sendResolved, repeatInterval: repeatInterval, now: now)
            .notifies
    }
}
