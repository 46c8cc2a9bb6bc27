// Tollgate — PromQL engine: instant and range queries over the Queryable seam.

public import Model
import PromQL
public import Storage
import Synchronization

/// Evaluates PromQL queries against storage with Prometheus's semantics.
///
/// ```swift
/// let engine = Engine(queryable: tsdb)
/// let result = try await engine.instantQuery("sum by (job) (rate(http_requests_total[5m]))", at: now)
/// ```
public struct Engine: Sendable {
    public let options: EngineOptions
    private let queryable: any Queryable
    private let gate: QueryGate

    public init(queryable: any Queryable, options: EngineOptions = EngineOptions()) {
        self.queryable = queryable
        self.options = options
        gate = QueryGate(limit: max(1, options.maxConcurrentQueries))
    }

    /// How many queries are waiting for a slot under ``EngineOptions/maxConcurrentQueries``
    /// (tests watch it to see the limit hold).
    package var queuedQueries: Int {
        get async { gate.queued }
    }

    /// Evaluates `query` at one instant (milliseconds).
    /// - Parameters:
    ///   - timeout: shortens the engine's own.
    ///   - queueLimit: when set and that many queries already wait for a slot under
    ///     ``EngineOptions/maxConcurrentQueries``, the query is refused at once with
    ///     ``QueryError/Kind/unavailable`` instead of waiting (the API sets it; rules wait).
    public func instantQuery(
        _ query: String, at time: Int64, timeout: Duration? = nil, queueLimit: Int? = nil
    ) async throws(QueryError) -> QueryResult {
        let expr = try parse(query)
        return try await run(query, expr, EvalWindow(start: time, end: time, interval: 1), isRange: false, timeout: timeout, queueLimit: queueLimit)
    }

