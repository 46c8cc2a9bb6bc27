// Tollgate — TSDB tests: idle series leave the head, are still selected, and come back.

import Foundation
import GRDB
import Logging
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

final class IdleSeriesTests: Sendable {
    let scratch = TemporaryDirectories()
    let gone = series("requests_total", ["job": "old", "instance": "pod-1:9100"])
    let live = series("requests_total", ["job": "new", "instance": "pod-2:9100"])

    func open(_ dir: String, staleSeriesTime: Int64 = 300_000) async throws -> TSDB {
        var options = TSDB.Options()
        options.chunkSize = 10
        options.idleSeriesTime = 60_000
        options.staleSeriesTime = staleSeriesTime
        return try await TSDB.open(directory: dir, logger: Logger(label: "test"), options: options)
    }

    /// Commits one sample a second at `seconds` for each series: value = the second.
    func fill(_ store: TSDB, _ labels: [Labels], seconds: Range<Int>) async throws {
        for second in seconds {
            var appender = store.appender()
            for series in labels { appender.append(series, t: Int64(second) * 1000, v: Double(second)) }
            _ = try await appender.commit()
        }
    }

    func select(_ store: TSDB, _ matchers: [LabelMatcher], from minTime: Int64 = .min) async throws -> [SeriesSamples] {
        try await store.select(matchers, minTime: minTime, maxTime: .max)
    }

    func job(_ value: String) throws -> [LabelMatcher] { [try LabelMatcher(.equal, "job", value)] }

    func count(_ store: TSDB, _ sql: String) async throws -> Int {
        try await store.read { try store.pool.read { try Int.fetchOne($0, sql: sql) ?? -1 } }
    }

    /// A store whose series `gone` took samples at 0…24 s and `live` at 0…199 s: `gone` is
    /// idle for more than a minute at the end.
    func storeWithAnIdleSeries(_ dir: String) async throws -> TSDB {
        let store = try await open(dir)
        try await fill(store, [gone, live], seconds: 0..<25)
        try await fill(store, [live], seconds: 25..<200)
        return store
    }

    @Test func anIdleSeriesLeavesTheHeadAndEveryQueryStillFindsIt() async throws {
        let store = try await storeWithAnIdleSeries(try scratch.make("idle").path)
        let before = try await select(store, try job("old"))
        let ref = try #require(store.ref(for: gone))
        #expect(before.first?.timestamps.count == 25)

        #expect(try await store.evictIdleSeries() == 1)
        #expect(try await store.seriesCount() == 1)
        #expect(store.ref(for: gone) == nil, "the head no longer holds it")
        #expect(try await store.evictIdleSeries() == 0, "a live series stays")
        #expect(try await count(store, "SELECT COUNT(*) FROM cold_series") == 1)
        let stats = try await store.stats()
        #expect(stats.series == 1 && stats.coldSeries == 1 && stats.samples == 225)
        #expect(try await count(store, "SELECT COUNT(*) FROM head_chunks WHERE series_id = \(ref.rawValue)") == 0)

        // Its open chunk (samples 20…24) was sealed: every sample is still there, in one series.
        #expect(try await select(store, try job("old")) == before)
        let byRegex = try await select(store, [try LabelMatcher(.regex, "instance", "pod-.*"), try LabelMatcher(.notEqual, "job", "new")])
        #expect(byRegex == before)
        let both = try await select(store, [try LabelMatcher(.equal, "__name__", "requests_total")])
        #expect(both.map(\.labels) == [live, gone].sorted(by: Labels.precedes))
        #expect(try await select(store, try job("old"), from: 25_000).isEmpty, "a selection after its last sample skips it")
        #expect(try await store.series(try job("old"), minTime: 10_000, maxTime: 12_000) == [gone])
        #expect(try await store.series(try job("old"), minTime: 30_000, maxTime: 40_000) == [])
        #expect(store.labelValues("job") == ["new", "old"])
        #expect(store.labelValues("instance", matching: try job("old")) == ["pod-1:9100"])
        #expect(store.labelNames(matching: try job("old")) == ["__name__", "instance", "job"])
        #expect(store.labels(of: [ref]) == [ref: gone], "log readers still resolve its id")
    }

