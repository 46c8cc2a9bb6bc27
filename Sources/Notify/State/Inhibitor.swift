// Tollgate — Notify: inhibition (Alertmanager's `inhibit.Inhibitor`), with a per-rule index of
// source alerts keyed by their `equal` label values.

public import Model
public import TollgateConfig

/// Decides which alerts inhibit an alert, from the `inhibit_rules` and the alerts seen.
///
/// Feed it every stored alert with ``observe(_:)`` (each rule keeps the alerts its source
/// side matches, bucketed by the values of its `equal` labels, so a lookup only visits
/// alerts that agree on them). Resolved alerts stay in the index until
/// ``collectGarbage(now:)`` or ``remove(_:)`` and are skipped when looking up, as
/// Alertmanager's stale source cache is.
///
/// A target alert is inhibited under a rule when its labels satisfy the target matchers and
/// a firing alert satisfying the source matchers has the same value for every `equal` label
/// (a missing label is ""). When the target also satisfies the source matchers, source
/// alerts that satisfy the target matchers are not counted (`hasEqual` with
/// `excludeTwoSidedMatch`), so an alert never inhibits itself.
public struct Inhibitor: Sendable {
    private var rules: [Rule]
    /// The labels of each observed alert that some rule indexed, to find its buckets again.
    private var indexed: [UInt64: Labels] = [:]

    /// An inhibitor for these rules, having seen no alerts.
    public init(rules: [InhibitRuleConfig]) {
        self.rules = rules.map { Rule(source: $0.sourceMatchers, target: $0.targetMatchers, equal: $0.equal) }
    }

    /// An inhibitor for these rules, having observed these alerts.
    public init(rules: [InhibitRuleConfig], alerts: some Sequence<NotifierAlert>) {
        self.init(rules: rules)
        for alert in alerts { observe(alert) }
    }

    /// Whether there are no rules (nothing is ever inhibited).
    public var isEmpty: Bool { rules.isEmpty }

    /// Takes in the latest version of an alert (after every store `put`).
    public mutating func observe(_ alert: NotifierAlert) {
        let fingerprint = alert.fingerprint
        var any = false
        for index in rules.indices where alert.labels.matches(rules[index].source) {
            rules[index].insert(alert, fingerprint: fingerprint)
            any = true
        }
        if any { indexed[fingerprint] = alert.labels }
    }

    /// Forgets an alert (when the store drops it).
    public mutating func remove(_ fingerprint: UInt64) {
        guard let labels = indexed.removeValue(forKey: fingerprint) else { return }
        for index in rules.indices where labels.matches(rules[index].source) {
            rules[index].remove(fingerprint, key: rules[index].key(labels))
        }
    }

    /// Forgets every resolved alert.
    /// - Returns: the fingerprints forgotten, ascending.
    @discardableResult
    public mutating func collectGarbage(now: Int64) -> [UInt64] {
        var gone = Set<UInt64>()
        for index in rules.indices { gone.formUnion(rules[index].removeResolved(now: now)) }
        for fingerprint in gone { indexed[fingerprint] = nil }
        return gone.sorted()
    }

    /// Every alert inhibiting an alert with these labels, over all rules.
    /// - Parameters:
    ///   - labels: the target alert's labels.
    ///   - now: the time that decides which source alerts are firing.
    /// - Returns: the inhibiting fingerprints, ascending and without repeats.
    public func inhibitors(of labels: Labels, now: Int64) -> [UInt64] {
        var found = Set<UInt64>()
        for rule in rules where labels.matches(rule.target) {
            rule.sources(for: labels, now: now) { found.insert($0); return true }
        }
        return found.sorted()
    }

    /// One alert inhibiting an alert with these labels, as Alertmanager's `Mutes` records
    /// (it stops at the first): the first rule in order that has one, and within it the
    /// smallest fingerprint.
    /// - Parameters:
    ///   - labels: the target alert's labels.
    ///   - now: the time that decides which source alerts are firing.
    public func firstInhibitor(of labels: Labels, now: Int64) -> UInt64? {
        for rule in rules where labels.matches(rule.target) {
            var first: UInt64?
            rule.sources(for: labels, now: now) { first = $0; return false }
            if let first { return first }
        }
        return nil
    }