    /// Evaluates `query` at `start`, `start + step`, … up to `end` (milliseconds); `timeout`
    /// shortens the engine's own; `queueLimit` as in ``instantQuery(_:at:timeout:queueLimit:)``.
    public func rangeQuery(
        _ query: String, start: Int64, end: Int64, step: Int64, timeout: Duration? = nil, queueLimit: Int? = nil
    ) async throws(QueryError) -> QueryResult {
        guard step > 0 else { throw QueryError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer") }
        guard end >= start else { throw QueryError(.badData, "end timestamp must not be before start time") }
        let expr = try parse(query)
        guard expr.type == .scalar || expr.type == .vector else {
            throw QueryError(.badData, "invalid expression type \"\(expr.type.rawValue)\" for range query, must be Scalar or instant Vector")
        }
        return try await run(query, expr, EvalWindow(start: start, end: end, interval: step), isRange: true, timeout: timeout, queueLimit: queueLimit)
    }

    private func parse(_ query: String) throws(QueryError) -> Expr {
        do {
            return try parseExpr(query, options: options.parser)
        } catch {
            throw QueryError(.badData, error.description)
        }
    }

    private func run(
        _ query: String, _ parsed: Expr, _ window: EvalWindow, isRange: Bool, timeout: Duration?, queueLimit: Int?
    ) async throws(QueryError) -> QueryResult {
        let expr = try Preprocessor(start: window.start, end: window.end, step: isRange ? window.interval : 0).resolve(parsed)
        var timings = QueryTimings()
        var mark = ContinuousClock.now
        func lap() -> Duration {
            let now = ContinuousClock.now
            defer { mark = now }
            return now - mark
        }
        guard await gate.enter(queueLimit: queueLimit) else {
            let slots = options.maxConcurrentQueries
            throw QueryError(.unavailable, "too many queries waiting: \(queueLimit ?? 0) already wait for one of the \(slots) query slots; try again later")
        }
        defer { gate.leave() }
        timings.queue = lap()
        if Task.isCancelled { throw QueryError(.canceled, "query was canceled before evaluation") }
        let deadline = ContinuousClock.now + min(options.timeout, timeout ?? options.timeout)
        let data = try await SelectorData.fetch(expr, start: window.start, end: window.end, options: options, from: queryable)
        timings.prepare = lap()
        // Evaluation is the CPU-heavy part: it runs on a thread of its own (see EvaluationThread).
        let options = options, cancellation = CancellationFlag()
        let (final, raised, evaluated) = try await EvaluationThread.run(cancelling: cancellation) {
            Result { () throws(QueryError) -> (QueryValue, [Annotation], ContinuousClock.Instant) in
                let evaluator = Evaluator(
                    options: options, data: data, deadline: deadline, query: (window.start, window.end, isRange ? window.interval : 0),
                    cancellation: cancellation)
                let value = try evaluator.eval(expr, window)
                let evaluated = ContinuousClock.now
                if isRange {
                    for position in Self.sortCalls(expr) { evaluator.annotate(.sortInRangeQuery(position)) }
                }
                return (try Self.result(value, expr, window, evaluator, isRange: isRange), evaluator.annotations, evaluated)
            }
        }
        timings.innerEval = evaluated - mark
        mark = evaluated
        timings.resultSort = lap()
        var annotations = Annotations()
        for a in raised { annotations.add(a, query: query) }
        return QueryResult(value: final, annotations: annotations, timings: timings)
    }

    /// Where `sort`-family calls are: they do nothing in a range query, which is sorted anyway.
    private static func sortCalls(_ expr: Expr) -> [PositionRange] {
        switch expr {
        case .number, .string, .vectorSelector, .matrixSelector: return []
        case .subquery(let q): return sortCalls(q.expr)
        case .call(let c):
            let own = c.function.name.hasPrefix("sort") ? [c.position] : []
            return own + c.args.flatMap(sortCalls)
        case .aggregate(let a): return sortCalls(a.expr) + (a.param.map(sortCalls) ?? [])
        case .binary(let b): return sortCalls(b.lhs) + sortCalls(b.rhs)
        case .unary(let u): return sortCalls(u.expr)
        case .paren(let p): return sortCalls(p.expr)
        }
    }

    private static func result(_ value: EvalValue, _ expr: Expr, _ window: EvalWindow, _ ev: Evaluator, isRange: Bool) throws(QueryError) -> QueryValue {
        switch value {
        case .string(let s): return .string(t: window.start, s)
        case .scalar(let values):
            if !isRange { return .scalar(t: window.start, v: values.first ?? .nan) }
            let points = values.indices.map { FloatPoint(t: window.time($0), v: values[$0]) }
            return .matrix([RangeSeries(labels: Labels(), points: points)])
        case .series(let list):
            let cleaned = try ev.cleanup(list)
            if isRange || expr.type == .matrix {
                // Selections come from storage in label order: sort only when an operation changed it.
                let ordered = zip(cleaned, cleaned.dropFirst()).allSatisfy { !Labels.precedes($1.labels, $0.labels) }
                return .matrix(ordered ? cleaned : cleaned.sorted { Labels.precedes($0.labels, $1.labels) })
            }
            var seen = Set<Labels>()
            for s in cleaned where !seen.insert(s.labels).inserted { throw QueryError.duplicateLabelset }
            return .vector(cleaned.compactMap { s in s.points.first.map { VectorSample(labels: s.labels, t: window.start, v: $0.v) } })
        }
    }
}

/// Limits how many queries evaluate at once; the rest wait in order. A slot is given back
/// synchronously (`leave`), so it is free before the query's answer goes out.
final class QueryGate: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Bool, Never>] = []
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// How many queries wait for a slot.
    var queued: Int { state.withLock { $0.waiting.count } }

    /// Takes a slot, waiting for one if all are taken; every successful `enter` needs one `leave`.
    /// - Parameter queueLimit: when set and that many already wait, the caller is refused.
    /// - Returns: false when refused (no slot taken).
    func enter(queueLimit: Int? = nil) async -> Bool {
        await withCheckedContinuation { continuation in
            let answer: Bool? = state.withLock { state in
                if state.running < limit {
                    state.running += 1
                    return true
                }
                if let queueLimit, state.waiting.count >= queueLimit { return false }
                state.waiting.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Gives the slot to the next waiting query, or frees it.
    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: true)
    }
}

extension Engine {
    /// Evaluates `query` at `time` for a rule (Prometheus's `EngineQueryFunc`): a vector as
    /// it is, a scalar as one sample without labels.
    /// - Throws: ``QueryError`` when the query fails or gives a string or a range vector
    ///   (`rule result is not a vector or scalar`).
    public func instantSamples(_ query: String, at time: Int64) async throws(QueryError) -> [(labels: Labels, value: Double)] {
        switch try await instantQuery(query, at: time).value {
        case .vector(let samples):
            return samples.map { sample in
                (sample.dropName ? sample.labels.removing([metricNameLabel]) : sample.labels, sample.v)
            }
        case .scalar(_, let value):
            return [(Labels(), value)]
        case .string, .matrix:
            throw QueryError(.execution, "rule result is not a vector or scalar")
        }
    }
}
