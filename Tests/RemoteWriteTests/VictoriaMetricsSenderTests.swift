// Tollgate — RemoteWrite: the sender against Debian's VictoriaMetrics, with outages and a restart.

import Foundation
import Logging
import Model
import RemoteWrite
import Storage
import TSDB
import TestSupport
import Testing
import TollgateConfig

@Suite(.enabled(if: VictoriaMetricsServer.binary != nil, "needs Debian's victoria-metrics (make test installs it)"), .serialized)
final class VictoriaMetricsSenderTests: Sendable {
    let scratch = TemporaryDirectories()

    /// A configuration with one remote_write entry to `url`, quick to send and to retry.
    static func config(_ url: String, extra: String = "") throws -> TollgateConfig {
        try TollgateConfig(
            yaml: """
                global: {external_labels: {fleet: edge-1}}
                remote_write:
                  - url: \(url)
                    name: vm
                    queue_config: {batch_send_deadline: 100ms, min_backoff: 50ms, max_backoff: 200ms, max_samples_per_send: 100, capacity: 100, max_shards: 4}
                \(extra)
                """, file: "tollgate.yml")
    }

    /// A sender over a fresh or reopened store in `data`, its service running in a task.
    struct Sender {
        let tsdb: TSDB
        let remote: RemoteStorage
        let task: Task<Void, Never>

        static func start(data: URL, config: TollgateConfig) async throws -> Sender {
            let tsdb = try await TSDB.open(directory: data.path, logger: Logger(label: "test"))
            let remote = try RemoteStorage(log: tsdb, logger: Logger(label: "test"))
            await remote.apply(try remote.prepare(config))
            let task = Task { () -> Void in try? await remote.run() }
            return Sender(tsdb: tsdb, remote: remote, task: task)
        }

        func stop() async {
            task.cancel()
            await task.value
        }
    }

    /// Commits `batches` scrapes of `series` series each, one per second of `start`, to the
    /// store (half by label set, half by reference, as a scrape loop appends); returns what
    /// was committed, by series text.
    static func commit(_ tsdb: TSDB, batches: Range<Int>, series: Int, start: Int64) async throws -> [String: [(Int64, Double)]] {
        var expected: [String: [(Int64, Double)]] = [:]
        for batch in batches {
            var appender = tsdb.appender()
            let t = start + Int64(batch) * 1_000
            for index in 0..<series {
                let labels = Labels(["__name__": "rw_sent", "series": "\(index)", "job": "fake"])
                let v = Double(batch * 1_000 + index) + 0.25
                if index % 2 == 1, let ref = tsdb.ref(for: labels) {
                    appender.append(ref, t: t, v: v)
                } else {
                    appender.append(labels, t: t, v: v)
                }
                var withExternal = Array(labels)
                withExternal.append(Label("fleet", "edge-1"))
                expected[SeriesText.format(Labels(sorting: withExternal)), default: []].append((t, v))
            }
            let result = try await appender.commit()
            #expect(result.appended == series)
        }
        return expected
    }

    /// Polls VictoriaMetrics until it holds exactly `expected` (or the time is up), and checks it.
    static func expectExactly(_ vm: VictoriaMetricsServer, _ expected: [String: [(Int64, Double)]], seconds: Int = 30) async throws {
        var got: [String: [(Int64, Double)]] = [:]
        for _ in 0..<(seconds * 5) {
            got = try await vm.export(#"{__name__="rw_sent"}"#)
            if got.keys.sorted() == expected.keys.sorted() && got.allSatisfy({ $0.value.count >= expected[$0.key]?.count ?? 0 }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(got.keys.sorted() == expected.keys.sorted())
        var mismatched = 0
        for (key, samples) in expected {
            let stored = got[key] ?? []
            if stored.map(\.0) != samples.map(\.0) || stored.map(\.1) != samples.map(\.1) { mismatched += 1 }
        }
        #expect(mismatched == 0, "\(mismatched) of \(expected.count) series differ")
    }

    @Test func everySampleArrivesExactlyThroughAnOutageAndARestart() async throws {
        let vm = try await VictoriaMetricsServer(in: try scratch.make("vm"))
        defer { vm.stop() }
        let data = try scratch.make("tollgate")
        let config = try Self.config(vm.writeURL)
        let start = Int64(Date().timeIntervalSince1970 * 1000) / 1000 * 1000 - 3_600_000
        var sender = try await Sender.start(data: data, config: config)
        var expected = try await Self.commit(sender.tsdb, batches: 0..<5, series: 200, start: start)
        try await Self.expectExactly(vm, expected)

        // The receiver is down for a while: the queue keeps everything and retries.
        vm.stop()
        for (key, samples) in try await Self.commit(sender.tsdb, batches: 5..<10, series: 200, start: start) { expected[key, default: []] += samples }
        try await Task.sleep(for: .seconds(3))
        try await vm.start()
        try await Self.expectExactly(vm, expected)
        // Reading was held back by the backlog (capacity 100) for seconds: the queue went on with more shards.
        var status = try #require(await sender.remote.status().first)
        for _ in 0..<20 where status.pendingSamples > 0 {
            try await Task.sleep(for: .milliseconds(100))
            status = try #require(await sender.remote.status().first)
        }
        #expect(status.mostShards > 1 && status.pendingSamples == 0, "\(status)")

        // Receiver down and Tollgate restarted meanwhile: the queue reads on from its saved position.
        vm.stop()
        for (key, samples) in try await Self.commit(sender.tsdb, batches: 10..<15, series: 200, start: start) { expected[key, default: []] += samples }
        try await Task.sleep(for: .milliseconds(500))
        await sender.stop()
        sender = try await Sender.start(data: data, config: config)
        try await vm.start()
        try await Self.expectExactly(vm, expected)
        await sender.stop()
    }

    @Test func writeRelabelConfigsDropAndRewriteBeforeSending() async throws {
        let vm = try await VictoriaMetricsServer(in: try scratch.make("vm"))
        defer { vm.stop() }
        let config = try Self.config(
            vm.writeURL,
            extra: """
                    write_relabel_configs:
                      - {source_labels: [series], regex: '1.*', action: drop}
                      - {target_label: job, replacement: relabeled}
                """)
        let sender = try await Sender.start(data: try scratch.make("tollgate"), config: config)
        let start = Int64(Date().timeIntervalSince1970 * 1000) / 1000 * 1000 - 3_600_000
        let committed = try await Self.commit(sender.tsdb, batches: 0..<3, series: 30, start: start)
        var expected: [String: [(Int64, Double)]] = [:]
        for (key, samples) in committed where !key.contains("series=\"1") {
            expected[key.replacingOccurrences(of: "job=\"fake\"", with: "job=\"relabeled\""), default: []] = samples
        }
        try await Self.expectExactly(vm, expected)
        await sender.stop()
    }
}
