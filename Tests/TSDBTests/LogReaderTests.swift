// Tollgate — the store: its head log read in commit order by named readers (remote write).

import Foundation
import GRDB
import Logging
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

final class LogReaderTests: Sendable {
    let logs = LogCapture()
    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    func open(_ dir: String, checkpoint: Int = 4, window: Int64 = 0, retention: Int64 = 3_600_000) async throws -> TSDB {
        var options = TSDB.Options()
        options.checkpointInterval = checkpoint
        options.checkpointSamplesPerSeries = 0
        options.outOfOrderTimeWindow = window
        options.logRetention = retention
        options.logSegmentBytes = 1  // a file per record: a checkpoint deletes exactly the records it covers
        return try await TSDB.open(directory: dir, logger: logs.logger, options: options)
    }

    func commit(_ db: TSDB, _ t: Int64, series: Int = 3) async throws {
        var appender = db.appender()
        for index in 0..<series { appender.append(Labels(["__name__": "log_read", "i": "\(index)"]), t: t, v: Double(t) + Double(index)) }
        _ = try await appender.commit()
    }

    /// Every sample `readLog` gives from `position` on, as (labels text, t, v), and the last record read.
    func readAll(_ db: TSDB, after position: Int64, maxSamples: Int = 1_000) async throws -> (samples: [String], through: Int64, missed: Int64) {
        var samples: [String] = []
        var position = position
        var missed: Int64 = 0
        while true {
            let read = try await db.readLog(after: position, maxSamples: maxSamples)
            missed += read.missedRecords
            guard read.through > position else { break }
            let labels = db.labels(of: read.refs)
            for index in 0..<read.count {
                samples.append("\(labels[read.refs[index]].map(SeriesText.format) ?? "?") \(read.timestamps[index]) \(read.values[index])")
            }
            position = read.through
        }
        return (samples, position, missed)
    }

