// Tollgate — exposition parser benchmarks: throughput and allocations per sample.
//
// One iteration parses a whole body. Samples per second = iterations per second ×
// the sample count printed at start-up; allocations per sample = mallocCountTotal
// per iteration ÷ that count. docs/performance.md records the figures.

import Benchmark
import BenchmarkSupport
import Exposition
import Foundation
import Gzip

/// Parses a body; series already in `cache` cost no allocation, new ones build labels once.
@inline(__always)
func parse(_ body: [UInt8], format: ExpositionFormat, cache: inout SeriesKeyTable) throws -> Int {
    var parser = ExpositionParser(bytes: body, format: format)
    var samples = 0
    while let entry = try parser.next() {
        guard entry == .sample else { continue }
        samples += 1
        if cache.find(parser.seriesBytes) == nil {
            blackHole(try parser.labels())
            cache.insert(parser.seriesBytes)
        }
        blackHole(parser.value)
    }
    return samples
}

func sharedCorpus() -> [UInt8]? {
    let here = URL(fileURLWithPath: #filePath)
    var root = here
    for _ in 0..<5 { root.deleteLastPathComponent() }
    let path = root.appendingPathComponent("shared/corpus/node_exporter_1s_600.openmetrics.gz")
    guard let packed = try? Data(contentsOf: path) else { return nil }
    return try? Gzip.decompress(Array(packed))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .instructions, .mallocCountTotal],
        maxDuration: .seconds(5),
        maxIterations: 1000
    )

    let text = syntheticExposition(series: 10_000)
    var warmed = SeriesKeyTable(capacity: 10_000)
    let textSamples = (try? parse(text, format: .text, cache: &warmed)) ?? 0
    let warm = warmed
    print("text 10k: \(textSamples) samples, \(text.count) bytes per iteration")

    Benchmark("Text 10k series, series seen") { benchmark in
        var cache = warm
        for _ in benchmark.scaledIterations {
            blackHole(try parse(text, format: .text, cache: &cache))
        }
    }

    Benchmark("Text 10k series, parse only") { benchmark in
        for _ in benchmark.scaledIterations {
            var parser = ExpositionParser(bytes: text, format: .text)
            while let entry = try parser.next() {
                if entry == .sample { blackHole(parser.value) }
            }
        }
    }

    Benchmark("Text 10k series, first scrape") { benchmark in
        for _ in benchmark.scaledIterations {
            var cache = SeriesKeyTable(capacity: 10_000)
            blackHole(try parse(text, format: .text, cache: &cache))
        }
    }

    if let corpus = sharedCorpus() {
        var corpusWarmed = SeriesKeyTable(capacity: 1024)
        let corpusSamples = (try? parse(corpus, format: .openMetrics, cache: &corpusWarmed)) ?? 0
        let corpusCache = corpusWarmed
        print("node_exporter corpus: \(corpusSamples) samples, \(corpus.count) bytes per iteration")
        Benchmark("OpenMetrics node_exporter corpus, series seen") { benchmark in
            var cache = corpusCache
            for _ in benchmark.scaledIterations {
                blackHole(try parse(corpus, format: .openMetrics, cache: &cache))
            }
        }
    } else {
        print("../shared is absent: the node_exporter corpus benchmark is skipped")
    }
}
