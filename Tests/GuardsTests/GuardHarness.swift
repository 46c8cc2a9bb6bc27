// Tollgate — a real store and engine behind a GuardEvaluator, and series to write into it.

import Foundation
import Guards
import Logging
import Model
import PromQLEngine
import Rules
import Storage
import Synchronization
import TSDB
import TestSupport

/// A store in a temporary directory, the engine over it, and an evaluator whose instant
/// and range queries are the engine's and whose firing alerts the test sets.
struct GuardHarness {
    let tsdb: TSDB
    let engine: Engine
    let evaluator: GuardEvaluator

    static let second: Int64 = 1000

    init(_ scratch: TemporaryDirectories) async throws {
        var logger = Logger(label: "guards-test")
        logger.logLevel = .warning
        let tsdb = try await TSDB.open(directory: try scratch.make("guards").path, logger: logger)
        let engine = Engine(queryable: tsdb)
        self.tsdb = tsdb
        self.engine = engine
        let alerts = FiringAlerts()
        evaluator = GuardEvaluator(
            query: { query, time in try await engine.instantSamples(query, at: time).map { RuleSample(labels: $0.labels, value: $0.value) } },
            rangeQuery: { query, start, end, step in
                switch try await engine.rangeQuery(query, start: start, end: end, step: step).value {
                case .matrix(let series): return series.map { ($0.labels, $0.points.map { ($0.t, $0.v) }) }
                case .vector(let samples): return samples.map { ($0.labels, [($0.t, $0.v)]) }
                case .scalar(let t, let v): return [(Labels(), [(t, v)])]
                case .string: return []
                }
            },
            firingAlerts: { alerts.labels })
        self.alerts = alerts
    }

    /// The alerts the evaluator's vetoes see.
    final class FiringAlerts: Sendable {
        private let current = Mutex<[Labels]>([])
        var labels: [Labels] { current.withLock { $0 } }
        func set(_ labels: [Labels]) { current.withLock { $0 = labels } }
    }

    let alerts: FiringAlerts

    /// Appends samples of one series.
    func write(_ series: [String: String], _ points: [(Int64, Double)]) async throws {
        var appender = tsdb.appender()
        let labels = Labels(series)
        for (t, v) in points { appender.append(labels, t: t, v: v) }
        _ = try await appender.commit()
    }

    /// A counter of `service`/`version`/`code` growing by `perSecond` every 15s from 0 to `until`.
    func counter(service: String, version: String, code: String, perSecond: Double, from: Int64 = 0, until: Int64, start: Double = 0) async throws {
        var points: [(Int64, Double)] = []
        for t in stride(from: from, through: until, by: Int(15 * Self.second)) {
            let elapsed = Double(t - from) / 1000
            points.append((t, start + perSecond * elapsed))
        }
        try await write(["__name__": "http_requests_total", "service": service, "version": version, "code": code], points)
    }

    /// A latency gauge of `service`/`version` every 15s from 0 to `until`: `level` plus a deterministic wobble.
    func latency(service: String, version: String, level: Double, until: Int64) async throws {
        var points: [(Int64, Double)] = []
        for (index, t) in stride(from: Int64(0), through: until, by: Int(15 * Self.second)).enumerated() {
            let wobble: Double = 0.1 * sin(Double(index) * 1.7)
            points.append((t, level * (1 + wobble)))
        }
        try await write(["__name__": "latency_seconds", "service": service, "version": version], points)
    }
}