    @Test func aColdSeriesComesBackWithItsIdByLabelsOrByReference() async throws {
        let store = try await storeWithAnIdleSeries(try scratch.make("back").path)
        let ref = try #require(store.ref(for: gone))
        let liveRef = try #require(store.ref(for: live))
        _ = try await store.evictIdleSeries()

        // By labels: the same id, its old samples and the new one in one series.
        var appender = store.appender()
        appender.append(gone, t: 200_000, v: 7)
        appender.append(gone, t: 10_000, v: 1)  // older than its newest sample: still out of order
        let result = try await appender.commit()
        #expect(result.appended == 1 && result.outOfOrder == 1 && result.newSeries == 0)
        #expect(store.ref(for: gone) == ref)
        #expect(try await store.seriesCount() == 2)
        #expect(try await count(store, "SELECT COUNT(*) FROM cold_series") == 0)
        let back = try await select(store, try job("old"))
        #expect(back.count == 1 && back.first?.timestamps.count == 26 && back.first?.values.last == 7)
        #expect(store.labelValues("job", matching: [try LabelMatcher(.equal, "instance", "pod-1:9100")]) == ["old"])

        // By reference (a scrape cache keeps the ids it was given): the sample is stored, not dropped.
        try await fill(store, [live], seconds: 200..<300)
        #expect(try await store.evictIdleSeries() == 1)
        var byRef = store.appender()
        byRef.append(ref, t: 300_000, v: 8)
        byRef.append(liveRef, t: 300_000, v: 300)
        #expect(try await byRef.commit().appended == 2)
        #expect(try await select(store, try job("old")).first?.values.suffix(2) == [7, 8])
        #expect(store.ref(for: gone) == ref)
    }

    @Test func coldSeriesStayColdAcrossARestartAndComeBackAfterIt() async throws {
        let dir = try scratch.make("restart").path
        let (ref, before) = try await { () async throws -> (SeriesRef?, [SeriesSamples]) in
            let store = try await storeWithAnIdleSeries(dir)
            _ = try await store.evictIdleSeries()
            try await store.close()
            return (store.ref(for: live), try await select(store, try job("old")))
        }()
        #expect(before.first?.timestamps.count == 25)
        let reopened = try await open(dir)
        #expect(try await reopened.seriesCount() == 1, "a restart does not load it into the head")
        #expect(reopened.ref(for: live) == ref)
        #expect(try await select(reopened, try job("old")) == before)
        try await fill(reopened, [gone, live], seconds: 200..<201)
        #expect(try await reopened.seriesCount() == 2)
        #expect(try await select(reopened, try job("old")).first?.timestamps.count == 26)
        #expect(try await select(reopened, [try LabelMatcher(.equal, "__name__", "requests_total")]).count == 2, "no second series of the same labels")
    }

    /// The log still holds the records that created the series and logged its samples: a
    /// replay after a crash must leave it cold, not make it again from them.
    @Test func aCrashAfterAnEvictionLeavesTheSeriesCold() async throws {
        let dir = try scratch.make("evicted-crash").path
        let before = try await { () async throws -> [SeriesSamples] in
            let store = try await storeWithAnIdleSeries(dir)
            _ = try await store.evictIdleSeries()
            try await fill(store, [live], seconds: 200..<205)
            return try await select(store, try job("old"))  // dropped without close(): the log is replayed
        }()
        let reopened = try await open(dir)
        #expect(try await reopened.seriesCount() == 1)
        #expect(reopened.ref(for: gone) == nil)
        #expect(try await select(reopened, try job("old")) == before)
        #expect(try await count(reopened, "SELECT COUNT(*) FROM cold_series") == 1)
    }

    /// A commit that brings a cold series back logs its record first; a crash before its
    /// transaction ends leaves the series marked cold with a logged sample the replay must keep.
    @Test func aLoggedSampleOfAColdSeriesIsReplayedAfterACrash() async throws {
        let dir = try scratch.make("crash").path
        let goneID = try await { () async throws -> UInt64 in
            let store = try await storeWithAnIdleSeries(dir)
            let id = try #require(store.ref(for: gone)).rawValue
            _ = try await store.evictIdleSeries()
            try await fill(store, [gone], seconds: 250..<252)
            // As if the transaction had not committed: the series is still marked cold, up to 24 s.
            try await store.read {
                try store.pool.write { db in
                    try db.execute(sql: "INSERT INTO cold_series (id, max_time) VALUES (?, 24000)", arguments: [Int64(id)])
                    try db.execute(sql: "DELETE FROM chunks WHERE series_id = ? AND min_time >= 250000", arguments: [Int64(id)])
                }
            }
            return id  // dropped without close(): nothing checkpointed
        }()
        let reopened = try await open(dir)
        #expect(reopened.ref(for: gone)?.rawValue == goneID)
        let found = try await select(reopened, try job("old"))
        #expect(found.first?.timestamps.suffix(3) == [24_000, 250_000, 251_000])
        #expect(try await count(reopened, "SELECT COUNT(*) FROM cold_series") == 0)
    }

