// Tollgate — promqltest files: running the commands against a real store and the engine.

import Foundation
import Model
import PromQL
import PromQLEngine
import Storage
import TSDB
import TestSupport

/// The outcome of one eval command.
struct EvalOutcome {
    var line: Int
    var query: String
    /// Nil when the eval passed; else what went wrong.
    var failure: String?
    /// The eval or the data it reads uses native histograms.
    var involvesHistograms: Bool
}

/// Runs the commands of one file in order, as Prometheus's promqltest runner does.
final class TestRunner {
    private var db: TSDB?
    private var engine: Engine?
    private var histogramDataLoaded = false
    private var loaded: Set<Labels> = []
    private var lastTimestamp: [Labels: Int64] = [:]
    /// One store per file and per clear, all removed with the runner.
    private let scratch = TemporaryDirectories()
    static let epsilon = 1e-6

    static var engineOptions: EngineOptions {
        var options = EngineOptions()
        options.lookbackDelta = 300_000
        options.defaultSubqueryStep = 60_000
        options.timeout = .seconds(100)
        options.delayedNameRemoval = true
        options.parser = .all
        return options
    }

    func run(_ commands: [TestCommand]) async throws -> [EvalOutcome] {
        try await reset()
        var outcomes: [EvalOutcome] = []
        for command in commands {
            switch command {
            case .clear: try await reset()
            case .load(let step, let series, _, let nativeHistograms):
                if nativeHistograms { histogramDataLoaded = true }
                try await load(step, series)
            case .eval(let eval):
                let failure = await run(eval)
                outcomes.append(EvalOutcome(line: eval.line, query: eval.query, failure: failure, involvesHistograms: eval.usesHistograms || histogramDataLoaded))
            }
        }
        return outcomes
    }

    private func reset() async throws {
        let store = try await temporaryStore("promqltest", in: scratch)
        db = store
        engine = Engine(queryable: store, options: Self.engineOptions)
        histogramDataLoaded = false
        lastTimestamp = [:]
    }

    private func load(_ step: Int64, _ lines: [SeriesDescription]) async throws {
        guard let db else { return }
        var latest: [Labels: SeriesDescription] = [:]
        var order: [Labels] = []
        for line in lines {
            if line.hasHistograms { histogramDataLoaded = true }
            if latest[line.labels] == nil { order.append(line.labels) }
            latest[line.labels] = line
        }
        var appender = db.appender()
        for labels in order {
            guard let line = latest[labels] else { continue }
            for (i, value) in line.values.enumerated() {
                guard let value else { continue }
                appender.append(labels, t: Int64(i) * step, v: value)
            }
        }
        _ = try await appender.commit()
    }

    // MARK: - Evals

    private func run(_ eval: EvalCommand) async -> String? {
        guard let engine else { return "no store" }
        if eval.isRange {
            do {
                let result = try await engine.rangeQuery(eval.query, start: eval.start, end: eval.end, step: eval.step)
                if eval.expectFail != nil { return "expected an error, got a result" }
                if let problem = checkAnnotations(eval, result.annotations) { return problem }
                guard case .matrix(let m) = result.value else { return "range query returned \(result.value.resultType)" }
                return compareMatrix(eval, m, start: eval.start, step: eval.step)
            } catch {
                return checkError(eval, error)
            }
        }
        for (query, time) in instantVariants(eval) {
            do {
                let result = try await engine.instantQuery(query, at: time)
                if eval.expectFail != nil { return "expected an error from \(query) at \(time), got a result" }
                if let problem = checkAnnotations(eval, result.annotations) { return "\(query) at \(time): \(problem)" }
                if let problem = compareInstant(eval, result.value) { return "\(query) at \(time): \(problem)" }
                if let problem = await rangeCrossCheck(eval, query, at: time, engine) { return "\(query) at \(time) (range mode): \(problem)" }
            } catch {
                if let problem = checkError(eval, error) { return "\(query) at \(time): \(problem)" }
                return nil
            }
        }
        return nil
    }

