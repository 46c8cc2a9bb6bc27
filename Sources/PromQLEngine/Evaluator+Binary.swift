// Tollgate — PromQL engine: binary operators and vector matching.

import Foundation
import Model
import PromQL

extension BinaryOperator {
    /// Arithmetic changes what the metric means, so the result loses its name.
    var changesMetricSchema: Bool { [.add, .sub, .mul, .div, .mod, .pow, .atan2].contains(self) }

    /// The float result, and for comparisons whether the pair is kept.
    func apply(_ l: Double, _ r: Double) -> (value: Double, keep: Bool) {
        switch self {
        case .add: (l + r, true)
        case .sub: (l - r, true)
        case .mul: (l * r, true)
        case .div: (l / r, true)
        case .pow: (Foundation.pow(l, r), true)
        case .mod: (fmod(l, r), true)
        case .atan2: (Foundation.atan2(l, r), true)
        case .eql: (l, l == r)
        case .neq: (l, l != r)
        case .gtr: (l, l > r)
        case .lss: (l, l < r)
        case .gte: (l, l >= r)
        case .lte: (l, l <= r)
        case .and, .or, .unless: (l, true)
        case .trimUpper, .trimLower: (0, false)  // defined for native histograms only
        }
    }
}

extension Evaluator {
    func evalBinary(_ b: BinaryExpr, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        let lhs = try eval(b.lhs, window)
        let rhs = try eval(b.rhs, window)
        switch (lhs, rhs) {
        case (.scalar(let l), .scalar(let r)):
            return .scalar(zip(l, r).map { x, y in
                let (v, keep) = b.op.apply(x, y)
                return b.op.isComparison ? (keep ? 1 : 0) : v
            })
        case (.series(let list), .scalar(let s)): return .series(try vectorScalar(b, list, s, scalarOnLeft: false, window))
        case (.scalar(let s), .series(let list)): return .series(try vectorScalar(b, list, s, scalarOnLeft: true, window))
        default: return .series(try vectorVector(b, lhs, rhs, window))
        }
    }

    private func vectorScalar(_ b: BinaryExpr, _ list: [Series], _ scalars: [Double], scalarOnLeft: Bool, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let drop = b.op.changesMetricSchema || b.returnBool
        var out: [Series] = []
        for var s in list {
            var points: [FloatPoint] = []
            points.reserveCapacity(s.points.count)
            for p in s.points {
                let step = Int((p.t - window.start) / window.interval)
                let scalar = step < scalars.count ? scalars[step] : .nan
                let (l, r) = scalarOnLeft ? (scalar, p.v) : (p.v, scalar)
                var (value, keep) = b.op.apply(l, r)
                if b.op.isComparison && scalarOnLeft { value = r }
                if b.returnBool {
                    value = keep ? 1 : 0
                    keep = true
                }
                if keep { points.append(FloatPoint(t: p.t, v: value)) }
            }
            guard !points.isEmpty else { continue }
            s.points = points
            if drop {
                if !delayedNameRemoval { s.labels = s.labels.droppingMetricName }
                s.dropName = true
            }
            out.append(s)
        }
        return delayedNameRemoval || !drop ? out : try mergeSameLabelsets(out)
    }

    /// The matching signature of each series: the `on` labels, or all but the `ignoring`
    /// labels and the name.
    private func signatures(_ list: [Series], _ m: VectorMatching, _ ordinals: inout [Labels: Int]) -> [Int] {
        let names = Set(m.matchingLabels)
        return list.map { s in
            let key = m.on ? s.labels.keeping(names) : s.labels.removing(names.union([metricNameLabel]))
            if let o = ordinals[key] { return o }
            ordinals[key] = ordinals.count
            return ordinals.count - 1
        }
    }

    private func vectorVector(_ b: BinaryExpr, _ lhs: EvalValue, _ rhs: EvalValue, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let matching = b.matching ?? VectorMatching(card: b.op.isSetOperator ? .manyToMany : .oneToOne)
        var ordinals: [Labels: Int] = [:]
        let leftSigs = signatures(lhs.seriesList, matching, &ordinals)
        let rightSigs = signatures(rhs.seriesList, matching, &ordinals)
        let result = try rangeEval(window, [lhs, rhs]) { (t: Int64, _: Int, v: [[StepSample]]) throws(QueryError) -> [StepSample] in
            let l = v[0].map { s in (s, leftSigs[s.series]) }
            let r = v[1].map { s in (s, rightSigs[s.series]) }
            switch b.op {
            case .and:
                guard !l.isEmpty, !r.isEmpty else { return [] }
                let present = Set(r.map(\.1))
                return l.filter { present.contains($0.1) }.map(\.0)
            case .or:
                let present = Set(l.map(\.1))
                return l.map(\.0) + r.filter { !present.contains($0.1) }.map(\.0)
            case .unless:
                let present = Set(r.map(\.1))
                return l.filter { !present.contains($0.1) }.map(\.0)
            default:
                return try self.vectorBinop(b, matching, l, r, t: t)
            }
        }
        return result
    }

