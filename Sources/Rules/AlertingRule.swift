// Tollgate — Rules: an alerting rule and its alerts' state machine.

public import Model

/// An alerting rule: its definition and its alerts, evaluated by its group.
///
/// The transitions are Prometheus's (`rules/alerting.go`): a new label set is pending from
/// the evaluation that first returns it; pending becomes firing once it has been active for
/// `for`; an alert the expression no longer returns is dropped if pending, or resolved if
/// firing (after `keep_firing_for`, if set); a resolved alert is kept 15 minutes so its
/// resolution is sent, then dropped.
public struct AlertingRule: Sendable {
    /// `alert`.
    public let name: String
    /// `expr`.
    public let expr: String
    /// `for`, milliseconds.
    public let holdDuration: Int64
    /// `keep_firing_for`, milliseconds.
    public let keepFiringFor: Int64
    /// `labels` (templates), the group's merged in.
    public let labels: [String: String]
    /// `annotations` (templates).
    public let annotations: [String: String]
    /// The alerts, by label set.
    public private(set) var active: [Labels: Alert] = [:]
    /// Whether the `for` state has been restored after a start (until then, no `ALERTS` samples are written).
    public var restored = true

    /// How long a resolved alert is kept (15 minutes).
    static let resolvedRetention: Int64 = 15 * 60_000

    /// Creates a rule.
    public init(name: String, expr: String, holdDuration: Int64, keepFiringFor: Int64, labels: [String: String], annotations: [String: String]) {
        self.name = name
        self.expr = expr
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
    }

    /// The pending and firing alerts, in label order.
    public var activeAlerts: [Alert] {
        active.values.filter { $0.state != .inactive }.sorted { Labels.precedes($0.labels, $1.labels) }
    }

    /// The rule's state: firing if any alert fires, else pending if any is, else inactive.
    public var state: AlertState {
        var result = AlertState.inactive
        for alert in active.values {
            if alert.state == .firing { return .firing }
            if alert.state == .pending { result = .pending }
        }
        return result
    }

    /// One evaluation's alerts before they meet the kept ones: label sets with their
    /// expanded annotations and values.
    public struct Returned: Sendable {
        /// The alert's label set.
        public var labels: Labels
        /// Its annotations, expanded.
        public var annotations: Labels
        /// The sample's value.
        public var value: Double

        /// Creates one.
        public init(labels: Labels, annotations: Labels, value: Double) {
            self.labels = labels
            self.annotations = annotations
            self.value = value
        }
    }

    /// An evaluation the rule refused.
    public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, in Prometheus's words.
        public var description: String

        /// Creates an error.
        public init(description: String) { self.description = description }
    }

    /// The alert label set of a sample: its labels without `__name__`, then the rule's
    /// (expanded; an empty value deletes the label), then `alertname`.
    public func alertLabels(of sample: Labels, expandedRuleLabels: [String: String]) -> Labels {
        var builder = LabelsBuilder(sample)
        builder[metricNameLabel] = nil
        for (name, value) in expandedRuleLabels { builder[name] = value.isEmpty ? nil : value }
        builder["alertname"] = name
        return builder.labels
    }

    /// Applies one evaluation at `time` (milliseconds) and returns the `ALERTS` and
    /// `ALERTS_FOR_STATE` samples to write (at `time - queryOffset`, by the caller).
    /// - Parameters:
    ///   - returned: the alerts the expression returned, labels already built.
    ///   - time: the evaluation time.
    ///   - limit: most pending and firing alerts (0: no limit).
    /// - Throws: ``EvaluationError`` when two samples give one label set, or when the limit
    ///   is exceeded (every alert of the rule is then dropped).
    public mutating func apply(_ returned: [Returned], at time: Int64, limit: Int) throws(EvaluationError) -> [(Labels, Double)] {
        var seen: Set<Labels> = []
        for alert in returned where !seen.insert(alert.labels).inserted {
            throw EvaluationError(description: "vector contains metrics with the same labelset after applying alert labels")
        }
        for alert in returned {
            if var kept = active[alert.labels], kept.state != .inactive {
                kept.value = alert.value
                kept.annotations = alert.annotations
                active[alert.labels] = kept
            } else {
                active[alert.labels] = Alert(labels: alert.labels, annotations: alert.annotations, value: alert.value, activeAt: time)
            }
        }
        var samples: [(Labels, Double)] = []
        var counted = 0
        for key in active.keys.sorted(by: Labels.precedes) {
            guard var alert = active[key] else { continue }
            if !seen.contains(key) {
                var keepFiring = false
                if alert.state == .firing && keepFiringFor > 0 {
                    let since = alert.keepFiringSince ?? time
                    alert.keepFiringSince = since
                    keepFiring = time - since < keepFiringFor
                }
                if alert.state == .pending || (alert.resolvedAt.map { time - $0 > Self.resolvedRetention } ?? false) {
                    active[key] = nil
                    continue
                }
                if alert.state != .inactive && !keepFiring {
                    alert.state = .inactive
                    alert.resolvedAt = time
                }
                active[key] = alert
                if !keepFiring { continue }
            } else {
                alert.keepFiringSince = nil
            }
            counted += 1
            if alert.state == .pending && time - alert.activeAt >= holdDuration {
                alert.state = .firing
                alert.firedAt = time
            }
            active[key] = alert
            if restored {
                samples.append((seriesLabels(of: alert, metric: "ALERTS", state: alert.state), 1))
                samples.append((seriesLabels(of: alert, metric: "ALERTS_FOR_STATE", state: nil), Double(alert.activeAt / 1000)))
            }
        }
        if limit > 0 && counted > limit {
            active = [:]
            throw EvaluationError(description: "exceeded limit of \(limit) with \(counted) alerts")
        }
        return samples
    }

    /// `ALERTS` (with `alertstate`) or `ALERTS_FOR_STATE` of an alert: the rule's labels as
    /// written, then the alert's, then the name.
    func seriesLabels(of alert: Alert, metric: String, state: AlertState?) -> Labels {
        var builder = LabelsBuilder()
        for (name, value) in labels where !value.isEmpty { builder[name] = value }
        for label in alert.labels { builder[label.name] = label.value }
        builder[metricNameLabel] = metric
        builder["alertname"] = name
        if let state { builder["alertstate"] = state.rawValue }
        return builder.labels
    }

    /// The alerts due a hand-over at `time`, marked as sent (§1.5: `ValidUntil` is four
    /// times the larger of the group interval and the resend delay ahead).
    public mutating func alertsToSend(at time: Int64, resendDelay: Int64, interval: Int64, generatorURL: String) -> [SentAlert] {
        var sent: [SentAlert] = []
        for key in active.keys.sorted(by: Labels.precedes) {
            guard var alert = active[key], alert.needsSending(at: time, resendDelay: resendDelay) else { continue }
            alert.lastSentAt = time
            alert.validUntil = time + 4 * max(resendDelay, interval)
            active[key] = alert
            let resolved = alert.resolvedAt != nil && alert.state == .inactive
            sent.append(SentAlert(
                labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt,
                endsAt: resolved ? (alert.resolvedAt ?? time) : (alert.validUntil ?? time), resolved: resolved, generatorURL: generatorURL))
        }
        return sent
    }

    /// Replaces the alerts' state (carried over a reload, or restored after a start).
    public mutating func setActive(_ alerts: [Labels: Alert]) { active = alerts }

    /// Drops every alert (a failed evaluation over the limit does this).
    public mutating func clear() { active = [:] }
}
