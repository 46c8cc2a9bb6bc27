// Tollgate — the store: out-of-order samples inside the configured time window.

import Foundation
import GRDB
import Logging
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

/// The last step a writer task finished, for reader tasks.
private final class Steps: Sendable {
    private let current = Atomic<Int>(0)
    var value: Int { current.load(ordering: .acquiring) }
    func set(_ value: Int) { current.store(value, ordering: .releasing) }
}

final class OutOfOrderTests: Sendable {
    let logs = LogCapture()
    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    func open(_ dir: String, window: Int64, chunkSize: Int = 120, checkpoint: Int = 512, blockRange: Int64 = 2 * 3_600_000) async throws -> TSDB {
        var options = TSDB.Options()
        options.outOfOrderTimeWindow = window
        options.chunkSize = chunkSize
        options.checkpointInterval = checkpoint
        options.checkpointSamplesPerSeries = 0
        options.blockRange = blockRange
        return try await TSDB.open(directory: dir, logger: logs.logger, options: options)
    }

    func commit(_ db: TSDB, _ samples: [(Labels, Int64, Double)]) async throws -> CommitResult {
        var appender = db.appender()
        for (labels, t, v) in samples { appender.append(labels, t: t, v: v) }
        return try await appender.commit()
    }

    func all(_ db: TSDB, _ name: String, from: Int64 = .min, to: Int64 = .max) async throws -> [SeriesSamples] {
        try await db.select([try LabelMatcher(.equal, "__name__", name)], minTime: from, maxTime: to)
    }

    /// The reference: one value per timestamp, in time order.
    func expectSamples(_ got: SeriesSamples?, _ reference: [Int64: Double], from: Int64 = .min, to: Int64 = .max, sourceLocation: SourceLocation = #_sourceLocation) {
        let want = reference.filter { $0.key >= from && $0.key <= to }.sorted { $0.key < $1.key }
        guard !want.isEmpty else {
            #expect(got == nil, "a series with no sample in the range is left out", sourceLocation: sourceLocation)
            return
        }
        #expect(got?.timestamps == want.map(\.key), sourceLocation: sourceLocation)
        #expect(got?.values.map(\.bitPattern) == want.map(\.value.bitPattern), sourceLocation: sourceLocation)
    }

    @Test func acceptsInsideTheWindowOfTheHeadsNewestTimeAndRejectsOlder() async throws {
        let db = try await open(try scratch.make("tsdb").path, window: 10_000)
        let a = series("m", ["s": "a"]), b = series("m", ["s": "b"])
        _ = try await commit(db, [(a, 100_000, 1), (b, 50_000, 1)])
        let result = try await commit(db, [
            (a, 95_000, 2),  // inside: 100 s - 10 s
            (a, 90_000, 3),  // the window's first millisecond
            (a, 89_999, 4),  // too old
            (a, 101_000, 5),  // in order
            (b, 45_000, 6),  // inside b's own 10 s, but not the head's (100 s as the commit began): too old
        ])
        #expect(result == CommitResult(appended: 3, outOfOrder: 2, outOfOrderAppended: 2))
        let got = try await all(db, "m")
        expectSamples(got.first, [90_000: 3, 95_000: 2, 100_000: 1, 101_000: 5])
        expectSamples(got.last, [50_000: 1])
    }

    @Test func aZeroWindowRejectsAsBefore() async throws {
        let db = try await open(try scratch.make("tsdb").path, window: 0)
        _ = try await commit(db, [(series("m"), 100_000, 1)])
        let result = try await commit(db, [(series("m"), 99_999, 2), (series("m"), 0, 3)])
        #expect(result == CommitResult(appended: 0, outOfOrder: 2))
        expectSamples(try await all(db, "m").first, [100_000: 1])
        #expect(try await db.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM chunks") } == 0)
    }

