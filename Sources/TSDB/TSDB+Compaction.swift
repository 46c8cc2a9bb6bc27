// Tollgate — TSDB: merging sealed chunks into compact blocks, and retention.

import Chunks
import Foundation
import GRDB
import Logging
import Synchronization

extension TSDB {
    /// What a compaction did.
    public struct CompactionResult: Sendable, Equatable {
        /// Sealed rows merged away.
        public var mergedRows = 0
        /// Blocks written.
        public var blocks = 0
    }

    /// Merges the sealed chunks that end before `cutoff` into one block per series and
    /// block range (2 h by default): values in ``SampleBlock`` form, timestamps in a set
    /// shared with every series that has the same timestamps. Chunks of out-of-order samples
    /// are merged in by time (one sample per timestamp), except those reaching into their
    /// series' open head chunk, which wait for it to be sealed.
    ///
    /// Reads nothing when an earlier compaction swept as far and no row it would merge was
    /// written below `cutoff` since (``SweepMarks``).
    public func compact(before cutoff: Int64) async throws -> CompactionResult {
        try await run {
            if self.sweeps.withLock({ $0.compactionCovers(cutoff) }) { return CompactionResult() }
            let (result, lowestLeft) = try self.pool.write { db in try self.compact(db, before: cutoff) }
            self.sweeps.withLock { $0.compacted(before: cutoff, lowestLeft: lowestLeft) }
            return result
        }
    }

    /// Compacts; returns what it did and the lowest `max_time` of a row it left to merge later.
    private func compact(_ db: Database, before cutoff: Int64) throws -> (CompactionResult, Int64) {
        struct Row3 {
            var minTime: Int64, count: Int, encoding: Int, timestampsID: Int64?, data: Data
        }
        var groups: [UInt32: [Int64: [Row3]]] = [:]
        // Where each open head chunk starts, once an out-of-order chunk is seen: see below.
        var headStarts: [UInt32: Int64]?
        var lowestLeft = Int64.max
        let rows = try Row.fetchCursor(
            db,
            sql: ChunkWindows.endingBefore("SELECT series_id, min_time, count, encoding, timestamps_id, data, max_time") + " ORDER BY series_id, min_time",
            arguments: [ChunkWindows.window(of: cutoff), cutoff])
        while let row = try rows.next() {
            let id = UInt32(truncatingIfNeeded: row[0] as Int64)
            let minTime: Int64 = row[1]
            if row[3] as Int == Self.outOfOrderEncoding {
                // Out-of-order samples inside the open head chunk's range stay apart until the head
                // moves past them: recovery takes a block reaching into that range for the head
                // chunk sealed since the checkpoint.
                let starts = headStarts ?? state.withLock { s in
                    Dictionary(uniqueKeysWithValues: s.series.all.filter { $0.1.chunk.count > 0 }.map { ($0.0, $0.1.chunk.minTime) })
                }
                headStarts = starts
                if let start = starts[id], row[6] as Int64 >= start {
                    lowestLeft = min(lowestLeft, row[6])
                    continue
                }
            }
            let window = minTime >= 0 ? minTime / options.blockRange : (minTime - options.blockRange + 1) / options.blockRange
            groups[id, default: [:]][window, default: []].append(Row3(minTime: minTime, count: row[2], encoding: row[3], timestampsID: row[4], data: row[5]))
        }
        var result = CompactionResult()
        var sets = TimestampSets { db in try self.newTimestampSetID(db) }
        var written = ChunkWindows.Written()
        var vacated = Set<Int64>()
        for (id, windows) in groups {
            for (_, members) in windows where members.count > 1 || members.contains(where: { $0.encoding != 2 }) {
                var timestamps: [Int64] = []
                var values: [Double] = []
                var overlapping = false
                for member in members {
                    if let last = timestamps.last, member.minTime <= last { overlapping = true }
                    if member.encoding == 1 || member.encoding == Self.outOfOrderEncoding {
                        Self.decodeXOR([UInt8](member.data), count: member.count, .min, .max, &timestamps, &values)
                    } else if let setID = member.timestampsID, let ts = try sets.load(setID, db),
                        let vs = SampleBlock.decodeValues([UInt8](member.data), count: member.count)
                    {
                        timestamps += ts
                        values += vs
                    } else {
                        throw TSDBError("a block of series \(id) is corrupt")
                    }
                }
                // Out-of-order chunks overlap the others: one sample per timestamp, in time order.
                if overlapping { Self.sortByTime(&timestamps, &values, from: 0) }
                guard let first = timestamps.first, let last = timestamps.last else { continue }
                let setID = try sets.store(timestamps, db)
                for member in members {
                    try db.execute(sql: ChunkWindows.deleteRow, arguments: [ChunkWindows.window(of: member.minTime), Int64(id), member.minTime])
                    vacated.insert(ChunkWindows.window(of: member.minTime))
                }
                try db.execute(
                    sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, 2, ?, ?)",
                    arguments: [Int64(id), first, last, timestamps.count, setID, Data(SampleBlock.encodeValues(values))])
                written.note(first, last)
                sweeps.withLock { $0.wrote(maxTime: last, merges: false) }
                result.mergedRows += members.count
                result.blocks += 1
            }
        }
        try written.save(db)
        try ChunkWindows.forget(emptied: vacated, db)
        if result.mergedRows > 0 { try self.dropUnusedTimestampSets(db) }
        return (result, lowestLeft)
    }

    /// Deletes sealed chunks and blocks that end before `cutoff` (time retention). Reads
    /// nothing when an earlier call swept as far and no row was written below `cutoff` since
    /// (``SweepMarks``).
    /// - Returns: the number of rows deleted.
    public func deleteBefore(_ cutoff: Int64) async throws -> Int {
        try await run {
            if self.sweeps.withLock({ $0.retentionCovers(cutoff) }) { return 0 }
            let dropped = try self.pool.write { db in
                try db.execute(sql: ChunkWindows.endingBefore("DELETE"), arguments: [ChunkWindows.window(of: cutoff), cutoff])
                let deleted = db.changesCount
                try ChunkWindows.forget(endingBefore: cutoff, db)
                guard deleted > 0 else { return (deleted, [UInt32]()) }
                try self.dropUnusedTimestampSets(db)
                return (deleted, try self.dropEmptyColdSeries(db))
            }
            self.sweeps.withLock { $0.retained(before: cutoff) }
            self.forgetCold(dropped.1)
            return dropped.0
        }
    }

    /// Deletes the oldest sealed data until sample data (chunks, blocks and their timestamp
    /// sets) takes at most `maxBytes` (size retention).
    /// - Returns: the number of rows deleted.
    public func shrink(toBytes maxBytes: Int) async throws -> Int {
        try await run {
            let dropped = try self.pool.write { db in
                var deleted = 0
                while try Self.sampleDataBytes(db) > maxBytes {
                    guard let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(max_time) FROM chunks") else { break }
                    try db.execute(sql: "DELETE FROM chunks WHERE max_time <= ?", arguments: [oldest])
                    deleted += db.changesCount
                    try ChunkWindows.forget(endingBefore: oldest < .max ? oldest + 1 : .max, db)
                    try self.dropUnusedTimestampSets(db)
                }
                return (deleted, deleted > 0 ? try self.dropEmptyColdSeries(db) : [])
            }
            self.forgetCold(dropped.1)
            return dropped.0
        }
    }

    /// Forgets cold series whose rows ``dropEmptyColdSeries(_:)`` deleted.
    private func forgetCold(_ ids: [UInt32]) {
        guard !ids.isEmpty else { return }
        state.withLock { s in for id in ids { s.cold.remove(id) } }
        logger.info("deleted series left without samples", metadata: ["series": "\(ids.count)"])
    }

    /// The bytes of sealed sample data: chunks and blocks, and the timestamp sets they share.
    static func sampleDataBytes(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM chunks) + (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM timestamp_sets)") ?? 0
    }

    /// An id no timestamp set has had since the store opened. SQLite would hand out the id
    /// of a deleted last set again, and queries keep decoded sets by id while they run
    /// beside the writer (see `ChunkReader`), so ids only grow.
    func newTimestampSetID(_ db: Database) throws -> Int64 {
        let stored = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM timestamp_sets") ?? 0
        return lastTimestampSetID.withLock { last in
            last = max(last, stored) + 1
            return last
        }
    }

    /// Deletes the sets no block uses any more and forgets the decoded sets kept for
    /// queries (their memory; ids are never given out again in this process).
    func dropUnusedTimestampSets(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM timestamp_sets WHERE id NOT IN (SELECT timestamps_id FROM chunks WHERE timestamps_id IS NOT NULL)")
        decodedTimestampSets.withLock { $0 = DecodedTimestampSets() }
    }

    /// Rewrites the database file to its minimal size and empties SQLite's WAL file.
    public func vacuum() async throws {
        try await run {
            try self.pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
    }

    /// Copies the whole database to `path` with SQLite's online backup; a restore is a file copy.
    /// A checkpoint first puts the head's open chunks in the database: the head log's files
    /// are not part of the copy.
    public func backup(to path: String) async throws {
        try await run {
            try self.state.withLock { s in
                if s.logRecords > 0 { try self.checkpoint(&s) }
            }
            let destination = try DatabaseQueue(path: path)
            try self.pool.backup(to: destination)
        }
    }
}

