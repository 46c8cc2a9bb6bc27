// Tollgate — kill -9 at random moments while `tollgate serve` scrapes, imports, compacts, checkpoints and evaluates rules.

import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `tollgate serve` on a real data directory, killed with SIGKILL at random moments
/// (``kills`` times) while it scrapes node-exporter every 500 ms, evaluates a recording rule
/// every 500 ms, takes import batches through `POST /api/v1/import/openmetrics`, compacts
/// (housekeeping every 500 ms, the imported history being older than a block range) and
/// checkpoints its head every 4 commits. After each restart: the store opens, every import
/// batch that was answered 200 is there, the batch in flight is there whole or not at all,
/// and every scraped and recorded sample seen through the query API before the kill is there
/// with the same value.
@Suite(.enabled(if: NodeExporter.path != nil, "prometheus-node-exporter is not installed; `make test` installs it"))
final class KillLoopTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    static let kills = 20
    /// Series per import batch, samples per series per batch (more than a chunk's 120, so batches seal chunks).
    static let importSeries = 5
    static let batchLength = 150

    /// The import batches answered 200, and those sent (answered or not).
    struct ImportProgress {
        var acknowledged = 0
        var sent = 0
        /// Whether a request is on its way or being answered.
        var posting = false
    }

    /// ``ImportProgress``, shared by the test and its import task.
    final class ImportLedger: Sendable {
        let state = Mutex(ImportProgress())
    }

    @Test func sigkillNeverLosesAnAcknowledgedSampleNorKeepsPartOfABatch() async throws {
        let root = try scratch.make("killloop")
        let data = root.appendingPathComponent("data")
        let exporterPort = try freeLoopbackPort()
        let exporter = try NodeExporter.start(
            port: exporterPort, ["--collector.disable-defaults", "--collector.loadavg", "--collector.time", "--collector.meminfo", "--collector.stat"])
        defer {
            exporter.terminate()
            exporter.waitUntilExit()
        }
        try Data(
            """
            global:
              scrape_interval: 500ms
              evaluation_interval: 500ms
            rule_files: [rules.yml]
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]

            """.utf8
        ).write(to: root.appendingPathComponent("tollgate.yml"))
        try Data("groups:\n  - name: kill\n    rules:\n      - record: kill:load1:sum\n        expr: sum(node_load1) + count(up)\n".utf8)
            .write(to: root.appendingPathComponent("rules.yml"))
        let flags = [
            "--config.file", root.appendingPathComponent("tollgate.yml").path, "--web.enable-admin-api",
            "--storage.tsdb.housekeeping-interval", "500ms", "--storage.tsdb.checkpoint-records", "4",
            "--storage.tsdb.checkpoint-samples-per-series", "1",
        ]
        // History from 8 hours ago: older than a block range, so housekeeping compacts it.
        let base = Int(Date().timeIntervalSince1970) - 8 * 3600
        let ledger = ImportLedger()
        var seen: [String: String] = [:]
        var inFlight = false
        var figures = (importChecked: 0, seenChecked: 0, compactions: 0.0, inFlightKept: 0, inFlightDropped: 0)
        let started = ContinuousClock.now

        for life in 0...Self.kills {
            let server = try await Binary.detached { try RunningServer(dataDir: data, extra: flags) }
            // The store opened; now everything acknowledged before the last kill must be in it.
            let stored = try await Self.storedBatches(server)
            let (acknowledged, sent) = ledger.state.withLock { ($0.acknowledged, $0.sent) }
            #expect(stored >= acknowledged && stored <= sent, "life \(life): \(stored) batches stored, \(acknowledged) acknowledged, \(sent) sent")
            figures.importChecked += acknowledged * Self.importSeries * Self.batchLength
            // The batch in flight at the kill (sent, not answered): committed whole, or not at all.
            if inFlight { stored > acknowledged ? (figures.inFlightKept += 1) : (figures.inFlightDropped += 1) }
            ledger.state.withLock { $0 = ImportProgress(acknowledged: stored, sent: stored) }
            let now = try await Self.observe(server)
            let lost = seen.filter { now[$0.key] != $0.value }
            #expect(lost.isEmpty, "life \(life): \(lost.count) of \(seen.count) samples seen before the kill are gone or changed, e.g. \(lost.first.map { "\($0)" } ?? "")")
            figures.seenChecked += seen.count
            guard life < Self.kills else {
                #expect(try await Binary.detached { server.stop() } == 0)
                break
            }
            // Import batches, one after another, until the kill.
            let importer = Task.detached { await Self.importUntilRefused(port: server.port, base: base, ledger: ledger) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...1000)))
            seen.merge(try await Self.observe(server)) { _, new in new }
            let (_, metrics, _) = try await server.get("/metrics")
            figures.compactions += Self.value(of: "prometheus_tsdb_compactions_total", in: metrics)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
            inFlight = ledger.state.withLock { $0.posting }
            kill(server.process.processIdentifier, SIGKILL)
            try await Binary.detached { server.process.waitUntilExit() }
            #expect(server.process.terminationReason == .uncaughtSignal)
            await importer.value
        }

        // The data directory is sound after all of it, and its history was compacted into blocks.
        let check = try await Binary.runDetached(["tsdb", "check", "--data-dir", data.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let stats = try await Binary.runDetached(["tsdb", "stats", "--data-dir", data.path])
        let blocks = stats.stdout.split(separator: "\n").first { $0.hasPrefix("blocks:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(blocks > 0, "\(stats.stdout)")
        #expect(figures.compactions > 0)
        let acknowledged = ledger.state.withLock { $0.acknowledged }
        #expect(acknowledged > Self.kills / 2, "few imports got through: \(acknowledged)")
        print(
            """
            kill -9 loop: \(Self.kills) kills in \(ContinuousClock.now - started); \(acknowledged) import batches stored \
            (\(acknowledged * Self.importSeries * Self.batchLength) samples); kills with an import request in flight: \
            \(figures.inFlightKept + figures.inFlightDropped) (its batch stored whole in \(figures.inFlightKept), not at all in \(figures.inFlightDropped), \
            in part in none); sample checks after restarts: \
            \(figures.importChecked) imported + \(figures.seenChecked) scraped or recorded (\(seen.count) distinct); samples lost: 0 \
            (a loss fails the expectations above); compactions seen: \(Int(figures.compactions)); blocks at the end: \(blocks)
            """)
    }

    /// Posts import batches in order until the server stops answering; counts those answered 200.
    static func importUntilRefused(port: Int, base: Int, ledger: ImportLedger) async {
        while true {
            let batch = ledger.state.withLock { p in
                p.sent += 1
                p.posting = true
                return p.sent - 1
            }
            var body = "# TYPE kill_import gauge\n"
            for series in 0..<importSeries {
                for step in 0..<batchLength {
                    // 10 ms apart: 2.16 million samples per series fit in the 6 hours before the block range.
                    let index = batch * batchLength + step
                    body += "kill_import{series=\"\(series)\"} \(index) \(base + index / 100).\(index % 100 < 10 ? "0" : "")\(index % 100)\n"
                }
            }
            body += "# EOF\n"
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/import/openmetrics")!)  // Safe to force unwrap: a fixed, valid URL.
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.timeoutInterval = 60
            let answer = try? await URLSession.shared.data(for: request)
            let ok = (answer?.1 as? HTTPURLResponse)?.statusCode == 200
            ledger.state.withLock { p in
                if ok { p.acknowledged = max(p.acknowledged, batch + 1) }
                p.posting = false
            }
            guard ok else { return }
            // Paced: the point is many kills with a batch in flight, not a large store nor a busy machine.
            try? await Task.sleep(for: .milliseconds(30))
        }
    }

    /// How many whole import batches the store holds: every series the same count of samples,
    /// a whole number of batches, their values 0, 1, 2, … in time order.
    static func storedBatches(_ server: RunningServer) async throws -> Int {
        let at = Int(Date().timeIntervalSince1970)
        let counts = try await vector(server, "count_over_time(kill_import[1d])", at: at)
        let sums = try await vector(server, "sum_over_time(kill_import[1d])", at: at)
        guard let first = counts.values.first else { return 0 }
        #expect(counts.count == importSeries && Set(counts.values).count == 1, "a batch is in the store in part: \(counts)")
        let samples = Int(first)
        #expect(samples % batchLength == 0, "\(samples) samples per series is not a whole number of batches")
        let want = Double(samples) * Double(samples - 1) / 2
        #expect(sums.values.allSatisfy { $0 == want }, "sums \(sums), want \(want)")
        return samples / batchLength
    }

    /// The scraped and recorded samples of the last hour the query API shows, keyed by series and time.
    static func observe(_ server: RunningServer) async throws -> [String: String] {
        let query = #"{__name__=~"up|scrape_samples_scraped|node_time_seconds|node_load1|kill:load1:sum"}[1h]"#
        let result = try await self.query(server, query, at: Int(Date().timeIntervalSince1970) + 1)
        var samples: [String: String] = [:]
        for series in result {
            guard let metric = series["metric"] as? [String: String], let values = series["values"] as? [[Any]] else { continue }
            let name = metric.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            for pair in values where pair.count == 2 {
                samples["\(name)@\(pair[0])"] = "\(pair[1])"
            }
        }
        return samples
    }

    /// An instant query's vector, by the `series` label.
    static func vector(_ server: RunningServer, _ expr: String, at time: Int) async throws -> [String: Double] {
        var out: [String: Double] = [:]
        for series in try await query(server, expr, at: time) {
            guard let metric = series["metric"] as? [String: String], let value = series["value"] as? [Any], value.count == 2,
                let text = value[1] as? String, let number = Double(text)
            else { continue }
            out[metric["series"] ?? ""] = number
        }
        return out
    }

    static func query(_ server: RunningServer, _ expr: String, at time: Int) async throws -> [[String: Any]] {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "query", value: expr), URLQueryItem(name: "time", value: "\(time)")]
        let (status, body, _) = try await server.get("/api/v1/query?" + (components.percentEncodedQuery ?? ""))
        #expect(status == 200, "\(expr): \(body)")
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return (json?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
    }

    /// The value of an unlabelled family in a /metrics body, 0 when absent.
    static func value(of family: String, in metrics: String) -> Double {
        metrics.split(separator: "\n").first { $0.hasPrefix(family + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }
}
