// Tollgate — RemoteWrite: one remote_write entry's durable queue, a SQLite file.

import Foundation
import GRDB

/// The samples one `remote_write` entry has still to send, in commit order, in
/// `DATA_DIR/remote_write/NAME.sqlite`.
///
/// Each row is one batch: a serialized, uncompressed `WriteRequest` (so rows concatenate
/// into one request) with its sample count and newest timestamp. A row is written when
/// the store's commit returns and deleted only after the receiver answered 2xx (or a 4xx
/// that drops it), in one transaction, so the first row left is the durable "sent up to"
/// position: a restart or a receiver outage resends from there, and nothing twice except
/// the one request in flight when the process died (the protocol's retry allowance).
final class WriteQueueStore: Sendable {
    /// One queued batch.
    struct Batch: Sendable {
        var seq: Int64
        var data: [UInt8]
        var count: Int
        var maxTime: Int64
    }

    private let queue: DatabaseQueue
    /// The file.
    let path: String

    /// Opens (or creates) the queue file at `path`.
    init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.label = "tollgate.remote-write.queue"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // AUTOINCREMENT: a sequence number is never reused, even after the queue empties.
            try db.execute(sql: "CREATE TABLE batch (seq INTEGER PRIMARY KEY AUTOINCREMENT, count INTEGER NOT NULL, max_time INTEGER NOT NULL, data BLOB NOT NULL)")
        }
        try migrator.migrate(queue)
    }

    /// Appends batches, all in one transaction.
    func append(_ batches: [(data: [UInt8], count: Int, maxTime: Int64)]) async throws {
        guard !batches.isEmpty else { return }
        try await queue.write { db in
            for batch in batches {
                try db.execute(
                    sql: "INSERT INTO batch (count, max_time, data) VALUES (?, ?, ?)",
                    arguments: [batch.count, batch.maxTime, Data(batch.data)])
            }
        }
    }

    /// The oldest batches, as many as fit in `maxSamples` (at least one when any is queued).
    func head(maxSamples: Int, maxBatches: Int = 10_000) async throws -> [Batch] {
        try await queue.read { db in
            var batches: [Batch] = []
            var total = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, count, max_time, data FROM batch ORDER BY seq LIMIT ?", arguments: [maxBatches])
            while let row = try rows.next() {
                let count: Int = row["count"]
                if !batches.isEmpty && total + count > maxSamples { break }
                let data: Data = row["data"]
                batches.append(Batch(seq: row["seq"], data: [UInt8](data), count: count, maxTime: row["max_time"]))
                total += count
            }
            return batches
        }
    }

    /// Deletes every batch up to and including `seq`: they are sent (or dropped).
    func remove(through seq: Int64) async throws {
        try await queue.write { db in try db.execute(sql: "DELETE FROM batch WHERE seq <= ?", arguments: [seq]) }
    }

    /// Samples queued.
    func pendingSamples() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM batch") ?? 0 }
    }
}
