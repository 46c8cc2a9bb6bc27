// Tollgate — commit latency with and without concurrent range queries.
//
//   .build/release/CommitLatency [SERIES] [SECONDS]
//
// Builds a store of SERIES series (default 20,000) with two hours of 15 s samples, most of
// them sealed, then commits one scrape-sized batch (2,000 samples by reference) every
// 20 ms for SECONDS seconds (default 10), twice: alone, and while one task runs range
// selections over every series without pause. Prints, for each run, the latency of the
// commit call (percentiles), how many commits ran, and how many selections. A store whose
// reads hold the writer's lock shows the selection's length in the loaded commit latency;
// one whose readers work from a snapshot does not (the two still share the machine's cores).

import Foundation
import Logging
import Model
import Storage
import TSDB

let arguments = CommandLine.arguments
let seriesCount = arguments.count > 1 ? Int(arguments[1]) ?? 20_000 : 20_000
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 10 : 10
let batchSize = 2_000
let step: Int64 = 15_000
let start: Int64 = 1_700_000_000_000
let history = 480  // two hours of 15 s samples

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-commit-latency-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: directory) }
let tsdb = try await TSDB.open(directory: directory, logger: Logger(label: "bench"))
let labels = (0..<seriesCount).map { i in
    Labels(["__name__": "http_requests_total", "code": "\(200 + i % 5)", "instance": "host-\(i / 100):9100", "job": "api", "path": "/p\(i % 100)"])
}
for sample in 0..<history {
    var appender = tsdb.appender()
    for (i, series) in labels.enumerated() { appender.append(series, t: start + Int64(sample) * step, v: Double(sample * i)) }
    _ = try await appender.commit()
}
let refs = labels.compactMap { tsdb.ref(for: $0) }
print("store: \(seriesCount) series × \(history) samples")

/// Commits batches every 20 ms for `seconds`, from `time` on; returns each commit's latency in microseconds.
func commitLoop(from time: Int64) async throws -> [Double] {
    var latencies: [Double] = []
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    var t = time
    var offset = 0
    while ContinuousClock.now < deadline {
        var appender = tsdb.appender()
        for i in 0..<batchSize { appender.append(refs[(offset + i) % refs.count], t: t, v: Double(i)) }
        offset += batchSize
        if offset >= refs.count {
            offset = 0
            t += step
        }
        let began = ContinuousClock.now
        _ = try await appender.commit()
        let took = ContinuousClock.now - began
        latencies.append(Double(took.components.seconds) * 1e6 + Double(took.components.attoseconds) / 1e12)
        try await Task.sleep(for: .milliseconds(20))
    }
    return latencies
}

func report(_ name: String, _ latencies: [Double], queries: Int) {
    let sorted = latencies.sorted()
    func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    let line = String(
        format: "%@: %d commits, p50 %.0f µs, p90 %.0f µs, p99 %.0f µs, max %.0f µs; %d range selections ran",
        name, sorted.count, percentile(0.5), percentile(0.9), percentile(0.99), sorted.last ?? 0, queries)
    print(line)
}

let matcher = try LabelMatcher(.equal, "__name__", "http_requests_total")
let quiet = try await commitLoop(from: start + Int64(history) * step)
report("commits alone", quiet, queries: 0)

let loaded: (latencies: [Double], queries: Int) = try await withThrowingTaskGroup(of: (latencies: [Double], queries: Int).self) { group in
    let stop = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    for _ in 0..<1 {
        group.addTask {
            var queries = 0
            while ContinuousClock.now < stop {
                _ = try await tsdb.select([matcher], minTime: start, maxTime: .max)
                queries += 1
            }
            return ([], queries)
        }
    }
    group.addTask { (try await commitLoop(from: start + Int64(history + 1_000) * step), 0) }
    var latencies: [Double] = []
    var queries = 0
    for try await part in group {
        latencies += part.latencies
        queries += part.queries
    }
    return (latencies, queries)
}
report("commits beside back-to-back range selections", loaded.latencies, queries: loaded.queries)
