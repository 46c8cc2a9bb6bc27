// Tollgate — PromQL engine: the evaluator, one per query.
//
// The structure follows Prometheus's promql/engine.go: every node is evaluated once over the
// whole window (all steps of a range query), producing series with one point per step, and
// operators combine their inputs step by step (`rangeEval`).

import Model
import PromQL

/// Evaluates one query over prefetched series data. Not shared between tasks.
final class Evaluator {
    let options: EngineOptions
    let data: SelectorData
    let deadline: ContinuousClock.Instant
    /// Set when the query's task is cancelled (the client went away): evaluation runs on a
    /// thread of its own, where the task's cancellation is not visible.
    let cancellation: CancellationFlag
    /// The query's own start, end and step (0 for an instant query), for `start()`, `end()`,
    /// `range()` and `step()`.
    let query: (start: Int64, end: Int64, step: Int64)
    /// Warnings and infos raised so far.
    var annotations: [Annotation] = []
    /// Samples held in intermediate results, for the `maxSamples` limit.
    var currentSamples = 0
    private var checks = 0

    init(
        options: EngineOptions, data: SelectorData, deadline: ContinuousClock.Instant, query: (start: Int64, end: Int64, step: Int64),
        cancellation: CancellationFlag = CancellationFlag()
    ) {
        self.options = options
        self.query = query
        self.data = data
        self.deadline = deadline
        self.cancellation = cancellation
    }

    /// The deadline and cancellation, for work in shares.
    var interrupt: Interrupt { Interrupt(deadline: deadline, cancellation: cancellation) }

    var delayedNameRemoval: Bool { options.delayedNameRemoval }

    // MARK: - Limits

    /// Throws when the query ran out of time or was cancelled; cheap enough for inner loops.
    func checkInterrupt() throws(QueryError) {
        checks &+= 1
        guard checks & 0xFF == 0 else { return }
        try checkInterruptNow()
    }

    /// Throws when the query ran out of time or was cancelled.
    func checkInterruptNow() throws(QueryError) { try interrupt.check() }

    /// `body` over contiguous shares of `0..<count`, on several cores when each share gets at
    /// least `minimum` items (`Parallel`); the shares' results in order. Bodies see only what
    /// they capture, never the evaluator: limits and annotations are applied afterwards.
    static func inShares<R: Sendable>(
        _ count: Int, minimum: Int, _ body: @Sendable (Range<Int>) throws(QueryError) -> R
    ) throws(QueryError) -> [R] {
        let shares = Parallel.shares(count, minimum: minimum)
        let parts = Parallel.map(shares.count) { share in Result { () throws(QueryError) in try body(shares[share]) } }
        return try parts.map { part throws(QueryError) in try part.get() }
    }

    /// Accounts for `n` more samples held in memory.
    func hold(_ n: Int) throws(QueryError) {
        currentSamples += n
        if currentSamples > options.maxSamples { throw QueryError.tooManySamples }
    }

    func release(_ n: Int) { currentSamples -= n }

    func annotate(_ annotation: Annotation) { annotations.append(annotation) }

    // MARK: - Dispatch

    func eval(_ expr: Expr, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        try checkInterruptNow()
        if window.end < window.start { return .series([]) }
        switch expr {
        case .number(let n): return .scalar(Array(repeating: n.value, count: window.stepCount))
        case .string(let s): return .string(s.value)
        case .paren(let p): return try eval(p.expr, window)
        case .unary(let u): return try evalUnary(u, window)
        case .vectorSelector(let s): return .series(try evalVectorSelector(s, window))
        case .matrixSelector(let m):
            guard window.isInstant else { throw QueryError(.execution, "cannot do range evaluation of matrix selector") }
            return .series(try rangeSelectorWindows(m, window))
        case .subquery(let s): return .series(try evalSubquery(s, window).series)
        case .call(let c): return try evalCall(c, window)
        case .aggregate(let a): return try evalAggregate(a, window)
        case .binary(let b): return try evalBinary(b, window)
        }
    }

