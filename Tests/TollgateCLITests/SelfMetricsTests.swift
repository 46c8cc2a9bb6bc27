// Tollgate — `/metrics` as Prometheus's self-monitoring reads it: promtool's lint and the
// meta-monitoring dashboard queries of docs/self-metrics.md.

import Exposition
import Foundation
import Model
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class SelfMetricsTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// Debian's promtool, if installed.
    static let promtool = ["/usr/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The families a Prometheus meta-monitoring dashboard reads.
    static let families = [
        "prometheus_build_info", "tollgate_build_info", "prometheus_ready",
        "prometheus_config_last_reload_successful", "prometheus_config_last_reload_success_timestamp_seconds",
        "prometheus_tsdb_head_series", "prometheus_tsdb_head_samples_appended_total", "prometheus_tsdb_out_of_order_samples_total",
        "prometheus_tsdb_compactions_total", "prometheus_tsdb_compactions_failed_total", "prometheus_tsdb_compaction_duration_seconds",
        "prometheus_tsdb_storage_blocks_bytes", "prometheus_tsdb_size_retentions_total", "prometheus_tsdb_time_retentions_total",
        "prometheus_tsdb_retention_limit_bytes", "prometheus_tsdb_lowest_timestamp_seconds", "prometheus_tsdb_head_max_time_seconds",
        "prometheus_target_interval_length_seconds", "prometheus_target_scrapes_exceeded_sample_limit_total",
        "prometheus_target_scrapes_sample_out_of_order_total", "prometheus_target_scrapes_sample_duplicate_timestamp_total",
        "prometheus_target_scrape_pool_targets", "prometheus_target_scrape_pools_total", "prometheus_sd_discovered_targets",
        "tollgate_target_scrapes_failed_total",
        "prometheus_engine_query_duration_seconds", "prometheus_engine_queries", "prometheus_engine_queries_concurrent_max",
        "prometheus_http_requests_total", "prometheus_http_request_duration_seconds", "prometheus_http_response_size_bytes",
    ]

    /// The queries in docs/self-metrics.md's `promql` block.
    static func dashboardQueries() throws -> [String] {
        let text = try String(contentsOf: Binary.repositoryRoot.appendingPathComponent("docs/self-metrics.md"), encoding: .utf8)
        let block = try #require(text.components(separatedBy: "```promql\n").dropFirst().first?.components(separatedBy: "```").first)
        return block.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Starts a server whose configuration scrapes its own `/metrics` every second.
    func selfScrapingServer() async throws -> RunningServer {
        let dir = try scratch.make("cli")
        let file = dir.appendingPathComponent("prometheus.yml")
        let config = { (target: String) in
            "global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: tollgate\n    static_configs: [{targets: ['\(target)']}]\n"
        }
        try config("127.0.0.1:1").write(to: file, atomically: true, encoding: .utf8)
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--config.file", file.path, "--web.enable-lifecycle"])
        try config("127.0.0.1:\(server.port)").write(to: file, atomically: true, encoding: .utf8)
        let (status, body) = try await ReloadTests.post(server, "/-/reload")
        #expect(status == 200, "\(body)")
        return server
    }

    /// The result list of an instant query (empty when it failed).
    func query(_ server: RunningServer, _ text: String) async throws -> [[String: Any]] {
        var components = URLComponents()
        components.path = "/api/v1/query"
        components.queryItems = [URLQueryItem(name: "query", value: text)]
        let path = (components.percentEncodedPath) + "?" + (components.percentEncodedQuery ?? "")
        let (_, body, _) = try await server.get(path.replacingOccurrences(of: "+", with: "%2B"))
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let data = json?["data"] as? [String: Any]
        return data?["result"] as? [[String: Any]] ?? []
    }

    @Test func metricsHaveEveryFamilyAndPassPromtool() async throws {
        let server = try await selfScrapingServer()
        _ = try await server.get("/api/v1/query?query=up")
        let (status, body, _) = try await server.get("/metrics")
        #expect(status == 200)
        let samples = try ExpositionParser.samples(in: Array(body.utf8), format: .text)
        let names = Set(samples.compactMap { $0.labels.metricName })
        for family in Self.families {
            #expect(names.contains(family) || names.contains(family + "_count") || names.contains(family + "_bucket"), "\(family) is missing")
        }
        let typed = body.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.count
        let helped = body.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.count
        #expect(typed == helped && typed > Self.families.count, "every family has HELP and TYPE")
        #expect(!body.contains("hb_"), "Hummingbird's request metrics are replaced")
        #expect(body.contains(#"prometheus_http_requests_total{code="200",handler="/api/v1/query"}"#))
        #expect(body.contains(#"prometheus_tsdb_head_samples_appended_total{type="float"}"#))
        if let promtool = Self.promtool {
            let lint = try Binary.run(["check", "metrics"], stdin: Array(body.utf8), executable: URL(fileURLWithPath: promtool))
            #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "promtool: \(lint.stdout)\(lint.stderr)")
        }
        #expect(server.stop() == 0)
    }

    @Test func dashboardQueriesReturnData() async throws {
        let queries = try Self.dashboardQueries()
        #expect(queries.count >= 30)
        let server = try await selfScrapingServer()
        // Rates need two scrapes of the self target; the interval summary needs two intervals.
        var empty = queries
        let deadline = Date().addingTimeInterval(30)
        while !empty.isEmpty && Date() < deadline {
            try await Task.sleep(for: .milliseconds(500))
            var still: [String] = []
            for text in empty where try await query(server, text).isEmpty { still.append(text) }
            empty = still
        }
        #expect(empty.isEmpty, "queries without data: \(empty)")
        #expect(server.stop() == 0)
    }
}
