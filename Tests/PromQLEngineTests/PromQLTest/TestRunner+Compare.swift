// Tollgate — promqltest files: comparing results and annotations with the expectations.

import Model
import PromQLEngine

extension TestRunner {
    /// Prometheus's test comparison: StaleNaN only equals StaleNaN, NaN equals NaN, else a
    /// relative tolerance (exact against zero).
    static func almostEqual(_ expected: Double, _ actual: Double) -> Bool {
        let stale: UInt64 = 0x7FF0_0000_0000_0002
        if expected.bitPattern == stale || actual.bitPattern == stale { return expected.bitPattern == actual.bitPattern }
        if expected.isNaN && actual.isNaN { return true }
        if expected == actual { return true }
        let minNormal = Double.leastNormalMagnitude
        let sum = abs(expected) + abs(actual), diff = abs(expected - actual)
        if expected == 0 || actual == 0 || sum < minNormal { return diff < epsilon * minNormal }
        return diff / min(sum, .greatestFiniteMagnitude) < epsilon
    }

    func checkAnnotations(_ eval: EvalCommand, _ annotations: Annotations) -> String? {
        for (kind, actual, expectations, any, none) in [
            ("warning", annotations.warnings, eval.warns, eval.anyWarn, eval.noWarn),
            ("info", annotations.infos, eval.infos, eval.anyInfo, eval.noInfo),
        ] {
            if any && actual.isEmpty { return "expected a \(kind), got none" }
            if none && !actual.isEmpty { return "expected no \(kind), got \(actual)" }
            guard !expectations.isEmpty else { continue }
            if actual.isEmpty { return "expected a \(kind), got none" }
            for e in expectations where !actual.contains(where: e.matches) { return "no \(kind) matches \(e); got \(actual)" }
            for a in actual where !expectations.contains(where: { $0.matches(a) }) { return "unexpected \(kind) \"\(a)\"" }
        }
        return nil
    }

    func compareInstant(_ eval: EvalCommand, _ value: QueryValue) -> String? {
        switch value {
        case .string(_, let s):
            guard let expected = eval.string else { return "got string \"\(s)\", expected no string" }
            return expected == s ? nil : "got string \"\(s)\", expected \"\(expected)\""
        case .scalar(_, let v):
            guard let expected = eval.scalar else { return "got scalar \(v), expected series" }
            return Self.almostEqual(expected, v) ? nil : "got scalar \(v), expected \(expected)"
        case .matrix(let m):
            guard let range = eval.rangeVector else { return "got a range vector, expected an instant result" }
            return compareMatrix(eval, m, start: range.start, step: range.step)
        case .vector(let samples):
            if eval.scalar != nil { return "got a vector, expected a scalar" }
            if eval.string != nil || eval.rangeVector != nil { return "got a vector" }
            for (index, sample) in samples.enumerated() {
                guard let expected = eval.series.first(where: { $0.labels == sample.labels }) else {
                    return "unexpected series \(sample.labels) \(sample.v)"
                }
                guard let first = expected.values.first, let value = first else { return "expected no value for \(sample.labels)" }
                if !Self.almostEqual(value, sample.v) { return "\(sample.labels): got \(sample.v), expected \(value)" }
                if eval.ordered && expected.position != index + 1 {
                    return "\(sample.labels) at position \(index + 1), expected at \(expected.position)"
                }
            }
            for expected in eval.series where !samples.contains(where: { $0.labels == expected.labels }) {
                return "missing series \(expected.labels)"
            }
            return nil
        }
    }

    func compareMatrix(_ eval: EvalCommand, _ matrix: [RangeSeries], start: Int64, step: Int64) -> String? {
        if let problem = Self.checkSorted(matrix) { return problem }
        if eval.ordered { return "expect ordered is not possible for a matrix" }
        if eval.scalar != nil { return "got a matrix, expected a scalar" }
        for s in matrix {
            guard let expected = eval.series.first(where: { $0.labels == s.labels }) else { return "unexpected series \(s.labels)" }
            let points = expected.values.enumerated().compactMap { i, v in v.map { FloatPoint(t: start + Int64(i) * step, v: $0) } }
            if points.count != s.points.count {
                return "\(s.labels): got \(s.points.count) points \(s.points.map { "\($0.v)@\($0.t)" }), expected \(points.count)"
            }
            for (e, a) in zip(points, s.points) {
                if e.t != a.t { return "\(s.labels): point at \(a.t), expected at \(e.t)" }
                if !Self.almostEqual(e.v, a.v) { return "\(s.labels) at \(a.t): got \(a.v), expected \(e.v)" }
            }
        }
        for expected in eval.series where !matrix.contains(where: { $0.labels == expected.labels }) {
            return "missing series \(expected.labels)"
        }
        return nil
    }

    static func checkSorted(_ matrix: [RangeSeries]) -> String? {
        for i in matrix.indices.dropFirst() where !Labels.precedes(matrix[i - 1].labels, matrix[i].labels) {
            return "matrix not sorted: \(matrix[i - 1].labels) before \(matrix[i].labels)"
        }
        return nil
    }
}
