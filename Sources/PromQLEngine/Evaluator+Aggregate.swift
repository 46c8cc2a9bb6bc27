// Tollgate — PromQL engine: aggregation operators.

import Model
import PromQL

/// The running state of one output group at one step.
private struct Group {
    var seen = false
    var value = 0.0
    var mean = 0.0
    var kahanC = 0.0
    var count = 0.0
    var incrementalMean = false
    var dropName = false
}

extension Evaluator {
    func evalAggregate(_ a: AggregateExpr, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        let grouping = Set(a.grouping)
        if a.op == .countValues { return .series(try countValues(a, grouping, window)) }
        var params: [Double] = []
        if let p = a.param { params = try eval(p, window).scalars }
        let input = try eval(a.expr, window).seriesList
        switch a.op {
        case .topk, .bottomk, .limitk, .limitRatio: return .series(try aggregateK(a, params, input, grouping, window))
        default: break
        }
        if a.op == .quantile {
            if params.contains(where: \.isNaN), let p = a.param { annotate(.invalidQuantile(.nan, p.position)) }
            if let m = params.max(), m > 1, let p = a.param { annotate(.invalidQuantile(m, p.position)) }
            if let m = params.min(), m < 0, let p = a.param { annotate(.invalidQuantile(m, p.position)) }
        }

        // Map each input series to its output group once.
        var groupIndex: [Labels: Int] = [:]
        var groupLabels: [Labels] = []
        var seriesGroup: [Int] = []
        seriesGroup.reserveCapacity(input.count)
        for s in input {
            let key = Self.groupingKey(s.labels, grouping, without: a.without)
            if let i = groupIndex[key] {
                seriesGroup.append(i)
            } else {
                groupIndex[key] = groupLabels.count
                seriesGroup.append(groupLabels.count)
                groupLabels.append(key)
            }
        }
        let steps = window.stepCount
        var outputs = groupLabels.map { Series(labels: $0, points: []) }
        if a.op == .quantile {
            try quantileByStep(input, seriesGroup, params, window, &outputs)
        } else if groupLabels.count * steps <= 1 << 22 {
            // Series by series into one state per group and step: each input is read once, in order.
            var states = [Group](repeating: Group(), count: groupLabels.count * steps)
            for si in input.indices {
                try checkInterrupt()
                let base = seriesGroup[si] * steps, drop = input[si].dropName
                for p in input[si].points {
                    try checkInterrupt()
                    Self.accumulate(&states[base + Int((p.t - window.start) / window.interval)], a.op, p.v, dropName: drop)
                }
            }
            for gi in outputs.indices {
                for step in 0..<steps where states[gi * steps + step].seen {
                    let g = states[gi * steps + step]
                    outputs[gi].points.append(FloatPoint(t: window.time(step), v: Self.finish(g, a.op)))
                    outputs[gi].dropName = g.dropName
                }
            }
        } else {
            // Too many groups × steps to hold at once: step by step.
            var groups = [Group](repeating: Group(), count: groupLabels.count)
            var cursors = [Int](repeating: 0, count: input.count)
            for step in 0..<steps {
                try checkInterrupt()
                let t = window.time(step)
                for i in groups.indices { groups[i].seen = false }
                for si in input.indices {
                    let c = cursors[si]
                    guard c < input[si].points.count, input[si].points[c].t == t else { continue }
                    cursors[si] = c + 1
                    Self.accumulate(&groups[seriesGroup[si]], a.op, input[si].points[c].v, dropName: input[si].dropName)
                }
                for (gi, g) in groups.enumerated() where g.seen {
                    outputs[gi].points.append(FloatPoint(t: t, v: Self.finish(g, a.op)))
                    outputs[gi].dropName = g.dropName
                }
            }
        }
        let result = outputs.filter { !$0.points.isEmpty }
        try hold(result.reduce(0) { $0 + $1.points.count })
        return .series(result)
    }

