// Tollgate — `check config` and `serve` agree on every file: one validation, every problem in one run.

import Foundation
import TestSupport
import Testing

/// A table of good and bad configuration files. For each, `tollgate check config` and
/// `tollgate serve` give the same verdict and name the same problems; where the file is
/// plain prometheus.yml, Debian's `promtool check config` gives the same verdict too.
final class ConfigAgreementTests: Sendable {
    let scratch = TemporaryDirectories()

    /// One file of the table.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        /// Extra files beside it (relative path → text).
        var files: [String: String] = [:]
        /// The fields every problem names, in order; empty for a good file.
        var problems: [String]
        /// Whether promtool 2.42 reads the file the same way (false: a field it does not
        /// know, or a check only Tollgate makes).
        var promtool = true
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "minimal", yaml: "scrape_configs:\n  - job_name: node\n    static_configs: [{targets: ['127.0.0.1:9100']}]\n", problems: []),
        Case(
            name: "production",
            yaml: """
                global:
                  scrape_interval: 15s
                  evaluation_interval: 30s
                  external_labels: {cluster: eu1, replica: a}
                rule_files: ['rules/*.yml']
                alerting:
                  alert_relabel_configs: [{action: labeldrop, regex: replica}]
                  alertmanagers:
                    - static_configs: [{targets: ['127.0.0.1:9093']}]
                      timeout: 5s
                remote_write:
                  - url: http://127.0.0.1:8428/api/v1/write
                    queue_config: {max_samples_per_send: 1000, max_shards: 4}
                    write_relabel_configs: [{action: drop, source_labels: [__name__], regex: 'go_.*'}]
                storage:
                  tsdb: {out_of_order_time_window: 10m}
                  exemplars: {max_exemplars: 0}
                scrape_configs:
                  - job_name: tollgate
                    static_configs: [{targets: ['127.0.0.1:9090']}]
                """,
            problems: []),
        Case(
            name: "scrape_config_files",
            yaml: "scrape_config_files: ['jobs/*.yml']\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ['127.0.0.1:9090']}]\n",
            files: ["jobs/node.yml": "scrape_configs:\n  - job_name: node\n    static_configs: [{targets: ['127.0.0.1:9100']}]\n"],
            problems: [],
            promtool: false),  // scrape_config_files came in Prometheus 2.43
        Case(
            name: "blackbox",
            yaml: """
                scrape_configs:
                  - job_name: blackbox
                    metrics_path: /probe
                    static_configs: [{targets: ['https://example.com/health']}]
                    relabel_configs:
                      - {source_labels: [__address__], target_label: __param_target}
                      - {target_label: __address__, replacement: '127.0.0.1:9115'}
                """, problems: []),
        Case(
            name: "four problems at once",
            yaml: """
                global:
                  scrape_interval: soon
                scrape_configs:
                  - job_name: a
                    scrape_intervall: 1s
                    relabel_configs: [{action: explode}]
                  - job_name: a
                """,
            problems: ["global.scrape_interval", "scrape_configs[0].scrape_intervall", "scrape_configs[0].relabel_configs[0].action", "scrape_configs[1].job_name"]),
        Case(
            name: "a URL as a static target",
            yaml: "scrape_configs:\n  - job_name: web\n    static_configs: [{targets: ['http://127.0.0.1:1/metrics']}]\n",
            problems: ["scrape_configs[0].static_configs[0].targets[0]"]),
        Case(
            name: "a bad job in scrape_config_files",
            yaml: "scrape_config_files: ['jobs/*.yml']\n",
            files: ["jobs/bad.yml": "scrape_configs:\n  - job_name: x\n    scheme: ftp\n"],
            problems: ["scrape_configs[0].scheme"],
            promtool: false),
        Case(name: "a bad window", yaml: "storage:\n  tsdb:\n    out_of_order_time_window: later\n", problems: ["storage.tsdb.out_of_order_time_window"]),
        Case(name: "remote_write without url", yaml: "remote_write:\n  - name: vm\n", problems: ["remote_write[0].url"]),
        Case(
            name: "Alertmanager API v1", yaml: "alerting:\n  alertmanagers:\n    - api_version: v1\n      static_configs: [{targets: ['a:9093']}]\n",
            problems: ["alerting.alertmanagers[0].api_version"],
            promtool: false),  // 2.42 still accepts v1; Prometheus 3 refuses it
        Case(name: "YAML syntax", yaml: "scrape_configs: [\n", problems: ["invalid YAML"]),
    ]

    private func write(_ testCase: Case) throws -> (config: URL, dir: URL) {
        let dir = try scratch.make("agree")
        for (path, text) in testCase.files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let config = dir.appendingPathComponent("prometheus.yml")
        try Data(testCase.yaml.utf8).write(to: config)
        return (config, dir)
    }

    @Test(arguments: cases)
    func checkConfigAndServeAgree(_ testCase: Case) throws {
        let (config, dir) = try write(testCase)
        let check = try Binary.run(["check", "config", config.path])
        if testCase.problems.isEmpty {
            #expect(check.status == 0, "\(check.stderr)")
            let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--config.file", config.path])
            #expect(server.stop() == 0)
            return
        }
        #expect(check.status == 1)
        let failures = check.stderr.split(separator: "\n").filter { $0.hasPrefix("  FAILED: ") }
        #expect(failures.count == testCase.problems.count, "\(check.stderr)")
        for (line, field) in zip(failures, testCase.problems) { #expect(line.contains(field), "\(line)") }
        let serve = try Binary.run([
            "serve", "--config.file", config.path, "--storage.tsdb.path", dir.appendingPathComponent("data").path, "--web.listen-address", "127.0.0.1:0",
        ])
        #expect(serve.status == 1)
        for field in testCase.problems { #expect(serve.stderr.contains(field), "\(serve.stderr)") }
    }

    /// promtool's verdict on the plain prometheus.yml files of the table.
    @Test(arguments: cases.filter(\.promtool))
    func promtoolGivesTheSameVerdict(_ testCase: Case) throws {
        let promtool = URL(fileURLWithPath: "/usr/bin/promtool")
        guard FileManager.default.isExecutableFile(atPath: promtool.path) else {
            print("skipped: promtool is not installed")
            return
        }
        let (config, _) = try write(testCase)
        let ours = try Binary.run(["check", "config", config.path])
        let theirs = try Binary.run(["check", "config", "--syntax-only", config.path], executable: promtool)
        #expect((ours.status == 0) == (theirs.status == 0), "promtool: \(theirs.stdout)\(theirs.stderr)")
    }
}