    private func vectorBinop(
        _ b: BinaryExpr, _ matching: VectorMatching, _ left: [(StepSample, Int)], _ right: [(StepSample, Int)], t: Int64
    ) throws(QueryError) -> [StepSample] {
        let hasFill = matching.fillLeft != nil || matching.fillRight != nil
        if left.isEmpty && right.isEmpty || ((left.isEmpty || right.isEmpty) && !hasFill) { return [] }
        let swapped = matching.card == .oneToMany
        let (many, one) = swapped ? (right, left) : (left, right)
        var oneBySig: [Int: StepSample] = [:]
        var oneOrder: [Int] = []
        for (s, sig) in one {
            if let duplicate = oneBySig[sig] {
                let side = swapped ? "left" : "right"
                let pair = [s.labels, duplicate.labels].sorted(by: Labels.precedes)
                throw QueryError(
                    .execution,
                    "found duplicate series for the match group \(matchLabels(s.labels, matching).promString) on the \(side) hand-side of the operation: [\(pair[0].promString), \(pair[1].promString)];many-to-many matching not allowed: matching labels must be unique on one side"
                )
            }
            oneBySig[sig] = s
            oneOrder.append(sig)
        }
        var matched: [Int: Set<Labels>] = [:]
        var out: [StepSample] = []
        func combine(_ ms: StepSample, _ os: StepSample, _ sig: Int) throws(QueryError) {
            let (l, r) = swapped ? (os, ms) : (ms, os)
            var (value, keep) = b.op.apply(l.v, r.v)
            if b.returnBool {
                value = keep ? 1 : 0
            }
            var labels = resultLabels(ms.labels, os.labels, b.op, matching)
            if !delayedNameRemoval && b.returnBool { labels = labels.droppingMetricName }
            if matching.card == .oneToOne {
                if matched[sig] != nil {
                    throw QueryError(.execution, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
                matched[sig] = []
            } else {
                if matched[sig]?.contains(labels) == true {
                    throw QueryError(.execution, "multiple matches for labels: grouping labels must ensure unique matches")
                }
                matched[sig, default: []].insert(labels)
            }
            if !keep && !b.returnBool { return }
            out.append(StepSample(labels: labels, v: value, dropName: b.returnBool, series: 0, t: t))
        }
        for (ms, sig) in many {
            if let os = oneBySig[sig] {
                try combine(ms, os, sig)
            } else if let fill = matching.fillRight {
                // As Prometheus does after swapping sides for group_right: fill_right stands in
                // for a missing "one" side, fill_left for a missing "many" side.
                try combine(ms, StepSample(labels: matchLabels(ms.labels, matching), v: fill, dropName: false, series: 0, t: t), sig)
            }
        }
        if let fill = matching.fillLeft {
            for sig in oneOrder where matched[sig] == nil {
                guard let os = oneBySig[sig] else { continue }
                try combine(StepSample(labels: matchLabels(os.labels, matching), v: fill, dropName: false, series: 0, t: t), os, sig)
            }
        }
        return out
    }

    /// The labels a match group is reported with.
    private func matchLabels(_ labels: Labels, _ m: VectorMatching) -> Labels {
        m.on ? labels.keeping(Set(m.matchingLabels)) : labels.removing(Set(m.matchingLabels).union([metricNameLabel]))
    }

    /// The labels of a result element (Prometheus's `resultMetric`).
    private func resultLabels(_ many: Labels, _ one: Labels, _ op: BinaryOperator, _ m: VectorMatching) -> Labels {
        var labels = op.changesMetricSchema ? many.droppingMetricName : many
        if m.card == .oneToOne {
            labels = m.on ? labels.keeping(Set(m.matchingLabels)) : labels.removing(Set(m.matchingLabels))
        }
        for name in m.include {
            labels = labels.setting(name, one.value(name))
        }
        return labels
    }
}
