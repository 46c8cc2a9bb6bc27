// Tollgate — Notify: one aggregation group and its timer (Alertmanager's `dispatch.aggrGroup`).

public import Model

/// An aggregation group: the alerts of one route node that share the node's group
/// labels, flushed first `group_wait` after the group forms and then every
/// `group_interval`. A value type with the clock injected; the timer is ``nextFlush``.
///
/// Mirrors `aggrGroup`: `insert` (replace by fingerprint; an alert that started more than
/// `group_wait` ago flushes a group that has not flushed yet at once), `run` (at the tick:
/// next tick `group_interval` later, `hasFlushed`, then `flush`) and `flush` (after a
/// successful notification, delete the resolved alerts of the snapshot that were not
/// re-inserted meanwhile: `DeleteIfNotModified`).
///
/// One flush at a time: while a flush is out (``isFlushing``) the group is not due again;
/// a tick that passed meanwhile fires as soon as the flush is reported (as Go's timer
/// channel keeps one tick for the busy goroutine).
public struct AggregationGroup: Sendable {
    /// The group's identity.
    public let id: GroupID
    /// The labels the group was formed by.
    public let labels: Labels
    /// The route node's options.
    public let options: RouteOptions
    /// The group's incarnation (see ``GroupFlush/generation``).
    public let generation: UInt64
    /// The alerts, by fingerprint.
    public private(set) var alertsByFingerprint: [UInt64: NotifierAlert] = [:]
    /// When the timer fires next, milliseconds.
    public private(set) var nextFlush: Int64
    /// Whether the timer has fired at least once.
    public private(set) var hasFlushed = false
    /// Whether a flush is out and not yet reported.
    public private(set) var isFlushing = false

    /// Creates an empty group whose first flush is `group_wait` from `now`.
    /// - Parameters:
    ///   - id: the identity.
    ///   - labels: the group labels.
    ///   - options: the route node's options.
    ///   - now: the time the group forms, milliseconds.
    ///   - generation: the incarnation.
    public init(id: GroupID, labels: Labels, options: RouteOptions, now: Int64, generation: UInt64 = 0) {
        self.id = id
        self.labels = labels
        self.options = options
        self.generation = generation
        nextFlush = now + options.groupWait.milliseconds
    }

    /// Whether the group holds no alert.
    public var isEmpty: Bool { alertsByFingerprint.isEmpty }

    /// The alerts in fingerprint order.
    public var alerts: [NotifierAlert] {
        alertsByFingerprint.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Puts `alert` into the group, replacing the one with its fingerprint (`aggrGroup.insert`).
    /// If the group has not flushed yet and the alert started more than `group_wait`
    /// before `now`, the group flushes at once.
    /// - Parameters:
    ///   - alert: the alert, as the store holds it.
    ///   - now: the current time, milliseconds.
    public mutating func insert(_ alert: NotifierAlert, now: Int64) {
        alertsByFingerprint[alert.fingerprint] = alert
        if !hasFlushed && alert.startsAt + options.groupWait.milliseconds < now {
            nextFlush = min(nextFlush, now)
        }
    }

    /// Whether the timer has fired by `now` and no flush is out.
    public func isDue(now: Int64) -> Bool { !isFlushing && nextFlush <= now }

    /// Fires the timer: the next tick is `group_interval` from `now`, and the snapshot of
    /// the alerts goes out as a flush.
    /// - Parameter now: the tick's time, milliseconds.
    /// - Returns: the flush.
    public mutating func flush(now: Int64) -> GroupFlush {
        nextFlush = now + options.groupInterval.milliseconds
        hasFlushed = true
        isFlushing = true
        return GroupFlush(
            id: id, receiver: options.receiver, groupLabels: labels, options: options, now: now, alerts: alerts,
            generation: generation)
    }

    /// Takes the outcome of `flush`: after a success, the alerts resolved at the flush
    /// whose stored version is still the one flushed (same `updatedAt`) are deleted; a
    /// failure keeps everything, to be notified again at the next tick.
    /// - Parameters:
    ///   - flush: the flush, as ``flush(now:)`` returned it.
    ///   - succeeded: whether every integration of the receiver succeeded (or had nothing to do).
    public mutating func finish(_ flush: GroupFlush, succeeded: Bool) {
        guard flush.generation == generation else { return }
        isFlushing = false
        guard succeeded else { return }
        for alert in flush.alerts where alert.resolved(at: flush.now) {
            let fingerprint = alert.fingerprint
            if alertsByFingerprint[fingerprint]?.updatedAt == alert.updatedAt {
                alertsByFingerprint[fingerprint] = nil
            }
        }
    }

    /// Drops the alerts with these fingerprints (the store garbage-collected them).
    /// - Parameter fingerprints: the fingerprints.
    public mutating func remove(fingerprints: Set<UInt64>) {
        for fingerprint in fingerprints { alertsByFingerprint[fingerprint] = nil }
    }

    /// The group as `GET /api/v2/alerts/groups` shows it (alerts in fingerprint order).
    public var snapshot: AlertGroupSnapshot {
        AlertGroupSnapshot(labels: labels, receiver: options.receiver, groupKey: id.groupKey, alerts: alerts)
    }
}
