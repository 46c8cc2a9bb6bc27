// Tollgate — Rules: a group of rules evaluated in order at one timestamp.

import Foundation
public import Model

/// One group of a rule file: its rules, run in order with one evaluation timestamp, each
/// committed before the next runs (a rule may read what the one before recorded).
///
/// An actor: its evaluation loop changes it, the HTTP API reads snapshots of it.
public actor RuleGroup {
    /// A rule of the group.
    public enum Rule: Sendable {
        /// `record:`.
        case recording(RecordingRule)
        /// `alert:`.
        case alerting(AlertingRule)

        /// The rule's name.
        public var name: String {
            switch self {
            case .recording(let rule): rule.name
            case .alerting(let rule): rule.name
            }
        }

        /// The rule's expression.
        public var expr: String {
            switch self {
            case .recording(let rule): rule.expr
            case .alerting(let rule): rule.expr
            }
        }

        /// What identifies the rule across a reload: kind, name, labels (Prometheus's `nameAndLabels`).
        var identity: String {
            switch self {
            case .recording(let rule): "record:" + rule.name + ":" + rule.labels.sorted { $0.key < $1.key }.description
            case .alerting(let rule): "alert:" + rule.name + ":" + rule.labels.sorted { $0.key < $1.key }.description
            }
        }
    }

    /// How a rule fared in its last evaluation.
    public struct RuleStatus: Sendable {
        /// ok, err, or unknown before the first evaluation.
        public var health = RuleHealth.unknown
        /// The last error's text, empty when none.
        public var lastError = ""
        /// When it last ran, milliseconds.
        public var lastEvaluation: Int64?
        /// How long it took, seconds.
        public var evaluationTime = 0.0
    }

    /// The group's name.
    public nonisolated let name: String
    /// The file it came from.
    public nonisolated let file: String
    /// How often it runs, milliseconds.
    public nonisolated let interval: Int64
    /// How far back its rules look and record, milliseconds.
    public nonisolated let queryOffset: Int64
    /// Most series or alerts per rule (0: no limit).
    public nonisolated let limit: Int
    /// The rules, in order.
    public internal(set) var rules: [Rule]
    /// Each rule's health.
    public internal(set) var status: [RuleStatus]
    /// The series each rule wrote last time, to end those it no longer writes.
    var written: [Set<Labels>]
    /// When the group last ran, milliseconds.
    public internal(set) var lastEvaluation: Int64?
    /// How long its last run took, seconds.
    public internal(set) var evaluationTime = 0.0
    /// How many samples its last run wrote.
    public internal(set) var lastSamples = 0
    /// Whether the next run restores the alerts' `for` state from `ALERTS_FOR_STATE`.
    var shouldRestore: Bool

    /// Creates a group.
    /// - Parameter restore: whether its first run restores the `for` state (a group new at
    ///   start-up or added by a reload; not one whose state a reload carries over).
    public init(name: String, file: String, interval: Int64, queryOffset: Int64, limit: Int, rules: [Rule], restore: Bool = true) {
        self.name = name
        self.file = file
        self.interval = interval
        self.queryOffset = queryOffset
        self.limit = limit
        self.rules = rules
        status = Array(repeating: RuleStatus(), count: rules.count)
        written = Array(repeating: [], count: rules.count)
        shouldRestore = restore
        if restore {
            for index in self.rules.indices {
                if case .alerting(var rule) = self.rules[index] {
                    rule.restored = false
                    self.rules[index] = .alerting(rule)
                }
            }
        }
    }

    /// `file;name`: the group's key and its self-metrics' `rule_group` label.
    public nonisolated var key: String { file + ";" + name }

    /// The evaluation time at or before `now` on this group's schedule: whole intervals
    /// shifted by an offset taken from a hash of the key, so groups spread over the interval.
    public nonisolated func evaluationTimestamp(atOrBefore now: Int64) -> Int64 {
        let offset = Int64(truncatingIfNeeded: Self.fnv1a(key) % UInt64(max(1, interval)))
        let adjusted = now - offset
        var base = adjusted - adjusted % interval
        if adjusted % interval < 0 { base -= interval }
        return base + offset
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Takes over the alerts and written series of the same rules of `old` (a reload).
    public func copyState(from old: RuleGroup) async {
        let (oldRules, oldWritten, oldStatus) = await (old.rules, old.writtenSeries, old.status)
        var byIdentity: [String: [Int]] = [:]
        for (index, rule) in oldRules.enumerated() { byIdentity[rule.identity, default: []].append(index) }
        for index in rules.indices {
            guard var candidates = byIdentity[rules[index].identity], !candidates.isEmpty else { continue }
            let from = candidates.removeFirst()
            byIdentity[rules[index].identity] = candidates
            written[index] = oldWritten[from]
            status[index] = oldStatus[from]
            if case .alerting(var rule) = rules[index], case .alerting(let previous) = oldRules[from] {
                rule.setActive(previous.active)
                rule.restored = previous.restored
                rules[index] = .alerting(rule)
            }
        }
        lastEvaluation = await old.lastEvaluation
        shouldRestore = false
    }

    /// The series the rules wrote last time.
    var writtenSeries: [Set<Labels>] { written }

    /// Every series the rules wrote last time, for stale markers when the group goes away.
    public func allWrittenSeries() -> [Labels] { written.flatMap { $0 } }
}
