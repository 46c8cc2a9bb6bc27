// Tollgate — storage probe: head memory per active series, and restart time.
//
//   .build/release/StorageProbe 100000
//
// Creates N series with 20 samples each (committed in batches of 10,000), reports the
// growth of resident memory per series, then reopens the store and reports how long
// recovery took (series index, checkpointed head chunks and log replay).

import Foundation
import Logging
import Model
import TSDB

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-probe-\(UUID().uuidString)").path
let logger = Logger(label: "probe")
let labels = (0..<count).map { i in
    Labels(["__name__": "node_cpu_seconds_total", "cpu": "\(i % 64)", "mode": "user", "instance": "host-\(i / 64):9100", "job": "node"])
}
let baseline = residentBytes()
do {
    let tsdb = try await TSDB.open(directory: directory, logger: logger)
    let before = residentBytes()
    for step in 0..<20 {
        for start in stride(from: 0, to: count, by: 10_000) {
            var appender = tsdb.appender()
            for i in start..<min(start + 10_000, count) {
                appender.append(labels[i], t: 1_700_000_000_000 + Int64(step) * 15_000, v: Double(step * i))
            }
            _ = try await appender.commit()
        }
    }
    let after = residentBytes()
    print("series: \(count)")
    print("head memory per series: \((after - before) / count) bytes (RSS growth over 20 samples each; labels array excluded: \(before - baseline) bytes)")
    try await tsdb.checkpointHead()
}
let started = ContinuousClock.now
let reopened = try await TSDB.open(directory: directory, logger: logger)
let elapsed = ContinuousClock.now - started
let stats = try await reopened.stats()
print("restart: \(elapsed) to reopen \(stats.series) series with \(stats.headSamples) head samples")
try? FileManager.default.removeItem(atPath: directory)
