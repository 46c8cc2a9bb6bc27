// Tollgate — TSDB: deleting samples (the admin API's delete_series).

import Chunks
import Foundation
import GRDB
public import Model
import Synchronization

extension TSDB {
    /// What a deletion removed.
    public struct DeletionResult: Sendable, Equatable {
        /// Series that lost at least one sample.
        public var series = 0
        /// Samples removed.
        public var samples = 0
    }

    /// Deletes the samples in `[minTime, maxTime]` of every series any of `selectors`
    /// selects (a series is selected by a selector when it matches all its matchers), at
    /// once: there are no tombstones, so Prometheus's `clean_tombstones` has nothing to do.
    ///
    /// Sealed chunks and blocks that hold such samples are rewritten without them (or
    /// deleted when nothing is left) in one transaction; then the head's open chunks lose
    /// theirs and are checkpointed, so a restart does not replay them from the log. A series
    /// keeps its row and its id (ids are never reused), with or without samples, and keeps
    /// its newest time: a sample older than what was deleted is still out of order.
    /// - Parameters:
    ///   - selectors: matcher sets, as `match[]` gives them.
    ///   - minTime: the first time deleted, in milliseconds.
    ///   - maxTime: the last time deleted, in milliseconds.
    /// - Returns: how many series and samples lost something.
    /// - Throws: a SQLite error; nothing sealed is deleted then, and the head is as it was.
    public func deleteSamples(matching selectors: [[LabelMatcher]], minTime: Int64, maxTime: Int64) async throws -> DeletionResult {
        guard minTime <= maxTime else { return DeletionResult() }
        return try await run {
            try self.state.withLock { s in
                var ids = Set<UInt32>()
                for matchers in selectors { ids.formUnion(s.postings.select(matchers)) }
                if s.cold.count > 0 {
                    // Series that left the head (TSDB+Eviction): only sealed samples to delete.
                    let cold = try self.pool.read { db in try selectors.flatMap { try self.coldSelect($0, minTime: .min, db).map(\.0) } }
                    ids.formUnion(cold)
                }
                var touched = Set<UInt32>()
                var result = DeletionResult()
                let sorted = ids.sorted()
                try self.pool.write { db in
                    var sets = TimestampSets { db in try self.newTimestampSetID(db) }
                    let windows = try ChunkWindows(db).windows(overlapping: minTime, maxTime)
                    var written = ChunkWindows.Written()
                    for id in sorted {
                        let removed = try self.deleteSealed(id, minTime, maxTime, in: windows, db, &sets, &written)
                        if removed > 0 { touched.insert(id) }
                        result.samples += removed
                    }
                    try written.save(db)
                    try self.dropUnusedTimestampSets(db)
                }
                var previous: [(UInt32, XORChunk)] = []
                for id in sorted {
                    guard let series = s.series[id], series.chunk.count > 0 else { continue }
                    let chunk = series.chunk.xorChunk
                    let (kept, removed) = Self.without(chunk, minTime, maxTime)
                    guard removed > 0 else { continue }
                    previous.append((id, chunk))
                    series.chunk.replace(with: kept)
                    touched.insert(id)
                    result.samples += removed
                }
                if !previous.isEmpty {
                    do {
                        try self.checkpoint(&s)
                    } catch {
                        for (id, chunk) in previous { s.series[id]?.chunk.replace(with: chunk) }
                        throw error
                    }
                }
                result.series = touched.count
                return result
            }
        }
    }

    /// Rewrites the sealed rows of series `id` that hold samples in the range, found in
    /// `windows` (``ChunkWindows``); the rows written instead are noted in `written`.
    /// - Returns: the samples removed.
    private func deleteSealed(
        _ id: UInt32, _ minTime: Int64, _ maxTime: Int64, in windows: [Int64], _ db: Database, _ sets: inout TimestampSets,
        _ written: inout ChunkWindows.Written
    ) throws -> Int {
        var rows: [Row] = []
        for window in windows {
            rows += try Row.fetchAll(
                db, sql: ChunkWindows.probe("id, count, encoding, timestamps_id, data"), arguments: [window, Int64(id), minTime, maxTime])
        }
        var removed = 0
        for row in rows {
            let rowID: Int64 = row[0], count: Int = row[1], encoding: Int = row[2]
            var timestamps: [Int64] = []
            var values: [Double] = []
            if Self.hasTimestampSet(Int64(encoding)) {
                guard let setID = row[3] as Int64?, let ts = try sets.load(setID, db), let vs = SampleBlock.decodeValues([UInt8](row[4] as Data), count: count),
                    ts.count == vs.count
                else { throw TSDBError("a block of series \(id) is corrupt") }
                timestamps = ts
                values = vs
            } else {
                Self.decodeXOR([UInt8](row[4] as Data), count: count, .min, .max, &timestamps, &values)
            }
            var keptTimes: [Int64] = []
            var keptValues: [Double] = []
            for (t, v) in zip(timestamps, values) where t < minTime || t > maxTime {
                keptTimes.append(t)
                keptValues.append(v)
            }
            guard keptTimes.count < timestamps.count else { continue }
            removed += timestamps.count - keptTimes.count
            try db.execute(sql: "DELETE FROM chunks WHERE id = ?", arguments: [rowID])
            guard let first = keptTimes.first, let last = keptTimes.last else { continue }
            sweeps.withLock { $0.wrote(maxTime: last, merges: encoding != 2) }
            written.note(first, last)
            if Self.hasTimestampSet(Int64(encoding)) {  // what is left of it is a block
                let setID = try sets.store(keptTimes, db)
                try db.execute(
                    sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, 2, ?, ?)",
                    arguments: [Int64(id), first, last, keptTimes.count, setID, Data(SampleBlock.encodeValues(keptValues))])
            } else {
                var chunk = XORChunk()
                for (t, v) in zip(keptTimes, keptValues) { chunk.append(t, v) }
                try db.execute(
                    sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                    arguments: [Int64(id), first, last, chunk.count, encoding, Data(chunk.bytes)])
            }
        }
        return removed
    }

    /// `chunk` without its samples in the range, and how many were left out.
    private static func without(_ chunk: XORChunk, _ minTime: Int64, _ maxTime: Int64) -> (XORChunk, Int) {
        var kept = XORChunk()
        var removed = 0
        var iterator = chunk.makeIterator()
        while iterator.next() {
            let (t, v) = iterator.at
            if t >= minTime && t <= maxTime { removed += 1 } else { kept.append(t, v) }
        }
        return (kept, removed)
    }
}
