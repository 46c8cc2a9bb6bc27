// Tollgate — HTTPAPITests: the differential check: the same data and PromQL queries in Prometheus 2.42 and in Tollgate.

import CurlHTTP
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import TSDB
import TestSupport
import Testing

/// Loads ``DifferentialData`` into Debian's Prometheus (blocks built by promtool) and into a
/// Tollgate store, asks both query APIs every expression of ``DifferentialQueries`` as an
/// instant and a range query, and compares the answers (``QueryAnswer/difference(_:_:ordered:)``).
/// Prints `differential check: agree N/M`; every disagreement not listed in
/// ``DifferentialQueries/knownDifferences`` fails the test. To see both raw answers to one
/// question, run with `DIFFERENTIAL_DUMP='range: EXPR'` (or `instant: EXPR`).
@Suite(.serialized, .enabled(if: QueryOracle.prometheus != nil && QueryOracle.promtool != nil, "Debian's prometheus and promtool are not installed"))
final class PrometheusDifferentialTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// One question, as a path and query string, with its key in the known-differences list.
    struct Question {
        var key: String
        var path: String
        var ordered: Bool
    }

    /// Every expression as an instant and as a range question; only `sort…` answers are compared in order.
    static func questions() -> [Question] {
        let range = "start=\(DifferentialQueries.rangeStart)&end=\(DifferentialQueries.rangeEnd)&step=\(DifferentialQueries.rangeStep)"
        return DifferentialQueries.expressions.flatMap { expression -> [Question] in
            let query = "query=" + encode(expression)
            let ordered = expression.hasPrefix("sort")
            return [
                Question(key: "instant: \(expression)", path: "/api/v1/query?\(query)&time=\(DifferentialQueries.instantTime)", ordered: ordered),
                Question(key: "range: \(expression)", path: "/api/v1/query_range?\(query)&\(range)", ordered: false),
            ]
        }
    }

    /// Percent-encodes a query for a URL, leaving only RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    @Test func answersAgreeWithPrometheus() async throws {
        let prometheus = try await QueryOracle.start(samples: DifferentialData.openMetrics(), in: try scratch.make("oracle"))
        defer { prometheus.stop() }
        let db = try await TSDB.open(directory: try scratch.make("differential").path, logger: Logger(label: "test"))
        let loaded = try await DifferentialData.load(into: db)
        let size = DifferentialData.size
        #expect(loaded.appended == size.samples && loaded.rejected == 0, "loaded \(loaded), generated \(size)")

        let questions = Self.questions()
        let app = QueryFixture.app(QueryFixture.api(db))
        let (agreed, disagreements) = try await app.test(.router) { client in
            var agreed = 0
            var disagreements: [String] = []
            for question in questions {
                let theirBody = String(decoding: try await QueryOracle.get(prometheus.port, question.path).body, as: UTF8.self)
                if let dump = ProcessInfo.processInfo.environment["DIFFERENTIAL_DUMP"], question.key == dump {
                    print("PROMETHEUS: \(theirBody)")
                    print("TOLLGATE: \(try await client.execute(uri: question.path, method: .get) { String(buffer: $0.body) })")
                }
                let theirs = try QueryAnswer(json: theirBody)
                let ours = try await client.execute(uri: question.path, method: .get) { try QueryAnswer(json: String(buffer: $0.body)) }
                let difference = QueryAnswer.difference(ours, theirs, ordered: question.ordered)
                let known = DifferentialQueries.knownDifferences[question.key]
                switch (difference, known) {
                case (nil, nil):
                    agreed += 1
                case (nil, let reason?):
                    agreed += 1
                    Issue.record("\(question.key) now agrees with Prometheus; remove it from knownDifferences (\(reason))")
                case (let difference?, nil):
                    disagreements.append("\(question.key): \(difference)")
                    Issue.record("\(question.key): Tollgate vs Prometheus: \(difference)")
                case (let difference?, _?):
                    disagreements.append("\(question.key) (known): \(difference)")
                }
            }
            return (agreed, disagreements)
        }
        print("differential check: \(size.series) series, \(size.samples) samples; agree \(agreed)/\(questions.count)")
        for line in disagreements { print("  differs: \(line)") }
    }
}
