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
    /// spans three hours, migrates: the index leads with the window, the chunk's window
    /// and end are recorded, and a read of a range that begins late inside that chunk still finds it.
    @Test func aVersion5StoreReadsItsChunksThroughTheWindows() async throws {
        let dir = try scratch.make("schema5").path
        let labels = Labels(["__name__": "slow", "job": "old"])
        let start: Int64 = 1_700_000_000_000
        var chunk = XORChunk()
        for step in 0..<4 { chunk.append(start + Int64(step) * 3_600_000, Double(step)) }
        try Self.writeStore(at: dir + "/tollgate.db", upTo: "v5: cold series", labels: labels, chunks: [chunk])
        let store = try await TSDB.open(directory: dir, logger: Logger(label: "test"))
        let found = try await store.select([try LabelMatcher(.equal, "job", "old")], minTime: start + 3 * 3_600_000, maxTime: .max)
        #expect(found.first?.values == [3], "the chunk's last sample, three hours (36 windows) after its first")
        let (windows, indexes) = try await store.read {
            try store.pool.read { db in
                (try ChunkWindows(db), try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'chunks'"))
            }
        }
        #expect(windows.stored == [.init(window: ChunkWindows.window(of: start), end: start + 3 * 3_600_000)])
        #expect(indexes == ["chunks_window"])
        try await store.close()
    }

    /// A store at schema v6 (fifteen-minute windows, as that version's code wrote them) with
    /// a three-hour chunk and a short one migrates to five-minute windows: the index is
    /// rebuilt on the new expression, the windows are those of the rows, and reads that begin
    /// inside either chunk find it.
    @Test func aVersion6StoreMovesToFiveMinuteWindows() async throws {
        let dir = try scratch.make("schema6").path
        let labels = Labels(["__name__": "slow", "job": "old"])
        let start: Int64 = 1_700_000_000_000
        var long = XORChunk()
        for step in 0..<4 { long.append(start + Int64(step) * 3_600_000, Double(step)) }
        var short = XORChunk()
        for step in 0..<4 { short.append(start + 4 * 3_600_000 + Int64(step) * 120_000, Double(10 + step)) }
        try Self.writeStore(
            at: dir + "/tollgate.db", upTo: "v6: the chunk index leads with a window", labels: labels, chunks: [long, short], windowWidth: 900_000)
        let store = try await TSDB.open(directory: dir, logger: Logger(label: "test"))
        let late = try await store.select([try LabelMatcher(.equal, "job", "old")], minTime: start + 3 * 3_600_000, maxTime: start + 3 * 3_600_000)
        #expect(late.first?.values == [3])
        let inShort = try await store.select([try LabelMatcher(.equal, "job", "old")], minTime: start + 4 * 3_600_000 + 200_000, maxTime: .max)
        #expect(inShort.first?.values == [12, 13])
        let (windows, index) = try await store.read {
            try store.pool.read { db in
                (try ChunkWindows(db), try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'chunks_window'"))
            }
        }
        #expect(windows.stored == [long, short].map { ChunkWindows.Window(window: ChunkWindows.window(of: $0.minTime), end: $0.maxTime) })
        #expect(index?.contains(ChunkWindows.sql) == true, "\(index ?? "no index")")
        try await store.close()
    }

    /// Builds the schema up to `migration`, one series and its sealed `chunks`, and (v6) the
    /// windows of `windowWidth` that version's code noted for them.
    private static func writeStore(at path: String, upTo migration: String, labels: Labels, chunks: [XORChunk], windowWidth: Int64? = nil) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Schema.migrator.migrate(queue, upTo: migration)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO series (id, labels) VALUES (1, ?)", arguments: [LabelsCodec.encode(labels)])
            for chunk in chunks {
                try db.execute(
                    sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (1, ?, ?, ?, 1, NULL, ?)",
                    arguments: [chunk.minTime, chunk.maxTime, chunk.count, Data(chunk.bytes)])
                if let windowWidth {
                    try db.execute(sql: "INSERT INTO chunk_windows (id, max_time) VALUES (?, ?)", arguments: [chunk.minTime / windowWidth, chunk.maxTime])
                }
            }
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
