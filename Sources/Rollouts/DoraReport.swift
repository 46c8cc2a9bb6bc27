// Tollgate — Rollouts: the DORA figures computed from the stored rollouts.

import Model
public import TollgateConfig

/// The four DORA figures and the deployment success rate over a window, from the stored
/// rollouts, each against its target (`dora:` in tollgate.yml):
///
/// - deployment frequency: rollouts promoted in the window, per day (target: at least
///   `deployments_per_day`);
/// - lead time for changes: the median time from `commit_time` to promotion, over the
///   promoted rollouts that gave one (target: at most `lead_time`);
/// - change failure rate: rolled back ÷ finished (target: at most `change_failure_rate`);
/// - time to restore: the median time from a rolled-back rollout's failure (its first
///   no-go, else its rollback) to the next promotion of the same service (target: at most
///   `time_to_restore`); failures not yet restored are counted apart;
/// - deployment success rate: promoted ÷ finished (target: at least `success_rate`).
///
/// A figure without data (no finished rollout, no commit time) has no value and no verdict.
public struct DoraReport: Sendable, Equatable {
    /// One figure.
    public struct Figure: Sendable, Equatable {
        /// `deployment_frequency`, `lead_time`, `change_failure_rate`, `time_to_restore`, `success_rate`.
        public var name: String
        /// The value (per day, seconds or a ratio), nil without data.
        public var value: Double?
        /// The unit: `per_day`, `seconds` or `ratio`.
        public var unit: String
        /// The target.
        public var target: Double
        /// Whether higher is better (the target is a minimum) or not (a maximum).
        public var higherIsBetter: Bool
        /// How many rollouts (or failures) the value comes from.
        public var count: Int

        /// Whether the value meets the target; nil without a value.
        public var met: Bool? { value.map { higherIsBetter ? $0 >= target : $0 <= target } }
    }

    /// The window, milliseconds, and its end.
    public var window: Int64, end: Int64
    /// Rollouts promoted, rolled back, and still active (registered in the window).
    public var promoted: Int, rolledBack: Int, active: Int
    /// Rolled-back rollouts of the window whose service has not been promoted since.
    public var unrestored: Int
    /// The figures, in the order above.
    public var figures: [Figure]

    /// Computes the figures over `[time − window, time]`.
    public init(rollouts: [Rollout], window: Int64, at time: Int64, targets: DoraConfig) {
        self.window = window
        end = time
        let start = time - window
        let finished = rollouts.filter { r in r.status != .active && (r.finishedAt ?? .min) >= start && (r.finishedAt ?? .max) <= time }
        let promotedRollouts = finished.filter { $0.status == .promoted }
        let rolledBackRollouts = finished.filter { $0.status == .rolledBack }
        promoted = promotedRollouts.count
        rolledBack = rolledBackRollouts.count
        active = rollouts.filter { $0.status == .active && $0.createdAt >= start && $0.createdAt <= time }.count

        let days = Double(max(window, 1)) / 86_400_000
        let leadTimes = promotedRollouts.compactMap { r in r.commitTime.flatMap { commit in r.finishedAt.map { Double($0 - commit) / 1000 } } }
        var restores: [Double] = [], unrestored = 0
        for failure in rolledBackRollouts {
            let failedAt = failure.failedAt ?? failure.finishedAt ?? time
            let next = rollouts.filter { r in
                r.status == .promoted && r.parameters.service == failure.parameters.service && (r.finishedAt ?? .min) > (failure.finishedAt ?? .max)
                    && (r.finishedAt ?? .max) <= time
            }.compactMap(\.finishedAt).min()
            if let next { restores.append(Double(next - failedAt) / 1000) } else { unrestored += 1 }
        }
        self.unrestored = unrestored
        let total = finished.count
        figures = [
            Figure(name: "deployment_frequency", value: Double(promoted) / days, unit: "per_day", target: targets.deploymentsPerDay, higherIsBetter: true, count: promoted),
            Figure(name: "lead_time", value: Self.median(leadTimes), unit: "seconds", target: Double(targets.leadTime.milliseconds) / 1000, higherIsBetter: false, count: leadTimes.count),
            Figure(name: "change_failure_rate", value: total > 0 ? Double(rolledBack) / Double(total) : nil, unit: "ratio", target: targets.changeFailureRate, higherIsBetter: false, count: total),
            Figure(name: "time_to_restore", value: Self.median(restores), unit: "seconds", target: Double(targets.timeToRestore.milliseconds) / 1000, higherIsBetter: false, count: restores.count),
            Figure(name: "success_rate", value: total > 0 ? Double(promoted) / Double(total) : nil, unit: "ratio", target: targets.successRate, higherIsBetter: true, count: total),
        ]
    }

    /// The median (the mean of the middle two for an even count); nil for none.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The figure named `name`.
    public subscript(name: String) -> Figure? { figures.first { $0.name == name } }

    /// `{"window","from","to","promoted","rolled_back","active","unrestored_failures","figures":{name:{"value","unit","target","comparison","met","count"}}}`;
    /// `comparison` is `at_least` or `at_most` (the target is a minimum or a maximum).
    public var json: [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("window", PromDuration(milliseconds: window).description)
            json.field("from", Timestamp.rfc3339(milliseconds: end - window))
            json.field("to", Timestamp.rfc3339(milliseconds: end))
            json.key("promoted"); json.integer(promoted)
            json.key("rolled_back"); json.integer(rolledBack)
            json.key("active"); json.integer(active)
            json.key("unrestored_failures"); json.integer(unrestored)
            json.key("figures")
            json.object { json in
                for figure in figures {
                    json.key(figure.name)
                    json.object { json in
                        json.key("value")
                        if let value = figure.value { json.number(value) } else { json.null() }
                        json.field("unit", figure.unit)
                        json.key("target"); json.number(figure.target)
                        json.field("comparison", figure.higherIsBetter ? "at_least" : "at_most")
                        json.key("met")
                        if let met = figure.met { json.bool(met) } else { json.null() }
                        json.key("count"); json.integer(figure.count)
                    }
                }
            }
        }
        return json.bytes
    }
}
