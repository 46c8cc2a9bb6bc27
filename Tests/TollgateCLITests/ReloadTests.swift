// Tollgate — `tollgate serve --config`: scrape jobs, SIGHUP and POST /-/reload.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class ReloadTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// A job scraping an address nothing listens on: the target exists, scrapes fail.
    static func config(_ jobs: [String]) -> String {
        "global: {scrape_interval: 1s}\nscrape_configs:\n"
            + jobs.map { "  - job_name: \($0)\n    static_configs: [{targets: ['127.0.0.1:1']}]\n" }.joined()
    }

    func pools(_ server: RunningServer) async throws -> [String] {
        let (_, body, _) = try await server.get("/api/v1/targets")
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let data = json?["data"] as? [String: Any]
        let active = data?["activeTargets"] as? [[String: Any]] ?? []
        return active.compactMap { $0["scrapePool"] as? String }.sorted()
    }

    func waitForPools(_ server: RunningServer, _ expected: [String]) async throws {
        // 60 s: a full run once took more than 15 s to see a reload's pools.
        let deadline = Date().addingTimeInterval(60)
        while try await pools(server) != expected {
            guard Date() < deadline else { throw RunningServer.ServerError(log: "pools stayed \(try await pools(server)), expected \(expected)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func post(_ server: RunningServer, _ path: String) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)\(path)")!)  // Safe to force unwrap: a fixed, valid URL.
        request.httpMethod = "POST"
        let (data, response) = try await server.session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func reloadAddsAndRemovesJobsAndABadFileKeepsTheOldOne() async throws {
        let dir = try scratch.make("cli")
        let file = dir.appendingPathComponent("prometheus.yml")
        try Self.config(["one", "two"]).write(to: file, atomically: true, encoding: .utf8)
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--config.file", file.path, "--web.enable-lifecycle"])
        try await waitForPools(server, ["one", "two"])

        let lastConfigTime = { (runtime: String) in runtime.range(of: #""lastConfigTime":"[^"]+""#, options: .regularExpression).map { String(runtime[$0]) } }
        let startedWith = lastConfigTime(try await server.get("/api/v1/status/runtimeinfo").1)
        try Self.config(["two", "three"]).write(to: file, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        try await waitForPools(server, ["three", "two"])
        var loadedAt = startedWith
        for _ in 0..<100 where loadedAt == startedWith {
            loadedAt = lastConfigTime(try await server.get("/api/v1/status/runtimeinfo").1)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(loadedAt != nil && loadedAt != startedWith, "a successful reload sets lastConfigTime")

        try "scrape_configs:\n  - job_name: four\n    scrape_intervall: 1s\n".write(to: file, atomically: true, encoding: .utf8)
        let (status, body) = try await Self.post(server, "/-/reload")
        #expect(status == 500)
        #expect(body.contains("failed to reload config") && body.contains("prometheus.yml:3: scrape_configs[0].scrape_intervall: unknown field"))
        #expect(try await pools(server) == ["three", "two"], "the running configuration stays")
        // The status API describes the running configuration, not the broken file on disk.
        let (_, shown, _) = try await server.get("/api/v1/status/config")
        #expect(shown.contains("three") && !shown.contains("scrape_intervall"), "\(shown)")
        let (_, runtime, _) = try await server.get("/api/v1/status/runtimeinfo")
        #expect(runtime.contains(#""reloadConfigSuccess":false"#), "\(runtime)")
        #expect(lastConfigTime(runtime) == loadedAt, "the running configuration's load time stays")
        let (_, metrics, _) = try await server.get("/metrics")
        #expect(metrics.contains("prometheus_config_last_reload_successful 0"))
        // Nothing listens on the targets' port: each failed scrape is counted (once the
        // first scrape has run, which may take a moment after start).
        var counted = metrics.contains("tollgate_target_scrapes_failed_total{scrape_job=")
        for _ in 0..<100 where !counted {
            try await Task.sleep(for: .milliseconds(100))
            counted = try await server.get("/metrics").1.contains("tollgate_target_scrapes_failed_total{scrape_job=")
        }
        #expect(counted)

        try Self.config(["four"]).write(to: file, atomically: true, encoding: .utf8)
        let (okStatus, _) = try await Self.post(server, "/-/reload")
        #expect(okStatus == 200)
        #expect(try await pools(server) == ["four"])
        let (_, after, _) = try await server.get("/metrics")
        #expect(after.contains("prometheus_config_last_reload_successful 1"))
        #expect(server.stop() == 0)
    }

    @Test func checkConfigAcceptsScrapeJobs() throws {
        let dir = try scratch.make("cli")
        let file = dir.appendingPathComponent("prometheus.yml")
        try Self.config(["node"]).write(to: file, atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "config", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("SUCCESS"))
    }

    /// A static target that stays a URL after relabeling is refused up front, as promtool
    /// refuses it (serve would only drop it with a log line); the blackbox pattern, which
    /// relabels the URL away from `__address__`, passes.
    @Test func checkConfigRefusesUnusableStaticTargets() throws {
        let dir = try scratch.make("cli")
        let bad = dir.appendingPathComponent("bad.yml")
        try "scrape_configs:\n  - job_name: web\n    static_configs: [{targets: ['http://127.0.0.1:1/metrics', '127.0.0.1:2']}]\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let refused = try Binary.run(["check", "config", bad.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("scrape_configs[0].static_configs[0].targets[0]: job \"web\""), "\(refused.stderr)")
        #expect(refused.stderr.contains("http://127.0.0.1:1/metrics"))
        #expect(!refused.stderr.contains("targets[1]"))

        let blackbox = dir.appendingPathComponent("blackbox.yml")
        try """
            scrape_configs:
              - job_name: blackbox
                metrics_path: /probe
                static_configs: [{targets: ['https://example.com/health']}]
                relabel_configs:
                  - {source_labels: [__address__], target_label: __param_target}
                  - {target_label: __address__, replacement: '127.0.0.1:9115'}

            """.write(to: blackbox, atomically: true, encoding: .utf8)
        let accepted = try Binary.run(["check", "config", blackbox.path])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }
}