    private func evalUnary(_ u: UnaryExpr, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        let value = try eval(u.expr, window)
        guard u.op == .sub else { return value }
        switch value {
        case .scalar(let values): return .scalar(values.map { -$0 })
        case .string: return value
        case .series(var list):
            for i in list.indices {
                if !delayedNameRemoval { list[i].labels = list[i].labels.droppingMetricName }
                list[i].dropName = true
                for j in list[i].points.indices { list[i].points[j].v = -list[i].points[j].v }
            }
            return .series(delayedNameRemoval ? list : try mergeSameLabelsets(list))
        }
    }

    // MARK: - Step-wise evaluation

    /// Evaluates operands once over the window, then calls `body` at every step with each
    /// operand's vector (or scalar) at that step, and collects the results into series.
    func rangeEval(
        _ window: EvalWindow, _ operands: [EvalValue],
        _ body: (_ t: Int64, _ step: Int, _ vectors: [[StepSample]]) throws(QueryError) -> [StepSample]
    ) throws(QueryError) -> [Series] {
        var gatherers = operands.map { StepGatherer($0.seriesList) }
        var vectors = Array(repeating: [StepSample](), count: operands.count)
        var collector = SeriesCollector(instant: window.isInstant, instantDuplicatesAreErrors: !delayedNameRemoval)
        for step in 0..<window.stepCount {
            try checkInterrupt()
            let t = window.time(step)
            for i in operands.indices {
                if case .series = operands[i] { gatherers[i].vector(at: t, into: &vectors[i]) }
            }
            let out = try body(t, step, vectors)
            try hold(out.count)
            for sample in out { try collector.add(sample.labels, t: t, v: sample.v, dropName: sample.dropName) }
        }
        return collector.series
    }

    // MARK: - Name removal

    /// Drops flagged names at the end of evaluation (delayed name removal), then merges
    /// series that became equal; overlapping points are an error.
    func cleanup(_ list: [Series]) throws(QueryError) -> [Series] {
        var list = list
        for i in list.indices where list[i].dropName {
            list[i].labels = list[i].labels.droppingMetricName
            list[i].dropName = false
        }
        return try mergeSameLabelsets(list)
    }

    /// Merges series with equal label sets whose points do not overlap (Prometheus's
    /// `mergeSeriesWithSameLabelset`).
    func mergeSameLabelsets(_ list: [Series]) throws(QueryError) -> [Series] {
        guard list.count > 1 else { return list }
        var seen = Set<Labels>()
        guard list.contains(where: { !seen.insert($0.labels).inserted }) else { return list }
        var order: [Labels] = []
        var merged: [Labels: Series] = [:]
        for s in list {
            if var existing = merged[s.labels] {
                existing.points.append(contentsOf: s.points)
                merged[s.labels] = existing
            } else {
                merged[s.labels] = s
                order.append(s.labels)
            }
        }
        var result: [Series] = []
        for labels in order {
            guard var s = merged[labels] else { continue }
            s.points.sort { $0.t < $1.t }
            for i in s.points.indices.dropFirst() where s.points[i].t == s.points[i - 1].t { throw QueryError.duplicateLabelset }
            result.append(s)
        }
        return result
    }
}

/// A query's deadline and cancellation, checked from any thread: work in shares runs on
/// threads outside the query's task, where only the calling thread sees cancellation (the
/// evaluator checks again once the shares are done); every thread sees the deadline.
struct Interrupt: Sendable {
    let deadline: ContinuousClock.Instant
    let cancellation: CancellationFlag

    func check() throws(QueryError) {
        if Task.isCancelled || cancellation.isSet { throw QueryError(.canceled, "query was canceled in expression evaluation") }
        if ContinuousClock.now > deadline { throw QueryError(.timeout, "query timed out in expression evaluation") }
    }
}
