// Tollgate — storage benchmarks: durable append throughput and select + decode.
//
// One "append" iteration commits one scrape-sized batch (10,000 samples of 10,000
// series) durably; samples/s = iterations/s × 10,000. One "select" iteration reads and
// decodes 10,000 series over one hour of 15 s samples (2.4 M samples).

import Benchmark
import Foundation
import Logging
import Model
import TSDB

func scratchDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-bench-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func syntheticSeries(_ count: Int) -> [Labels] {
    (0..<count).map { i in
        Labels(["__name__": "http_requests_total", "instance": "host-\(i / 100):9100", "job": "node", "handler": "/api/\(i % 100)"])
    }
}

/// A store and clock that live across the benchmark's invocations, so that only
/// steady-state appends (all series known) are measured.
actor AppendTarget {
    static let shared = AppendTarget()
    private var tsdb: TSDB?
    private var t: Int64 = 1_700_000_000_000

    func next(_ series: [Labels]) async throws -> (TSDB, Int64) {
        if tsdb == nil {
            let opened = try await TSDB.open(directory: scratchDirectory(), logger: Logger(label: "bench"))
            var appender = opened.appender()
            for labels in series { appender.append(labels, t: t, v: 0) }
            _ = try await appender.commit()
            tsdb = opened
        }
        t += 15_000
        guard let tsdb else { throw CancellationError() }
        return (tsdb, t)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        maxDuration: .seconds(5),
        maxIterations: 200
    )
    let series = syntheticSeries(10_000)

    Benchmark("Append 10k-sample batch, durable commit, series known") { benchmark in
        for _ in benchmark.scaledIterations {
            let (tsdb, t) = try await AppendTarget.shared.next(series)
            var appender = tsdb.appender()
            for (i, labels) in series.enumerated() { appender.append(labels, t: t, v: Double(i) + Double(t % 1000)) }
            blackHole(try await appender.commit())
        }
    }

    Benchmark("Append 10k-sample batch by series reference, durable commit") { benchmark in
        let (tsdb, _) = try await AppendTarget.shared.next(series)
        let refs = series.compactMap { tsdb.ref(for: $0) }
        for _ in benchmark.scaledIterations {
            let (tsdb, t) = try await AppendTarget.shared.next(series)
            var appender = tsdb.appender()
            for (i, ref) in refs.enumerated() { appender.append(ref, t: t, v: Double(i) + Double(t % 1000)) }
            blackHole(try await appender.commit())
        }
    }

    Benchmark("Select and decode 10k series over 1 h", configuration: .init(maxIterations: 20)) { benchmark in
        let tsdb = try await TSDB.open(directory: scratchDirectory(), logger: Logger(label: "bench"))
        let start: Int64 = 1_700_000_000_000
        for step in 0..<240 {
            var appender = tsdb.appender()
            for (i, labels) in series.enumerated() { appender.append(labels, t: start + Int64(step) * 15_000, v: Double(i * step)) }
            _ = try await appender.commit()
        }
        let matchers = [try LabelMatcher(.equal, "job", "node")]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let result = try await tsdb.select(matchers, minTime: start, maxTime: start + 3_600_000)
            blackHole(result.count)
        }
        benchmark.stopMeasurement()
    }
}
