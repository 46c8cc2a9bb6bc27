// Tollgate — PromQL engine: warnings and infos, in Prometheus's words.

import Model
import PromQL

/// One warning or info raised during evaluation, with the expression it concerns.
struct Annotation: Sendable {
    var message: String
    var position: PositionRange
    var isWarning: Bool

    static func warning(_ text: String, _ position: PositionRange) -> Annotation {
        Annotation(message: "PromQL warning: " + text, position: position, isWarning: true)
    }

    static func info(_ text: String, _ position: PositionRange) -> Annotation {
        Annotation(message: "PromQL info: " + text, position: position, isWarning: false)
    }

    static func possibleNonCounter(_ name: String, _ position: PositionRange) -> Annotation {
        info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(goQuote(name))", position)
    }

    static func invalidQuantile(_ q: Double, _ position: PositionRange) -> Annotation {
        warning("quantile value should be between 0 and 1, got \(formatG(q))", position)
    }

    static func invalidRatio(_ ratio: Double, cappedTo: Double, _ position: PositionRange) -> Annotation {
        warning("ratio value should be between -1 and 1, got \(formatG(ratio)), capping to \(formatG(cappedTo))", position)
    }

    static func badBucketLabel(metric: String, value: String, _ position: PositionRange) -> Annotation {
        warning("bucket label \"le\" is missing or has a malformed value of \(goQuote(value)) for metric name \(goQuote(metric))", position)
    }

    static func forcedMonotonicity(metric: String, _ position: PositionRange) -> Annotation {
        info(
            "input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name \(goQuote(metric))",
            position)
    }

    static func sortInRangeQuery(_ position: PositionRange) -> Annotation {
        warning("sort is ineffective for range queries since results are always ordered by labels", position)
    }
}

/// Go's `%g`, as Prometheus's annotation texts print numbers.
func formatG(_ v: Double) -> String { GoFloat.formatG(v) }
