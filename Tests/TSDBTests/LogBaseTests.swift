// Tollgate — the head log's values coded against each series' base in their file
// (record versions 5 and 6): every value reads back bit for bit, a damaged record costs
// only what is coded against a base it held, and replay and readers decode whole files.

import Foundation
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

final class LogBaseTests: Sendable {
    let logs = LogCapture()
    let scratch = TemporaryDirectories()

    /// Twenty scrapes of eight series, as a commit encodes them: the first value of each
    /// series in the file is its base, later ones are coded against it.
    static func scrapes() -> [LogRecord] {
        (0..<20).map { k in
            var record = LogRecord()
            for id in UInt32(0)..<8 {
                let v: Double = switch id {
                case 0: Double(1_000_000 + k * 37)  // a counter
                case 1: 42  // an unchanged gauge
                case 2: Double(123_456 + k * 3) / 100  // cents
                case 3: Double(98_765_432 - k * 11) / 1_000_000  // `%.6f`, falling
                case 4: 1.0 / Double(k + 3)  // arbitrary floats
                case 5: k % 5 == 4 ? Double(bitPattern: LogRecord.staleBits) : Double(k)  // stale now and then
                case 6: k % 2 == 0 ? 7 : 7.25  // whole and decimal in turn
                default: k < 10 ? -0.0 : .nan
                }
                record.samples.append((id, 1_700_000_000_000 + Int64(k) * 15_000, v))
            }
            return record
        }
    }

    /// Encodes the records as one file's, the way a commit does (in the layout of record
    /// version 7, or of 5 as older Tollgates wrote).
    static func encodeAsOneFile(_ records: [LogRecord], version: UInt8 = 7) -> [Data] {
        var bases: [UInt32: Double] = [:]
        return records.map { record in
            var encoder = LogRecord.SampleEncoder(capacity: record.samples.count, version: version)
            for (id, t, v) in record.samples {
                if let base = bases[id] {
                    encoder.append(id, t, v, base: base)
                } else {
                    encoder.append(id, t, v)
                    bases[id] = v
                }
            }
            return LogRecord.encoded(newSeries: [], samples: encoder)
        }
    }

    @Test func everyValueReadsBackAgainstItsBaseAndTakesFewerBytes() throws {
        let records = Self.scrapes()
        let encoded = Self.encodeAsOneFile(records)
        var values = LogValues()
        for (record, data) in zip(records, encoded) {
            let decoded = try #require(LogRecord(data, values: &values))
            #expect(decoded == record)
        }
        // Alone, a record coded against bases does not decode: it is never read wrong.
        #expect(LogRecord(encoded[5]) == nil)
        let alone = records.map { $0.encoded().count }.reduce(0, +)
        let againstBases = encoded.map(\.count).reduce(0, +)
        #expect(againstBases * 100 < alone * 85, "\(againstBases) bytes against bases, \(alone) alone")
    }

