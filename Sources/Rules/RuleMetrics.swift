// Tollgate — Rules: the rule self-metrics, with Prometheus's names.

import CoreMetrics

/// Rule evaluation metrics named and meant as Prometheus's (`prometheus_rule_*`), each
/// group's labelled `rule_group="file;name"`.
enum RuleMetrics {
    static func evaluations(_ group: String) -> Counter { Counter(label: "prometheus_rule_evaluations_total", dimensions: [("rule_group", group)]) }
    static func failures(_ group: String) -> Counter {
        Counter(label: "prometheus_rule_evaluation_failures_total", dimensions: [("rule_group", group)])
    }
    static func iterations(_ group: String) -> Counter {
        Counter(label: "prometheus_rule_group_iterations_total", dimensions: [("rule_group", group)])
    }
    static func missed(_ group: String) -> Counter {
        Counter(label: "prometheus_rule_group_iterations_missed_total", dimensions: [("rule_group", group)])
    }
    static let groupDuration = Timer(label: "prometheus_rule_group_duration_seconds")

    /// Counts a rule's evaluation, and its failure.
    static func countEvaluation(_ group: String, failed: Bool) {
        evaluations(group).increment()
        if failed { failures(group).increment() }
    }

    /// Counts ticks an overrunning evaluation skipped.
    static func countMissed(_ group: String, _ ticks: Int64) { missed(group).increment(by: ticks) }

    /// Makes a group's families appear (at zero), as Prometheus does when it loads a group.
    static func register(_ group: String, interval: Int64, rules: Int) {
        evaluations(group).increment(by: 0)
        failures(group).increment(by: 0)
        iterations(group).increment(by: 0)
        missed(group).increment(by: 0)
        Gauge(label: "prometheus_rule_group_interval_seconds", dimensions: [("rule_group", group)]).record(Double(interval) / 1000)
        Gauge(label: "prometheus_rule_group_rules", dimensions: [("rule_group", group)]).record(rules)
    }

    /// Records one run of a group.
    static func recordIteration(_ group: String, seconds: Double, samples: Int, rules: Int, interval: Int64, at time: Int64) {
        iterations(group).increment()
        groupDuration.recordNanoseconds(Int64(seconds * 1e9))
        Gauge(label: "prometheus_rule_group_last_duration_seconds", dimensions: [("rule_group", group)]).record(seconds)
        Gauge(label: "prometheus_rule_group_last_evaluation_timestamp_seconds", dimensions: [("rule_group", group)]).record(Double(time) / 1000)
        Gauge(label: "prometheus_rule_group_last_evaluation_samples", dimensions: [("rule_group", group)]).record(samples)
    }

    /// Records how long restoring the `for` state took.
    static func restored(_ group: String, seconds: Double) {
        Gauge(label: "prometheus_rule_group_last_restore_duration_seconds", dimensions: [("rule_group", group)]).record(seconds)
    }

    /// Removes a group's families (it was removed by a reload).
    static func unregister(_ group: String) {
        for name in [
            "prometheus_rule_group_interval_seconds", "prometheus_rule_group_rules", "prometheus_rule_group_last_duration_seconds",
            "prometheus_rule_group_last_evaluation_timestamp_seconds", "prometheus_rule_group_last_evaluation_samples",
        ] {
            Gauge(label: name, dimensions: [("rule_group", group)]).destroy()
        }
        for counter in [evaluations(group), failures(group), iterations(group), missed(group)] { counter.destroy() }
    }
}
