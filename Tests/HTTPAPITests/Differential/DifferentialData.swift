// Tollgate — HTTPAPITests: the synthetic data set the differential check loads into Prometheus and into Tollgate.

import Foundation
import Model
import Storage
import TSDB

/// One generated series: its labels (with `__name__`) and its samples in time order.
struct GeneratedSeries {
    var labels: [String: String]
    var samples: [(t: Int64, v: Double)] = []
}

/// One metric family: the OpenMetrics `# TYPE` line's name and type, and its series.
struct GeneratedFamily {
    var name: String
    var type: String
    var series: [GeneratedSeries]
}

/// A small deterministic generator (SplitMix64), so every run builds the same samples.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A number in `[0, 1)`.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// About 340 series over one hour, as eight scraped targets would produce them.
///
/// - Targets scrape every 15 s at their own offset; each sample's time carries a fraction of
///   .125, .25, .375, .625, .75 or .875 s, never a whole or half second, so no sample lies
///   exactly on the edge of a window whose evaluation time and range are whole seconds
///   (Prometheus 2.42 closes range windows on the left, 3.x and Tollgate open them).
/// - `db/e:9100` is silent for six minutes (past the 5 m lookback), `cache/h:6379` starts
///   half-way, `worker/g:8080` stops ten minutes before the end.
/// - Counters reset (`http_requests_total`, histogram buckets) and start high, except the
///   cache target's, which start at zero; gauges go negative; one
///   gauge (`weird_gauge{kind="nan"}`) holds NaNs, others very large and very small values.
enum DifferentialData {
    /// 2023-11-14T22:13:20Z in seconds: the first scrape round. It is 20 s past a whole
    /// minute, so subquery steps (aligned to multiples of their step) never fall on the
    /// left edge of a subquery evaluated at `start + n × 60 s` either.
    static let start: Int64 = 1_700_000_000
    /// Scrape rounds: one hour at 15 s, plus the last.
    static let rounds = 241
    /// Histogram bucket bounds, written as 3.x normalises them (`1.0`, not `1`).
    static let bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf"]

    /// The scraped targets: job, instance, and the rounds in which they answer.
    static let targets: [(job: String, instance: String, answers: @Sendable (Int) -> Bool)] = [
        ("api", "a:9090", { _ in true }),
        ("api", "b:9090", { _ in true }),
        ("api", "c:9090", { _ in true }),
        ("db", "d:9100", { _ in true }),
        ("db", "e:9100", { !(80..<104).contains($0) }),
        ("worker", "f:8080", { _ in true }),
        ("worker", "g:8080", { $0 < 200 }),
        ("cache", "h:6379", { $0 >= 120 }),
    ]

    /// Every family, generated once.
    static let families: [GeneratedFamily] = generate()

