// Tollgate — PromQL engine: which series a query needs, fetched before evaluation.
//
// Storage is asynchronous and evaluation is not, so a query first walks its syntax tree,
// works out every selector's time range as Prometheus's `FindMinMaxTime` does (offsets,
// `@`, subquery ranges and the lookback delta included), and fetches each selector once.

import Model
import PromQL
import Storage

/// Identifies a selector in a query: where it was written, and what it matches.
struct SelectorKey: Hashable, Sendable {
    let start: Int
    let end: Int
    let matchers: String

    init(_ s: VectorSelector) {
        start = s.position.start
        end = s.position.end
        matchers = s.matchers.map(\.description).joined(separator: ",")
    }
}

/// One stored series: every sample, and the samples without stale markers.
struct StoredSeries: Sendable {
    let labels: Labels
    let points: [FloatPoint]
    /// `points` without stale markers: what range selectors see.
    let live: [FloatPoint]

    init(labels: Labels, timestamps: [Int64], values: [Double]) {
        self.labels = labels
        var points: [FloatPoint] = []
        points.reserveCapacity(timestamps.count)
        var stale = false
        for (t, v) in zip(timestamps, values) {
            points.append(FloatPoint(t: t, v: v))
            stale = stale || v.isStaleMarker
        }
        self.points = points
        live = stale ? points.filter { !$0.v.isStaleMarker } : points
    }
}

/// The fetched series of every selector of one query.
struct SelectorData: Sendable {
    private(set) var series: [SelectorKey: [StoredSeries]] = [:]

    subscript(_ s: VectorSelector) -> [StoredSeries] { series[SelectorKey(s)] ?? [] }

    /// Fetches what `expr`, evaluated over `[start, end]`, needs.
    static func fetch(
        _ expr: Expr, start: Int64, end: Int64, options: EngineOptions, from queryable: any Queryable
    ) async throws(QueryError) -> SelectorData {
        var plan = Plan(lookback: options.lookbackDelta, defaultStep: options.defaultSubqueryStep)
        plan.collect(expr, start: start, end: end)
        var data = SelectorData()
        for (key, request) in plan.requests {
            do {
                let found = try await queryable.select(request.matchers, minTime: request.minT, maxTime: request.maxT)
                data.series[key] = found.map { StoredSeries(labels: $0.labels, timestamps: $0.timestamps, values: $0.values) }
            } catch {
                throw QueryError(.internal, "expanding series: \(error)")
            }
        }
        return data
    }

    /// Time ranges per selector; a selector met twice gets the union.
    struct Plan {
        struct Request {
            var matchers: [LabelMatcher]
            var minT: Int64
            var maxT: Int64
        }
        let lookback: Int64
        let defaultStep: Int64
        var requests: [SelectorKey: Request] = [:]

        mutating func collect(_ expr: Expr, start: Int64, end: Int64) {
            switch expr {
            case .number, .string: break
            case .vectorSelector(let s): add(s, start: start, end: end, before: lookback, after: s.smoothed ? lookback : 0)
            case .matrixSelector(let m):
                let extra = m.selector.anchored || m.selector.smoothed ? lookback : 0
                add(m.selector, start: start, end: end, before: (m.range.literalMilliseconds ?? 0) + extra, after: m.selector.smoothed ? lookback : 0)
            case .subquery(let q):
                let offset = q.offset?.literalMilliseconds ?? 0
                let range = q.range.literalMilliseconds ?? 0
                let (s, e) = Self.base(q.at, start, end)
                collect(q.expr, start: s - offset - range, end: e - offset)
            case .call(let c): for arg in c.args { collect(arg, start: start, end: end) }
            case .aggregate(let a):
                if let p = a.param { collect(p, start: start, end: end) }
                collect(a.expr, start: start, end: end)
            case .binary(let b):
                collect(b.lhs, start: start, end: end)
                collect(b.rhs, start: start, end: end)
            case .unary(let u): collect(u.expr, start: start, end: end)
            case .paren(let p): collect(p.expr, start: start, end: end)
            }
        }

        private mutating func add(_ s: VectorSelector, start: Int64, end: Int64, before: Int64, after: Int64) {
            let offset = s.offset?.literalMilliseconds ?? 0
            let (from, to) = Self.base(s.at, start, end)
            let minT = from - offset - before, maxT = to - offset + after
            let key = SelectorKey(s)
            if var existing = requests[key] {
                existing.minT = min(existing.minT, minT)
                existing.maxT = max(existing.maxT, maxT)
                requests[key] = existing
            } else {
                requests[key] = Request(matchers: s.matchers, minT: minT, maxT: maxT)
            }
        }

        private static func base(_ at: AtModifier?, _ start: Int64, _ end: Int64) -> (Int64, Int64) {
            if case .timestamp(let t) = at { return (t, t) }
            return (start, end)
        }
    }
}
