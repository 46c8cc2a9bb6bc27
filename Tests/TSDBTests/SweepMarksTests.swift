// Tollgate — compaction and time retention sweep the chunk table only when there is something new to find.

import Chunks
import Foundation
import GRDB
import Logging
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class SweepMarksTests: Sendable {
    let scratch = TemporaryDirectories()

    @Test func marksCoverWhatTheLastSweepSawUntilAnOlderRowIsWritten() {
        var marks = SweepMarks()
        #expect(!marks.compactionCovers(1_000) && !marks.retentionCovers(1_000), "nothing swept yet")
        marks.compacted(before: 1_000, lowestLeft: .max)
        marks.retained(before: 500)
        #expect(marks.compactionCovers(1_000) && marks.compactionCovers(900))
        #expect(!marks.compactionCovers(1_001), "a later cutoff may find rows")
        #expect(marks.retentionCovers(500) && !marks.retentionCovers(501))
        marks.wrote(maxTime: 2_000, merges: true)
        #expect(marks.compactionCovers(1_000) && marks.retentionCovers(500), "a row above the cutoffs changes nothing")
        marks.wrote(maxTime: 700, merges: false)
        #expect(marks.compactionCovers(1_000), "a block is not merged again")
        #expect(marks.retentionCovers(500), "a row above the retention's cutoff")
        marks.wrote(maxTime: 400, merges: true)
        #expect(!marks.compactionCovers(1_000) && !marks.retentionCovers(500))
        marks.compacted(before: 1_000, lowestLeft: 950)
        #expect(!marks.compactionCovers(1_000) && marks.compactionCovers(950), "a chunk left behind is looked at again")
    }

    /// A second compaction or retention with the same cutoff reads nothing: a row put into the
    /// file behind the store's back is not seen; one the store writes below the cutoff is.
    @Test func aSweepWithNothingNewReadsNothing() async throws {
        let dir = try scratch.make("sweeps").path
        var options = TSDB.Options()
        options.chunkSize = 10
        options.blockRange = 100_000
        let db = try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
        for step in 0..<50 {
            var appender = db.appender()
            appender.append(series("a"), t: Int64(step) * 10_000, v: Double(step))
            _ = try await appender.commit()
        }
        #expect(try await db.compact(before: 300_000).blocks == 3)
        #expect(try await db.deleteBefore(100_000) == 1)
        // Behind the store's back: an XOR chunk of series 1 at 150 s, and one at 50 s.
        var chunk = XORChunk()
        chunk.append(150_500, 1)
        chunk.append(150_600, 2)
        var old = XORChunk()
        old.append(50_500, 1)
        old.append(50_600, 2)
        let rows = [chunk, old]
        try await DatabaseQueue(path: dir + "/tollgate.db").write { raw in
            for c in rows {
                try raw.execute(
                    sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (1, ?, ?, 2, 1, NULL, ?)",
                    arguments: [c.minTime, c.maxTime, Data(c.bytes)])
            }
        }
        #expect(try await db.compact(before: 300_000).mergedRows == 0, "the same cutoff: nothing read")
        #expect(try await db.deleteBefore(100_000) == 0, "the same cutoff: nothing read")
        #expect(try await db.deleteBefore(60_000) == 0)
        // A later cutoff sweeps again and finds the row at 50 s.
        #expect(try await db.deleteBefore(100_001) == 1)
        // Samples the store writes below the compaction's cutoff (out of order) are merged.
        db.setOutOfOrderTimeWindow(1_000_000)
        var late = db.appender()
        late.append(series("a"), t: 120_500, v: 7)
        _ = try await late.commit()
        let merged = try await db.compact(before: 300_000)
        #expect(merged.mergedRows >= 2, "the out-of-order chunk and its window's block, with the row beside them: \(merged)")
        let a = try await db.select([try LabelMatcher(.equal, "__name__", "a")], minTime: 100_000, maxTime: 200_000).first
        #expect(a?.timestamps.contains(120_500) == true && a?.timestamps.contains(150_500) == true)
    }
}

struct HousekeepingWindowTests {
    /// Housekeeping cuts at the start of the block-range window that holds a time, negative
    /// times included.
    @Test func cutoffsAreWindowStarts() {
        #expect(Housekeeping.windowStart(7_199_999, 7_200_000) == 0)
        #expect(Housekeeping.windowStart(7_200_000, 7_200_000) == 7_200_000)
        #expect(Housekeeping.windowStart(15_000_000, 7_200_000) == 14_400_000)
        #expect(Housekeeping.windowStart(-1, 7_200_000) == -7_200_000)
        #expect(Housekeeping.windowStart(-7_200_000, 7_200_000) == -7_200_000)
        #expect(Housekeeping.windowStart(123, 0) == 123)
    }
}