    /// At a held timestamp (head, sealed chunk, earlier out-of-order chunk, or earlier in the
    /// same batch) the same value is ignored and another one counted as a duplicate.
    @Test func heldTimestampsAreIgnoredOrDuplicates() async throws {
        let db = try await open(try scratch.make("tsdb").path, window: 1_000_000, chunkSize: 4)
        let m = series("m")
        var reference: [Int64: Double] = [:]
        for t in stride(from: Int64(0), to: 100, by: 10) {
            _ = try await commit(db, [(m, t, Double(t))])  // sealed up to 70, 80 and 90 in the head
            reference[t] = Double(t)
        }
        _ = try await commit(db, [(m, 15, 15)])
        reference[15] = 15
        let result = try await commit(db, [
            (m, 20, 20), (m, 30, -1),  // sealed: same value, other value
            (m, 80, 80), (m, 80, -1),  // the head
            (m, 15, 15), (m, 15, -1),  // an earlier out-of-order chunk
            (m, 25, 25), (m, 25, 25), (m, 25, -1),  // the same batch
        ])
        reference[25] = 25
        #expect(result == CommitResult(appended: 1, duplicate: 4, outOfOrderAppended: 1))
        expectSamples(try await all(db, "m").first, reference)
    }

    /// Out-of-order samples overlap head chunks, sealed chunks and blocks; every selection,
    /// whole or windowed, returns each sample once in time order.
    @Test func selectionsMergeOverlapsWithHeadSealedAndCompactedData() async throws {
        let db = try await open(try scratch.make("tsdb").path, window: 1_000_000, chunkSize: 5, blockRange: 100)
        let m = series("m")
        var reference: [Int64: Double] = [:]
        for t in stride(from: Int64(0), to: 400, by: 4) {
            _ = try await commit(db, [(m, t, Double(t))])
            reference[t] = Double(t)
        }
        _ = try await db.compact(before: 200)  // blocks below 200, sealed chunks above, the head at the end
        func check(_ stage: String) async throws {
            expectSamples(try await all(db, "m").first, reference)
            for (from, to) in [(Int64(0), Int64(99)), (150, 250), (390, 400), (-5, 2), (393, 393), (397, 397)] {
                expectSamples(try await all(db, "m", from: from, to: to).first, reference, from: from, to: to)
            }
            // 197 is out of order, between the in-order chunks (or blocks) ending at 196 and starting at 200.
            let matcher = try LabelMatcher(.equal, "__name__", "m")
            #expect(try await db.series([matcher], minTime: 197, maxTime: 197) == [m], "\(stage)")
            #expect(try await db.series([matcher], minTime: 198, maxTime: 199) == [], "\(stage)")
            #expect(try await db.series([matcher], minTime: 389, maxTime: 389) == [m], "\(stage)")
            #expect(try await db.stats().samples == reference.count, "\(stage)")
        }
        // Odd samples everywhere, two commits per step so that chunks of them overlap each other too.
        for step in stride(from: Int64(1), to: 400, by: 8) {
            var batch: [(Labels, Int64, Double)] = []
            for t in [step, step + 2, step + 4] where t < 396 {
                batch.append((m, t, Double(t) + 0.5))
                reference[t] = Double(t) + 0.5
            }
            let result = try await commit(db, batch)
            #expect(result.outOfOrderAppended == batch.count)
        }
        // One more between two earlier out-of-order chunks, and one of them again.
        #expect(try await commit(db, [(m, 7, 7.5), (m, 3, 3.5)]) == CommitResult(appended: 1, outOfOrderAppended: 1))
        reference[7] = 7.5
        try await check("overlapping")
        _ = try await db.compact(before: 300)
        try await check("compacted")
        try await db.flush()
        _ = try await db.compact(before: .max)
        try await check("flushed and compacted")
        let rows = try await db.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM chunks WHERE encoding = 3") }
        #expect(rows == 0, "every out-of-order chunk merged into a block")
    }

