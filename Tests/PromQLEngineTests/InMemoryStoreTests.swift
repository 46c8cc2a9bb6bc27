// Tollgate — the engine over a store that is not the TSDB: the storage contracts are
// complete enough for a fan-out store, a rule-test store or a test fake to answer queries.

import Model
import PromQLEngine
import Storage
import Synchronization
import TSDB
import TestSupport
import Testing

/// A store in memory, written against the Storage contracts alone: what a rule unit test
/// or a fake in another module's tests would use.
final class InMemoryStore: Appendable, Queryable {
    private struct Stored {
        var labels: Labels
        var timestamps: [Int64] = []
        var values: [Double] = []
    }

    private let series = Mutex<[Stored]>([])

    func appender() -> any Appender { MemoryAppender(store: self) }

    func ref(for labels: Labels) -> SeriesRef? {
        series.withLock { all in all.firstIndex { $0.labels == labels }.map { SeriesRef(UInt64($0)) } }
    }

    /// Stores a batch: samples in time order per series, later ones after the newest.
    fileprivate func commit(_ samples: [(Labels, Int64, Double)], _ byRef: [(SeriesRef, Int64, Double)]) -> CommitResult {
        series.withLock { all in
            var result = CommitResult()
            func add(_ index: Int, _ t: Int64, _ v: Double) {
                if let last = all[index].timestamps.last, t <= last {
                    result.outOfOrder += 1
                    return
                }
                all[index].timestamps.append(t)
                all[index].values.append(v)
                result.appended += 1
            }
            for (ref, t, v) in byRef where Int(ref.rawValue) < all.count { add(Int(ref.rawValue), t, v) }
            for (labels, t, v) in samples {
                let index = all.firstIndex { $0.labels == labels } ?? {
                    all.append(Stored(labels: labels))
                    result.newSeries += 1
                    return all.count - 1
                }()
                add(index, t, v)
            }
            return result
        }
    }

    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples] {
        series.withLock { all in
            all.filter { stored in matchers.allSatisfy { $0.matches(stored.labels[$0.name] ?? "") } }
                .compactMap { stored -> SeriesSamples? in
                    let kept = stored.timestamps.indices.filter { stored.timestamps[$0] >= minTime && stored.timestamps[$0] <= maxTime }
                    guard !kept.isEmpty else { return nil }
                    return SeriesSamples(labels: stored.labels, timestamps: kept.map { stored.timestamps[$0] }, values: kept.map { stored.values[$0] })
                }
                .sorted { Labels.precedes($0.labels, $1.labels) }
        }
    }

    func labelNames(matching matchers: [LabelMatcher]) -> [String] {
        series.withLock { all in Set(all.flatMap { $0.labels.map(\.name) }).sorted() }
    }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) -> [String] {
        series.withLock { all in Set(all.compactMap { $0.labels[name] }).sorted() }
    }
}

/// The in-memory store's appender.
struct MemoryAppender: Appender {
    let store: InMemoryStore
    var samples: [(Labels, Int64, Double)] = []
    var byRef: [(SeriesRef, Int64, Double)] = []

    mutating func append(_ labels: Labels, t: Int64, v: Double) { samples.append((labels, t, v)) }
    mutating func append(_ ref: SeriesRef, t: Int64, v: Double) { byRef.append((ref, t, v)) }
    var count: Int { samples.count + byRef.count }

    mutating func commit() async throws -> CommitResult {
        defer { rollback() }
        return store.commit(samples, byRef)
    }

    mutating func rollback() {
        samples = []
        byRef = []
    }
}

final class InMemoryStoreTests: Sendable {
    let scratch = TemporaryDirectories()

    /// The same samples, appended through the contracts into both stores.
    static func fill(_ store: some Appendable) async throws {
        var appender = store.appender()
        for i in 0..<40 {
            for (job, code) in [("api", "200"), ("api", "500"), ("web", "200")] {
                let labels = Labels(["__name__": "http_requests_total", "job": job, "code": code])
                if let ref = store.ref(for: labels) {
                    appender.append(ref, t: Int64(i) * 15_000, v: Double(i * (code == "500" ? 1 : 10)))
                } else {
                    appender.append(labels, t: Int64(i) * 15_000, v: Double(i * (code == "500" ? 1 : 10)))
                }
            }
            _ = try await appender.commit()
        }
    }

    @Test(arguments: [
        "sum by (job) (rate(http_requests_total[1m]))",
        "http_requests_total{code=~\"5..\"} / ignoring(code) group_left sum by (job) (http_requests_total)",
        "max_over_time(http_requests_total[2m])",
        "count(http_requests_total)",
    ])
    func engineAnswersTheSameFromAnyStore(query: String) async throws {
        let memory = InMemoryStore()
        try await Self.fill(memory)
        let tsdb = try await temporaryStore("in-memory-compare", in: scratch)
        try await Self.fill(tsdb)
        let fromMemory = try await Engine(queryable: memory).rangeQuery(query, start: 120_000, end: 585_000, step: 15_000)
        let fromTSDB = try await Engine(queryable: tsdb).rangeQuery(query, start: 120_000, end: 585_000, step: 15_000)
        #expect(fromMemory.value == fromTSDB.value)
        guard case .matrix(let series) = fromMemory.value else {
            Issue.record("not a matrix: \(fromMemory.value)")
            return
        }
        #expect(!series.isEmpty)
    }
}
