// Tollgate — TSDB: chunks written as they are sealed, values in block form.

import Chunks
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

extension TSDB {
    /// The encoding of a chunk stored as it was sealed, in block form: its values as a
    /// ``SampleBlock`` (``SampleBlock/encodeSealedValues(_:)``), its timestamps in a shared
    /// set, like a block (encoding 2), but not merged yet: compaction treats it as a sealed
    /// chunk. Readers that know blocks read it as one.
    static let sealedBlockEncoding = 4

    /// Whether rows of `encoding` keep their timestamps in a shared set (blocks and chunks
    /// sealed in block form) rather than in an XOR chunk.
    static func hasTimestampSet(_ encoding: Int64) -> Bool {
        encoding == 2 || encoding == Int64(sealedBlockEncoding)
    }
}

/// Writes the chunks one transaction seals.
///
/// An XOR chunk spends a bit or more per value even when it repeats, and 2 to 3 bytes
/// on a counter's step; as a sealed row it was written twice (SQLite's WAL, then the
/// database). Its values in block form (decimal deltas) take about a byte, and its
/// timestamps go to a set shared with every series of the same scrape, which seal together
/// with the same timestamps: the set is stored once per scrape, not once per series.
/// A chunk whose values have no such form (NaN, the stale marker, long decimals) stays
/// an XOR chunk (encoding 1), as does one the XOR form holds in fewer bytes (a value that
/// never changes takes a bit there, a byte here).
struct SealedChunkWriter {
    private var sets: TimestampSets
    /// The lowest `max_time` written (for ``SweepMarks``).
    private var lowest: Int64 = .max
    /// The timestamps of the last chunk written and their set: the series of a scrape seal
    /// one after the other with the same timestamps.
    private var lastTimestamps: [Int64] = []
    private var lastSetID: Int64 = 0
    private var timestamps: [Int64] = []
    private var values: [Double] = []
    /// The insert, prepared at the first row.
    private var statement: Statement?
    /// The windows of the rows written (``ChunkWindows``).
    private var windows = ChunkWindows.Written()

    init(_ store: TSDB) {
        sets = TimestampSets { db in try store.newTimestampSetID(db) }
    }

    /// Writes `chunk` as series `id`'s sealed chunk starting at its first sample (replacing
    /// a row already there: recovery seals again what a crash left unlogged).
    mutating func insert(_ chunk: XORChunk, of id: UInt32, into db: Database) throws {
        lowest = min(lowest, chunk.maxTime)
        timestamps.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        TSDB.decodeXOR(chunk.bytes, count: chunk.count, .min, .max, &timestamps, &values)
        guard timestamps.count == chunk.count, chunk.count > 1, let encoded = SampleBlock.encodeSealedValues(values),
            encoded.count < chunk.byteCount
        else {
            return try chunk.bytes.withUnsafeBytes { try insertRow(chunk, of: id, encoding: 1, timestampSet: nil, payload: $0, into: db) }
        }
        if timestamps != lastTimestamps {
            lastSetID = try sets.store(timestamps, db)
            swap(&lastTimestamps, &timestamps)
        }
        try encoded.withUnsafeBytes { try insertRow(chunk, of: id, encoding: TSDB.sealedBlockEncoding, timestampSet: lastSetID, payload: $0, into: db) }
    }

    /// Inserts one row through SQLite's own calls on a statement prepared once per writer:
    /// a seal writes 200,000 rows at once, and GRDB's array of arguments per row, its blob
    /// copied into `Data`, and its statement looked up by its text per row took about a tenth
    /// of the seal. The payload is bound without a copy, and unbound before this returns.
    private mutating func insertRow(
        _ chunk: XORChunk, of id: UInt32, encoding: Int, timestampSet: Int64?, payload: UnsafeRawBufferPointer, into db: Database
    ) throws {
        if statement == nil {
            statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
        }
        windows.note(chunk.minTime, chunk.maxTime)
        guard let statement else { return }
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        sqlite3_bind_int64(s, 1, Int64(id))
        sqlite3_bind_int64(s, 2, chunk.minTime)
        sqlite3_bind_int64(s, 3, chunk.maxTime)
        sqlite3_bind_int64(s, 4, Int64(chunk.count))
        sqlite3_bind_int64(s, 5, Int64(encoding))
        if let timestampSet { sqlite3_bind_int64(s, 6, timestampSet) } else { sqlite3_bind_null(s, 6) }
        // Bound in place (no destructor): SQLite reads it in the step, and the deferred
        // `sqlite3_clear_bindings` lets go of it before the buffer goes.
        if let base = payload.baseAddress {
            sqlite3_bind_blob(s, 7, base, Int32(clamping: payload.count), nil)
        } else {
            sqlite3_bind_zeroblob(s, 7, 0)
        }
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
        }
    }

    /// Writes every chunk of `sealed`.
    static func insert(_ sealed: [(UInt32, XORChunk)], of store: TSDB, into db: Database) throws {
        guard !sealed.isEmpty else { return }
        var writer = SealedChunkWriter(store)
        for (id, chunk) in sealed { try writer.insert(chunk, of: id, into: db) }
        try writer.windows.save(db)
        store.sweeps.withLock { $0.wrote(maxTime: writer.lowest, merges: true) }
    }
}
