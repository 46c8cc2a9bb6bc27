// Tollgate — TSDB: failed writes sorted by cause, a damaged head log refused at open, a sound store checked clean.

import Foundation
import GRDB
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class DamageTests: Sendable {
    let logs = LogCapture()
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// Three batches of two series, one record each.
    func store(_ dir: String, batches: Int = 3) async throws {
        let db = try await TSDB.open(directory: dir, logger: logs.logger)
        for batch in 0..<batches {
            var appender = db.appender()
            appender.append(Labels(["__name__": "x", "i": "1"]), t: Int64(batch), v: Double(batch))
            appender.append(Labels(["__name__": "x", "i": "2"]), t: Int64(batch), v: Double(batch))
            _ = try await appender.commit()
        }
    }

    @Test func writeFailuresAreSortedByCause() throws {
        let dir = try scratch.make("tsdb").path
        let path = dir + "/tollgate.db"
        let full = TSDB.classify(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"), path: path)
        #expect(full.reason == .diskFull)
        #expect(full.description == "no space left to write \(path) (SQLite error 13: database or disk is full)")
        // An I/O error on a file system with room to spare is not a full disk.
        #expect(TSDB.classify(DatabaseError(resultCode: .SQLITE_IOERR_SHMSIZE), path: path).reason == .ioError)
        #expect(TSDB.classify(DatabaseError(resultCode: .SQLITE_CONSTRAINT), path: path).reason == .other)
        #expect(TSDB.classify(CancellationError(), path: path).reason == .other)
    }

    @Test func aDamagedRecordBeforeSoundOnesRefusesToOpenAndLosesNothing() async throws {
        let dir = try scratch.make("tsdb").path
        try await store(dir)
        let damaged = try HeadLog.damageRecord(2, in: dir)
        let refusal = await #expect(throws: TSDBError.self) { _ = try await TSDB.open(directory: dir, logger: self.logs.logger) }
        #expect(
            refusal?.description.hasPrefix(
                "\(dir)/tollgate.db is damaged: head log record 2 (\(damaged.file), byte offset \(damaged.offset)) fails its CRC-32 check or does not decode (\(damaged.bytes) bytes), and 1 record after it is still there")
                == true, "\(refusal?.description ?? "")")
        // Refused, nothing was truncated: the check still sees all three records.
        let report = try StoreCheck.check(directory: dir)
        #expect(report.logRecords == { var t = StoreCheckReport.Tally(); t.kept = 2; t.dropped = 1; return t }())
        #expect(report.problems == ["head log record 2: fails its CRC-32 check or does not decode (\(damaged.bytes) bytes)"])
        #expect(report.integrity.isEmpty && report.isDamaged)
    }

    @Test func aSoundStoreChecksCleanAndRepairsToTheSameSamples() async throws {
        let dir = try scratch.make("tsdb").path
        try await store(dir, batches: 200)
        let report = try StoreCheck.check(directory: dir)
        #expect(!report.isDamaged, "\(report.lines)")
        // 120 samples of each series sealed, the rest in the head; the log holds all 200 batches until a checkpoint.
        #expect(report.series.kept == 2 && report.chunks.kept == 2 && report.samples.kept == 240 && report.samples.dropped == 0, "\(report.lines)")
        #expect(report.logRecords.kept == 200 && report.logSamples == 400, "\(report.lines)")
        let repaired = try StoreCheck.repair(directory: dir)
        #expect(!repaired.report.isDamaged && FileManager.default.fileExists(atPath: repaired.backup))
        let reopened = try await TSDB.open(directory: dir, logger: logs.logger)
        let series = try await reopened.select([try LabelMatcher(.equal, "__name__", "x")], minTime: .min, maxTime: .max)
        #expect(series.map(\.timestamps) == [Array(0..<200), Array(0..<200)])
    }
}
