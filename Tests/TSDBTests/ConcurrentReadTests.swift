// Tollgate — the store: selections that run beside commits, compaction and retention.

import Foundation
import GRDB
import Logging
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

/// Selections no longer hold the store's lock, so these tests run them while commits seal
/// chunks, compactions merge them and retention deletes them, and check that every
/// selection still sees each committed sample exactly once.
/// A counter one task sets and others read.
private final class Progress: Sendable {
    private let current = Atomic<Int>(0)
    var value: Int { current.load(ordering: .acquiring) }
    func set(_ value: Int) { current.store(value, ordering: .releasing) }
}

final class ConcurrentReadTests: Sendable {
    let logs = LogCapture()
    let scratch = TemporaryDirectories()

    func open(_ dir: String, chunkSize: Int) async throws -> TSDB {
        var options = TSDB.Options()
        options.chunkSize = chunkSize
        options.checkpointInterval = 8
        options.checkpointSamplesPerSeries = 0
        return try await TSDB.open(directory: dir, logger: logs.logger, options: options)
    }

    /// Commits that seal a chunk every few samples race with selections; every selection
    /// must return strictly increasing timestamps (no sample twice) and at least every
    /// sample committed before it started (none lost between the head and the sealed chunks).
    @Test func selectionsBesideSealingCommitsSeeEverySampleOnce() async throws {
        let dir = try scratch.make("tsdb").path
        let db = try await open(dir, chunkSize: 3)
        let names = (0..<20).map { series("m", ["i": "\($0)"]) }
        let committed = Progress()
        let matcher = try LabelMatcher(.equal, "__name__", "m")
        let checked = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for t in 1...300 {
                    var appender = db.appender()
                    for labels in names { appender.append(labels, t: Int64(t), v: Double(t)) }
                    _ = try await appender.commit()
                    committed.set(t)
                }
                return 0
            }
            for _ in 0..<2 {
                group.addTask {
                    var selections = 0
                    while committed.value < 300 {
                        let before = committed.value
                        let found = try await db.select([matcher], minTime: 0, maxTime: .max)
                        if before > 0 { #expect(found.count == names.count) }
                        for series in found {
                            #expect(zip(series.timestamps, series.timestamps.dropFirst()).allSatisfy { $0 < $1 }, "a sample read twice")
                            #expect(series.timestamps.count >= before, "a committed sample missing")
                            #expect(series.timestamps.first == 1 || before == 0)
                        }
                        selections += 1
                    }
                    return selections
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(checked > 0)
        let final = try await db.select([matcher], minTime: 0, maxTime: .max)
        #expect(final.map(\.timestamps.count) == Array(repeating: 300, count: names.count))
    }

    /// Compaction and retention rewrite and delete sealed rows while selections read them;
    /// every selection sees either the rows before or after, never a mix.
    @Test func selectionsBesideCompactionAndRetention() async throws {
        let dir = try scratch.make("tsdb").path
        let db = try await open(dir, chunkSize: 4)
        let names = (0..<10).map { series("m", ["i": "\($0)"]) }
        for t in 0..<400 {
            var appender = db.appender()
            for labels in names { appender.append(labels, t: Int64(t) * 1_000, v: Double(t)) }
            _ = try await appender.commit()
        }
        let matcher = try LabelMatcher(.equal, "__name__", "m")
        let done = Progress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { done.set(1) }
                for cutoff in stride(from: Int64(40_000), through: 200_000, by: 40_000) {
                    _ = try await db.compact(before: cutoff + 100_000)
                    _ = try await db.deleteBefore(cutoff)
                }
            }
            group.addTask {
                while done.value == 0 {
                    // Samples from 300 s on are never compacted or deleted: they must all be there.
                    let found = try await db.select([matcher], minTime: 0, maxTime: .max)
                    #expect(found.count == names.count)
                    for series in found {
                        #expect(zip(series.timestamps, series.timestamps.dropFirst()).allSatisfy { $0 < $1 })
                        #expect(series.timestamps.suffix(100) == Array(stride(from: Int64(300_000), to: 400_000, by: 1_000)))
                        #expect(series.timestamps.count == series.values.count)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A timestamp set id is never given out twice while the store is open, even when the
    /// set with the highest id was deleted, so decoded sets kept for queries stay right.
    @Test func timestampSetIDsAreNeverReused() async throws {
        let dir = try scratch.make("tsdb").path
        let db = try await open(dir, chunkSize: 4)
        let labels = series("m")
        func fill(_ range: Range<Int>, step: Int64) async throws {
            for t in range {
                var appender = db.appender()
                appender.append(labels, t: Int64(t) * step, v: Double(t))
                _ = try await appender.commit()
            }
        }
        func setIDs() throws -> [Int64] {
            try db.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM timestamp_sets ORDER BY id") }
        }
        try await fill(0..<40, step: 1_000)
        _ = try await db.compact(before: 100_000)
        let first = try setIDs()
        #expect(!first.isEmpty)
        _ = try await db.deleteBefore(100_000)  // every block goes, and its set with it
        #expect(try setIDs().isEmpty)
        try await fill(100..<140, step: 1_000)
        _ = try await db.compact(before: 200_000)
        let second = try setIDs()
        #expect(!second.isEmpty)
        #expect(second.allSatisfy { id in first.allSatisfy { id > $0 } })
        let read = try await db.select([try LabelMatcher(.equal, "__name__", "m")], minTime: 0, maxTime: .max)
        // The head chunk (36 s to 39 s) outlived the retention cut and was sealed later.
        #expect(read.first?.timestamps == (Array(36..<40) + Array(100..<140)).map { Int64($0) * 1_000 })
    }
}
