// Tollgate — prometheus.yml's other sections: scrape_config_files, rule_files, storage, alerting, remote_write.

import Foundation
import Model
import TestSupport
import Testing

@testable import TollgateConfig

final class SectionsTests: Sendable {
    let scratch = TemporaryDirectories()

    @Test func scrapeConfigFilesAddJobsWithTheirOwnRelativePaths() throws {
        let dir = try scratch.make("sections")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("jobs"), withIntermediateDirectories: true)
        try Data("scrape_configs:\n  - job_name: node\n    file_sd_configs: [{files: ['targets/*.json']}]\n".utf8)
            .write(to: dir.appendingPathComponent("jobs/node.yml"))
        try Data("scrape_configs:\n  - job_name: db\n    scrape_interval: 5s\n".utf8).write(to: dir.appendingPathComponent("jobs/db.yml"))
        let main = dir.appendingPathComponent("prometheus.yml").path
        let config = try TollgateConfig(
            yaml: "global: {scrape_interval: 20s}\nscrape_config_files: ['jobs/*.yml']\nscrape_configs: [{job_name: self}]\n", file: main)
        #expect(config.scrapeConfigs.map(\.jobName) == ["self", "db", "node"])  // the file's own jobs, then the files in order
        let node = try #require(config.scrapeConfigs.last)
        #expect(node.fileSDConfigs.first?.files == [dir.appendingPathComponent("jobs/targets/*.json").path])
        #expect(node.scrapeInterval == PromDuration(milliseconds: 20_000))  // global still hands down
        #expect(config.scrapeConfigs[1].scrapeInterval == PromDuration(milliseconds: 5_000))
    }

    @Test func aJobNameIsUniqueAcrossScrapeConfigFiles() throws {
        let dir = try scratch.make("sections")
        try Data("scrape_configs:\n  - job_name: self\n".utf8).write(to: dir.appendingPathComponent("more.yml"))
        let main = dir.appendingPathComponent("prometheus.yml").path
        #expect(throws: ConfigError(file: dir.appendingPathComponent("more.yml").path, line: 2, field: "scrape_configs[0].job_name",
                                    message: "found multiple scrape configs with job name \"self\"")) {
            try TollgateConfig(yaml: "scrape_config_files: ['more.yml']\nscrape_configs: [{job_name: self}]\n", file: main)
        }
    }

    @Test func otherSectionsAreRead() throws {
        let config = try TollgateConfig(
            yaml: """
                global: {rule_query_offset: 30s, external_labels: {cluster: eu1}}
                rule_files: [rules/*.yml, /etc/alerts.yml]
                guard_files: [rules/guards/*.yml, /etc/guards.yml]
                storage:
                  tsdb: {out_of_order_time_window: 1h}
                alerting:
                  alertmanagers:
                    - {scheme: https, path_prefix: /am, timeout: 3s, static_configs: [{targets: ['am:9093']}], basic_auth: {username: u, password: p}}
                remote_write:
                  - {url: 'http://vm:8428/api/v1/write', name: vm, remote_timeout: 5s, headers: {X-Scope-OrgID: t1},
                     queue_config: {max_shards: 8, retry_on_http_429: false}, metadata_config: {send: false}}
                """, file: "/etc/tollgate/prometheus.yml")
        #expect(config.global.ruleQueryOffset == PromDuration(milliseconds: 30_000))
        #expect(config.ruleFiles == ["/etc/tollgate/rules/*.yml", "/etc/alerts.yml"])
        #expect(config.guardFiles == ["/etc/tollgate/rules/guards/*.yml", "/etc/guards.yml"])
        #expect(config.storage.outOfOrderTimeWindow == PromDuration(milliseconds: 3_600_000))
        let manager = try #require(config.alerting.alertmanagers.first)
        #expect(manager.scheme == "https" && manager.pathPrefix == "/am" && manager.timeout == PromDuration(milliseconds: 3_000))
        #expect(manager.staticConfigs.first?.targets == ["am:9093"])
        #expect(manager.http.basicAuth?.password == .inline("p"))
        let remote = try #require(config.remoteWrite.first)
        #expect(remote.name == "vm" && remote.headers == ["X-Scope-OrgID": "t1"] && remote.queue.maxShards == 8 && !remote.queue.retryOnRateLimit)
        #expect(!remote.sendMetadata)
        // remote_write is acted on now: no warning.
        #expect(config.warnings.isEmpty)
    }

    /// Every problem of a file in one error, in file order.
    @Test func everyProblemInOnePass() {
        do {
            _ = try TollgateConfig(
                yaml: """
                    global: {scrape_interval: x, bogus: 1}
                    storage: {tsdb: {out_of_order_time_window: y}}
                    remote_write: [{url: 'ftp://a'}]
                    scrape_configs:
                      - {job_name: a, scheme: gopher, sample_limit: -3}
                    """, file: "p.yml")
            Issue.record("expected errors")
        } catch {
            #expect(error.all.compactMap(\.field) == [
                "global.scrape_interval", "global.bogus", "storage.tsdb.out_of_order_time_window", "remote_write[0].url",
                "scrape_configs[0].scheme", "scrape_configs[0].sample_limit",
            ])
            #expect(error.description.split(separator: "\n").count == 6)
        }
    }
}
