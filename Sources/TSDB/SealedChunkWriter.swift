// Tollgate — TSDB: chunks written as they are sealed, values in block form.

import Chunks
import Foundation
import GRDB
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
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, 1, NULL, ?)")
            return try statement.execute(arguments: [Int64(id), chunk.minTime, chunk.maxTime, chunk.count, Data(chunk.bytes)])
        }
        if timestamps != lastTimestamps {
            lastSetID = try sets.store(timestamps, db)
            swap(&lastTimestamps, &timestamps)
        }
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
        try statement.execute(
            arguments: [Int64(id), chunk.minTime, chunk.maxTime, chunk.count, TSDB.sealedBlockEncoding, lastSetID, Data(encoded)])
    }

    /// Writes every chunk of `sealed`.
    static func insert(_ sealed: [(UInt32, XORChunk)], of store: TSDB, into db: Database) throws {
        guard !sealed.isEmpty else { return }
        var writer = SealedChunkWriter(store)
        for (id, chunk) in sealed { try writer.insert(chunk, of: id, into: db) }
        store.sweeps.withLock { $0.wrote(maxTime: writer.lowest, merges: true) }
    }
}