    private static func generate() -> [GeneratedFamily] {
        var random = SplitMix64(seed: 20_231_114)
        var requests: [GeneratedSeries] = [], cpu: [GeneratedSeries] = [], memory: [GeneratedSeries] = []
        var temperature: [GeneratedSeries] = [], queue: [GeneratedSeries] = [], up: [GeneratedSeries] = []
        var filesystem: [GeneratedSeries] = [], buckets: [GeneratedSeries] = [], sums: [GeneratedSeries] = []
        var counts: [GeneratedSeries] = [], weird: [GeneratedSeries] = []
        let fractions: [Int64] = [125, 250, 375, 625, 750, 875]
        for (index, target) in targets.enumerated() {
            let base = ["job": target.job, "instance": target.instance]
            func series(_ name: String, _ extra: [String: String] = [:]) -> GeneratedSeries {
                GeneratedSeries(labels: base.merging(extra) { $1 }.merging(["__name__": name]) { $1 })
            }
            var targetRequests = ["200", "404", "500"].flatMap { code in
                ["GET", "POST"].map { series("http_requests_total", ["code": code, "method": $0]) }
            }
            var targetCPU = series("process_cpu_seconds_total")
            var targetMemory = ["heap", "stack"].map { series("memory_usage_bytes", ["area": $0]) }
            var targetTemperature = ["s1", "s2", "s3"].map { series("temperature_celsius", ["sensor": $0]) }
            var targetQueue = series("queue_length"), targetUp = series("up")
            var targetFilesystem = [("sda1", "/"), ("sda2", "/var"), ("sdb1", "/data"), ("sdc1", "/backup")].map {
                series("node_filesystem_avail_bytes", ["device": $0.0, "mountpoint": $0.1])
            }
            let handlers = ["/", "/api"]
            var targetBuckets = handlers.map { handler in bounds.map { series("request_duration_seconds_bucket", ["handler": handler, "le": $0]) } }
            var targetSums = handlers.map { series("request_duration_seconds_sum", ["handler": $0]) }
            var targetCounts = handlers.map { series("request_duration_seconds_count", ["handler": $0]) }
            var targetWeird = index == 0 ? ["nan", "big", "small"].map { series("weird_gauge", ["kind": $0]) } : []

            // Counters of long-running targets start high; the cache target's start at zero, as
            // after a restart (where rate's extrapolation stops at the counter's zero point).
            let fresh = target.job == "cache"
            var requestTotals = targetRequests.map { _ in fresh ? 0 : Double(random.below(100_000)) }
            var cpuTotal = fresh ? 0 : Double(random.below(1_000_000)) / 100, queueLength = 10
            var memoryLevels = [1.5e8 + Double(index) * 1e7, 2e6 + Double(index) * 1e5]
            var bucketTotals = handlers.map { _ -> [Double] in
                let total = fresh ? 0 : Double(random.below(50_000))
                return bounds.indices.map { ($0 == bounds.count - 1 ? total : total * Double($0 + 1) / Double(bounds.count)).rounded(.down) }
            }
            var sumTotals = bucketTotals.map { ($0[bounds.count - 1] * 0.3).rounded() }
            for round in 0..<rounds where target.answers(round) {
                let t = (start + Int64(round) * 15 + Int64(1 + 2 * index)) * 1000 + fractions[random.below(fractions.count)]
                for (i, _) in targetRequests.enumerated() {
                    let resets = (index + i) % 5 == 0 && round == 100 + 7 * index
                    let increment = Double(random.below(i < 2 ? 30 : 6))
                    requestTotals[i] = resets ? increment : requestTotals[i] + increment
                    targetRequests[i].samples.append((t, requestTotals[i]))
                }
                cpuTotal += Double(random.below(1000)) / 1000
                targetCPU.samples.append((t, cpuTotal))
                for i in memoryLevels.indices {
                    memoryLevels[i] += Double(random.below(2_000_001) - 1_000_000) / (i == 0 ? 1 : 100)
                    targetMemory[i].samples.append((t, memoryLevels[i]))
                }
                for (i, _) in targetTemperature.enumerated() {
                    let level = [21.0, 35.0, -4.0][i] + 6 * sin(Double(round) / 20 + Double(index)) + random.unit() * 2
                    targetTemperature[i].samples.append((t, (level * 100).rounded() / 100))
                }
                queueLength = max(0, queueLength + random.below(9) - 4)
                targetQueue.samples.append((t, Double(queueLength)))
                targetUp.samples.append((t, index == 5 && (150..<160).contains(round) ? 0 : 1))
                for (i, _) in targetFilesystem.enumerated() {
                    let available = 5e11 * Double(i + 1) - Double(round) * 1e7 * Double(index + 1) + Double(random.below(1000)) * 1e4
                    targetFilesystem[i].samples.append((t, available))
                }
                for h in handlers.indices {
                    if h == 1 && index == 2 && round == 150 {
                        bucketTotals[h] = bucketTotals[h].map { _ in 0 }
                        sumTotals[h] = 0
                    }
                    for _ in 0..<random.below(40) {
                        let bucket = min(bounds.count - 1, random.below(6) + random.below(5))
                        for b in bucket..<bounds.count { bucketTotals[h][b] += 1 }
                        sumTotals[h] += [0.003, 0.008, 0.02, 0.04, 0.08, 0.2, 0.4, 0.8, 2.0, 4.0][bucket]
                    }
                    for b in bounds.indices { targetBuckets[h][b].samples.append((t, bucketTotals[h][b])) }
                    targetSums[h].samples.append((t, (sumTotals[h] * 1000).rounded() / 1000))
                    targetCounts[h].samples.append((t, bucketTotals[h][bounds.count - 1]))
                }
                if !targetWeird.isEmpty {
                    targetWeird[0].samples.append((t, round % 20 == 7 ? .nan : Double(random.below(100))))
                    targetWeird[1].samples.append((t, 1e15 + Double(random.below(1_000_000)) * 1e6))
                    targetWeird[2].samples.append((t, Double(random.below(1000) + 1) * 1e-12))
                }
            }
            requests += targetRequests
            cpu.append(targetCPU)
            memory += targetMemory
            temperature += targetTemperature
            queue.append(targetQueue)
            up.append(targetUp)
            filesystem += targetFilesystem
            buckets += targetBuckets.flatMap { $0 }
            sums += targetSums
            counts += targetCounts
            weird += targetWeird
        }
        return [
            GeneratedFamily(name: "http_requests", type: "counter", series: requests),
            GeneratedFamily(name: "process_cpu_seconds", type: "counter", series: cpu),
            GeneratedFamily(name: "memory_usage_bytes", type: "gauge", series: memory),
            GeneratedFamily(name: "temperature_celsius", type: "gauge", series: temperature),
            GeneratedFamily(name: "queue_length", type: "gauge", series: queue),
            GeneratedFamily(name: "up", type: "gauge", series: up),
            GeneratedFamily(name: "node_filesystem_avail_bytes", type: "gauge", series: filesystem),
            GeneratedFamily(name: "request_duration_seconds", type: "histogram", series: buckets + sums + counts),
            GeneratedFamily(name: "weird_gauge", type: "gauge", series: weird),
        ]
    }

    /// The number of series and of samples.
    static var size: (series: Int, samples: Int) {
        let all = families.flatMap(\.series)
        return (all.count, all.reduce(0) { $0 + $1.samples.count })
    }

    /// The data as OpenMetrics text with timestamps, for `promtool tsdb create-blocks-from openmetrics`.
    static func openMetrics() -> String {
        var out = ""
        for family in families {
            out += "# TYPE \(family.name) \(family.type)\n"
            for series in family.series {
                let name = series.labels["__name__"] ?? family.name
                let labels = series.labels.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
                for sample in series.samples {
                    out += "\(name){\(labels)} \(format(sample.v)) \(sample.t / 1000).\(String(sample.t % 1000 + 1000).dropFirst())\n"
                }
            }
        }
        return out + "# EOF\n"
    }

    /// A value as OpenMetrics writes it; Swift's shortest round-trip digits parse back to the same float64 in Go.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    /// Appends every sample to `db`, in batches.
    /// - Returns: what the commits stored and dropped (nothing should be dropped).
    static func load(into db: TSDB) async throws -> CommitResult {
        var appender = db.appender()
        var result = CommitResult()
        for series in families.flatMap(\.series) {
            let labels = Labels(series.labels)
            for sample in series.samples { appender.append(labels, t: sample.t, v: sample.v) }
            if appender.count > 20_000 { result = result + (try await appender.commit()) }
        }
        return result + (try await appender.commit())
    }
}
