// Tollgate — Notifier: one alertmanager.yml, ready to run.

import Model
public import Notify
public import TollgateConfig

/// What the notifier runs with: the routing tree, each receiver's integrations, the
/// inhibition rules and time intervals, built from one alertmanager.yml. Built (and its
/// errors found) before a reload applies it; applying it keeps alerts, silences, groups'
/// alerts and the notification log.
public struct NotifierConfig: Sendable {
    /// The routing tree's root.
    public var route: Route
    /// Each receiver's integrations, by receiver name (a receiver may have none).
    public var receivers: [String: [any Integration]]
    /// `inhibit_rules`.
    public var inhibitRules: [InhibitRuleConfig]
    /// `time_intervals` and `mute_time_intervals`, together.
    public var timeIntervals: [TimeIntervalConfig]
    /// `global.resolve_timeout`, in milliseconds.
    public var resolveTimeout: Int64
    /// The file's text with its secrets hidden (`/api/v2/status`).
    public var original: String
    /// The receivers' names in the file's order (`/api/v2/receivers`).
    public var receiverNames: [String]

    /// Builds the configuration of `file` with `receivers` already made from its receivers.
    public init(file: AlertmanagerFile, receivers: [String: [any Integration]]) {
        route = Route(file.route)
        self.receivers = receivers
        inhibitRules = file.inhibitRules
        timeIntervals = file.timeIntervals + file.muteTimeIntervals
        resolveTimeout = file.global.resolveTimeout.milliseconds
        original = TollgateConfig.redactingSecrets(file.original)
        receiverNames = file.receivers.map(\.name)
    }
}
