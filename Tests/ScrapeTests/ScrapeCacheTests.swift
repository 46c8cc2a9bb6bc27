// Tollgate — a target's scrape cache into a real store: series that go away leave the cache.

import Exposition
import Foundation
import Logging
import Model
import Storage
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
        cache.resolveReferences(store)
        return counts
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
        #expect(pod150.first.map { $0.values[1].bitPattern } == ScrapeCache.staleMarker.bitPattern)

        // A pod that comes back is a new entry, but the same series in the store.
        let back = try await Self.scrape(Array(200..<300) + [150], at: 5_000, &cache, store)
        #expect(back.seriesAdded == 1)
        #expect(try await store.seriesCount() == 300)
        // Pods 200…299 vanish: stale markers by reference, from the compacted entries.
        _ = try await Self.scrape(0..<1, at: 6_000, &cache, store)
        let pod250 = try await store.select([try LabelMatcher(.equal, "pod", "250")], minTime: 0, maxTime: 10_000)
        #expect(pod250.first?.timestamps == [3_000, 4_000, 5_000, 6_000])
        #expect(pod250.first.map { $0.values[3].bitPattern } == ScrapeCache.staleMarker.bitPattern)
    }
}
