// Tollgate — PromQL engine: instant selectors, range selectors and subqueries.

import Model
import PromQL

/// The series a range-vector argument provides, and how each step's window is cut from them.
struct RangeSource {
    struct Item {
        var labels: Labels
        var points: [FloatPoint]
        var dropName: Bool
    }
    var items: [Item]
    var range: Int64
    var offset: Int64
    var at: Int64?
    var anchored = false
    var smoothed = false

    /// The window end for a step: `(at ?? t) - offset`; the window is `(end - range, end]`.
    func windowEnd(_ t: Int64) -> Int64 { (at ?? t) - offset }
}

extension AtModifier {
    /// The resolved timestamp (`start()`/`end()` are resolved before evaluation).
    var milliseconds: Int64? {
        if case .timestamp(let t) = self { return t }
        return nil
    }
}

extension Evaluator {
    /// An instant selector over the window: at each step the newest sample in
    /// `(ref - lookback, ref]`, unless it is a stale marker. With `timestamps`, the value
    /// is the sample's own timestamp in seconds (for `timestamp()`).
    func evalVectorSelector(_ s: VectorSelector, _ window: EvalWindow, timestamps: Bool = false) throws(QueryError) -> [Series] {
        if s.smoothed && !timestamps { return try evalSmoothedSelector(s, window) }
        let stored = data[s]
        let offset = s.offset?.literalMilliseconds ?? 0, at = s.at?.milliseconds, lookback = options.lookbackDelta
        let interrupt = interrupt
        let result = try Self.inShares(stored.count, minimum: 256) { share throws(QueryError) in
            try Self.selectorSteps(stored[share], window, offset: offset, at: at, lookback: lookback, timestamps: timestamps, interrupt)
        }.flatMap { $0 }
        try checkInterruptNow()
        try hold(result.reduce(0) { $0 + $1.points.count })
        return result
    }

    /// The steps of an instant selector over some of its series (see `evalVectorSelector`).
    private static func selectorSteps(
        _ stored: ArraySlice<StoredSeries>, _ window: EvalWindow, offset: Int64, at: Int64?, lookback: Int64, timestamps: Bool,
        _ interrupt: Interrupt
    ) throws(QueryError) -> [Series] {
        var result: [Series] = []
        for one in stored {
            try interrupt.check()
            let points = one.points
            var out: [FloatPoint] = []
            out.reserveCapacity(window.stepCount)
            // `cursor` is the first sample after the step's reference time; steps only move forward.
            var cursor = firstIndex(points, after: (at ?? window.start) - offset)
            for step in 0..<window.stepCount {
                let t = window.time(step)
                let ref = (at ?? t) - offset
                if at == nil { while cursor < points.count && points[cursor].t <= ref { cursor += 1 } }
                guard cursor > 0 else { continue }
                let p = points[cursor - 1]
                guard p.t > ref - lookback, !p.v.isStaleMarker else { continue }
                out.append(FloatPoint(t: t, v: timestamps ? Double(p.t) / 1000 : p.v))
            }
            if !out.isEmpty { result.append(Series(labels: one.labels, points: out)) }
        }
        return result
    }

    /// A range selector evaluated once (an instant query whose result is a range vector).
    func rangeSelectorWindows(_ m: MatrixSelector, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let source = matrixSource(m)
        let end = source.windowEnd(window.start)
        var result: [Series] = []
        for item in source.items {
            let slice = Self.window(item.points, after: end - source.range, upTo: end)
            if !slice.isEmpty {
                try hold(slice.count)
                result.append(Series(labels: item.labels, points: Array(slice)))
            }
        }
        return result
    }

    /// The source of a range-vector argument: a range selector or a subquery (parentheses unwrapped).
    func rangeSource(_ expr: Expr, _ window: EvalWindow) throws(QueryError) -> RangeSource? {
        switch expr {
        case .paren(let p): return try rangeSource(p.expr, window)
        case .matrixSelector(let m): return matrixSource(m)
        case .subquery(let q):
            let evaluated = try evalSubquery(q, window)
            return RangeSource(
                items: evaluated.series.map { RangeSource.Item(labels: $0.labels, points: $0.points, dropName: $0.dropName) },
                range: q.range.literalMilliseconds ?? 0, offset: q.offset?.literalMilliseconds ?? 0, at: q.at?.milliseconds)
        default: return nil
        }
    }

    func matrixSource(_ m: MatrixSelector) -> RangeSource {
        RangeSource(
            items: data[m.selector].map { RangeSource.Item(labels: $0.labels, points: $0.live, dropName: false) },
            range: m.range.literalMilliseconds ?? 0, offset: m.selector.offset?.literalMilliseconds ?? 0,
            at: m.selector.at?.milliseconds, anchored: m.selector.anchored, smoothed: m.selector.smoothed)
    }

    /// Evaluates a subquery's inner expression at its own steps (Prometheus aligns the first
    /// step to a multiple of the step, strictly after `start - offset - range`).
    func evalSubquery(_ q: SubqueryExpr, _ window: EvalWindow) throws(QueryError) -> (series: [Series], window: EvalWindow) {
        let offset = q.offset?.literalMilliseconds ?? 0
        let range = q.range.literalMilliseconds ?? 0
        let step = max(q.step?.literalMilliseconds ?? options.defaultSubqueryStep, 1)
        let baseStart = q.at?.milliseconds ?? window.start
        let baseEnd = q.at?.milliseconds ?? window.end
        let lower = baseStart - offset - range
        var start = step * (lower / step)
        if start <= lower { start += step }
        let inner = EvalWindow(start: start, end: baseEnd - offset, interval: step)
        switch try eval(q.expr, inner) {
        case .series(let list): return (list, inner)
        case .scalar(let values):
            let points = values.indices.map { FloatPoint(t: inner.time($0), v: values[$0]) }
            return (points.isEmpty ? [] : [Series(labels: Labels(), points: points)], inner)
        case .string: return ([], inner)
        }
    }

    /// The points with `after < t <= upTo`.
    static func window(_ points: [FloatPoint], after lower: Int64, upTo upper: Int64) -> ArraySlice<FloatPoint> {
        let from = firstIndex(points, after: lower)
        let to = firstIndex(points, after: upper)
        return from < to ? points[from..<to] : []
    }

    /// The index of the first point with `t > bound`.
    static func firstIndex(_ points: [FloatPoint], after bound: Int64) -> Int {
        var low = 0, high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid].t <= bound { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
