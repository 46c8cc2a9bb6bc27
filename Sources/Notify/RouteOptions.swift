// Tollgate — Notify: what a route node does with the alerts it takes.

public import Model

/// The options of a route node after inheritance (Alertmanager's `RouteOpts`): a node's
/// unset options come from its parent, the root's from ``RouteOptions/defaults``.
public struct RouteOptions: Sendable, Equatable {
    /// The receiver notified for the node's groups.
    public var receiver: String
    /// The labels forming a group (sorted); ignored when ``groupByAll``.
    public var groupBy: [String]
    /// `group_by: ['...']`: every label of the alert forms the group.
    public var groupByAll: Bool
    /// `group_wait` (30s at the root).
    public var groupWait: PromDuration
    /// `group_interval` (5m at the root).
    public var groupInterval: PromDuration
    /// `repeat_interval` (4h at the root).
    public var repeatInterval: PromDuration
    /// `mute_time_intervals` of this node (not inherited, as in Alertmanager).
    public var muteTimeIntervals: [String]
    /// `active_time_intervals` of this node (not inherited).
    public var activeTimeIntervals: [String]

    /// Alertmanager's defaults for the root (`DefaultRouteOpts`), with no receiver.
    public static let defaults = RouteOptions(
        receiver: "", groupBy: [], groupByAll: false, groupWait: PromDuration(milliseconds: 30_000),
        groupInterval: PromDuration(milliseconds: 300_000), repeatInterval: PromDuration(milliseconds: 14_400_000),
        muteTimeIntervals: [], activeTimeIntervals: [])

    /// Creates options.
    public init(
        receiver: String, groupBy: [String], groupByAll: Bool, groupWait: PromDuration, groupInterval: PromDuration,
        repeatInterval: PromDuration, muteTimeIntervals: [String], activeTimeIntervals: [String]
    ) {
        self.receiver = receiver
        self.groupBy = groupBy
        self.groupByAll = groupByAll
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.muteTimeIntervals = muteTimeIntervals
        self.activeTimeIntervals = activeTimeIntervals
    }
}