    /// A reader of a head-log file keeps the first base it met for a series: a series that
    /// comes back while the same file is written must code its values against that base.
    @Test func aSeriesThatComesBackLogsItsValuesAgainstItsFirstBase() async throws {
        let dir = try scratch.make("base").path
        try await {
            let store = try await storeWithAnIdleSeries(dir)
            _ = try await store.evictIdleSeries()
            var appender = store.appender()
            appender.append(gone, t: 200_000, v: 1_000)
            appender.append(live, t: 200_000, v: 200)
            _ = try await appender.commit()
            appender.append(gone, t: 201_000, v: 1_001)
            _ = try await appender.commit()
        }()  // dropped without close(): the log is replayed
        let reopened = try await open(dir)
        #expect(try await select(reopened, try job("old")).first?.values.suffix(3) == [24, 1_000, 1_001])
    }

    @Test func retentionDeletesAColdSeriesLeftWithoutSamplesAndItsIdIsNotGivenAgain() async throws {
        let dir = try scratch.make("retention").path
        let oldRef = try await { () async throws -> SeriesRef in
            let store = try await open(dir)
            try await fill(store, [live], seconds: 0..<5)
            // `gone` is created last: the highest id, which a restart must not hand out again.
            try await fill(store, [live, gone], seconds: 5..<25)
            try await fill(store, [live], seconds: 25..<200)
            let ref = try #require(store.ref(for: gone))
            _ = try await store.evictIdleSeries()
            #expect(try await store.deleteBefore(100_000) > 0)
            #expect(try await count(store, "SELECT COUNT(*) FROM series WHERE id = \(ref.rawValue)") == 0)
            #expect(try await count(store, "SELECT COUNT(*) FROM cold_postings") == 0)
            #expect(try await count(store, "SELECT COUNT(*) FROM cold_series") == 0)
            #expect(store.labelValues("job") == ["new"])
            #expect(try await select(store, try job("old")).isEmpty)
            try await store.close()
            return ref
        }()
        let reopened = try await open(dir)
        try await fill(reopened, [gone], seconds: 300..<301)
        let fresh = try #require(reopened.ref(for: gone))
        #expect(fresh.rawValue > oldRef.rawValue, "ids are never given twice")
        #expect(try await select(reopened, try job("old")).first?.timestamps == [300_000])
    }

    @Test func aRepairKeepsColdSeriesColdAndFindable() async throws {
        let dir = try scratch.make("repair").path
        let before = try await { () async throws -> [SeriesSamples] in
            let store = try await storeWithAnIdleSeries(dir)
            _ = try await store.evictIdleSeries()
            try await store.close()
            return try await select(store, [try LabelMatcher(.regex, "job", "old|new")])
        }()
        let repaired = try StoreCheck.repair(directory: dir)
        #expect(!repaired.report.isDamaged, "\(repaired.report.lines)")
        let reopened = try await open(dir)
        #expect(try await reopened.seriesCount() == 1)
        #expect(try await select(reopened, [try LabelMatcher(.regex, "job", "old|new")]) == before)
        #expect(try await select(reopened, [try LabelMatcher(.equal, "instance", "pod-1:9100")]).map(\.labels) == [gone], "postings rebuilt")
    }

    /// The records that made a series retention deleted are still in the log until the next
    /// checkpoint: a replay after a crash must not make the series again.
    @Test func aSeriesRetentionDeletedIsNotMadeAgainByTheReplay() async throws {
        let dir = try scratch.make("dropped-crash").path
        try await {
            let store = try await storeWithAnIdleSeries(dir)
            _ = try await store.evictIdleSeries()
            #expect(try await store.deleteBefore(100_000) > 0)
            #expect(try await store.stats().coldSeries == 0)
        }()  // dropped without close(): the log is replayed
        let reopened = try await open(dir)
        #expect(reopened.ref(for: gone) == nil)
        #expect(try await reopened.seriesCount() == 1)
        #expect(try await select(reopened, try job("old")).isEmpty)
        #expect(try await count(reopened, "SELECT COUNT(*) FROM series") == 1)
    }

