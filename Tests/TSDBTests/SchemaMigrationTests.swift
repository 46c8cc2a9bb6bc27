// Tollgate — TSDB tests: a store written by an older schema opens with its data.

import Chunks
import Foundation
import GRDB
import Logging
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

@Suite struct SchemaMigrationTests {
    let scratch = TemporaryDirectories()

    /// A store at schema v3 (series with a unique index on their labels), holding a series
    /// and a logged sample, migrates to v4 without losing either.
    @Test func aVersion3StoreKeepsItsSeriesAndSamples() async throws {
        let dir = try scratch.make("schema").path
        let labels = Labels(["__name__": "up", "job": "old"])
        try Self.writeVersion3Store(at: dir + "/tollgate.db", labels: labels)
        let store = try await TSDB.open(directory: dir, logger: Logger(label: "test"))
        let found = try await store.select([try LabelMatcher(.equal, "job", "old")], minTime: 0, maxTime: 10_000)
        #expect(found.map(\.labels) == [labels])
        #expect(found.first?.values == [42])
        let indexes = try await store.read { try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'series'") } }
        #expect(indexes == 0, "v4 drops the unique index on labels")
    }

    /// A store at schema v5 (the chunk index led by the series), with a sealed chunk that
    /// spans three hours, migrates to v6: the index leads with the window, the chunk's window
    /// and end are recorded, and a read of a range that begins late inside that chunk still finds it.
    @Test func aVersion5StoreReadsItsChunksThroughTheWindows() async throws {
        let dir = try scratch.make("schema5").path
        let labels = Labels(["__name__": "slow", "job": "old"])
        let start: Int64 = 1_700_000_000_000
        var chunk = XORChunk()
        for step in 0..<4 { chunk.append(start + Int64(step) * 3_600_000, Double(step)) }
        try Self.writeVersion5Store(at: dir + "/tollgate.db", labels: labels, chunk: chunk)
        let store = try await TSDB.open(directory: dir, logger: Logger(label: "test"))
        let found = try await store.select([try LabelMatcher(.equal, "job", "old")], minTime: start + 3 * 3_600_000, maxTime: .max)
        #expect(found.first?.values == [3], "the chunk's last sample, three hours (twelve windows) after its first")
        let (windows, indexes) = try await store.read {
            try store.pool.read { db in
                (try ChunkWindows(db), try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'chunks'"))
            }
        }
        #expect(windows.stored == [.init(window: ChunkWindows.window(of: start), end: start + 3 * 3_600_000)])
        #expect(indexes == ["chunks_window"])
        try await store.close()
    }

    /// Builds the v5 schema, one series and one sealed chunk.
    private static func writeVersion5Store(at path: String, labels: Labels, chunk: XORChunk) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Schema.migrator.migrate(queue, upTo: "v5: cold series")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO series (id, labels) VALUES (1, ?)", arguments: [LabelsCodec.encode(labels)])
            try db.execute(
                sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (1, ?, ?, 4, 1, NULL, ?)",
                arguments: [chunk.minTime, chunk.maxTime, Data(chunk.bytes)])
        }
        try queue.close()
    }

    /// Builds the v3 schema with GRDB's migrator stopped there, one series and one record.
    private static func writeVersion3Store(at path: String, labels: Labels) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Schema.migrator.migrate(queue, upTo: "v3: log readers")
        var record = LogRecord()
        record.samples = [(1, 1_000, 42)]
        let encoded = record.encoded()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO series (id, labels) VALUES (1, ?)", arguments: [LabelsCodec.encode(labels)])
            try db.execute(sql: "INSERT INTO head_log (seq, data) VALUES (1, ?)", arguments: [encoded])
        }
        let indexes = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'series'") }
        #expect(indexes == 1, "v3 has the unique index on labels")
    }
}
