// Tollgate — HTTPAPI: the query engine's metrics, with Prometheus's names.

import CoreMetrics
import PromQLEngine

/// `prometheus_engine_*`: query timings by slice (a summary), queries running or
/// waiting, and the concurrency limit.
enum EngineMetrics {
    static let queries = Meter(label: "prometheus_engine_queries")
    static let concurrentMax = Gauge(label: "prometheus_engine_queries_concurrent_max")
    static let queueTime = slice("queue_time")
    static let prepareTime = slice("prepare_time")
    static let innerEval = slice("inner_eval")
    static let resultSort = slice("result_sort")

    private static func slice(_ name: String) -> Timer {
        Timer(label: "prometheus_engine_query_duration_seconds", dimensions: [("slice", name)])
    }

    /// Makes every family appear and records the concurrency limit.
    static func register(maxConcurrentQueries: Int) {
        concurrentMax.record(maxConcurrentQueries)
        _ = queries
        _ = [queueTime, prepareTime, innerEval, resultSort]
    }

    /// Records one query's timings.
    static func record(_ timings: QueryTimings) {
        queueTime.recordNanoseconds(nanoseconds(timings.queue))
        prepareTime.recordNanoseconds(nanoseconds(timings.prepare))
        innerEval.recordNanoseconds(nanoseconds(timings.innerEval))
        resultSort.recordNanoseconds(nanoseconds(timings.resultSort))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