    private func checkError(_ eval: EvalCommand, _ error: any Error) -> String? {
        let message = (error as? QueryError)?.message ?? "\(error)"
        guard let expected = eval.expectFail else { return "unexpected error: \(message)" }
        return expected.matches(message) ? nil : "error \"\(message)\" does not match the expected one"
    }

    /// The query, and its `@`-modifier rewrites at the times Prometheus's runner uses.
    private func instantVariants(_ eval: EvalCommand) -> [(String, Int64)] {
        var variants = [(eval.query, eval.at)]
        guard let expr = try? parseExpr(eval.query, options: .all), !Self.containsAtUnsafeCall(expr) else { return variants }
        let rewritten = Self.settingAt(expr, eval.at).description
        let t = eval.at
        let times: [Int64] = t == 0 ? [-1000, 0, 1000] : [-10 * t, 0, t / 5, t, 10 * t]
        for time in times { variants.append((rewritten, time)) }
        return variants
    }

    private static let atUnsafe: Set<String> = [
        "time", "timestamp", "predict_linear", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month",
        "year", "start", "end", "range", "step",
    ]

    static func containsAtUnsafeCall(_ expr: Expr) -> Bool {
        switch expr {
        case .number, .string, .vectorSelector, .matrixSelector: return false
        case .subquery: return false  // the rewrite leaves a subquery's inside alone
        case .call(let c): return atUnsafe.contains(c.function.name) || c.args.contains(where: containsAtUnsafeCall)
        case .aggregate(let a): return containsAtUnsafeCall(a.expr) || (a.param.map(containsAtUnsafeCall) ?? false)
        case .binary(let b): return containsAtUnsafeCall(b.lhs) || containsAtUnsafeCall(b.rhs)
        case .unary(let u): return containsAtUnsafeCall(u.expr)
        case .paren(let p): return containsAtUnsafeCall(p.expr)
        }
    }

    /// Sets `@ t` on every selector and subquery without one; inside subqueries (which then
    /// all have one) nothing changes, as in Prometheus's runner.
    static func settingAt(_ expr: Expr, _ t: Int64) -> Expr {
        switch expr {
        case .number, .string: return expr
        case .vectorSelector(var s):
            if s.at == nil { s.at = .timestamp(t) }
            return .vectorSelector(s)
        case .matrixSelector(var m):
            if m.selector.at == nil { m.selector.at = .timestamp(t) }
            return .matrixSelector(m)
        case .subquery(var q):
            if q.at == nil { q.at = .timestamp(t) }
            return .subquery(q)  // inside a subquery with `@`, nothing changes
        case .call(var c):
            c.args = c.args.map { settingAt($0, t) }
            return .call(c)
        case .aggregate(var a):
            a.expr = settingAt(a.expr, t)
            a.param = a.param.map { settingAt($0, t) }
            return .aggregate(a)
        case .binary(var b):
            b.lhs = settingAt(b.lhs, t)
            b.rhs = settingAt(b.rhs, t)
            return .binary(b)
        case .unary(var u):
            u.expr = settingAt(u.expr, t)
            return .unary(u)
        case .paren(var p):
            p.expr = settingAt(p.expr, t)
            return .paren(p)
        }
    }

    private func rangeCrossCheck(_ eval: EvalCommand, _ query: String, at t: Int64, _ engine: Engine) async -> String? {
        if eval.rangeVector != nil || eval.string != nil { return nil }
        if ["start()", "end()", "range()", "step()"].contains(where: { query.contains($0) }) { return nil }
        let result: QueryResult
        do {
            result = try await engine.rangeQuery(query, start: t - 60_000, end: t + 60_000, step: 60_000)
        } catch {
            return "error: \(error)"
        }
        guard case .matrix(let matrix) = result.value else { return "not a matrix" }
        if let problem = Self.checkSorted(matrix) { return problem }
        if eval.ordered { return nil }
        var vector: [VectorSample] = []
        for s in matrix {
            if let p = s.points.first(where: { $0.t == t }) { vector.append(VectorSample(labels: s.labels, t: t, v: p.v)) }
        }
        if eval.scalar != nil {
            return compareInstant(eval, vector.first.map { .scalar(t: t, v: $0.v) } ?? .vector([]))
        }
        return compareInstant(eval, .vector(vector))
    }
}
