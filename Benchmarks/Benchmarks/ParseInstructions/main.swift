// Tollgate — a fixed amount of parsing, for counting instructions with callgrind.
//
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//       .build/release/ParseInstructions text 20
//
// Parses the synthetic 10,000-series text body (or the node_exporter corpus with
// `openmetrics`) once to warm the series cache, then N more times. Instructions per
// sample = (total for N) − (total for 0), divided by N × samples. A mode ending in
// `-nocache` (`text-nocache`) parses without the series cache lookups.

import BenchmarkSupport
import Exposition
import Foundation
import Gzip

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "text"
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 10 : 10

let body: [UInt8]
let format: ExpositionFormat
let useCache = !mode.hasSuffix("-nocache")
if mode.hasPrefix("openmetrics") {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<5 { root.deleteLastPathComponent() }
    let packed = try Data(contentsOf: root.appendingPathComponent("shared/corpus/node_exporter_1s_600.openmetrics.gz"))
    body = try Gzip.decompress(Array(packed))
    format = .openMetrics
} else {
    body = syntheticExposition(series: 10_000)
    format = .text
}

var cache = SeriesKeyTable(capacity: 10_000)
var total = 0
for _ in 0...rounds {
    var parser = ExpositionParser(bytes: body, format: format)
    while let entry = try parser.next() {
        guard entry == .sample else { continue }
        total += 1
        if useCache, cache.find(parser.seriesBytes) == nil {
            _ = try parser.labels()
            cache.insert(parser.seriesBytes)
        }
    }
}
print("\(mode): \(rounds) rounds after warm-up, \(total / (rounds + 1)) samples per round")
