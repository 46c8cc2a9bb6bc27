// Tollgate — TSDB: what the store holds.

import Chunks
import Foundation
import GRDB
import Logging
public import Storage
import Synchronization

extension TSDB {
    /// Counts series, samples, chunks and bytes.
    public func stats() async throws -> TSDBStats {
        try await run {
            var stats = TSDBStats()
            let head = self.state.withLock { s -> (Int, Int, Int, Int, Int) in
                let open = s.series.all.map(\.1).filter { $0.chunk.count > 0 }
                return (s.series.count, s.cold.count, open.count, open.reduce(0) { $0 + $1.chunk.count }, s.logRecords)
            }
            (stats.series, stats.coldSeries, stats.headChunks, stats.headSamples, stats.logRecords) = head
            var headRange: (Int64, Int64)?
            self.state.withLock { s in
                for (_, series) in s.series.all where series.chunk.count > 0 {
                    let range = (series.chunk.minTime, series.chunk.maxTime)
                    headRange = headRange.map { (min($0.0, range.0), max($0.1, range.1)) } ?? range
                }
            }
            try self.readUnmapped { db in
                if let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(SUM(count), 0), COALESCE(SUM(encoding <> 2), 0), COALESCE(SUM(encoding = 2), 0),
                               COALESCE(SUM(LENGTH(data)), 0), MIN(min_time), MAX(max_time) FROM chunks
                        """)
                {
                    stats.samples = row[0]
                    stats.chunks = row[1]
                    stats.blocks = row[2]
                    stats.dataBytes = row[3]
                    stats.minTime = row[4]
                    stats.maxTime = row[5]
                }
                stats.dataBytes += try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM timestamp_sets") ?? 0
                stats.indexBytes = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(labels)) + 8 * COUNT(*), 0) FROM series") ?? 0
            }
            stats.samples += stats.headSamples
            if let (low, high) = headRange {
                stats.minTime = min(stats.minTime ?? low, low)
                stats.maxTime = max(stats.maxTime ?? high, high)
            }
            stats.fileBytes = self.fileBytes
            return stats
        }
    }

    /// The bytes of the database file and its WAL file, from the file system: at least the
    /// sample data the store holds, read without a scan.
    public var fileBytes: Int {
        ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int ?? 0)
        }
    }

    /// The newest sample time of any series, from memory; nil when the store is empty.
    public var headMaxTime: Int64? {
        state.withLock { s in s.headMaxTime == .min ? nil : s.headMaxTime }
    }

    /// Query readers map up to this many bytes of the database file (see ``open(directory:logger:options:)``).
    static let readerMapBytes = 1 << 30

    /// Runs `body` in a read transaction whose pages are copied through SQLite's page cache
    /// instead of mapped: a scan of whole tables (the statistics that housekeeping records
    /// every minute) would otherwise leave every page of the file resident in the process,
    /// counted in its RSS, until the kernel needs the memory (95 MB with 200,000 series).
    func readUnmapped(_ body: (Database) throws -> Void) throws {
        try pool.unsafeRead { db in
            try db.execute(sql: "PRAGMA mmap_size = 0")
            defer { try? db.execute(sql: "PRAGMA mmap_size = \(Self.readerMapBytes)") }
            try db.inTransaction(.deferred) {
                try body(db)
                return .commit
            }
        }
    }
}