    /// The same decision without an index: every alert in `alerts` inhibiting `labels`.
    /// - Parameters:
    ///   - labels: the target alert's labels.
    ///   - alerts: the candidate source alerts.
    ///   - rules: the inhibit rules.
    ///   - now: the time that decides which alerts are firing.
    /// - Returns: the inhibiting fingerprints, ascending and without repeats.
    public static func inhibitors(
        of labels: Labels, among alerts: some Sequence<NotifierAlert>, rules: [InhibitRuleConfig], now: Int64
    ) -> [UInt64] {
        Inhibitor(rules: rules, alerts: alerts).inhibitors(of: labels, now: now)
    }
}

extension Inhibitor {
    /// One rule and its source alerts, bucketed by their `equal` label values.
    struct Rule: Sendable {
        let source: [LabelMatcher]
        let target: [LabelMatcher]
        let equal: [String]
        var buckets: [[String]: Bucket] = [:]

        init(source: [LabelMatcher], target: [LabelMatcher], equal: [String]) {
            self.source = source
            self.target = target
            self.equal = equal
        }

        /// The values of the `equal` labels, "" for a missing one.
        func key(_ labels: Labels) -> [String] { equal.map { labels[$0] ?? "" } }

        mutating func insert(_ alert: NotifierAlert, fingerprint: UInt64) {
            buckets[key(alert.labels), default: Bucket()].insert(alert, fingerprint: fingerprint)
        }

        mutating func remove(_ fingerprint: UInt64, key: [String]) {
            guard var bucket = buckets.removeValue(forKey: key) else { return }
            bucket.remove(fingerprint)
            if !bucket.order.isEmpty { buckets[key] = bucket }
        }

        mutating func removeResolved(now: Int64) -> [UInt64] {
            var gone: [UInt64] = []
            for key in Array(buckets.keys) {
                guard var bucket = buckets.removeValue(forKey: key) else { continue }
                let resolved = bucket.order.filter { bucket.alerts[$0]?.resolved(at: now) ?? true }
                for fingerprint in resolved { bucket.remove(fingerprint) }
                gone += resolved
                if !bucket.order.isEmpty { buckets[key] = bucket }
            }
            return gone
        }

        /// Calls `visit` with each firing source alert inhibiting `labels` (whose target side
        /// matched), in ascending fingerprint order, until it returns false.
        func sources(for labels: Labels, now: Int64, _ visit: (UInt64) -> Bool) {
            guard let bucket = buckets[key(labels)] else { return }
            let twoSided = labels.matches(source)
            for fingerprint in bucket.order {
                guard let alert = bucket.alerts[fingerprint], !alert.resolved(at: now) else { continue }
                if twoSided && alert.labels.matches(target) { continue }
                if !visit(fingerprint) { return }
            }
        }
    }

    /// The source alerts agreeing on one set of `equal` values, by ascending fingerprint.
    struct Bucket: Sendable {
        var alerts: [UInt64: NotifierAlert] = [:]
        var order: [UInt64] = []

        mutating func insert(_ alert: NotifierAlert, fingerprint: UInt64) {
            if alerts.updateValue(alert, forKey: fingerprint) == nil {
                order.insert(fingerprint, at: position(of: fingerprint))
            }
        }

        mutating func remove(_ fingerprint: UInt64) {
            guard alerts.removeValue(forKey: fingerprint) != nil else { return }
            let at = position(of: fingerprint)
            if at < order.count && order[at] == fingerprint { order.remove(at: at) }
        }

        /// The first index whose fingerprint is not below `fingerprint`.
        private func position(of fingerprint: UInt64) -> Int {
            var low = 0, high = order.count
            while low < high {
                let mid = (low + high) / 2
                if order[mid] < fingerprint { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }
}
