// Tollgate — Guards: measuring one check (threshold or comparison) and settling its verdict.

import Model
import Rules
import TollgateConfig

extension GuardEvaluator {
    /// What a check measured, before the no-data policy and `for` apply.
    struct Measurement {
        enum Outcome {
            case within
            case outside(String)  // "0.034 > 0.01", "higher on the canary: …"
            case nodata
            case error(String)
        }

        var outcome: Outcome
        var kind: CheckEvidence.Kind
        var query: String
        var value: Double?
        var threshold: (op: String, value: Double)?
        var comparison: ComparisonEvidence?
    }

    /// Runs a check's query (or queries) at `time`.
    func measure(_ check: GuardCheckSpec, guard spec: GuardSpec, parameters: GuardParameters, at time: Int64) async -> Measurement {
        let window = spec.window.description
        switch check.kind {
        case .threshold(let threshold):
            let text = parameters.substitute(in: threshold.expr, window: window)
            var measurement = Measurement(outcome: .nodata, kind: .threshold, query: text)
            let values: [Double]
            do {
                values = try await query(text, time).map(\.value).filter { !$0.isNaN }
            } catch {
                measurement.outcome = .error("query failed: \(error)")
                return measurement
            }
            guard let highest = values.max(), let lowest = values.min() else { return measurement }
            if let max = threshold.max, highest > max {
                (measurement.value, measurement.threshold) = (highest, (">", max))
                measurement.outcome = .outside("\(GuardText.number(highest)) > \(GuardText.number(max))")
            } else if let min = threshold.min, lowest < min {
                (measurement.value, measurement.threshold) = (lowest, ("<", min))
                measurement.outcome = .outside("\(GuardText.number(lowest)) < \(GuardText.number(min))")
            } else if let max = threshold.max {
                (measurement.value, measurement.threshold) = (highest, (">", max))
                measurement.outcome = .within
            } else {
                (measurement.value, measurement.threshold) = (lowest, ("<", threshold.min ?? .nan))
                measurement.outcome = .within
            }
            return measurement
        case .comparison(let comparison):
            let canaryQuery = parameters.substitute(in: comparison.expr, v: parameters.version, window: window)
            var measurement = Measurement(outcome: .nodata, kind: .comparison, query: canaryQuery)
            guard let baselineVersion = parameters.baseline, !baselineVersion.isEmpty else {
                measurement.outcome = .error("a comparison needs the baseline version")
                return measurement
            }
            let baselineQuery = parameters.substitute(in: comparison.expr, v: baselineVersion, window: window)
            let start = time - spec.window.milliseconds, step = comparison.step.milliseconds
            let canary: [Double], baseline: [Double]
            do {
                canary = try await rangeQuery(canaryQuery, start, time, step).flatMap { $0.points.map(\.v) }.filter(\.isFinite)
                baseline = try await rangeQuery(baselineQuery, start, time, step).flatMap { $0.points.map(\.v) }.filter(\.isFinite)
            } catch {
                measurement.outcome = .error("query failed: \(error)")
                return measurement
            }
            guard let evidence = CanaryJudge.compare(canary: canary, baseline: baseline, baselineQuery: baselineQuery, comparison: comparison) else {
                return measurement
            }
            measurement.comparison = evidence
            measurement.value = evidence.canaryMean
            switch evidence.classification {
            case .pass: measurement.outcome = .within
            case .high, .low: measurement.outcome = .outside(Self.describe(evidence))
            }
            return measurement
        }
    }

    /// "higher on the canary: mean 0.52 vs 0.2 (×2.6), shift +0.31 in [0.29, 0.33] at 98%, p=1.2e-08".
    static func describe(_ evidence: ComparisonEvidence) -> String {
        var text = "\(evidence.classification == .high ? "higher" : "lower") on the canary: mean \(GuardText.number(evidence.canaryMean))"
        text += " vs \(GuardText.number(evidence.baselineMean))"
        if !evidence.effectSize.isNaN { text += " (×\(GuardText.number(evidence.effectSize)))" }
        if let shift = evidence.shift {
            text += ", shift \(shift.estimate >= 0 ? "+" : "")\(GuardText.number(shift.estimate)) in [\(GuardText.number(shift.lower)), \(GuardText.number(shift.upper))]"
            text += " at \(GuardText.number(shift.confidence * 100))%"
        }
        if let p = evidence.test?.pValue, !p.isNaN { text += ", p=\(GuardText.number(p))" }
        return text
    }

    /// The check's evidence: the measurement with the no-data policy and `for` applied.
    func settle(_ measurement: Measurement, check: GuardCheckSpec, policy: NoDataPolicy, at time: Int64, state: inout GuardState) -> CheckEvidence {
        let hold = check.holdDuration.milliseconds
        var evidence = CheckEvidence(
            name: check.name, kind: measurement.kind, verdict: .pass, critical: check.critical, query: measurement.query, holdDuration: hold, summary: "")
        evidence.value = measurement.value
        evidence.threshold = measurement.threshold
        evidence.comparison = measurement.comparison
        /// A failure, with `for` applied.
        func fail(_ what: String) {
            let since = state.failing(check.name, at: time)
            let lasted = time - since
            evidence.failingFor = lasted
            if lasted < hold {
                evidence.verdict = .breaching
                evidence.summary = "\(check.name) \(what) for \(GuardText.duration(lasted)) of \(GuardText.duration(hold))"
            } else {
                evidence.verdict = .fail
                evidence.summary = "\(check.name) \(what)" + (lasted > 0 || hold > 0 ? " for \(GuardText.duration(lasted))" : "")
            }
        }
        switch measurement.outcome {
        case .within:
            state.clear(check.name)
            evidence.verdict = .pass
            if let value = measurement.value, let threshold = measurement.threshold {
                let op = threshold.op == ">" ? "≤" : "≥"
                evidence.summary = "\(check.name) \(GuardText.number(value)) \(op) \(GuardText.number(threshold.value))"
            } else {
                evidence.summary = "\(check.name): the canary is not worse than the baseline"
            }
        case .outside(let what):
            fail(what)
        case .nodata:
            evidence.noDataPolicy = policy
            if policy == .fail {
                fail("has no data (no_data: fail)")
                if evidence.verdict == .fail { evidence.verdict = .nodata }
            } else {
                state.clear(check.name)
                evidence.verdict = .nodata
                evidence.summary = "\(check.name) has no data (no_data: \(policy.rawValue))"
            }
        case .error(let message):
            state.clear(check.name)
            evidence.verdict = .error
            evidence.error = message
            evidence.summary = "\(check.name): \(message)"
        }
        return evidence
    }
}