    @Test func aNewReaderReadsWhatIsCommittedAfterItInOrder() async throws {
        let db = try await open(try scratch.make("log").path, checkpoint: 1_000)
        try await commit(db, 1_000)
        let start = try await db.openLogReader("a")
        try await commit(db, 2_000)
        try await commit(db, 3_000, series: 2)
        let (samples, through, missed) = try await readAll(db, after: start)
        #expect(missed == 0)
        #expect(through == start + 2)
        #expect(samples == [
            #"log_read{i="0"} 2000 2000.0"#, #"log_read{i="1"} 2000 2001.0"#, #"log_read{i="2"} 2000 2002.0"#,
            #"log_read{i="0"} 3000 3000.0"#, #"log_read{i="1"} 3000 3001.0"#,
        ])
        // Whole records only, at least one: a limit of 1 sample still reads one record of 3.
        let one = try await db.readLog(after: start, maxSamples: 1)
        #expect(one.count == 3 && one.through == start + 1)
    }

    @Test func outOfOrderSamplesAreLoggedForReadersAndNotReplayed() async throws {
        let dir = try scratch.make("log").path
        let db = try await open(dir, checkpoint: 1_000, window: 600_000)
        let start = try await db.openLogReader("a")
        try await commit(db, 10_000, series: 1)
        try await commit(db, 5_000, series: 1)  // out of order, inside the window
        let (samples, _, _) = try await readAll(db, after: start)
        #expect(samples == [#"log_read{i="0"} 10000 10000.0"#, #"log_read{i="0"} 5000 5000.0"#])
        // Reopened, the replay leaves the out-of-order sample to its chunk: each sample once.
        let reopened = try await open(dir, checkpoint: 1_000, window: 600_000)
        let series = try await reopened.select([try LabelMatcher(.equal, "__name__", "log_read")], minTime: 0, maxTime: 20_000)
        #expect(series.first?.timestamps == [5_000, 10_000])
    }

    @Test func checkpointsKeepWhatTheSlowestReaderHasNotRead() async throws {
        let dir = try scratch.make("log").path
        let db = try await open(dir)
        let start = try await db.openLogReader("slow")
        for t in stride(from: Int64(1_000), through: 20_000, by: 1_000) { try await commit(db, t) }
        // Twenty records, checkpoints every four: all kept for the reader.
        let kept = try await readAll(db, after: start)
        #expect(kept.samples.count == 60 && kept.missed == 0)
        try await db.moveLogReader("slow", to: start + 10)
        for t in stride(from: Int64(21_000), through: 24_000, by: 1_000) { try await commit(db, t) }
        let left = try HeadLog.recordNumbers((db.path as NSString).deletingLastPathComponent).min()
        #expect(left == start + 11, "a checkpoint dropped what the reader is done with, and nothing after it")

        // After a restart the position and the records are still there, and the store replays
        // only what its last checkpoint does not hold: every sample once.
        let reopened = try await open(dir)
        #expect(try await reopened.openLogReader("slow") == start + 10)
        let after = try await readAll(reopened, after: start + 10)
        #expect(after.samples.count == 14 * 3 && after.samples.first?.contains(" 11000 ") == true)
        let series = try await reopened.select([try LabelMatcher(.equal, "__name__", "log_read")], minTime: 0, maxTime: 30_000)
        #expect(series.count == 3 && series.allSatisfy { $0.timestamps == Array(stride(from: Int64(1_000), through: 24_000, by: 1_000)) })
    }

    @Test func numbersAreNeverGivenTwiceAndAClosedReaderHoldsNothing() async throws {
        let dir = try scratch.make("log").path
        let db = try await open(dir)
        let first = try await db.openLogReader("a")
        for t in stride(from: Int64(1_000), through: 8_000, by: 1_000) { try await commit(db, t) }
        try await db.closeLogReader("a")
        for t in stride(from: Int64(9_000), through: 12_000, by: 1_000) { try await commit(db, t) }
        let rows = try HeadLog.recordNumbers((db.path as NSString).deletingLastPathComponent).count
        #expect(rows == 0, "with no reader, a checkpoint empties the log")
        // The log is empty, yet the next record is numbered after every earlier one, also after a restart.
        let reopened = try await open(dir)
        let again = try await reopened.openLogReader("b")
        #expect(again == first + 12)
        try await commit(reopened, 13_000)
        let read = try await reopened.readLog(after: again, maxSamples: 100)
        #expect(read.through == again + 1 && read.count == 3)
    }

    @Test func recordsOlderThanTheRetentionAreDroppedAndCountedAsMissed() async throws {
        let db = try await open(try scratch.make("log").path, retention: 0)
        let start = try await db.openLogReader("stuck")
        for t in stride(from: Int64(1_000), through: 10_000, by: 1_000) { try await commit(db, t) }
        let (samples, _, missed) = try await readAll(db, after: start)
        #expect(missed > 0, "the reader is told how many records it missed")
        #expect(samples.count == (10 - Int(missed)) * 3)
        #expect(logs.messages.withLock { $0.contains { $0.contains("outlived the log retention") } })
    }
}

extension LogReaderTests {
    /// Both versions round-trip; every truncation is refused, never trapped on (a huge label
    /// length is `LogRecordFuzzTests`').
    @Test func recordsOfBothVersionsRoundTripAndDamagedOnesAreRefused() throws {
        var record = LogRecord()
        record.newSeries = [(7, Data("labels".utf8))]
        record.samples = [(7, 1_000, 1.5), (9, 2_000, -0.0)]
        #expect(LogRecord(record.encoded()) == record)
        record.late = [(7, 500, Double(bitPattern: 0x7FF0_0000_0000_0002))]
        let encoded = record.encoded()
        #expect(encoded[4] == 8, "a record with out-of-order samples is version 8 (2, 4 and 6 in older layouts)")
        #expect(LogRecord(encoded) == record)
        for length in 0..<encoded.count { #expect(LogRecord(encoded.prefix(length)) == nil) }
    }
}
