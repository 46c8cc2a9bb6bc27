// Tollgate — the sealed chunks' index leads with a time window: reads find every row, a
// round of seals writes the current window's part of the index only, chunks stay inside a
// block range.

import Foundation
import GRDB
import Logging
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class ChunkWindowsTests: Sendable {
    let scratch = TemporaryDirectories()

    /// For random rows (spans from none to several hours) and random ranges, the windows a
    /// read probes include the window of every row that overlaps the range, and no window
    /// whose rows all end before it or start after it; times before 1970 and the extremes of
    /// `Int64` included.
    @Test func theWindowsOfARangeHoldEveryRowThatOverlapsIt() {
        var random = SplitMix(seed: 20)
        for round in 0..<2_000 {
            let longest = Int64.random(in: 0...(round % 3 == 0 ? 7_200_000 : 300_000), using: &random)
            let rows: [(Int64, Int64)] = (0..<20).map { _ in
                let start = Int64.random(in: -20_000_000...40_000_000, using: &random)
                return (start, start + Int64.random(in: 0...longest, using: &random))
            }
            var ends: [Int64: Int64] = [:]
            for (low, high) in rows { ends[ChunkWindows.window(of: low)] = max(ends[ChunkWindows.window(of: low)] ?? .min, high) }
            let stored = ChunkWindows(ends.map { ChunkWindows.Window(window: $0.key, end: $0.value) })
            var low = Int64.random(in: -30_000_000...50_000_000, using: &random)
            var high = low + Int64.random(in: 0...10_000_000, using: &random)
            if round % 50 == 1 { low = .min }
            if round % 50 == 2 { high = .max }
            let probed = stored.windows(overlapping: low, high)
            for row in rows where row.1 >= low && row.0 <= high {
                #expect(probed.contains(ChunkWindows.window(of: row.0)), "row \(row) in [\(low), \(high)]: \(probed)")
            }
            for window in probed {
                #expect(rows.contains { ChunkWindows.window(of: $0.0) == window && $0.1 >= low }, "window \(window) for [\(low), \(high)]")
                #expect(window <= ChunkWindows.window(of: high))
            }
            #expect(probed == probed.sorted())
        }
        #expect(ChunkWindows([]).windows(overlapping: .min, .max).isEmpty, "no rows: no probe")
        #expect(ChunkWindows([.init(window: 0, end: 10)]).windows(overlapping: 10, 5).isEmpty, "an empty range")
    }

    /// The window in Swift is the window of the index's SQL expression, before 1970 too.
    @Test func theWindowIsTheIndexExpression() throws {
        let queue = try DatabaseQueue()
        let w = ChunkWindows.width
        for t: Int64 in [0, 1, w - 1, w, -1, -w + 1, -w, -w - 1, 1_700_000_123_456, .max, .min] {
            let sql = try queue.read { try Int64.fetchOne($0, sql: "SELECT \(ChunkWindows.sql.replacingOccurrences(of: "min_time", with: "?"))", arguments: [t]) }
            #expect(sql == ChunkWindows.window(of: t), "\(t)")
        }
    }

    /// Every statement that finds rows by window goes through the index, as SQLite plans it:
    /// one written with another expression than the index's would scan the table.
    @Test func everyStatementByWindowUsesTheIndex() async throws {
        let dir = try scratch.make("plans").path
        let store = try await TSDB.open(directory: dir, logger: Logger(label: "test"))
        let statements = [
            ChunkWindows.probe("count, encoding, timestamps_id, data") + " ORDER BY min_time",
            ChunkWindows.probe("1") + " LIMIT 1",
            ChunkWindows.deleteRow,
            "SELECT 1 FROM chunks WHERE \(ChunkWindows.sql) = ? LIMIT 1",
            ChunkWindows.endingBefore("SELECT series_id, min_time, data"),
            ChunkWindows.endingBefore("DELETE"),
            "SELECT MIN(\(ChunkWindows.sql)) FROM chunks",
            "SELECT MAX(\(ChunkWindows.sql)) FROM chunks",
        ]
        try await store.read {
            try store.pool.read { db in
                for sql in statements {
                    let arguments = StatementArguments(Array(repeating: 1 as Int64, count: sql.count { $0 == "?" }))
                    let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                    #expect(plan.contains { $0.contains("INDEX chunks_window") }, "\(sql): \(plan)")
                    #expect(!plan.contains { $0.hasPrefix("SCAN chunks") && !$0.contains("INDEX") }, "\(sql): \(plan)")
                }
            }
        }
        try await store.close()
    }

    /// A round of seals writes about as many pages when the store holds forty rounds as when
    /// it holds two: the entries go to the current window's part of the index. With the
    /// index led by the series, the fortieth round rewrote every page of forty rounds of
    /// entries (more than four times the second's).
    @Test func aRoundOfSealsWritesNoMoreAsTheStoreGrows() async throws {
        let dir = try scratch.make("rounds").path
        var options = TSDB.Options()
        options.chunkSize = 8
        options.checkpointInterval = 1 << 30  // no checkpoint of the head: only the seals write
        options.checkpointSamplesPerSeries = 0
        let db = try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
        let names = (0..<600).map { series("s\($0)") }
        var framesByRound: [Int] = []
        let start: Int64 = 1_700_000_000_000
        for step in 0..<(8 * 41) {
            let seals = step > 0 && step % 8 == 0
            if seals {
                try await db.read { try db.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") } }
            }
            var appender = db.appender()
            for (i, labels) in names.enumerated() { appender.append(labels, t: start + Int64(step) * 60_000, v: Double(step * i)) }
            _ = try await appender.commit()
            if seals {
                let frames = try await db.read {
                    try db.pool.writeWithoutTransaction { try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(PASSIVE)")?[1] as Int? }
                }
                framesByRound.append(frames ?? -1)
            }
        }
        let early = framesByRound[1..<6].max() ?? 0
        let late = framesByRound[34..<40].max() ?? 0
        #expect(early > 0 && late <= early + early / 2, "pages written by a round of seals: \(framesByRound)")
        try await db.close()
    }

    /// A series scraped every 10 minutes fills a chunk of 12 samples in 2 hours, 24
    /// windows: a read of any range, starting anywhere inside such a chunk, returns exactly
    /// its samples, and the series is listed exactly when it has one there. As sealed, after a
    /// restart, after compaction, after a deletion that moves chunks' first samples into a
    /// later window, and after retention.
    @Test func longChunksAreFoundFromAnywhereInsideThem() async throws {
        let dir = try scratch.make("slow").path
        var options = TSDB.Options()
        options.chunkSize = 12
        options.idleSeriesTime = 0
        var db = try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
        let start: Int64 = 1_700_000_000_000
        var expected: [(Int64, Double)] = []
        for step in 0..<200 {
            let t = start + Int64(step) * 600_000
            var appender = db.appender()
            appender.append(series("slow"), t: t, v: Double(step))
            appender.append(series("fast"), t: t, v: Double(step))
            _ = try await appender.commit()
            expected.append((t, Double(step)))
        }
        let end = start + 200 * 600_000
        func check(_ db: TSDB, _ when: String) async throws {
            var random = SplitMix(seed: 7)
            for _ in 0..<60 {
                let low = Int64.random(in: start - 3_600_000...end, using: &random)
                let high = low + Int64.random(in: 0...3_600_000, using: &random)
                let got = try await db.select([try LabelMatcher(.equal, "__name__", "slow")], minTime: low, maxTime: high).first
                let want = expected.filter { $0.0 >= low && $0.0 <= high }
                #expect((got?.timestamps ?? []) == want.map(\.0), "[\(low), \(high)] \(when)")
                #expect((got?.values ?? []) == want.map(\.1), "[\(low), \(high)] \(when)")
                // Listed when a row overlaps the range, as Prometheus lists by chunk: a row
                // across the range without a sample in it (a deleted stretch) counts too.
                let listed = try await db.series([try LabelMatcher(.equal, "__name__", "slow")], minTime: low, maxTime: high)
                let outside = expected.allSatisfy { $0.0 < low } || expected.allSatisfy { $0.0 > high }
                #expect(listed.count == (want.isEmpty ? listed.count : 1) && (!outside || listed.isEmpty), "listed in [\(low), \(high)] \(when)")
            }
        }
        try await check(db, "as sealed")
        try await db.close()
        db = try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
        try await check(db, "after a restart")
        _ = try await db.compact(before: start + 100 * 600_000)
        try await check(db, "after compaction")
        // The first 35 minutes of each two-hour stretch (every chunk, and every block) go.
        for stretch in 0..<17 {
            let from = start + Int64(stretch) * 12 * 600_000
            _ = try await db.deleteSamples(matching: [[try LabelMatcher(.equal, "__name__", "slow")]], minTime: from, maxTime: from + 2_100_000)
            expected.removeAll { $0.0 >= from && $0.0 <= from + 2_100_000 }
        }
        try await check(db, "after deleting the start of every chunk")
        // Retention deletes whole rows that end before its cutoff; a row across it stays.
        let cutoff = start + 50 * 600_000
        _ = try await db.deleteBefore(cutoff)
        let kept = try await db.select([try LabelMatcher(.equal, "__name__", "slow")], minTime: .min, maxTime: .max).first?.timestamps ?? []
        let first = kept.first ?? .max
        let firstAfterCutoff = expected.first { $0.0 >= cutoff }?.0 ?? .max
        #expect(first >= start + 38 * 600_000 && first <= firstAfterCutoff, "the first sample left: \(first - start)")
        expected.removeAll { $0.0 < first }
        try await check(db, "after retention")
        try await db.close()
    }
}