/// Timestamp columns stored once and shared by every block with the same timestamps.
struct TimestampSets {
    private var byHash: [Int64: [(Int64, [UInt8])]] = [:]
    private var decoded: [Int64: [Int64]] = [:]
    /// Gives the id of a new set.
    private let newID: (Database) throws -> Int64

    init(newID: @escaping (Database) throws -> Int64) { self.newID = newID }

    mutating func store(_ timestamps: [Int64], _ db: Database) throws -> Int64 {
        let encoded = SampleBlock.encodeTimestamps(timestamps)
        let hash = Int64(bitPattern: FNV1a.hash(encoded))
        if byHash[hash] == nil {
            byHash[hash] = try Row.fetchAll(db, sql: "SELECT id, data FROM timestamp_sets WHERE hash = ?", arguments: [hash]).map {
                ($0[0], [UInt8]($0[1] as Data))
            }
        }
        if let existing = byHash[hash]?.first(where: { $0.1 == encoded }) { return existing.0 }
        let id = try newID(db)
        try db.execute(
            sql: "INSERT INTO timestamp_sets (id, hash, count, data) VALUES (?, ?, ?, ?)", arguments: [id, hash, timestamps.count, Data(encoded)])
        byHash[hash, default: []].append((id, encoded))
        return id
    }

    mutating func load(_ id: Int64, _ db: Database) throws -> [Int64]? {
        if let cached = decoded[id] { return cached }
        guard let timestamps = try Self.read(id, db) else { return nil }
        decoded[id] = timestamps
        return timestamps
    }

    /// Reads and decodes one set; nil when it is missing or corrupt.
    static func read(_ id: Int64, _ db: Database) throws -> [Int64]? {
        guard let row = try Row.fetchOne(db, sql: "SELECT count, data FROM timestamp_sets WHERE id = ?", arguments: [id]) else { return nil }
        return try row.withUnsafeData(atIndex: 1) { data in
            data?.withUnsafeBytes { SampleBlock.decodeTimestamps($0, count: row[0]) } ?? nil
        }
    }
}