    /// A log of batches mixing in-order and out-of-order samples, checkpoints (or none), and
    /// out-of-order chunks inside a checkpointed head chunk's range: after a restart every
    /// sample is there once, and the held timestamps still count as held.
    @Test(arguments: [1, 3, 512])
    func outOfOrderSamplesSurviveARestart(checkpoint: Int) async throws {
        let dir = try scratch.make("tsdb").path
        let m = series("m"), n = series("n")
        var reference: [Labels: [Int64: Double]] = [:]
        do {
            let db = try await open(dir, window: 1_000_000, chunkSize: 6, checkpoint: checkpoint, blockRange: 50)
            for step in Int64(0)..<40 {
                var batch: [(Labels, Int64, Double)] = [(m, 100 + step * 10, Double(step)), (n, 100 + step * 10, -Double(step))]
                if step % 3 == 2 { batch.append((m, 100 + step * 10 - 25, 0.25)) }  // inside the head chunk or below it
                if step % 7 == 6 { batch.append((n, 95 - step, 0.5)) }  // older than anything n holds
                for (labels, t, v) in batch { reference[labels, default: [:]][t] = v }
                let result = try await commit(db, batch)
                #expect(result.appended == batch.count)
                if step == 20 { _ = try await db.compact(before: .max) }
            }
            // Inside the last (checkpointed) head chunk, 460 to 490: neither recovery nor
            // compaction may take this chunk for that head chunk sealed.
            #expect(try await commit(db, [(m, 475, 0.75)]) == CommitResult(appended: 1, outOfOrderAppended: 1))
            reference[m, default: [:]][475] = 0.75
            _ = try await db.compact(before: .max)
        }
        let reopened = try await open(dir, window: 1_000_000, chunkSize: 6, checkpoint: checkpoint, blockRange: 50)
        expectSamples(try await all(reopened, "m").first, reference[m] ?? [:])
        expectSamples(try await all(reopened, "n").first, reference[n] ?? [:])
        let again = try await commit(reopened, [(m, 455, 0.25), (m, 460, -1), (m, 485, 1), (n, 60, 2)])
        #expect(again == CommitResult(appended: 2, duplicate: 1, outOfOrderAppended: 2))
    }

    @Test func aFailedOutOfOrderCommitLeavesNoTrace() async throws {
        let dir = try scratch.make("tsdb").path
        let db = try await open(dir, window: 1_000, chunkSize: 3)
        let m = series("m")
        _ = try await commit(db, (0..<5).map { (m, Int64($0) * 100, Double($0)) })
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: dir + "/tollgate.db", configuration: unsafe)
        try blocker.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        await #expect(throws: (any Error).self) { _ = try await self.commit(db, [(m, 50, -1), (m, 250, -1), (m, 500, -1)]) }
        await #expect(throws: (any Error).self) { _ = try await self.commit(db, [(m, 150, -1)]) }  // out of order alone
        try blocker.inDatabase { try $0.execute(sql: "ROLLBACK") }
        expectSamples(try await all(db, "m").first, [0: 0, 100: 1, 200: 2, 300: 3, 400: 4])
        #expect(try await commit(db, [(m, 50, 0.5), (m, 150, 1.5)]) == CommitResult(appended: 2, outOfOrderAppended: 2))
        let reference: [Int64: Double] = [0: 0, 50: 0.5, 100: 1, 150: 1.5, 200: 2, 300: 3, 400: 4]
        expectSamples(try await all(db, "m").first, reference)
        expectSamples(try await all(try await open(dir, window: 1_000, chunkSize: 3), "m").first, reference)
    }

    /// Selections beside commits that add out-of-order samples under the head and beside
    /// it, seal chunks and compact: each sees every sample committed before it began, once.
    @Test func selectionsBesideOutOfOrderCommits() async throws {
        let db = try await open(try scratch.make("tsdb").path, window: 1_000_000, chunkSize: 4, blockRange: 200)
        let names = (0..<8).map { series("m", ["i": "\($0)"]) }
        let committed = Steps()
        let matcher = try LabelMatcher(.equal, "__name__", "m")
        let steps = 150
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for step in 1...steps {
                    var batch: [(Labels, Int64, Double)] = []
                    for labels in names {
                        batch.append((labels, Int64(step) * 10, Double(step)))
                        if step > 1 { batch.append((labels, Int64(step) * 10 - 15, 0.5)) }  // inside the head or below it
                    }
                    let result = try await self.commit(db, batch)
                    #expect(result.appended == batch.count)
                    if step % 25 == 0 { _ = try await db.compact(before: Int64(step) * 10 - 100) }
                    committed.set(step)
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    while true {
                        let before = committed.value
                        if before == steps { return }
                        let found = try await db.select([matcher], minTime: 0, maxTime: .max)
                        for series in found {
                            #expect(zip(series.timestamps, series.timestamps.dropFirst()).allSatisfy { $0 < $1 }, "a sample read twice")
                            // Step k brought k·10 and, from step 2, k·10 - 15: 2·before - 1 samples.
                            #expect(series.timestamps.count >= 2 * before - 1, "a committed sample missing")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await db.select([matcher], minTime: 0, maxTime: .max)
        #expect(final.map(\.timestamps.count) == Array(repeating: 2 * steps - 1, count: names.count))
    }
}
