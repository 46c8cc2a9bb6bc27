// Tollgate — Rules: a recording rule.

public import Model

/// A recording rule: its expression's result stored under a new name.
public struct RecordingRule: Sendable {
    /// `record`: the new metric name.
    public let name: String
    /// `expr`.
    public let expr: String
    /// `labels`, the group's merged in: set on every output series (an empty value deletes).
    public let labels: [String: String]

    /// Creates a rule.
    public init(name: String, expr: String, labels: [String: String]) {
        self.name = name
        self.expr = expr
        self.labels = labels
    }

    /// The series to store for one result (Prometheus's `RecordingRule.Eval`).
    /// - Throws: ``AlertingRule/EvaluationError`` when two samples give one label set or
    ///   the result has more series than `limit` (0: no limit).
    public func output(_ result: [RuleSample], limit: Int) throws(AlertingRule.EvaluationError) -> [(Labels, Double)] {
        var seen: Set<Labels> = []
        var samples: [(Labels, Double)] = []
        samples.reserveCapacity(result.count)
        for sample in result {
            var builder = LabelsBuilder(sample.labels)
            builder[metricNameLabel] = name
            for (label, value) in labels { builder[label] = value.isEmpty ? nil : value }
            let series = builder.labels
            guard seen.insert(series).inserted else {
                throw AlertingRule.EvaluationError(description: "vector contains metrics with the same labelset after applying rule labels")
            }
            samples.append((series, sample.value))
        }
        if limit > 0 && samples.count > limit {
            throw AlertingRule.EvaluationError(description: "exceeded limit of \(limit) with \(samples.count) series")
        }
        return samples
    }
}
