// Tollgate — a target's scrape cache into a real store: series that go away leave the cache.

import Exposition
import Foundation
import Logging
import Model
import Storage
import Synchronization
import TSDB
import TestSupport
import Testing
import TollgateConfig

@testable import Scrape

final class ScrapeCacheTests: Sendable {
    let scratch = TemporaryDirectories()

    /// A body of `requests{pod="i"}` for each `i` in `pods`, value = `i`.
    static func body(_ pods: some Sequence<Int>) -> [UInt8] {
        Array(pods.map { "requests{pod=\"\($0)\"} \($0)\n" }.joined().utf8)
    }

    /// One scrape at `time` of `pods` through `cache` into `store`, committed.
    static func scrape(_ pods: some Sequence<Int>, at time: Int64, _ cache: inout ScrapeCache, _ store: TSDB) async throws -> ScrapeCache.Counts {
        let settings = ScrapeSettings(config: ScrapeConfig(jobName: "pods", global: GlobalConfig()), userAgent: "Tollgate/test")
        var appender = store.appender()
        var counts = ScrapeCache.Counts()
        try cache.append(body: body(pods), format: .text, time: time, settings: settings, targetLabels: Labels(["job": "pods"]), into: &appender, counts: &counts)
        _ = try await appender.commit()
        cache.resolveReferences(store, committed: appender.committedReferences)
        return counts
    }

    /// The store, counting the label sets it is asked to look up.
    final class CountingStore: Appendable {
        let store: TSDB
        let asked = Mutex(0)
        init(store: TSDB) { self.store = store }
        func appender() -> any Appender { store.appender() }
        func ref(for labels: Labels) -> SeriesRef? { refs(for: [labels])[0] }
        func refs(for labels: [Labels]) -> [SeriesRef?] {
            asked.withLock { $0 += labels.count }
            return store.refs(for: labels)
        }
    }

    /// An appender counting the samples appended by label set.
    struct CountingAppender: Appender {
        var inner: any Appender
        var byLabels = 0
        mutating func append(_ labels: Labels, t: Int64, v: Double) {
            byLabels += 1
            inner.append(labels, t: t, v: v)
        }
        mutating func append(_ ref: SeriesRef, t: Int64, v: Double) { inner.append(ref, t: t, v: v) }
        var count: Int { inner.count }
        mutating func commit() async throws -> CommitResult { try await inner.commit() }
        mutating func rollback() { inner.rollback() }
        var committedReferences: [SeriesRef?] { inner.committedReferences }
    }

    /// A first scrape's new series take their references from the commit, in the order they
    /// were appended, with none looked up again: the next scrape appends every sample by
    /// reference, to the right series. Without the commit's references they are looked up.
    @Test(arguments: [true, false]) func newSeriesTakeTheirReferencesFromTheCommit(fromTheCommit: Bool) async throws {
        let tsdb = try await TSDB.open(directory: try scratch.make("refs").path, logger: Logger(label: "test"))
        let store = CountingStore(store: tsdb)
        let settings = ScrapeSettings(config: ScrapeConfig(jobName: "pods", global: GlobalConfig()), userAgent: "Tollgate/test")
        var cache = ScrapeCache()
        func scrape(_ body: String, at time: Int64) async throws -> Int {
            var appender = CountingAppender(inner: store.appender())
            var counts = ScrapeCache.Counts()
            try cache.append(body: Array(body.utf8), format: .text, time: time, settings: settings, targetLabels: Labels(["job": "pods"]), into: &appender, counts: &counts)
            _ = try await appender.commit()
            cache.resolveReferences(store, committed: fromTheCommit ? appender.committedReferences : [])
            return appender.byLabels
        }
        // Series in an order other than their labels', one of them twice.
        let first = "b{x=\"2\"} 1\na{x=\"1\"} 2\nc 3\nb{x=\"2\"} 4\n"
        #expect(try await scrape(first, at: 1_000) == 4)
        #expect(store.asked.withLock { $0 } == (fromTheCommit ? 0 : 3))
        #expect(try await scrape("b{x=\"2\"} 5\na{x=\"1\"} 6\nc 7\n", at: 2_000) == 0, "every sample by reference")
        let values = try await tsdb.select([try LabelMatcher(.equal, "job", "pods")], minTime: 0, maxTime: 10_000)
            .map { ($0.labels["__name__"] ?? "", $0.values) }
        // `b`'s second sample at 1 s is a duplicate of another value, and dropped.
        let byName = Dictionary(uniqueKeysWithValues: values)
        #expect(byName == ["a": [2, 6], "b": [1, 5], "c": [3, 7]])
    }

    @Test func seriesATargetNoLongerExposesLeaveTheCacheAndStaleMarkersStillCome() async throws {
        let store = try await TSDB.open(directory: try scratch.make("cache").path, logger: Logger(label: "test"))
        var cache = ScrapeCache()
        #expect(try await Self.scrape(0..<100, at: 1_000, &cache, store).seriesAdded == 100)
        // Every pod replaced: the old ones get stale markers; the cache holds both until the
        // dead entries are more than half of it.
        #expect(try await Self.scrape(100..<200, at: 2_000, &cache, store).seriesAdded == 100)
        #expect(cache.count == 200)
        #expect(try await Self.scrape(200..<300, at: 3_000, &cache, store).seriesAdded == 100)
        #expect(cache.count == 100, "the 200 entries this scrape did not see are dropped")

        // The entries kept still go by reference, and their order still matches the body.
        let again = try await Self.scrape(200..<300, at: 4_000, &cache, store)
        #expect(again.seriesAdded == 0 && again.scraped == 100 && cache.count == 100)
        // Pods 100…199 got their stale markers at 3 s, before their entries went.
        let pod150 = try await store.select([try LabelMatcher(.equal, "pod", "150")], minTime: 0, maxTime: 10_000)
        #expect(pod150.first?.timestamps == [2_000, 3_000])
        #expect(pod150.first.map { $0.values[1].bitPattern } == SampleValue.staleMarker.bitPattern)

        // A pod that comes back is a new entry, but the same series in the store.
        let back = try await Self.scrape(Array(200..<300) + [150], at: 5_000, &cache, store)
        #expect(back.seriesAdded == 1)
        #expect(try await store.seriesCount() == 300)
        // Pods 200…299 vanish: stale markers by reference, from the compacted entries.
        _ = try await Self.scrape(0..<1, at: 6_000, &cache, store)
        let pod250 = try await store.select([try LabelMatcher(.equal, "pod", "250")], minTime: 0, maxTime: 10_000)
        #expect(pod250.first?.timestamps == [3_000, 4_000, 5_000, 6_000])
        #expect(pod250.first.map { $0.values[3].bitPattern } == SampleValue.staleMarker.bitPattern)
    }
}