    /// quantile: the values of each group at each step, then the quantile of each.
    private func quantileByStep(_ input: [Series], _ seriesGroup: [Int], _ params: [Double], _ window: EvalWindow, _ outputs: inout [Series]) throws(QueryError) {
        var values = [[Double]](repeating: [], count: outputs.count)
        var drop = [Bool](repeating: false, count: outputs.count)
        var cursors = [Int](repeating: 0, count: input.count)
        for step in 0..<window.stepCount {
            try checkInterrupt()
            let t = window.time(step)
            for i in values.indices {
                values[i].removeAll(keepingCapacity: true)
                drop[i] = false
            }
            for si in input.indices {
                let c = cursors[si]
                guard c < input[si].points.count, input[si].points[c].t == t else { continue }
                cursors[si] = c + 1
                values[seriesGroup[si]].append(input[si].points[c].v)
                if input[si].dropName { drop[seriesGroup[si]] = true }
            }
            let q = step < params.count ? params[step] : .nan
            for gi in values.indices where !values[gi].isEmpty {
                outputs[gi].points.append(FloatPoint(t: t, v: quantile(q, values[gi])))
                outputs[gi].dropName = drop[gi]
            }
        }
    }

    /// The labels of a series' group: `by` keeps the listed labels, `without` drops them and the name.
    static func groupingKey(_ labels: Labels, _ grouping: Set<String>, without: Bool) -> Labels {
        if without { return labels.removing(grouping.union([metricNameLabel])) }
        return grouping.isEmpty ? Labels() : labels.keeping(grouping)
    }

    private static func accumulate(_ g: inout Group, _ op: AggregateOp, _ f: Double, dropName: Bool) {
        if !g.seen {
            g = Group(seen: true, value: f, mean: f, count: 1, dropName: dropName)
            switch op {
            case .stddev, .stdvar: g.value = f.isNaN || f.isInfinite ? .nan : 0
            case .group: g.value = 1
            default: break
            }
            return
        }
        if dropName { g.dropName = true }
        switch op {
        case .sum: (g.value, g.kahanC) = kahanInc(f, g.value, g.kahanC)
        case .avg:
            g.count += 1
            if !g.incrementalMean {
                let (v, c) = kahanInc(f, g.value, g.kahanC)
                if !v.isInfinite {
                    (g.value, g.kahanC) = (v, c)
                    return
                }
                g.incrementalMean = true
                g.mean = g.value / (g.count - 1)
                g.kahanC /= g.count - 1
            }
            let q = (g.count - 1) / g.count
            (g.mean, g.kahanC) = kahanInc(f / g.count, q * g.mean, q * g.kahanC)
        case .max: if g.value < f || g.value.isNaN { g.value = f }
        case .min: if g.value > f || g.value.isNaN { g.value = f }
        case .count: g.count += 1
        case .stddev, .stdvar:
            g.count += 1
            let delta = f - g.mean
            g.mean += delta / g.count
            g.value += delta * (f - g.mean)
        default: break
        }
    }

    private static func finish(_ g: Group, _ op: AggregateOp) -> Double {
        switch op {
        case .avg: g.incrementalMean ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count
        case .count: g.count
        case .stdvar: g.value / g.count
        case .stddev: (g.value / g.count).squareRoot()
        case .sum: g.value + g.kahanC
        default: g.value
        }
    }

    // MARK: - count_values

    private func countValues(_ a: AggregateExpr, _ grouping: Set<String>, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let label = a.param?.stringValue ?? ""
        guard LabelNames.isValid(label), a.param?.isValidLabelName ?? false else { throw QueryError(.execution, "invalid label name \(goQuote(label))") }
        var grouping = grouping
        if !a.without { grouping.insert(label) }
        let input = try eval(a.expr, window)
        return try rangeEval(window, [input]) { (t: Int64, _: Int, vectors: [[StepSample]]) throws(QueryError) -> [StepSample] in
            var order: [Labels] = []
            var counts: [Labels: Int] = [:]
            for s in vectors[0] {
                let withValue = s.labels.setting(label, GoFloat.formatF(s.v))
                let key = Self.groupingKey(withValue, grouping, without: a.without)
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += 1
            }
            return order.map { StepSample(labels: $0, v: Double(counts[$0] ?? 0), dropName: false, series: 0, t: t) }
        }
    }
}

/// Label-name validity (UTF-8 names are valid in Prometheus 3, but not the empty name).
enum LabelNames {
    static func isValid(_ name: String) -> Bool { !name.isEmpty }
}
