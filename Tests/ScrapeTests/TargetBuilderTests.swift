// Tollgate — building targets and sample labels as Prometheus does.

import CurlHTTP
import Foundation
import Model
import Relabel
import Testing
import TollgateConfig

@testable import Scrape

struct TargetBuilderTests {
    private func job(_ yaml: String) throws -> ScrapeConfig {
        try #require(try TollgateConfig(yaml: yaml, file: "t.yml").scrapeConfigs.first)
    }

    @Test func defaultsGiveJobInstanceAndURL() throws {
        let config = try job("scrape_configs:\n  - job_name: node\n    params: {module: [a, b]}\n")
        let group = TargetGroup(targets: ["h:9100"], labels: ["env": "prod"], source: "0")
        guard case .active(let target) = TargetBuilder.build(address: "h:9100", group: group, config: config) else {
            Issue.record("target not active")
            return
        }
        #expect(target.targetLabels == Labels(["env": "prod", "instance": "h:9100", "job": "node"]))
        #expect(target.discoveredLabels == Labels([
            "__address__": "h:9100", "__metrics_path__": "/metrics", "__scheme__": "http", "__scrape_interval__": "1m",
            "__scrape_timeout__": "10s", "__param_module": "a", "env": "prod", "job": "node",
        ]))
        #expect(target.url == "http://h:9100/metrics?module=a&module=b")
        #expect(target.interval == 60_000 && target.timeout == 10_000)
    }

    /// The blackbox-exporter pattern from Prometheus's documentation: the target becomes a
    /// parameter, the exporter the address.
    @Test func blackboxRelabelingMovesTheAddress() throws {
        let config = try job("""
            scrape_configs:
              - job_name: blackbox
                metrics_path: /probe
                params: {module: [http_2xx]}
                relabel_configs:
                  - source_labels: [__address__]
                    target_label: __param_target
                  - source_labels: [__param_target]
                    target_label: instance
                  - target_label: __address__
                    replacement: 127.0.0.1:9115
            """)
        let group = TargetGroup(targets: ["https://example.com"], source: "0")
        guard case .active(let target) = TargetBuilder.build(address: "https://example.com", group: group, config: config) else {
            Issue.record("target not active")
            return
        }
        #expect(target.url == "http://127.0.0.1:9115/probe?module=http_2xx&target=https%3A%2F%2Fexample.com")
        #expect(target.targetLabels == Labels(["instance": "https://example.com", "job": "blackbox"]))
    }

    @Test func relabelingDropsAndMetaLabelsGo() throws {
        let config = try job("""
            scrape_configs:
              - job_name: j
                relabel_configs:
                  - source_labels: [env]
                    regex: dev
                    action: drop
                  - source_labels: [__meta_zone]
                    target_label: zone
                  - source_labels: [__address__]
                    regex: '([^:]+):\\d+'
                    target_label: __scrape_interval__
                    replacement: 2m
            """)
        let dev = TargetGroup(targets: ["a:1"], labels: ["env": "dev"], source: "0")
        guard case .dropped(let discovered) = TargetBuilder.build(address: "a:1", group: dev, config: config) else {
            Issue.record("dev target not dropped")
            return
        }
        #expect(discovered["env"] == "dev")
        let prod = TargetGroup(targets: ["b:2"], labels: ["env": "prod", "__meta_zone": "z1"], source: "0")
        guard case .active(let target) = TargetBuilder.build(address: "b:2", group: prod, config: config) else {
            Issue.record("prod target not active")
            return
        }
        #expect(target.labels["__meta_zone"] == nil && target.labels["zone"] == "z1")
        #expect(target.interval == 120_000, "__scrape_interval__ set by relabeling")
    }

    @Test(arguments: [
        ("  - target_label: __address__\n    replacement: ''\n", "no address"),
        ("  - target_label: __scrape_interval__\n    replacement: soon\n", "error parsing scrape interval: \"soon\""),
        ("  - target_label: __scrape_timeout__\n    replacement: 2m\n", "scrape timeout cannot be greater than scrape interval (\"2m\" > \"1m\")"),
    ])
    func invalidTargetsSayWhy(_ rules: String, _ message: String) throws {
        let config = try job("scrape_configs:\n  - job_name: j\n    relabel_configs:\n  \(rules.replacingOccurrences(of: "\n  ", with: "\n    "))")
        let group = TargetGroup(targets: ["a:1"], source: "0")
        guard case .invalid(_, let error) = TargetBuilder.build(address: "a:1", group: group, config: config) else {
            Issue.record("target not invalid")
            return
        }
        #expect(error == message)
    }

    @Test func targetLabelsWinAndClashesAreExported() {
        let target = Labels(["instance": "h:1", "job": "j"])
        let scraped = Labels(["__name__": "m", "job": "other", "exported_job": "taken", "instance": "x"])
        let stored = SampleLabels.mutate(scraped, target: target, honor: false, rules: [])
        #expect(stored == Labels([
            "__name__": "m", "job": "j", "instance": "h:1", "exported_instance": "x", "exported_job": "taken", "exported_exported_job": "other",
        ]))
        let honored = SampleLabels.mutate(scraped, target: target, honor: true, rules: [])
        #expect(honored == scraped)
        let partial = SampleLabels.mutate(Labels(["__name__": "m", "job": "other"]), target: target, honor: true, rules: [])
        #expect(partial == Labels(["__name__": "m", "job": "other", "instance": "h:1"]))
    }

    @Test func metricRelabelingRunsAfterTargetLabels() throws {
        let drop = try RelabelConfig(sourceLabels: ["__name__", "job"], regex: "go_.*;j", action: .drop)
        let target = Labels(["instance": "h:1", "job": "j"])
        #expect(SampleLabels.mutate(Labels(["__name__": "go_goroutines"]), target: target, honor: false, rules: [drop]) == nil)
        #expect(SampleLabels.mutate(Labels(["__name__": "up_time"]), target: target, honor: false, rules: [drop]) != nil)
    }

    @Test func labelLimitsFailWithPrometheusMessages() throws {
        var limits = ScrapeLimits()
        limits.labelLimit = 2
        #expect(throws: ScrapeError("label_limit exceeded (metric: m, number of labels: 3, limit: 2)")) {
            try SampleLabels.checkLimits(Labels(["__name__": "m", "a": "1", "b": "2"]), limits)
        }
        limits = ScrapeLimits()
        limits.labelValueLengthLimit = 3
        #expect(throws: ScrapeError("label_value_length_limit exceeded (metric: m, label name: a, value: \"long\", length: 4, limit: 3)")) {
            try SampleLabels.checkLimits(Labels(["__name__": "m", "a": "long"]), limits)
        }
    }

    @Test func acceptHeaderIsPrometheus3s() {
        #expect(ScrapeSettings.acceptHeader(ScrapeConfig.ScrapeProtocol.allCases) ==
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,"
            + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2")
        #expect(ScrapeSettings.seconds(10_000) == "10" && ScrapeSettings.seconds(1_500) == "1.5" && ScrapeSettings.seconds(250) == "0.25")
    }

    /// Secret files are read for each scrape: a missing one fails that scrape, with Prometheus's words.
    @Test func aMissingSecretFileFailsTheScrape() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-token-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try job("scrape_configs:\n  - job_name: j\n    bearer_token_file: '\(path)'\n")
        let group = TargetGroup(targets: ["h:9100"], source: "0")
        guard case .active(let target) = TargetBuilder.build(address: "h:9100", group: group, config: config) else {
            Issue.record("target not active")
            return
        }
        let settings = ScrapeSettings(config: config, userAgent: "Tollgate")
        #expect(throws: ScrapeError("unable to read authorization credentials: unable to read file \(path): No such file or directory")) {
            try settings.request(for: target)
        }
        try "token\n".write(toFile: path, atomically: true, encoding: .utf8)
        let request = try settings.request(for: target)
        #expect(request.headers.map(\.name) == ["Authorization", "Accept", "User-Agent", "X-Prometheus-Scrape-Timeout-Seconds"])
        #expect(request.headers.first?.value == "Bearer token" && request.timeoutMilliseconds == 10_000)
    }
}
