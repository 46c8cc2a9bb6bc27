// Tollgate — Rules: what the HTTP API and the UI read of a group.

import Model

/// A group as it stands: definition, health and alerts (for `/api/v1/rules` and `/api/v1/alerts`).
public struct RuleGroupSnapshot: Sendable {
    /// The group's name.
    public var name: String
    /// Its file.
    public var file: String
    /// Its interval, milliseconds.
    public var interval: Int64
    /// Its limit (0: none).
    public var limit: Int
    /// Its rules, in order.
    public var rules: [RuleSnapshot]
    /// When it last ran, milliseconds.
    public var lastEvaluation: Int64?
    /// How long its last run took, seconds.
    public var evaluationTime: Double
}

/// A rule as it stands.
public struct RuleSnapshot: Sendable {
    /// `record:` or `alert:`.
    public enum Kind: String, Sendable {
        /// A recording rule.
        case recording
        /// An alerting rule.
        case alerting
    }

    /// What it is.
    public var kind: Kind
    /// Its name.
    public var name: String
    /// Its expression.
    public var query: String
    /// Its labels (the group's merged in).
    public var labels: [String: String]
    /// Its annotations (alerting).
    public var annotations: [String: String]
    /// `for`, milliseconds (alerting).
    public var holdDuration: Int64
    /// `keep_firing_for`, milliseconds (alerting).
    public var keepFiringFor: Int64
    /// Its alerts that are pending or firing, in label order (alerting).
    public var alerts: [Alert]
    /// Its state (alerting).
    public var state: AlertState
    /// Its last evaluation's outcome.
    public var status: RuleGroup.RuleStatus
}

extension RuleGroup {
    /// The group as it stands.
    public func snapshot() -> RuleGroupSnapshot {
        var snapshots: [RuleSnapshot] = []
        for (index, rule) in rules.enumerated() {
            switch rule {
            case .recording(let recording):
                snapshots.append(RuleSnapshot(
                    kind: .recording, name: recording.name, query: recording.expr, labels: recording.labels, annotations: [:], holdDuration: 0,
                    keepFiringFor: 0, alerts: [], state: .inactive, status: status[index]))
            case .alerting(let alerting):
                snapshots.append(RuleSnapshot(
                    kind: .alerting, name: alerting.name, query: alerting.expr, labels: alerting.labels, annotations: alerting.annotations,
                    holdDuration: alerting.holdDuration, keepFiringFor: alerting.keepFiringFor, alerts: alerting.activeAlerts, state: alerting.state,
                    status: status[index]))
            }
        }
        return RuleGroupSnapshot(
            name: name, file: file, interval: interval, limit: limit, rules: snapshots, lastEvaluation: lastEvaluation, evaluationTime: evaluationTime)
    }
}

extension RuleManager {
    /// Every group as it stands, in file and group order.
    public func snapshots() async -> [RuleGroupSnapshot] {
        var result: [RuleGroupSnapshot] = []
        for group in ruleGroups { result.append(await group.snapshot()) }
        return result
    }
}
