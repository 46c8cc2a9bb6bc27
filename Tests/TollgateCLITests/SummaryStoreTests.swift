// Tollgate — summaries for /metrics: quantiles, sum and count, and their text.

import Exposition
import Testing

@testable import TollgateCLI

struct SummaryStoreTests {
    @Test func quantilesAreRanksOfTheWindowAndSumAndCountCoverEverything() {
        let summary = SlidingSummary()
        for value in 1...100 { summary.record(Double(value)) }
        let (quantiles, sum, count) = summary.snapshot([0.01, 0.5, 0.9, 0.99])
        #expect(quantiles == [1, 50, 90, 99])
        #expect(sum == 5050)
        #expect(count == 100)
    }

    @Test func anEmptyWindowReportsNaN() {
        let (quantiles, sum, count) = SlidingSummary().snapshot([0.5])
        #expect(quantiles.count == 1 && quantiles[0].isNaN)
        #expect(sum == 0 && count == 0)
    }

    @Test func durationsAreObservedInSeconds() {
        let summary = SlidingSummary()
        summary.recordNanoseconds(1_500_000_000)
        #expect(summary.snapshot([0.5]).quantiles == [1.5])
    }

    @Test func theStoreWritesOneFamilyWithQuantileSumAndCountLines() throws {
        let store = SummaryStore()
        let first = store.summary(name: "x_seconds", labels: [("slice", "a")], quantiles: [0.5, 0.9])
        #expect(store.summary(name: "x_seconds", labels: [("slice", "a")], quantiles: [0.5, 0.9]) === first)
        first.record(2.0)
        var writer = TextWriter()
        store.write(into: &writer) { "Help for \($0)." }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == """
            # HELP x_seconds Help for x_seconds.
            # TYPE x_seconds summary
            x_seconds{quantile="0.5",slice="a"} 2
            x_seconds{quantile="0.9",slice="a"} 2
            x_seconds_sum{slice="a"} 2
            x_seconds_count{slice="a"} 1

            """)
    }

    @Test func everyCatalogueSummaryHasHelp() {
        for name in SelfMetricsCatalog.summaries.keys { #expect(SelfMetricsCatalog.help[name] != nil, "\(name)") }
        for name in SelfMetricsCatalog.durationBuckets.keys { #expect(SelfMetricsCatalog.help[name] != nil, "\(name)") }
        #expect(SelfMetricsCatalog.durationBuckets["prometheus_tsdb_compaction_duration_seconds"]?.last == 8192)
    }
}
