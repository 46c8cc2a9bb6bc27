// Tollgate — the timestamped samples of a backfill file.

import Exposition
import Model

/// Reads the samples of an OpenMetrics backfill file (the files `promtool tsdb
/// create-blocks-from openmetrics` takes), in file order, a batch at a time: the one
/// reading both `import openmetrics --data-dir` and the server's import endpoint use.
///
/// Samples without a timestamp are skipped and counted. Each series' labels are built once.
///
/// ```swift
/// var reader = BackfillReader(text: bytes)
/// while try reader.read(upTo: 10_000, { labels, t, v in appender.append(labels, t: t, v: v) }) { … }
/// ```
struct BackfillReader {
    private var parser: ExpositionParser
    private var cache: [ArraySlice<UInt8>: Labels] = [:]
    /// Samples skipped for want of a timestamp.
    private(set) var missingTimestamp = 0

    /// A reader over OpenMetrics text (already decompressed).
    init(text: [UInt8]) { parser = ExpositionParser(bytes: text, format: .openMetrics) }

    /// How much of the input has been read, from 0 to 1.
    var progress: Double { parser.progress }

    /// Hands up to `limit` timestamped samples to `sink`, in file order.
    /// - Returns: false once the input is exhausted.
    /// - Throws: the parser's error; the samples handed over before it stand.
    mutating func read(upTo limit: Int, _ sink: (Labels, Int64, Double) -> Void) throws(ExpositionError) -> Bool {
        var given = 0
        while given < limit {
            guard let entry = try parser.next() else { return false }
            guard entry == .sample else { continue }
            guard let timestamp = parser.timestamp else {
                missingTimestamp += 1
                continue
            }
            let key = parser.seriesBytes
            let labels: Labels
            if let known = cache[key] {
                labels = known
            } else {
                labels = try parser.labels()
                cache[key] = labels
            }
            sink(labels, timestamp, parser.value)
            given += 1
        }
        return true
    }
}
