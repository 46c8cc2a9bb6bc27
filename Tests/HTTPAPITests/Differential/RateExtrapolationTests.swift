// Tollgate — HTTPAPITests: rate() over the differential data against Prometheus 3.x's extrapolation, computed here.

import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import TSDB
import TestSupport
import Testing

/// The differential check lists `rate(http_requests_total[5m])` as a known 2.42/3.x
/// difference (the order of the 1.1-interval threshold and the zero-point limit). This test
/// shows the other half: Tollgate's answer is what Prometheus 3.x's `extrapolatedRate`
/// (promql/functions.go) gives, computed independently from the generated samples.
final class RateExtrapolationTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// `rate` of one series' samples for the window `(end - range, end]`, in Prometheus 3.x's order, or `nil` under two samples.
    static func rate3x(_ samples: [(t: Int64, v: Double)], end: Int64, range: Int64) -> Double? {
        let window = samples.filter { $0.t > end - range && $0.t <= end }
        guard let first = window.first, let last = window.last, window.count > 1 else { return nil }
        var result = last.v - first.v
        for (previous, current) in zip(window, window.dropFirst()) where current.v < previous.v { result += previous.v }
        var toStart = Double(first.t - (end - range)) / 1000
        var toEnd = Double(end - last.t) / 1000
        let sampled = Double(last.t - first.t) / 1000
        let average = sampled / Double(window.count - 1)
        let threshold = average * 1.1
        if toStart >= threshold { toStart = average / 2 }
        if result > 0 && first.v >= 0 { toStart = min(toStart, sampled * (first.v / result)) }
        if toEnd >= threshold { toEnd = average / 2 }
        return result * ((sampled + toStart + toEnd) / sampled / (Double(range) / 1000))
    }

    @Test func rateFollowsPrometheus3xExtrapolation() async throws {
        let db = try await TSDB.open(directory: try scratch.make("rate").path, logger: Logger(label: "test"))
        _ = try await DifferentialData.load(into: db)
        let start = DifferentialQueries.rangeStart, end = DifferentialQueries.rangeEnd, step = Int64(DifferentialQueries.rangeStep)
        let path = "/api/v1/query_range?query=rate(http_requests_total%5B5m%5D)&start=\(start)&end=\(end)&step=\(step)"
        let app = QueryFixture.app(QueryFixture.api(db))
        let answer = try await app.test(.router) { client in
            try await client.execute(uri: path, method: .get) { try QueryAnswer(json: String(buffer: $0.body)) }
        }
        let ours = Dictionary(answer.series.map { ($0.key, $0.points) }) { first, _ in first }
        var compared = 0
        for series in DifferentialData.families.first(where: { $0.name == "http_requests" })?.series ?? [] {
            let labels = series.labels.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }
            let key = "{" + labels.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
            let expected = stride(from: start, through: end, by: Int(step)).compactMap { t in
                Self.rate3x(series.samples, end: t * 1000, range: 300_000).map { (t: Double(t), v: $0) }
            }
            let got = ours[key] ?? []
            #expect(got.count == expected.count, "\(key): \(got.count) points, 3.x gives \(expected.count)")
            for (p, q) in zip(got, expected) {
                #expect(p.t == q.t && QueryAnswer.agree(p.v, q.v), "\(key) at \(q.t): Tollgate \(p.v), 3.x \(q.v)")
                compared += 1
            }
        }
        #expect(compared > 2000)
    }
}
