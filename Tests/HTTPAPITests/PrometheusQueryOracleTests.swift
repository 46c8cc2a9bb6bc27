// Tollgate — the same samples in Debian's Prometheus (2.42) and in Tollgate, the same API questions, the same JSON.

import CurlHTTP
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import Model
import Storage
import TSDB
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Debian's prometheus and promtool (2.42); `make test` installs them, else the suite is skipped.
enum QueryOracle {
    static let prometheus = PrometheusServer.binary
    static let promtool = ["/usr/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The fixture's samples as OpenMetrics text, for `promtool tsdb create-blocks-from openmetrics`.
    static func openMetrics() -> String {
        var lines = ["# TYPE up gauge"]
        for step in 0...40 { lines.append("up{instance=\"a:1\",job=\"api\"} 1 \(1_700_000_000 + step * 15)") }
        for step in 0...40 { lines.append("up{instance=\"b:1\",job=\"db\"} 0 \(1_700_000_000 + step * 15)") }
        lines.append("# TYPE http_requests counter")
        for step in 0...40 { lines.append("http_requests_total{code=\"200\",job=\"api\"} \(step * 3) \(1_700_000_000 + step * 15)") }
        return lines.joined(separator: "\n") + "\n# EOF\n"
    }

    static func run(_ path: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OracleFailure("\(path) \(arguments) exited with \(process.terminationStatus)") }
    }

    /// Prometheus serving blocks built from `samples` (OpenMetrics with timestamps), until the returned closure is called.
    /// Its blocks and configuration go in `directory`, which the caller removes.
    static func start(samples: String = openMetrics(), in directory: URL) async throws -> (port: Int, stop: @Sendable () -> Void) {
        let data = directory.appendingPathComponent("data").path
        let input = directory.appendingPathComponent("samples.om")
        try samples.write(to: input, atomically: true, encoding: .utf8)
        try run(try #require(promtool), ["tsdb", "create-blocks-from", "openmetrics", input.path, data])
        let server = try await PrometheusServer.start(
            config: "global: {}\n", in: directory, dataDirectory: data, arguments: ["--storage.tsdb.retention.time=100y"])
        return (server.port, server.stop)
    }

    static func get(_ port: Int, _ path: String) async throws -> HTTPClient.Response {
        try await PrometheusServer(port: port, stop: {}).get(path)
    }
}

struct OracleFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite(.serialized, .enabled(if: QueryOracle.prometheus != nil && QueryOracle.promtool != nil, "Debian's prometheus and promtool are not installed"))
final class PrometheusQueryOracleTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// Questions whose answers 2.42 and 3.x give alike, byte for byte.
    static let sameAnswers = [
        "/api/v1/query?query=up&time=1700000300",
        "/api/v1/query?query=up&time=2023-11-14T22:18:20.5Z",
        "/api/v1/query?query=1+%2B+1&time=1700000300.25",
        "/api/v1/query?query=up+%2F+0&time=1700000300",
        "/api/v1/query?query=-up+%2F+0&time=1700000300",
        "/api/v1/query?query=%22text%22&time=1700000300",
        "/api/v1/query_range?query=up&start=1700000000&end=1700000300&step=60",
        "/api/v1/query_range?query=up&start=1700000000&end=1700000300&step=1m",
        "/api/v1/query_range?query=up&start=1700000300&end=1700000000&step=60",
        "/api/v1/query_range?query=up&start=1700000000&end=1700000300&step=0",
        "/api/v1/query_range?query=up&start=1700000000&end=1700000300&step=x",
        "/api/v1/query_range?query=up&start=0&end=11001&step=1",
        "/api/v1/query_range?query=up&start=x&end=1&step=1",
        "/api/v1/query_range?query=up%5B5m%5D&start=1700000000&end=1700000300&step=60",
        "/api/v1/series?match%5B%5D=up&start=1700000000&end=1700000600",
        "/api/v1/series?match%5B%5D=up&match%5B%5D=http_requests_total",
        "/api/v1/series?start=1700000000",
        "/api/v1/series?match%5B%5D=%7Bjob%3D~%22.*%22%7D",
        "/api/v1/labels",
        "/api/v1/labels?match%5B%5D=up",
        "/api/v1/label/__name__/values",
        "/api/v1/label/job/values?match%5B%5D=http_requests_total",
        "/api/v1/label/nothing/values",
    ]

    @Test func answersMatchPrometheus() async throws {
        let prometheus = try await QueryOracle.start(in: try scratch.make("oracle"))
        defer { prometheus.stop() }
        let db = try await QueryFixture.tsdb(in: scratch)
        let app = QueryFixture.app(QueryFixture.api(db))
        try await app.test(.router) { client in
            for path in Self.sameAnswers {
                let theirs = try await QueryOracle.get(prometheus.port, path)
                try await client.execute(uri: path, method: .get) { ours in
                    #expect(Int(ours.status.code) == theirs.status, "\(path)")
                    #expect(String(buffer: ours.body) == String(decoding: theirs.body, as: UTF8.self), "\(path)")
                }
            }
        }
    }

    /// Answers that hang on the engine's arithmetic: Prometheus gives `0.2` for the first
    /// step of this rate where Tollgate's engine gives `0.19999999999999998` (reported to the engine).
    @Test func engineArithmeticMatchesPrometheus() async throws {
        let prometheus = try await QueryOracle.start(in: try scratch.make("oracle"))
        defer { prometheus.stop() }
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            for path in [
                "/api/v1/query?query=sum+by+(job)+(rate(http_requests_total%5B1m%5D))&time=1700000300",
                "/api/v1/query_range?query=rate(http_requests_total%5B1m%5D)&start=1700000060&end=1700000600&step=45.5",
            ] {
                let theirs = try await QueryOracle.get(prometheus.port, path)
                let ours = try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
                withKnownIssue("rate() rounds differently from Prometheus at some steps", isIntermittent: true) {
                    #expect(ours == String(decoding: theirs.body, as: UTF8.self), "\(path)")
                }
            }
        }
    }

    /// Range selectors: 2.42 includes a sample exactly at the window's start, 3.x (and Tollgate) do not.
    @Test func rangeSelectorsAreLeftOpenAs3x() async throws {
        let prometheus = try await QueryOracle.start(in: try scratch.make("oracle"))
        defer { prometheus.stop() }
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            let path = "/api/v1/query?query=http_requests_total%5B1m%5D&time=1700000300"
            let theirs = String(decoding: try await QueryOracle.get(prometheus.port, path).body, as: UTF8.self)
            let ours = try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
            #expect(theirs.replacingOccurrences(of: #"[1700000240,"48"],"#, with: "") == ours)
        }
    }

    /// Where 3.x changed the text, Tollgate follows 3.x: 2.42 capitalises "Invalid time value".
    @Test func timeParameterErrorsFollow3x() async throws {
        let prometheus = try await QueryOracle.start(in: try scratch.make("oracle"))
        defer { prometheus.stop() }
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            let path = "/api/v1/query?query=up&time=x"
            let theirs = String(decoding: try await QueryOracle.get(prometheus.port, path).body, as: UTF8.self)
            try await client.execute(uri: path, method: .get) { ours in
                #expect(String(buffer: ours.body).replacingOccurrences(of: "invalid time value", with: "Invalid time value") == theirs)
            }
        }
    }
}
