// Tollgate — the store: durability, recovery, compaction, retention, selection.

import Foundation
import GRDB
import Logging
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

/// Collects log messages so a test can see the warnings the store logs.
final class LogCapture: LogHandler, @unchecked Sendable {
    // @unchecked: the only mutable state is behind `messages`, a Mutex.
    let messages = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
    }

    var logger: Logger { Logger(label: "test") { _ in self } }
}

func series(_ name: String, _ extra: [String: String] = [:]) -> Labels {
    var all = extra
    all["__name__"] = name
    return Labels(all)
}

let stale = Double(bitPattern: 0x7FF0_0000_0000_0002)

final class TSDBTests: Sendable {
    let logs = LogCapture()
    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    func open(_ dir: String, chunkSize: Int = 120, checkpoint: Int = 512) async throws -> TSDB {
        var options = TSDB.Options()
        options.chunkSize = chunkSize
        options.checkpointInterval = checkpoint
        options.checkpointSamplesPerSeries = 0
        return try await TSDB.open(directory: dir, logger: logs.logger, options: options)
    }

    @Test func commitsSelectsAndCountsRejections() async throws {
        let db = try await open(try scratch.make("tsdb").path)
        var appender = db.appender()
        let a = series("up", ["job": "a"]), b = series("up", ["job": "b"])
        for (i, v) in [1.0, .nan, stale, -0.0, .infinity].enumerated() { appender.append(a, t: Int64(i) * 1000, v: v) }
        appender.append(b, t: 500, v: 7)
        appender.append(b, t: 400, v: 8)  // out of order
        appender.append(b, t: 500, v: 9)  // duplicate timestamp, other value
        appender.append(b, t: 500, v: 7)  // the same sample again: ignored
        let result = try await appender.commit()
        #expect(result == CommitResult(appended: 6, newSeries: 2, outOfOrder: 1, duplicate: 1))
        let got = try await db.select([try LabelMatcher(.equal, "__name__", "up")], minTime: .min, maxTime: .max)
        #expect(got.map(\.labels) == [a, b])
        #expect(got[0].timestamps == [0, 1000, 2000, 3000, 4000])
        #expect(got[0].values.map(\.bitPattern) == [1.0, .nan, stale, -0.0, .infinity].map(\.bitPattern))
        #expect(got[1].values == [7])
        let onlyB = try await db.select([try LabelMatcher(.notEqual, "job", "a")], minTime: .min, maxTime: .max)
        #expect(onlyB.map(\.labels) == [b])
        let window = try await db.select([try LabelMatcher(.regex, "job", "a|c")], minTime: 1000, maxTime: 2999)
        #expect(window.first?.timestamps == [1000, 2000])
        #expect(db.labelValues("job") == ["a", "b"])
        #expect(db.labelNames() == ["__name__", "job"])
        try await {
            var more = db.appender()
            more.append(series("other", ["zone": "z1"]), t: 1, v: 1)
            _ = try await more.commit()
        }()
        #expect(db.labelNames(matching: [try LabelMatcher(.equal, "__name__", "up")]) == ["__name__", "job"])
        #expect(db.labelValues("zone", matching: [try LabelMatcher(.equal, "__name__", "up")]) == [])
        #expect(db.labelValues("__name__") == ["other", "up"])
    }

