// Tollgate — the same prometheus.yml, scraped by Debian's Prometheus and by Tollgate.

import CurlHTTP
import Foundation
import Model
import Storage
import TSDB
import TestSupport
import Testing
import TollgateConfig

@testable import Scrape

/// `make test` installs Debian's prometheus (2.42); without it this suite is skipped.
enum PrometheusOracle {
    static let path = PrometheusServer.binary

    /// Runs Prometheus on `config` until the returned closure is called.
    static func start(config: String, in directory: URL) async throws -> (port: Int, stop: () -> Void) {
        let server = try await PrometheusServer.start(config: config, in: directory, dataDirectory: directory.appendingPathComponent("prom").path)
        return (server.port, server.stop)
    }

    /// Prometheus and a Tollgate scrape manager (with its store) on the same configuration.
    static func startBoth(
        _ config: String, in scratch: TemporaryDirectories
    ) async throws -> (prometheus: (port: Int, stop: () -> Void), tsdb: TSDB, manager: ScrapeManager) {
        let prometheus = try await start(config: config, in: try scratch.make("prometheus"))
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        let manager = try ScrapeLoopTests.manager(tsdb)
        await manager.apply(try TollgateConfig(yaml: config, file: "oracle.yml"))
        return (prometheus, tsdb, manager)
    }

    /// `data` of a Prometheus API answer.
    static func get(_ port: Int, _ path: String) async throws -> Any? {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let response = try await client.execute(.init(url: "http://127.0.0.1:\(port)\(path)"))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["data"]
    }
}

@Suite(.serialized, .enabled(if: PrometheusOracle.path != nil, "Debian's prometheus is not installed; `make test` installs it"))
final class PrometheusOracleTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// Target building and relabeling: the documented relabeling patterns, compared as
    /// `/api/v1/targets` shows them. The addresses carry ports: 2.42 would add `:80` to a
    /// bare host where 3.x (and Tollgate) keep it as written.
    @Test func targetsMatchPrometheus() async throws {
        let config = """
            global: {scrape_interval: 1m}
            scrape_configs:
              - job_name: static
                params: {module: [a]}
                static_configs:
                  - targets: ['127.0.0.1:1', '127.0.0.2:2']
                    labels: {env: prod, team: core}
                  - targets: ['127.0.0.3:3']
                    labels: {env: dev}
                relabel_configs:
                  - source_labels: [env]
                    regex: dev
                    action: drop
                  - source_labels: [__address__]
                    regex: '([^:]+):(\\d+)'
                    target_label: host
                    replacement: '${1}'
                  - source_labels: [__address__]
                    modulus: 8
                    target_label: __tmp_hash
                    action: hashmod
                  - source_labels: [team]
                    target_label: owner
                  - action: labelmap
                    regex: 'e(n)v'
                    replacement: 'environment_$1'
                  - action: labeldrop
                    regex: team
              - job_name: blackbox
                metrics_path: /probe
                params: {module: [http_2xx]}
                static_configs: [{targets: ['https://example.com', 'https://example.org']}]
                relabel_configs:
                  - source_labels: [__address__]
                    target_label: __param_target
                  - source_labels: [__param_target]
                    target_label: instance
                  - target_label: __address__
                    replacement: 127.0.0.1:9115
                  - source_labels: [instance]
                    regex: '.*\\.org'
                    action: drop

            """
        let (prometheus, _, manager) = try await PrometheusOracle.startBoth(config, in: scratch)
        defer {
            prometheus.stop()
            Task { await manager.stop() }
        }

        // Prometheus publishes discovered targets after a few seconds.
        var theirs: [String: Any] = [:]
        for _ in 0..<200 {
            theirs = try await PrometheusOracle.get(prometheus.port, "/api/v1/targets") as? [String: Any] ?? [:]
            if (theirs["activeTargets"] as? [Any])?.count == 3 && (theirs["droppedTargets"] as? [Any])?.count == 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        func row(_ labels: Any?, _ discovered: Any?, _ url: Any?) -> String {
            "\(Labels(labels as? [String: String] ?? [:])) \(Labels(discovered as? [String: String] ?? [:])) \(url as? String ?? "")"
        }
        let theirActive = ((theirs["activeTargets"] as? [[String: Any]]) ?? []).map { row($0["labels"], $0["discoveredLabels"], $0["scrapeUrl"]) }
        let ourActive = await manager.activeTargets().map { target in
            row(Dictionary(uniqueKeysWithValues: target.labels.map { ($0.name, $0.value) }),
                Dictionary(uniqueKeysWithValues: target.discoveredLabels.map { ($0.name, $0.value) }), target.scrapeURL)
        }
        #expect(theirActive.count == 3)
        #expect(Set(ourActive) == Set(theirActive))
        let theirDropped = ((theirs["droppedTargets"] as? [[String: Any]]) ?? []).map { row([:], $0["discoveredLabels"], nil) }
        let ourDropped = await manager.droppedTargets().map { row([:], Dictionary(uniqueKeysWithValues: $0.discoveredLabels.map { ($0.name, $0.value) }), nil) }
        #expect(Set(ourDropped) == Set(theirDropped))
    }

    /// Stored series: target labels, `exported_` clashes, honor_labels, metric relabeling
    /// and the synthetic series, compared with Prometheus's `/api/v1/series`.
    @Test func storedSeriesMatchPrometheus() async throws {
        let server = try TargetServer()
        try await server.serve("/m", """
            # TYPE http_requests_total counter
            http_requests_total{code="200",job="app",instance="pod-1"} 10
            http_requests_total{code="500",job="app",instance="pod-1"} 1
            go_goroutines 12
            process_start_time_seconds{exported_job="x"} 1.7e9
            temperature{location="a b",le="0.5"} 21.5

            """)
        let jobs = """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: plain
                metrics_path: /m
                static_configs: [{targets: ['\(server.address)'], labels: {env: test}}]
                metric_relabel_configs:
                  - source_labels: [__name__]
                    regex: go_.*
                    action: drop
                  - source_labels: [code]
                    target_label: status_class
                    regex: '(\\d)\\d\\d'
                    replacement: '${1}xx'
              - job_name: honored
                honor_labels: true
                metrics_path: /m
                static_configs: [{targets: ['\(server.address)']}]

            """
        let (prometheus, tsdb, manager) = try await PrometheusOracle.startBoth(jobs, in: scratch)
        defer {
            prometheus.stop()
            Task { await manager.stop() }
        }

        let query = "/api/v1/series?match%5B%5D=%7B__name__%3D~%22.%2B%22%7D"
        var theirs: Set<Labels> = []
        var ours: Set<Labels> = []
        // Both servers scrape on their own schedule; on a loaded machine either can be late.
        for _ in 0..<600 {
            let data = try await PrometheusOracle.get(prometheus.port, query) as? [[String: String]] ?? []
            theirs = Set(data.map { Labels($0) })
            // Prometheus's own metrics are not scraped here, so every series came from the two jobs.
            ours = Set(try await tsdb.select([try LabelMatcher(.regex, "__name__", ".+")], minTime: .min, maxTime: .max).map(\.labels))
            if theirs.filter({ $0.metricName == "up" }).count == 2 && theirs.count >= 19 && ours == theirs { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ours == theirs, "only ours: \(ours.subtracting(theirs)); only theirs: \(theirs.subtracting(ours))")
        #expect(theirs.contains(Labels([
            "__name__": "http_requests_total", "code": "200", "job": "plain", "instance": server.address, "env": "test",
            "exported_job": "app", "exported_instance": "pod-1", "status_class": "2xx",
        ])))
    }
}
