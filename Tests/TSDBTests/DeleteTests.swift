// Tollgate — deleting samples: sealed chunks, blocks and the head, across a restart.

import Foundation
import Logging
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class DeleteTests: Sendable {
    let scratch = TemporaryDirectories()

    func open(_ dir: String) async throws -> TSDB {
        var options = TSDB.Options()
        options.chunkSize = 10
        options.checkpointInterval = 1000
        options.checkpointSamplesPerSeries = 1000
        options.blockRange = 100_000
        return try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
    }

    /// Commits samples at 0, 1 000, … (n - 1) × 1 000 ms of `labels`, value = index.
    func fill(_ db: TSDB, _ labels: [Labels], count: Int, from start: Int = 0) async throws {
        for i in start..<(start + count) {
            var appender = db.appender()
            for l in labels { appender.append(l, t: Int64(i) * 1000, v: Double(i)) }
            _ = try await appender.commit()
        }
    }

    func times(_ db: TSDB, _ name: String, job: String) async throws -> [Int64] {
        let got = try await db.select([try LabelMatcher(.equal, "__name__", name), try LabelMatcher(.equal, "job", job)], minTime: .min, maxTime: .max)
        return got.first?.timestamps ?? []
    }

    @Test func deletesTheRangeFromBlocksChunksAndHeadAndStaysDeletedAfterARestart() async throws {
        let dir = try scratch.make("delete").path
        let a = series("m", ["job": "a"]), b = series("m", ["job": "b"]), other = series("n", ["job": "a"])
        let all = (0..<330).map { Int64($0) * 1000 }
        let kept = all.filter { $0 < 250_000 || $0 > 326_500 }
        // The first store is released when this closure returns, before the restart below.
        let otherRef: SeriesRef? = try await { () async throws -> SeriesRef? in
            let store = try await open(dir)
            // 0…299 s: blocks after compaction; 300…324 s: sealed XOR chunks; then the head.
            try await fill(store, [a, b, other], count: 300)
            try await store.flush()
            _ = try await store.compact(before: .max)
            try await fill(store, [a, b, other], count: 30, from: 300)
            #expect(try await times(store, "m", job: "a") == all)

            // A range across a block, two sealed chunks and the open head chunk, and one of its series only.
            let result = try await store.deleteSamples(
                matching: [[try LabelMatcher(.equal, "__name__", "m"), try LabelMatcher(.equal, "job", "a")]], minTime: 250_000, maxTime: 326_500)
            #expect(result == TSDB.DeletionResult(series: 1, samples: 77))
            #expect(try await times(store, "m", job: "a") == kept)
            #expect(try await times(store, "m", job: "b") == all, "another series of the same name keeps its samples")
            #expect(try await times(store, "n", job: "a") == all)

            // Two selectors: their union; everything of `n` goes, its series stays known.
            let second = try await store.deleteSamples(
                matching: [[try LabelMatcher(.equal, "__name__", "n")], [try LabelMatcher(.equal, "job", "b")]], minTime: .min, maxTime: .max)
            #expect(second == TSDB.DeletionResult(series: 2, samples: 660))
            #expect(try await times(store, "n", job: "a") == [])
            #expect(store.ref(for: other) != nil, "a series whose samples are gone keeps its id")
            // Appends go on after a deletion.
            try await fill(store, [a], count: 5, from: 330)
            return store.ref(for: other)
        }()

        // A restart (checkpoint and head log replayed) brings nothing deleted back.
        let reopened = try await open(dir)
        #expect(try await times(reopened, "m", job: "a") == kept + (330..<335).map { Int64($0) * 1000 })
        #expect(try await times(reopened, "m", job: "b") == [])
        #expect(try await times(reopened, "n", job: "a") == [])
        #expect(otherRef != nil && reopened.ref(for: other) == otherRef)
        // New series after the deletions get fresh ids.
        var appender = reopened.appender()
        appender.append(series("fresh"), t: 400_000, v: 1)
        _ = try await appender.commit()
        let ids = [a, b, other].compactMap { reopened.ref(for: $0) }
        #expect(ids.count == 3)
        #expect(reopened.ref(for: series("fresh")).map { id in !ids.contains(id) } == true)
    }

    @Test func anEmptyOrReversedRangeDeletesNothing() async throws {
        let db = try await open(try scratch.make("delete").path)
        try await fill(db, [series("m", ["job": "a"])], count: 20)
        let reversed = try await db.deleteSamples(matching: [[try LabelMatcher(.equal, "__name__", "m")]], minTime: 10_000, maxTime: 5_000)
        #expect(reversed == TSDB.DeletionResult())
        let outside = try await db.deleteSamples(matching: [[try LabelMatcher(.equal, "__name__", "m")]], minTime: 100_000, maxTime: 200_000)
        #expect(outside == TSDB.DeletionResult())
        #expect(try await times(db, "m", job: "a").count == 20)
    }
}
