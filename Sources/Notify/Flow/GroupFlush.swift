// Tollgate — Notify: one flush of an aggregation group, as the dispatcher hands it to the runtime.

public import Model

/// The identity of an aggregation group: the route node it belongs to and its group key.
///
/// Alertmanager keys groups by route node and group labels; route keys are not unique
/// (two sibling nodes with the same matchers share one), so the node is named by its
/// position in the tree instead.
public struct GroupID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The route node's depth-first (pre-order) position in the tree, the root being 0.
    public var route: Int
    /// The group key (`{}/{severity="critical"}:{alertname="HighErrorRate"}`).
    public var groupKey: String

    /// Creates an identity.
    /// - Parameters:
    ///   - route: the route node's pre-order position.
    ///   - groupKey: the group key.
    public init(route: Int, groupKey: String) {
        self.route = route
        self.groupKey = groupKey
    }

    /// Groups order by key, then by route position.
    public static func < (a: GroupID, b: GroupID) -> Bool {
        a.groupKey != b.groupKey ? a.groupKey.utf8.lexicographicallyPrecedes(b.groupKey.utf8) : a.route < b.route
    }

    /// `<route>/<group key>`, for logs.
    public var description: String { "\(route)/\(groupKey)" }
}

/// One flush of an aggregation group (the work of Alertmanager's `aggrGroup.run` at a
/// tick): what the notification pipeline gets for every integration of the receiver.
///
/// The runtime runs the pipeline (``FlushPlan``, then the integrations) and reports the
/// outcome with ``Dispatch/flushed(_:succeeded:)``.
public struct GroupFlush: Sendable, Equatable {
    /// The group.
    public var id: GroupID
    /// The receiver the group notifies.
    public var receiver: String
    /// The labels the group was formed by.
    public var groupLabels: Labels
    /// The route node's options (repeat interval, time intervals, …).
    public var options: RouteOptions
    /// The time of the flush (the timer's tick), milliseconds since the epoch; the
    /// pipeline's "now" for resolved-ness, time intervals and dedup.
    public var now: Int64
    /// The group's alerts at the flush, as stored (firing alerts keep their `endsAt`;
    /// the renderer blanks it), in fingerprint order; the renderer applies
    /// Alertmanager's order.
    public var alerts: [NotifierAlert]
    /// Which incarnation of the group this flush belongs to: a group destroyed and made
    /// again (or rebuilt by a reload) ignores reports about older flushes.
    public var generation: UInt64

    /// Creates a flush.
    /// - Parameters:
    ///   - id: the group.
    ///   - receiver: the receiver's name.
    ///   - groupLabels: the group labels.
    ///   - options: the route node's options.
    ///   - now: the flush time, milliseconds.
    ///   - alerts: the alerts.
    ///   - generation: the group's incarnation.
    public init(id: GroupID, receiver: String, groupLabels: Labels, options: RouteOptions, now: Int64, alerts: [NotifierAlert], generation: UInt64) {
        self.id = id
        self.receiver = receiver
        self.groupLabels = groupLabels
        self.options = options
        self.now = now
        self.alerts = alerts
        self.generation = generation
    }

    /// The group key.
    public var groupKey: String { id.groupKey }

    /// `repeat_interval`, in milliseconds.
    public var repeatInterval: Int64 { options.repeatInterval.milliseconds }

    /// What an ``Integration`` is told about the notification.
    public var context: NotificationContext {
        NotificationContext(receiver: receiver, groupKey: groupKey, groupLabels: groupLabels, repeatInterval: repeatInterval, now: now)
    }
}