    @Test func aFailedCommitLeavesNoTrace() async throws {
        let dir = try scratch.make("tsdb").path
        let db = try await open(dir, chunkSize: 3)
        var first = db.appender()
        for t in 0..<5 { first.append(series("f"), t: Int64(t), v: Double(t)) }
        _ = try await first.commit()
        // Another connection holds the write lock, so the next commit fails.
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: dir + "/tollgate.db", configuration: unsafe)
        try blocker.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        var failing = db.appender()
        for t in 5..<12 { failing.append(series("f"), t: Int64(t), v: -1) }
        failing.append(series("g"), t: 1, v: 1)
        await #expect(throws: (any Error).self) { _ = try await failing.commit() }
        try blocker.inDatabase { try $0.execute(sql: "ROLLBACK") }
        var retry = db.appender()
        retry.append(series("f"), t: 5, v: 5)
        #expect(try await retry.commit() == CommitResult(appended: 1, newSeries: 0, outOfOrder: 0, duplicate: 0))
        let got = try await db.select([try LabelMatcher(.regex, "__name__", "f|g")], minTime: .min, maxTime: .max)
        #expect(got.map(\.labels) == [series("f")])
        #expect(got.first?.timestamps == [0, 1, 2, 3, 4, 5])
        #expect(got.first?.values == [0, 1, 2, 3, 4, 5])
        // And the same holds after a restart.
        let reopened = try await open(dir, chunkSize: 3)
        #expect(try await reopened.select([try LabelMatcher(.regex, "__name__", "f|g")], minTime: .min, maxTime: .max) == got)
    }

    @Test func selectedSeriesIterateAndSeek() async throws {
        let db = try await open(try scratch.make("tsdb").path, chunkSize: 4)
        var appender = db.appender()
        for t in stride(from: Int64(0), to: 100, by: 10) { appender.append(series("it"), t: t, v: Double(t) / 10) }
        _ = try await appender.commit()
        let selected = try await db.select([try LabelMatcher(.equal, "__name__", "it")], minTime: .min, maxTime: .max)
        var iterator = try #require(selected.first).makeIterator()
        var seen: [Int64] = []
        while iterator.next() { seen.append(iterator.at.t) }
        #expect(seen == Array(stride(from: 0, to: 100, by: 10)))
        var seeking = try #require(selected.first).makeIterator()
        let found = seeking.seek(35)
        #expect(found && seeking.at.t == 40 && seeking.at.v == 4)
        let again = seeking.seek(20)  // never backwards
        #expect(again && seeking.at.t == 40)
        let stepped = seeking.next()
        #expect(stepped && seeking.at.t == 50)
        let beyond = seeking.seek(91)
        #expect(!beyond)
    }

    @Test func appendsByReferenceSkipTheLabelLookup() async throws {
        let db = try await open(try scratch.make("tsdb").path)
        let labels = series("byref", ["k": "v"])
        #expect(db.ref(for: labels) == nil)
        var first = db.appender()
        first.append(labels, t: 1, v: 1)
        _ = try await first.commit()
        let ref = try #require(db.ref(for: labels))
        var next = db.appender()
        next.append(ref, t: 2, v: 2)
        next.append(ref, t: 2, v: 3)  // duplicate
        next.append(ref, t: 0, v: 0)  // out of order
        next.append(series("other"), t: 5, v: 5)
        #expect(try await next.commit() == CommitResult(appended: 2, newSeries: 1, outOfOrder: 1, duplicate: 1))
        let got = try await db.select([try LabelMatcher(.equal, "__name__", "byref")], minTime: .min, maxTime: .max)
        #expect(got.first?.timestamps == [1, 2] && got.first?.values == [1, 2])
    }

    @Test func rollbackStoresNothing() async throws {
        let db = try await open(try scratch.make("tsdb").path)
        var appender = db.appender()
        appender.append(series("x"), t: 1, v: 1)
        appender.rollback()
        #expect(try await appender.commit() == CommitResult())
        #expect(try await db.stats().series == 0)
    }

    @Test func reopeningRecoversEveryCommittedSample() async throws {
        let dir = try scratch.make("tsdb").path
        var expected: [Labels: [(Int64, Double)]] = [:]
        do {
            // Small chunks and frequent checkpoints exercise sealing, checkpoints and replay together.
            let db = try await open(dir, chunkSize: 7, checkpoint: 3)
            for batch in 0..<20 {
                var appender = db.appender()
                for s in 0..<5 {
                    let labels = series("metric_\(s % 2)", ["i": "\(s)"])
                    let t = Int64(batch) * 15_000 + Int64(s)
                    let v = Double(batch * 10 + s) + 0.5
                    appender.append(labels, t: t, v: v)
                    expected[labels, default: []].append((t, v))
                }
                _ = try await appender.commit()
            }
        }
        let reopened = try await open(dir, chunkSize: 7, checkpoint: 3)
        let got = try await reopened.select([try LabelMatcher(.regex, "__name__", "metric_.*")], minTime: .min, maxTime: .max)
        #expect(got.count == 5)
        for series in got {
            let want = expected[series.labels] ?? []
            #expect(series.timestamps == want.map(\.0))
            #expect(series.values == want.map(\.1))
        }
        // Appending continues where it stopped; older samples are still rejected.
        var appender = reopened.appender()
        appender.append(series("metric_0", ["i": "0"]), t: 0, v: 1)
        appender.append(series("metric_0", ["i": "0"]), t: 10_000_000, v: 1)
        #expect(try await appender.commit() == CommitResult(appended: 1, newSeries: 0, outOfOrder: 1, duplicate: 0))
    }

    @Test func aCorruptLogTailIsTruncatedWithAWarning() async throws {
        let dir = try scratch.make("tsdb").path
        do {
            let db = try await open(dir)
            for batch in 0..<3 {
                var appender = db.appender()
                appender.append(series("x"), t: Int64(batch), v: Double(batch))
                _ = try await appender.commit()
            }
        }
        // Flip bytes in the last log record, as a damaged write would leave it.
        try HeadLog.damageRecord(try #require(HeadLog.recordNumbers(dir).last), in: dir)
        let reopened = try await open(dir)
        let got = try await reopened.select([try LabelMatcher(.equal, "__name__", "x")], minTime: .min, maxTime: .max)
        #expect(got.first?.timestamps == [0, 1])
        #expect(logs.messages.withLock { $0.contains { $0.hasPrefix("warning head log is corrupt or torn") } })
        let stats = try await reopened.stats()
        #expect(stats.samples == 2)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndLeftAlone() async throws {
        let dir = try scratch.make("tsdb").path
        let garbage = Data("this is not a database, but somebody's notes\n".utf8)
        try garbage.write(to: URL(fileURLWithPath: dir + "/tollgate.db"))
        await #expect(throws: TSDBError.self) { _ = try await TSDB.open(directory: dir, logger: logs.logger) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/tollgate.db")) == garbage)
    }

    @Test func compactionKeepsEverySampleAndSharesTimestamps() async throws {
        let dir = try scratch.make("tsdb").path
        let db = try await open(dir, chunkSize: 50)
        var original: [SeriesSamples] = []
        for step in 0..<600 {
            var appender = db.appender()
            let t = 1_795_759_326_494 + Int64(step) * 1000 + Int64(step % 3)
            for s in 0..<20 {
                appender.append(series("node_metric", ["n": "\(s)"]), t: t, v: s == 0 ? Double(step) * 4096 : Double(step % 7) * 0.001 + Double(s))
            }
            _ = try await appender.commit()
        }
        try await db.flush()
        original = try await db.select([try LabelMatcher(.equal, "__name__", "node_metric")], minTime: .min, maxTime: .max)
        let before = try await db.stats()
        let result = try await db.compact(before: .max)
        #expect(result.blocks == 20)
        let after = try await db.stats()
        let compacted = try await db.select([try LabelMatcher(.equal, "__name__", "node_metric")], minTime: .min, maxTime: .max)
        #expect(compacted == original)
        #expect(after.samples == 12_000 && after.blocks == 20 && after.chunks == 0)
        #expect(after.dataBytes * 3 < before.dataBytes, "\(after.dataBytes) vs \(before.dataBytes) before")
        let timestampSets = try await DatabaseQueue(path: dir + "/tollgate.db").read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM timestamp_sets") }
        #expect(timestampSets == 1)
    }

    @Test func retentionDeletesOldDataByTimeAndBySize() async throws {
        let db = try await open(try scratch.make("tsdb").path, chunkSize: 10)
        for step in 0..<100 {
            var appender = db.appender()
            appender.append(series("r"), t: Int64(step) * 1000, v: Double(step))
            _ = try await appender.commit()
        }
        try await db.flush()
        #expect(try await db.deleteBefore(30_000) == 3)
        let left = try await db.select([try LabelMatcher(.equal, "__name__", "r")], minTime: .min, maxTime: .max)
        #expect(left.first?.timestamps.first == 30_000)
        let deleted = try await db.shrink(toBytes: 100)
        #expect(deleted > 0)
        #expect(try await db.stats().dataBytes <= 100)
    }

    @Test func backupIsACompleteCopy() async throws {
        let db = try await open(try scratch.make("tsdb").path)
        var appender = db.appender()
        appender.append(series("b"), t: 1, v: 2)
        _ = try await appender.commit()
        let copyDir = try scratch.make("tsdb").path
        try await db.backup(to: copyDir + "/tollgate.db")
        let copy = try await open(copyDir)
        #expect(try await copy.select([try LabelMatcher(.equal, "__name__", "b")], minTime: .min, maxTime: .max).first?.values == [2])
    }
}

