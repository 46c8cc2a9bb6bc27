import Foundation
import Testing
import Logging
import Model
import TSDB
import PromQLEngine

struct DebugScratch {
    @Test func perf() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let db = try await TSDB.open(directory: directory, logger: Logger(label: "p"))
        let clock = ContinuousClock()
        var t0 = clock.now
        for target in 0..<20 {
            var appender = db.appender()
            for s in 0..<100 {
                let labels = Labels(["__name__": "x", "job": "j\(target % 4)", "instance": "i\(target)", "s": "\(s)"])
                for i in 0..<260 { appender.append(labels, t: Int64(i) * 15_000, v: Double(i * s)) }
            }
            _ = try await appender.commit()
        }
        print("load", clock.now - t0)
        let engine = Engine(queryable: db)
        for q in ["sum by (job) (rate(x[5m]))", "x{s=~\"1.*\"}", "sum by (job) (x)"] {
            t0 = clock.now
            let r = try await engine.rangeQuery(q, start: 300_000, end: 3_900_000, step: 15_000)
            if case .matrix(let m) = r.value { print(q, m.count) }
            print(q, clock.now - t0)
        }
    }
}
