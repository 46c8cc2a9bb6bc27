// Tollgate — Guards: a decision and its evidence as JSON, for the HTTP layer and the rollouts store.

public import Model
import TollgateConfig

extension GuardDecision {
    /// The decision as a JSON object (the `data` of an API answer):
    /// `{"guard","service","version","baseline","decision","reason","evaluated_at","checks":[…],"vetoes":[…]}`;
    /// times in RFC 3339, numbers as Go writes them, NaN and infinities as null.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("guard", guardName)
            json.field("service", parameters.service)
            json.field("version", parameters.version)
            json.key("baseline")
            if let baseline = parameters.baseline { json.string(baseline) } else { json.null() }
            json.field("decision", decision.rawValue)
            json.field("reason", reason)
            json.field("evaluated_at", Timestamp.rfc3339(milliseconds: evaluatedAt))
            if let stage {
                json.key("stage")
                json.object { json in
                    json.key("traffic"); json.integer(stage.traffic)
                    json.key("watch_remaining_seconds"); json.number(Double(stage.watchRemaining) / 1000)
                }
            }
            json.key("checks")
            json.array { json in for check in checks { check.write(to: &json) } }
            json.key("vetoes")
            json.array { json in for alert in vetoes { json.labels(alert) } }
            if let vetoError { json.field("veto_error", vetoError) }
        }
    }

    /// ``write(to:)`` into a fresh buffer.
    public var json: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }
}

extension CheckEvidence {
    /// One check as a JSON object.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("name", name)
            json.field("kind", kind.rawValue)
            json.field("verdict", verdict.rawValue)
            json.key("critical"); json.bool(critical)
            json.field("query", query)
            json.key("value"); optional(value, &json)
            if let threshold {
                json.key("threshold")
                json.object { json in
                    json.field("op", threshold.op)
                    json.key("value"); json.number(threshold.value)
                }
            }
            json.key("for_seconds"); json.number(Double(holdDuration) / 1000)
            json.key("failing_for_seconds"); optional(failingFor.map { Double($0) / 1000 }, &json)
            if let noDataPolicy { json.field("no_data", noDataPolicy.rawValue) }
            if let error { json.field("error", error) }
            json.field("summary", summary)
            if let comparison {
                json.key("comparison")
                comparison.write(to: &json)
            }
        }
    }
}

extension ComparisonEvidence {
    /// A comparison's samples and statistics as a JSON object.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("classification", classification.rawValue)
            json.field("baseline_query", baselineQuery)
            json.key("canary"); sample(canary, mean: canaryMean, &json)
            json.key("baseline"); sample(baseline, mean: baselineMean, &json)
            json.key("mann_whitney_u"); optional(test?.u, &json)
            json.key("z"); optional(test?.z, &json)
            json.key("p_value"); optional(test?.pValue, &json)
            json.key("hodges_lehmann")
            if let shift {
                json.object { json in
                    json.key("estimate"); json.number(shift.estimate)
                    json.key("lower"); json.number(shift.lower)
                    json.key("upper"); json.number(shift.upper)
                    json.key("confidence"); json.number(shift.confidence)
                }
            } else {
                json.null()
            }
            json.key("effect_size"); optional(effectSize, &json)
            json.field("direction", direction.rawValue)
            json.key("confidence"); json.number(confidence)
            json.key("allowed_increase"); json.number(allowedIncrease)
            json.key("allowed_decrease"); json.number(allowedDecrease)
        }
    }

    private func sample(_ values: [Double], mean: Double, _ json: inout JSONWriter) {
        json.object { json in
            json.key("count"); json.integer(values.count)
            json.key("mean"); optional(mean, &json)
            json.key("values"); json.array { json in for value in values { json.number(value) } }
        }
    }
}

/// A number, or null when absent or not finite.
private func optional(_ value: Double?, _ json: inout JSONWriter) {
    if let value, value.isFinite { json.number(value) } else { json.null() }
}
