// Tollgate — TSDB tests: the head log's compact sample encoding (record versions 7 and 8;
// 3 to 6 before) and the records older Tollgates wrote (versions 1 and 2), which must still
// replay.

import Chunks
import Foundation
import Gzip
@testable import TSDB
import Testing

@Suite struct LogRecordEncodingTests {
    /// Values of every kind the encoder tells apart, and the edges between them.
    static let values: [Double] = [
        0, -0.0, 1, -1, 42, 1e15, 9_007_199_254_740_991, 9_007_199_254_740_992, -9_007_199_254_740_992, 1e300, -1e300,
        12.34, -0.01, 123.456789, 0.1 + 0.2, 999_999_999.99, 1e9 + 0.5, 1e-300, .leastNonzeroMagnitude,
        .greatestFiniteMagnitude, .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF8_0000_0000_0001),
        Double(bitPattern: LogRecord.staleBits), 0.000001, -4_503_599.627370, 1.0 / 3.0,
    ]

    @Test func everyValueRoundTripsBitForBit() throws {
        var record = LogRecord()
        // Ids forwards and backwards, times repeated, rising, falling and negative.
        for (i, v) in Self.values.enumerated() {
            let id = UInt32([5, 3, 3_000_000, 1, 4_000_000_000][i % 5])
            let t = Int64([1_700_000_000_000, 1_700_000_000_000, 1_700_000_015_000, -5, 0][i % 5])
            record.samples.append((id, t, v))
        }
        let decoded = try #require(LogRecord(record.encoded()))
        #expect(decoded == record)
        #expect(decoded.samples.map(\.v.bitPattern) == Self.values.map(\.bitPattern))
        #expect(record.encoded()[4] == 7)
    }

    /// A scrape's record: one timestamp, ids in order, counters, cents and `%.6f` sums.
    @Test func aScrapesSamplesTakeAFewBytesEachAndArbitraryFloatsTakeTen() throws {
        var scrape = LogRecord()
        var floats = LogRecord()
        for i in 0..<2_000 {
            let value: Double = switch i % 4 {
            case 0: Double(1_000_000 + i * 37)  // a counter
            case 1: Double(123_456 + i) / 100  // printed with %.2f
            case 2: Double(98_765_432 + i) / 1_000_000  // printed with %.6f
            default: Double(i % 7)  // a small gauge
            }
            scrape.samples.append((UInt32(1_000 + i), 1_700_000_000_000, value))
            floats.samples.append((UInt32(1_000 + i), 1_700_000_000_000, 1.0 / Double(i + 3)))
        }
        let compact = scrape.encoded()
        #expect(LogRecord(compact) == scrape)
        let perSample = Double(compact.count) / 2_000
        #expect(perSample < 4.5, "\(perSample) bytes per sample")
        let raw = floats.encoded()
        #expect(LogRecord(raw) == floats)
        #expect(Double(raw.count) / 2_000 < 10.1)
    }

    /// A log written before the compact encoding (versions 1 and 2) still replays.
    @Test func recordsOfTheFirstLayoutStillDecode() throws {
        let samples: [(id: UInt32, t: Int64, v: Double)] = [(7, 1_000, 1.5), (9, 2_000, -0.0), (8, 2_000, .infinity)]
        let late: [(id: UInt32, t: Int64, v: Double)] = [(7, 500, 2.25)]
        func firstLayout(version: UInt8) -> Data {
            var body: [UInt8] = [version]
            SampleBlock.appendVarint(1, to: &body)  // one new series
            SampleBlock.appendVarint(7, to: &body)
            SampleBlock.appendVarint(6, to: &body)
            body.append(contentsOf: Array("labels".utf8))
            func append(_ list: [(id: UInt32, t: Int64, v: Double)]) {
                SampleBlock.appendVarint(Int64(list.count), to: &body)
                var id: Int64 = 0, t: Int64 = 0
                for sample in list {
                    SampleBlock.appendVarint(Int64(sample.id) - id, to: &body)
                    SampleBlock.appendVarint(sample.t - t, to: &body)
                    withUnsafeBytes(of: sample.v.bitPattern.bigEndian) { body.append(contentsOf: $0) }
                    id = Int64(sample.id)
                    t = sample.t
                }
            }
            append(samples)
            if version == 2 { append(late) }
            let crc = body.withUnsafeBufferPointer { Gzip.crc32($0) }
            return Data([UInt8(crc >> 24), UInt8(truncatingIfNeeded: crc >> 16), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)] + body)
        }
        var expected = LogRecord()
        expected.newSeries = [(7, Data("labels".utf8))]
        expected.samples = samples
        #expect(LogRecord(firstLayout(version: 1)) == expected)
        expected.late = late
        #expect(LogRecord(firstLayout(version: 2)) == expected)
    }
}
