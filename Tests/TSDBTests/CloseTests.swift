// Tollgate — TSDB tests: a graceful close leaves nothing to replay and no WAL on disk.

import Foundation
import GRDB
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

@Suite struct CloseTests {
    let scratch = TemporaryDirectories()

    @Test func closeCheckpointsTheHeadAndEmptiesTheWALFile() async throws {
        let dir = try scratch.make("close").path
        let logs = LogCapture()
        let labels = Labels(["__name__": "up", "job": "close"])
        do {
            let store = try await TSDB.open(directory: dir, logger: logs.logger)
            for i in 0..<50 {
                var appender = store.appender()
                appender.append(labels, t: Int64(i) * 1_000, v: Double(i))
                _ = try await appender.commit()
            }
            let logged = try HeadLog.recordNumbers(dir).count
            #expect(logged == 50, "each commit logged a record")
            try await store.close()
            let left = try HeadLog.recordNumbers(dir).count
            #expect(left == 0, "the checkpoint covered every record")
            let wal = try FileManager.default.attributesOfItem(atPath: dir + "/tollgate.db-wal")[.size] as? Int
            #expect(wal == 0, "the WAL file was emptied into the database")
        }
        let reopened = try await TSDB.open(directory: dir, logger: logs.logger)
        let found = try await reopened.select([try LabelMatcher(.equal, "job", "close")], minTime: 0, maxTime: 100_000)
        #expect(found.first?.values == (0..<50).map(Double.init))
        #expect(logs.messages.withLock { $0.contains { $0.contains("storage opened") && $0.contains("\"replayed_batches\": 0") } })
    }

    /// Debian's SQLite zeroes deleted rows by default: a checkpoint would rewrite the log it
    /// empties. The store turns that off, and caps the WAL file's size after large transactions.
    @Test func theWriterDoesNotZeroDeletedRows() async throws {
        let store = try await TSDB.open(directory: try scratch.make("settings").path, logger: LogCapture().logger)
        let settings = try await store.read {
            try store.pool.write { db in
                [try Int.fetchOne(db, sql: "PRAGMA secure_delete"), try Int.fetchOne(db, sql: "PRAGMA journal_size_limit")]
            }
        }
        #expect(settings == [0, 33_554_432])
    }
}
