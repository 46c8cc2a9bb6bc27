// Tollgate — scraping Debian's prometheus-node-exporter, a real exporter.

import CurlHTTP
import Exposition
import Foundation
import Model
import Storage
import TSDB
import TestSupport
import Testing
import TollgateConfig

@testable import Scrape

/// `make test` installs prometheus-node-exporter; without it this suite is skipped.
@Suite(.enabled(if: NodeExporter.path != nil, "prometheus-node-exporter is not installed; `make test` installs it"))
final class NodeExporterTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    @Test func scrapesEverySeriesTheExporterServes() async throws {
        let port = try freeLoopbackPort()
        let exporter = try NodeExporter.start(port: port)
        defer { exporter.terminate() }
        let client = try HTTPClient()
        defer { client.shutdown() }
        var body: [UInt8] = []
        for _ in 0..<100 where body.isEmpty {
            if let response = try? await client.execute(.init(url: "http://127.0.0.1:\(port)/metrics")), response.status == 200 {
                body = response.body
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let direct = try ExpositionParser.samples(in: body, format: .text)
        let names = Set(direct.compactMap { $0.labels.metricName })
        #expect(names.count > 50)

        let (tsdb, _) = try await temporaryStorage(in: scratch)
        let manager = try ScrapeLoopTests.manager(tsdb)
        await manager.apply(try TollgateConfig(
            yaml: "scrape_configs:\n  - job_name: node\n    scrape_interval: 1s\n    static_configs: [{targets: ['127.0.0.1:\(port)']}]\n",
            file: "node.yml"))
        let up = try await tsdb.waitFor("up{job=\"node\"}") { $0.first?.values.count ?? 0 >= 2 }
        #expect(up.first?.values.allSatisfy { $0 == 1 } == true)
        let synthetic: Set = ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"]
        let stored = Set(tsdb.labelValues("__name__", matching: [])).subtracting(synthetic)
        #expect(stored == names, "missing: \(names.subtracting(stored).sorted().prefix(5)); extra: \(stored.subtracting(names).sorted().prefix(5))")
        let cpu = try await tsdb.samples("node_cpu_seconds_total")
        #expect(!cpu.isEmpty && cpu.allSatisfy { $0.labels["instance"] == "127.0.0.1:\(port)" && $0.labels["job"] == "node" })
        let metadata = await manager.targetMetadata(matching: [], metric: "node_cpu_seconds_total", limit: nil)
        #expect(metadata.first?.type == "counter")
        let scraped = try await tsdb.samples("scrape_samples_scraped")
        #expect(scraped.first.map { abs(Int($0.values[0]) - direct.count) < direct.count / 10 } == true)
        await manager.stop()
    }
}
