// Tollgate — PromQL engine: topk, bottomk, limitk and limit_ratio.

import Model
import PromQL

extension Evaluator {
    func aggregateK(_ a: AggregateExpr, _ params: [Double], _ input: [Series], _ grouping: Set<String>, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let isRatio = a.op == .limitRatio
        if isRatio {
            if (params.max() ?? 0) == 0 && (params.min() ?? 0) == 0 { return [] }
            if params.contains(where: \.isNaN) { throw QueryError(.execution, "Ratio value is NaN") }
            if let m = params.max(), m > 1, let p = a.param { annotate(.invalidRatio(m, cappedTo: 1, p.position)) }
            if let m = params.min(), m < -1, let p = a.param { annotate(.invalidRatio(m, cappedTo: -1, p.position)) }
        } else {
            if (params.max() ?? 0) < 1 { return [] }
            if params.contains(where: \.isNaN) { throw QueryError(.execution, "Parameter value is NaN") }
            if let m = params.min(), m <= -9.223372036854775808e18 { throw QueryError(.execution, "Scalar value \(formatG(m)) underflows int64") }
            if let m = params.max(), m >= 9.223372036854775807e18 { throw QueryError(.execution, "Scalar value \(formatG(m)) overflows int64") }
        }
        var seriesGroup: [Int] = []
        var groupIndex: [Labels: Int] = [:]
        for s in input {
            let key = Self.groupingKey(s.labels, grouping, without: a.without)
            if groupIndex[key] == nil { groupIndex[key] = groupIndex.count }
            seriesGroup.append(groupIndex[key] ?? 0)
        }
        let hashes = isRatio ? input.map { Double(XXHash64.hash($0.labels)) / Double(UInt64.max) } : []
        var collector = SeriesCollector(instant: window.isInstant, instantDuplicatesAreErrors: false)
        var cursors = [Int](repeating: 0, count: input.count)
        for step in 0..<window.stepCount {
            try checkInterrupt()
            let t = window.time(step)
            let param = step < params.count ? params[step] : .nan
            var members = [[(series: Int, v: Double)]](repeating: [], count: groupIndex.count)
            for (si, s) in input.enumerated() {
                let c = cursors[si]
                guard c < s.points.count, s.points[c].t == t else { continue }
                cursors[si] = c + 1
                members[seriesGroup[si]].append((si, s.points[c].v))
            }
            for group in members where !group.isEmpty {
                for m in Self.select(a.op, param, group, hashes) {
                    try collector.add(input[m.series].labels, t: t, v: m.v, dropName: input[m.series].dropName)
                }
            }
        }
        var result = collector.series
        if !window.isInstant { result.sort { Labels.precedes($0.labels, $1.labels) } }
        return result
    }

    /// The members of one group that the operator keeps at one step, in output order.
    private static func select(_ op: AggregateOp, _ param: Double, _ group: [(series: Int, v: Double)], _ hashes: [Double])
        -> [(series: Int, v: Double)]
    {
        switch op {
        case .limitRatio:
            let r = max(-1, min(1, param))
            if r == 0 { return [] }
            return group.filter { m in
                let offset = hashes[m.series]
                return (r >= 0 && offset < r) || (r < 0 && offset >= 1 + r)
            }
        default:
            let k = min(Int(param.rounded(.towardZero)), group.count)
            guard k >= 1 else { return [] }
            switch op {
            case .topk: return Array(stableSorted(group) { a, b in !a.isNaN && (b.isNaN || a > b) }.prefix(k))
            case .bottomk: return Array(stableSorted(group) { a, b in !a.isNaN && (b.isNaN || a < b) }.prefix(k))
            default: return Array(group.prefix(k))
            }
        }
    }

    private static func stableSorted(_ group: [(series: Int, v: Double)], _ before: (Double, Double) -> Bool) -> [(series: Int, v: Double)] {
        group.enumerated().sorted { x, y in
            if before(x.element.v, y.element.v) { return true }
            if before(y.element.v, x.element.v) { return false }
            return x.offset < y.offset
        }.map(\.element)
    }
}
