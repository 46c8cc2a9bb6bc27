// Tollgate — HTTPAPI: /api/v1/query and /api/v1/query_range.

import CoreMetrics
import HTTPTypes
import Model
import PromQLEngine

extension QueryAPI {
    /// `/api/v1/query?query=…&time=…&timeout=…&limit=…`.
    func instantQuery(_ form: APIForm) async -> APIResult {
        let limit: Int
        let time: Int64
        let timeout: Duration?
        do throws(InvalidParameter) {
            limit = try parameter("limit") { () throws(ParameterError) in try APIParameters.limit(form.value("limit")) }
            time = try parameter("time") { () throws(ParameterError) in try APIParameters.time(form, "time", default: clock.now()) }
            timeout = try parameter("timeout") { () throws(ParameterError) in try Self.timeout(form) }
        } catch {
            return error.result
        }
        let text = form.value("query")
        let engine = engine, queueLimit = limits.maxQueuedQueries
        return await evaluate(timeout: timeout, limit: limit, badDataPrefix: "invalid parameter \"query\": ", path: "/api/v1/query") {
            (timeout: Duration?) async throws(QueryError) -> QueryResult in
            try await engine.instantQuery(text, at: time, timeout: timeout, queueLimit: queueLimit)
        }
    }

    /// `/api/v1/query_range?query=…&start=…&end=…&step=…&timeout=…&limit=…`.
    func rangeQuery(_ form: APIForm, path: String) async -> APIResult {
        let limit: Int
        let start: Int64
        let end: Int64
        let stepNanos: Int64
        do throws(InvalidParameter) {
            limit = try parameter("limit") { () throws(ParameterError) in try APIParameters.limit(form.value("limit")) }
            start = try parameter("start") { () throws(ParameterError) in try APIParameters.time(form.value("start")) }
            end = try parameter("end") { () throws(ParameterError) in try APIParameters.time(form.value("end")) }
            guard end >= start else { throw InvalidParameter("end", "end timestamp must not be before start time") }
            stepNanos = try parameter("step") { () throws(ParameterError) in try APIParameters.durationNanoseconds(form.value("step")) }
            guard stepNanos > 0 else {
                throw InvalidParameter("step", "zero or negative query resolution step widths are not accepted. Try a positive integer")
            }
        } catch {
            return error.result
        }
        // Prometheus: `end.Sub(start)/step > 11000`, over nanoseconds.
        let (spanNanos, overflow) = (end - start).multipliedReportingOverflow(by: 1_000_000)
        let points = (overflow ? Int64.max : spanNanos) / stepNanos
        if points > Int64(limits.maxPointsPerSeries) {
            let message = "exceeded maximum resolution of \(Self.grouped(limits.maxPointsPerSeries)) points per timeseries. "
                + "Try decreasing the query resolution (?step=XX)"
            reject("max_points_per_series", message, path: path)
            return .error(.badData, message)
        }
        let timeout: Duration?
        do throws(InvalidParameter) {
            timeout = try parameter("timeout") { () throws(ParameterError) in try Self.timeout(form) }
        } catch {
            return error.result
        }
        let text = form.value("query")
        let step = max(stepNanos / 1_000_000, 0)
        let engine = engine, queueLimit = limits.maxQueuedQueries
        return await evaluate(timeout: timeout, limit: limit, badDataPrefix: "", path: path) { (timeout: Duration?) async throws(QueryError) -> QueryResult in
            try await engine.rangeQuery(text, start: start, end: end, step: step, timeout: timeout, queueLimit: queueLimit)
        }
    }

    /// Runs a query (the request's `timeout` is passed to the engine) and renders its result or
    /// error; a query refused by a full queue, timed out or over `--query.max-samples` is
    /// counted and logged as refused by that limit.
    private func evaluate(
        timeout: Duration?, limit: Int, badDataPrefix: String, path: String,
        _ run: @Sendable (Duration?) async throws(QueryError) -> QueryResult
    ) async -> APIResult {
        let outcome: Result<QueryResult, QueryError>
        EngineMetrics.queries.increment()
        do throws(QueryError) { outcome = .success(try await run(timeout)) } catch { outcome = .failure(error) }
        EngineMetrics.queries.decrement()
        switch outcome {
        case .failure(let error):
            if let reason = Self.limitReason(error) { reject(reason, error.message, path: path) }
            return Self.result(error, badDataPrefix: badDataPrefix)
        case .success(var result):
            EngineMetrics.record(result.timings)
            var warnings = result.annotations.warnings
            if limit > 0, Self.truncate(&result.value, to: limit) { warnings.append("results truncated due to limit") }
            var json = JSONWriter()
            json.queryData(result.value)
            return .annotated(json.bytes, warnings: warnings, infos: result.annotations.infos)
        }
    }

    /// Prometheus's `returnAPIError`: the engine's error class picks the API's. A query
    /// refused by a full queue is `unavailable` with 503.
    static func result(_ error: QueryError, badDataPrefix: String) -> APIResult {
        switch error.kind {
        case .badData: .error(.badData, badDataPrefix + error.message)
        case .execution: .error(.execution, error.message)
        case .timeout: .error(.timeout, error.message)
        case .canceled: .error(.canceled, error.message)
        case .internal: .error(.internal, error.message)
        case .unavailable: .refused(.unavailable, error.message, status: .serviceUnavailable)
        }
    }

    /// The `reason` a query error is counted under when a limit caused it, else nil.
    static func limitReason(_ error: QueryError) -> String? {
        switch error.kind {
        case .unavailable: "queue_full"
        case .timeout: "query_timeout"
        case .execution where error == QueryError.tooManySamples: "max_samples"
        default: nil
        }
    }

    /// Keeps the first `limit` samples or series; true when some were dropped.
    static func truncate(_ value: inout QueryValue, to limit: Int) -> Bool {
        switch value {
        case .vector(let samples) where samples.count > limit:
            value = .vector(Array(samples.prefix(limit)))
            return true
        case .matrix(let series) where series.count > limit:
            value = .matrix(Array(series.prefix(limit)))
            return true
        default:
            return false
        }
    }

    private static func timeout(_ form: APIForm) throws(ParameterError) -> Duration? {
        let text = form.value("timeout")
        if text.isEmpty { return nil }
        return .nanoseconds(try APIParameters.durationNanoseconds(text))
    }

    /// `11000` → `11,000`, as Prometheus's fixed message writes it.
    static func grouped(_ value: Int) -> String {
        var digits = Array(String(value.magnitude))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return (value < 0 ? "-" : "") + String(digits)
    }
}

/// A parameter error, rendered as Prometheus's `invalid parameter "NAME": …`.
struct InvalidParameter: Error {
    var name: String
    var message: String
    init(_ name: String, _ message: String) {
        self.name = name
        self.message = message
    }
    var result: APIResult { .error(.badData, "invalid parameter \"\(name)\": \(message)") }
}

/// Runs a parser, naming the parameter in its error.
func parameter<T>(_ name: String, _ parse: () throws(ParameterError) -> T) throws(InvalidParameter) -> T {
    do {
        return try parse()
    } catch {
        throw InvalidParameter(name, error.message)
    }
}
