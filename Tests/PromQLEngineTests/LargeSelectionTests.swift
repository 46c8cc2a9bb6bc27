// Tollgate — large selections: storage reads, range functions and selectors split into
// shares on several cores give what reading and evaluating series one by one gives.

import Model
import PromQLEngine
import Storage
import TSDB
import TestSupport
import Testing

final class LargeSelectionTests: Sendable {
    static let seriesCount = 2_400
    static let samples = 120  // half an hour at 15 s

    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    /// Series `k` counts up by `k + 1` per 15 s sample. Instances are numbered so that label
    /// order differs from the order the series were created in.
    static func labels(_ k: Int) -> Labels {
        Labels(["__name__": "requests_total", "job": "j\(k % 3)", "instance": "i\((k * 7919) % seriesCount)"])
    }

    /// The series sealed into blocks and compacted, as an import leaves them, plus one more
    /// sample each in the head.
    func store() async throws -> TSDB {
        let db = try await temporaryStore("large-selection", in: scratch)
        var appender = db.appender()
        for k in 0..<Self.seriesCount {
            for i in 0..<Self.samples { appender.append(Self.labels(k), t: Int64(i) * 15_000, v: Double(i * (k + 1))) }
        }
        _ = try await appender.commit()
        try await db.flush()
        _ = try await db.compact(before: .max)
        var head = db.appender()
        for k in 0..<Self.seriesCount { head.append(Self.labels(k), t: Int64(Self.samples) * 15_000, v: Double(Self.samples * (k + 1))) }
        _ = try await head.commit()
        return db
    }

    /// The index `k` of a series, from its labels.
    static func index(_ labels: Labels) -> Int? { labels["instance"].flatMap { byInstance[$0] } }

    private static let byInstance = Dictionary(uniqueKeysWithValues: (0..<seriesCount).map { k in ("i\((k * 7919) % seriesCount)", k) })

    @Test func selectionReadsEverySampleInLabelOrder() async throws {
        let db = try await store()
        let all = try await db.select([try LabelMatcher(.equal, "__name__", "requests_total")], minTime: 300_000, maxTime: .max)
        #expect(all.count == Self.seriesCount)
        #expect(zip(all, all.dropFirst()).allSatisfy { Labels.precedes($0.labels, $1.labels) })
        for series in all {
            let k = try #require(Self.index(series.labels))
            let expected = (20...Self.samples).map { Int64($0) * 15_000 }
            #expect(series.timestamps == expected)
            #expect(series.values == expected.map { Double(Int($0 / 15_000) * (k + 1)) })
        }
    }

    @Test func rangeFunctionsAndSelectorsOverManySeries() async throws {
        let engine = Engine(queryable: try await store())
        let rates = try await engine.rangeQuery("rate(requests_total[1m])", start: 600_000, end: 1_800_000, step: 60_000)
        guard case .matrix(let series) = rates.value else { Issue.record("not a matrix: \(rates.value)"); return }
        #expect(series.count == Self.seriesCount)
        #expect(zip(series, series.dropFirst()).allSatisfy { Labels.precedes($0.labels, $1.labels) })
        for one in series {
            #expect(one.labels["__name__"] == nil)
            let k = try #require(Self.index(one.labels))
            #expect(one.points.count == 21)
            #expect(one.points.allSatisfy { abs($0.v - Double(k + 1) / 15) < 1e-9 })
        }

        let sums = try await engine.rangeQuery("sum by (job) (rate(requests_total[1m]))", start: 600_000, end: 1_800_000, step: 60_000)
        guard case .matrix(let groups) = sums.value else { Issue.record("not a matrix: \(sums.value)"); return }
        #expect(groups.map { $0.labels["job"] } == ["j0", "j1", "j2"])
        for (j, group) in groups.enumerated() {
            let expected = stride(from: j, to: Self.seriesCount, by: 3).reduce(0.0) { $0 + Double($1 + 1) / 15 }
            #expect(group.points.allSatisfy { abs($0.v - expected) / expected < 1e-12 })
        }

        // An instant selector at 20 s past each sample: the sample before it, within the lookback.
        let selected = try await engine.rangeQuery(#"requests_total{job="j1"}"#, start: 20_000, end: 1_820_000, step: 60_000)
        guard case .matrix(let j1) = selected.value else { Issue.record("not a matrix: \(selected.value)"); return }
        #expect(j1.count == Self.seriesCount / 3)
        for one in j1 {
            let k = try #require(Self.index(one.labels))
            #expect(one.points.allSatisfy { $0.v == Double(min(Int($0.t / 15_000), Self.samples) * (k + 1)) }, "series \(k)")
            #expect(one.points.count == 31)
        }
    }
}