    /// A file older Tollgates wrote (version 5) still decodes; version 7 takes a byte a
    /// sample less where values stay within a few steps of their base, and every value reads
    /// back in both.
    @Test func version5FilesStillDecodeAndVersion7TakesFewerBytes() throws {
        // Besides the scrapes above, 200 series scraped 20 times whose values move a few
        // steps a scrape: slow counters, small gauges, cents.
        var generator = SplitMix(seed: 7)
        let quiet = (0..<20).map { k in
            var record = LogRecord()
            for id in UInt32(0)..<200 {
                let wobble = Int.random(in: -3...3, using: &generator)
                let v = id % 2 == 0 ? Double(5_000 + Int(id) + k + wobble) : Double(250_000 + Int(id) * 100 + wobble) / 100
                record.samples.append((id, 1_700_000_000_000 + Int64(k) * 15_000, v))
            }
            return record
        }
        for (name, records) in [("scrapes", Self.scrapes()), ("quiet", quiet)] {
            var sizes: [UInt8: Int] = [:]
            for version: UInt8 in [5, 7] {
                let encoded = Self.encodeAsOneFile(records, version: version)
                #expect(encoded.allSatisfy { $0[4] == version })
                var values = LogValues()
                for (record, data) in zip(records, encoded) {
                    #expect(LogRecord(data, values: &values) == record, "\(name), version \(version)")
                }
                sizes[version] = encoded.map(\.count).reduce(0, +)
            }
            let (v5, v7) = (try #require(sizes[5]), try #require(sizes[7]))
            #expect(v7 < v5, "\(name): \(v7) bytes in version 7, \(v5) in version 5")
            if name == "quiet" { #expect(v7 * 10 < v5 * 7, "\(v7) bytes in version 7, \(v5) in version 5") }
        }
    }

    /// Version 7's value bytes at their edges read back bit for bit against every kind of
    /// base: a decimal against a whole base and the reverse, two scales, steps of one byte
    /// and of more (at ±32 and past 2^52), bases that have no step (NaN, the stale marker,
    /// -0, arbitrary floats), ids far apart or going back, and times changing mid-record.
    @Test func valueBytesRoundTripAgainstEveryKindOfBase() throws {
        let pairs: [(Double, [Double])] = [
            (7, [7.25, 8, -24, -25, 39, 40, 1e15, 9_007_199_254_740_991, -9_007_199_254_740_991, 0, -0.0]),
            (12.34, [12.35, 12.02, 12.66, 13, 1_000_000.01, 0.000001, 12.340001, .nan]),
            (0.000123, [0.000124, 0.000091, 0.000155, 5, 1.5]),
            (-0.0, [0, -0.0, 1]),
            (.nan, [.nan, 1, Double(bitPattern: LogRecord.staleBits)]),
            (Double(bitPattern: LogRecord.staleBits), [Double(bitPattern: LogRecord.staleBits), 2]),
            (1.0 / 3.0, [1.0 / 3.0, 2.0 / 3.0, 1]),
            (4_503_599_627_370_495, [4_503_599_627_370_496, -4_503_599_627_370_495]),
        ]
        var records: [LogRecord] = []
        for round in 0...11 {
            var record = LogRecord()
            for (index, (base, later)) in pairs.enumerated() {
                let v = round == 0 ? base : later[(round - 1) % later.count]
                let id = UInt32([3, 4, 200, 199, 5_000_000, 5_000_001, 10, 11][index])
                let t = 1_700_000_000_000 + Int64(round) * 15_000 + (index == 4 ? 1 : 0)
                record.samples.append((id, t, v))
            }
            records.append(record)
        }
        var values = LogValues()
        for (index, data) in Self.encodeAsOneFile(records).enumerated() {
            let decoded = try #require(LogRecord(data, values: &values), "record \(index)")
            #expect(decoded.samples.map(\.v.bitPattern) == records[index].samples.map(\.v.bitPattern), "record \(index)")
            #expect(decoded == records[index])
        }
    }

    /// A damaged record in the middle of a file costs only itself; a damaged first record
    /// makes what is coded against its bases unreadable, not wrong.
    @Test func aDamagedRecordCostsOnlyWhatIsCodedAgainstItsBases() throws {
        let records = Self.scrapes()
        var encoded = Self.encodeAsOneFile(records)
        encoded[7][encoded[7].count - 1] ^= 0x40
        var values = LogValues()
        for (index, data) in encoded.enumerated() {
            let decoded = LogRecord(data, values: &values)
            if index == 7 { #expect(decoded == nil) } else { #expect(decoded == records[index]) }
        }
        encoded = Self.encodeAsOneFile(records)
        encoded[0][encoded[0].count - 1] ^= 0x40
        values = LogValues()
        #expect(LogRecord(encoded[0], values: &values) == nil)
        for data in encoded.dropFirst() {
            // The counter, cents and `%.6f` series are coded against bases that were lost.
            #expect(LogRecord(data, values: &values) == nil)
        }
    }

    /// A reader keeps the log's file while checkpoints cover its first records; the store
    /// opened again replays the records after the checkpoint, coded against bases in the
    /// records before it, and the reader reads every value from its position.
    @Test func replayAndReadersDecodeAgainstBasesInCoveredRecords() async throws {
        let dir = try scratch.make("log").path
        var options = TSDB.Options()
        options.checkpointInterval = 6  // after records 6, 12 and 18: 19 and 20 are replayed
        options.checkpointSamplesPerSeries = 0
        let db = try await TSDB.open(directory: dir, logger: logs.logger, options: options)
        let start = try await db.openLogReader("slow")
        let records = Self.scrapes()
        var expected: [Labels: [(Int64, Double)]] = [:]
        func labels(_ id: UInt32) -> Labels { Labels(["__name__": "base_test", "i": "\(id)"]) }
        for (index, record) in records.enumerated() {
            var appender = db.appender()
            for (id, t, v) in record.samples {
                appender.append(labels(id), t: t, v: v)
                expected[labels(id), default: []].append((t, v))
            }
            _ = try await appender.commit()
            if index == 9 { try await db.moveLogReader("slow", to: start + 3) }
        }
        #expect(HeadLog.list(dir + "/head-log").count == 1, "one file, its first records covered by checkpoints")
        let read = try await db.readLog(after: start + 3, maxSamples: 1_000)
        #expect(read.count == 17 * 8)
        #expect(zip(read.values, records[3...].flatMap(\.samples)).allSatisfy { $0.0.bitPattern == $0.1.v.bitPattern })

        let reopened = try await TSDB.open(directory: dir, logger: logs.logger, options: options)
        let found = try await reopened.select([try LabelMatcher(.equal, "__name__", "base_test")], minTime: .min, maxTime: .max)
        #expect(found.count == 8)
        for series in found {
            let want = try #require(expected[series.labels])
            #expect(series.timestamps == want.map(\.0))
            #expect(series.values.map(\.bitPattern) == want.map(\.1.bitPattern))
        }
    }

    /// A store opened again never appends to the file it found: its commits set bases of
    /// their own, which a reader of the old file's records would not see. Each start's
    /// records go to a new file, and every value reads back after a second start.
    @Test func eachStartWritesANewFile() async throws {
        let dir = try scratch.make("log").path
        let counter = Labels(["__name__": "base_restart"])
        var expected: [Double] = []
        var newest: [Int64] = []
        for start in 0..<3 {
            let db = try await TSDB.open(directory: dir, logger: logs.logger)
            for k in 0..<3 {
                var appender = db.appender()
                let value = Double(1_000 + start * 100 + k * (start + 1))
                appender.append(counter, t: Int64(start * 10 + k), v: value)
                expected.append(value)
                _ = try await appender.commit()
            }
            let found = try await db.select([try LabelMatcher(.equal, "__name__", "base_restart")], minTime: .min, maxTime: .max)
            #expect(found.first?.values == expected)
            newest.append(try #require(HeadLog.list(dir + "/head-log").last))
        }
        #expect(Set(newest).count == 3, "each start appended to a file of its own: \(newest)")
    }

    /// A reader that takes a record at a time goes on from where its last read stopped
    /// (``LogCursor``), with the bases met before, and reads every value as one read does.
    @Test func readsAtATimeGoOnFromTheirCursor() async throws {
        let dir = try scratch.make("log").path
        let db = try await TSDB.open(directory: dir, logger: logs.logger)
        let start = try await db.openLogReader("queue")
        let records = Self.scrapes()
        for record in records {
            var appender = db.appender()
            for (id, t, v) in record.samples { appender.append(Labels(["__name__": "cursor_test", "i": "\(id)"]), t: t, v: v) }
            _ = try await appender.commit()
        }
        var position = start
        var values: [Double] = []
        while true {
            let read = try await db.readLog(after: position, maxSamples: 8)
            guard read.through > position else { break }
            #expect(read.count == 8, "one record at a time")
            values += read.values
            position = read.through
            let cursor = db.state.withLock { $0.logCursors.last }
            #expect(cursor?.through == position && (cursor?.offset ?? 0) > 0, "the read left a cursor at its end")
        }
        #expect(values.map(\.bitPattern) == records.flatMap(\.samples).map(\.v.bitPattern))
        #expect(db.state.withLock { $0.logCursors.count } <= LogCursor.kept)
    }
}