final class HousekeepingTests: Sendable {
    /// This test's store, removed when it ends.
    let scratch = TemporaryDirectories()

    @Test func compactsAndAppliesBothRetentionsWithAnInjectedClock() async throws {
        let logs = LogCapture()
        var options = TSDB.Options()
        options.chunkSize = 10
        options.blockRange = 60_000
        let db = try await TSDB.open(directory: try scratch.make("tsdb").path, logger: logs.logger, options: options)
        for step in 0..<300 {
            var appender = db.appender()
            appender.append(series("h"), t: Int64(step) * 1000, v: Double(step))
            _ = try await appender.commit()
        }
        // At t = 300 s with a 100 s retention: blocks end before 240 s, and whole blocks
        // ending before 200 s go (retention deletes blocks, never parts of one).
        let service = Housekeeping(
            tsdb: db, settings: .init(retentionTime: 100_000, retentionSize: 0), logger: logs.logger, clock: ManualClock(300_000))
        await service.runOnce()
        let stats = try await db.stats()
        #expect(stats.blocks > 0)
        let left = try await db.select([try LabelMatcher(.equal, "__name__", "h")], minTime: .min, maxTime: .max)
        let first = try #require(left.first?.timestamps.first)
        #expect(first > 200_000 - options.blockRange && first <= 200_000, "first sample left: \(first)")
        #expect(left.first?.timestamps.last == 299_000)
        #expect(logs.messages.withLock { $0.contains { $0.hasPrefix("info compacted") } })
        let sized = Housekeeping(tsdb: db, settings: .init(retentionTime: 0, retentionSize: 64), logger: logs.logger, clock: ManualClock(300_000))
        await sized.runOnce()
        #expect(try await db.stats().dataBytes <= 64)
    }
}
