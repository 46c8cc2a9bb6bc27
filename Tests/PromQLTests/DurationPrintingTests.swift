// Tollgate — PromQL tests: range durations printed and rejected as Prometheus does.

import CurlHTTP
import Foundation
import PromQL
import TestSupport
import Testing

/// Prometheus's duration table through the PromQL parser and printer (`x[<written>]`).
struct DurationPrintingTests {
    @Test(arguments: PrometheusDurations.printed.filter { $0.milliseconds > 0 })
    func rangesPrintAsPrometheus(_ row: PrometheusDurations.Printed) throws {
        #expect(try parseExpr("x[\(row.written)]").description == "x[\(row.printed)]")
        #expect(try parseExpr("x offset -\(row.written)").description == "x offset -\(row.printed)")
    }

    @Test(arguments: PrometheusDurations.rejected)
    func rangesAreRejectedAsPrometheus(_ written: String, _ message: String) {
        let error = #expect(throws: ParseError.self) { try parseExpr("x[\(written)]") }
        #expect(error?.description == "1:3: parse error: \(message)")
    }
}

/// Debian's Prometheus (2.42) asked for the same table live; skipped when it is not installed.
@Suite(.enabled(if: DurationOracle.prometheus != nil, "Debian's prometheus is not installed"))
struct DurationOracleTests {
    @Test func prometheusGivesTheTable() async throws {
        let server = try await DurationOracle.start()
        defer { server.stop() }
        for row in PrometheusDurations.printed where row.milliseconds > 0 {
            let answer = try await DurationOracle.formatQuery(server.port, "x[\(row.written)]")
            #expect(answer == .data("x[\(row.printed)]"), "\(row.written)")
        }
        for (written, message) in PrometheusDurations.rejected {
            let answer = try await DurationOracle.formatQuery(server.port, "x[\(written)]")
            #expect(answer == .error("invalid parameter \"query\": 1:3: parse error: \(message)"), "\(written)")
        }
        // A zero duration only prints where PromQL is not involved: the retention flag's default.
        let flags = try await DurationOracle.get(server.port, "/api/v1/status/flags")
        let data = try #require(try DurationOracle.object(flags)["data"] as? [String: Any])
        let zero = try #require(PrometheusDurations.printed.first { $0.milliseconds == 0 })
        #expect(data["storage.tsdb.retention.time"] as? String == zero.printed)
    }
}

/// Starts Debian's prometheus on a free loopback port with an empty store.
enum DurationOracle {
    static let prometheus = PrometheusServer.binary

    /// What `/api/v1/format_query` answered.
    enum Answer: Equatable {
        case data(String)
        case error(String)
    }

    static func start() async throws -> PrometheusServer {
        let directory = try makeTemporaryDirectory("duration-oracle")
        do {
            let server = try await PrometheusServer.start(config: "global: {}\n", in: directory)
            return PrometheusServer(port: server.port) {
                server.stop()
                try? FileManager.default.removeItem(at: directory)
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    static func get(_ port: Int, _ path: String) async throws -> HTTPClient.Response {
        try await PrometheusServer(port: port, stop: {}).get(path)
    }

    static func object(_ response: HTTPClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    static func formatQuery(_ port: Int, _ query: String) async throws -> Answer {
        let escaped = try #require(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let json = try object(try await get(port, "/api/v1/format_query?query=\(escaped)"))
        if let data = json["data"] as? String { return .data(data) }
        return .error(try #require(json["error"] as? String))
    }
}

