// Tollgate — chunks are sealed in block form, their timestamps shared by the series of a scrape.

import Foundation
import GRDB
import Logging
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class SealedChunkTests: Sendable {
    let scratch = TemporaryDirectories()

    /// Four series scraped together seal their chunks in block form (encoding 4), the four
    /// rows of one seal sharing one timestamp set; a series with a NaN in each chunk keeps XOR
    /// chunks. A series whose value never changes seals in block form too: its steps pack
    /// into no bits, fewer bytes than its XOR chunk takes. Every sample reads
    /// back bit for bit, after a restart, and after compaction merges them.
    @Test func scrapedSeriesSealInBlockFormSharingTheirTimestamps() async throws {
        let dir = try scratch.make("sealed").path
        var options = TSDB.Options()
        options.chunkSize = 40
        var db = try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
        let names = ["counter", "gauge", "cpu", "odd", "flat"]
        var expected: [String: [(Int64, Double)]] = [:]
        for step in 0..<100 {
            var appender = db.appender()
            let t = 1_700_000_000_000 + Int64(step) * 15_000
            let values = [Double(1_000 + step * 7), Double(step % 4) - 1.5, Double(50_000 + step * 13) / 100, step % 40 == 3 ? .nan : Double(step), 7]
            for (name, v) in zip(names, values) {
                appender.append(series(name), t: t, v: v)
                expected[name, default: []].append((t, v))
            }
            _ = try await appender.commit()
        }
        let rows = try DatabaseQueue(path: dir + "/tollgate.db").read { db in
            try Row.fetchAll(db, sql: "SELECT series_id, encoding, timestamps_id FROM chunks ORDER BY min_time, series_id")
        }
        #expect(rows.count == 10, "two seals of five series")
        // The NaN's series: its chunks stay XOR chunks, without a set.
        let xorRows = rows.filter { $0[1] as Int == 1 }
        #expect(xorRows.count == 2 && Set(xorRows.map { $0[0] as Int64 }) == [4], "\(rows)")
        #expect(xorRows.allSatisfy { ($0[2] as Int64?) == nil })
        let blockRows = rows.filter { $0[1] as Int == TSDB.sealedBlockEncoding }
        #expect(blockRows.count == 8 && Set(blockRows.map { $0[0] as Int64 }).count == 4, "\(rows)")
        #expect(Set(blockRows.compactMap { $0[2] as Int64? }).count == 2, "one set per seal: \(rows)")

        func check(_ db: TSDB, _ when: String) async throws {
            for name in names {
                let got = try await db.select([try LabelMatcher(.equal, "__name__", name)], minTime: .min, maxTime: .max).first
                #expect(got?.timestamps == expected[name]?.map(\.0), "\(name) \(when)")
                #expect(got?.values.map(\.bitPattern) == expected[name]?.map(\.1.bitPattern), "\(name) \(when)")
            }
        }
        try await check(db, "as sealed")
        try await db.close()
        db = try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
        try await check(db, "after a restart")
        try await db.flush()
        let compacted = try await db.compact(before: .max)
        #expect(compacted.blocks == 5)
        try await check(db, "after compaction")
        // The rows of 25 minutes were in two or three windows; their block is in the first.
        let windows = try await DatabaseQueue(path: dir + "/tollgate.db").read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunk_windows") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunk_windows WHERE id NOT IN (SELECT \(ChunkWindows.sql) FROM chunks)") ?? -1
            )
        }
        #expect(windows.0 == 1 && windows.1 == 0, "compaction forgets the windows it emptied: \(windows)")
        let stats = try await db.stats()
        #expect(stats.chunks == 0 && stats.blocks == 5)
    }
}