    /// A commit logs its record before its transaction, which writes the rows of its new
    /// series: a crash between the two leaves the record, and the replay writes the rows.
    @Test func aSeriesMadeByAReplayedRecordGetsItsRow() async throws {
        let dir = try scratch.make("row").path
        try await {
            let store = try await open(dir)
            try await fill(store, [live], seconds: 0..<3)
            let id = try #require(store.ref(for: live)).rawValue
            try await store.read { try store.pool.write { try $0.execute(sql: "DELETE FROM series WHERE id = ?", arguments: [Int64(id)]) } }
        }()
        let first = try await open(dir)
        #expect(try await select(first, try job("new")).first?.timestamps == [0, 1_000, 2_000])
        try await first.close()
        let second = try await open(dir)
        #expect(try await select(second, try job("new")).first?.timestamps == [0, 1_000, 2_000], "known after a second start")
    }

    @Test func deletingSamplesReachesColdSeries() async throws {
        let store = try await storeWithAnIdleSeries(try scratch.make("delete").path)
        _ = try await store.evictIdleSeries()
        let result = try await store.deleteSamples(matching: [try job("old")], minTime: 0, maxTime: 9_999)
        #expect(result == TSDB.DeletionResult(series: 1, samples: 10))
        #expect(try await select(store, try job("old")).first?.timestamps.first == 10_000)
    }

    @Test func anEvictionMovesAtMostItsLimitATransaction() async throws {
        let store = try await open(try scratch.make("limit").path)
        let idle = (0..<3).map { series("requests_total", ["job": "old", "instance": "pod-\($0)"]) }
        try await fill(store, idle + [live], seconds: 0..<5)
        try await fill(store, [live], seconds: 5..<100)
        let moved = try (0..<4).map { _ in try store.state.withLock { s in try store.evictIdle(&s, before: 50_000, limit: 2) } }
        #expect(moved == [2, 1, 0, 0])
        #expect(try await select(store, try job("old")).map(\.labels) == idle.sorted(by: Labels.precedes))
    }

    /// `gone` ends with a staleness marker at 25 s, `paused` just stops at 24 s, `live` goes
    /// on to 59 s: with a stale-series time of 10 s, only `gone` is past its cutoff (49 s).
    @Test(arguments: [10_000, 0] as [Int64])
    func aSeriesEndedByAStalenessMarkerLeavesTheHeadSooner(staleSeriesTime: Int64) async throws {
        let store = try await open(try scratch.make("stale").path, staleSeriesTime: staleSeriesTime)
        let paused = series("requests_total", ["job": "paused", "instance": "pod-3:9100"])
        try await fill(store, [gone, paused, live], seconds: 0..<25)
        var appender = store.appender()
        appender.append(gone, t: 25_000, v: SampleValue.staleMarker)
        _ = try await appender.commit()
        try await fill(store, [live], seconds: 25..<60)
        let before = try await select(store, try job("old"))
        #expect(before.first?.values.last.map(SampleValue.isStaleMarker) == true)

        let moved = try await store.evictIdleSeries()
        #expect(moved == (staleSeriesTime > 0 ? 1 : 0), "0 leaves ended series to the idle time (60 s)")
        #expect((store.ref(for: gone) == nil) == (staleSeriesTime > 0))
        #expect(store.ref(for: paused) != nil, "a series without a marker waits for the idle time")
        #expect(try await select(store, try job("old")).map(\.labels) == before.map(\.labels))
        #expect(try await select(store, try job("old")).first?.timestamps == before.first?.timestamps, "its samples and marker stay findable")

        // Its target comes back: the series returns with its id, its old samples kept.
        try await fill(store, [gone], seconds: 60..<62)
        #expect(store.ref(for: gone) != nil)
        #expect(try await select(store, try job("old")).first?.timestamps.count == 28)
        #expect(try await store.evictIdleSeries() == 0, "a live series stays, however it ended before")
    }

    @Test func postingsTakeSeriesOutAndBackInOrder() throws {
        var postings = Postings()
        let a = series("m", ["k": "a"]), b = series("m", ["k": "b"])
        for id in UInt32(1)...6 { postings.add(id, id % 2 == 0 ? a : b) }
        postings.remove([(2, a), (3, b), (4, a)])
        #expect(postings.select([try LabelMatcher(.equal, "__name__", "m")]) == [1, 5, 6])
        #expect(postings.select([try LabelMatcher(.equal, "k", "a")]) == [6])
        postings.remove([(6, a)])
        #expect(postings.labelValues("k") == ["b"], "a value left with no series goes")
        postings.insert(4, a)
        postings.insert(2, a)
        #expect(postings.select([try LabelMatcher(.equal, "k", "a")]) == [2, 4])
        #expect(postings.all == [1, 2, 4, 5])
    }
}
