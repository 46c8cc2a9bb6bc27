// Tollgate — RemoteWrite: what the sender does with each answer, against a stand-in receiver.

import CurlHTTP
import Foundation
import Logging
import Model
import RemoteWrite
import Storage
import SwiftProtobuf
import TSDB
import TestSupport
import Testing
import TollgateConfig

final class RetryTests: Sendable {
    let scratch = TemporaryDirectories()

    static let standIn = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("StandIns/status_receiver.py")

    /// Waits until the stand-in answers (any status: it has no GET), up to 30 s: a loaded
    /// machine can take seconds to start Python.
    static func waitForStandIn(_ port: Int) async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        for _ in 0..<300 {
            if (try? await client.execute(.init(url: "http://127.0.0.1:\(port)/"))) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Starts the stand-in receiver on a free port, answering `statuses` in turn (the last for
    /// ever), logging each request to `requests.jsonl` in `dir`.
    static func startStandIn(in dir: URL, answering statuses: [String]) throws -> (port: Int, log: URL, process: Process) {
        let log = dir.appendingPathComponent("requests.jsonl")
        let port = try freeLoopbackPort()
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        receiver.arguments = [standIn.path, "\(port)", log.path] + statuses
        try receiver.run()
        return (port, log, receiver)
    }

    /// Stops the stand-in. SIGKILL: the test process blocks SIGTERM, and its children inherit the mask.
    static func stop(_ receiver: Process) {
        kill(receiver.processIdentifier, SIGKILL)
        receiver.waitUntilExit()
    }

    /// Polls the stand-in's log until it has `count` requests, up to 30 s.
    static func waitForRequests(_ log: URL, count: Int) async throws -> [[String: String]] {
        for _ in 0..<300 {
            let requests = requests(log)
            if requests.count >= count { return requests }
            try await Task.sleep(for: .milliseconds(100))
        }
        return requests(log)
    }

    /// The stand-in's log: one (status, body hash, headers) per request, in order.
    static func requests(_ log: URL) -> [[String: String]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?.mapValues { "\($0)" }
        }
    }

    /// Answers 500, 429, 204, 400, then 204 for ever: the first request is retried twice and
    /// taken, the second is dropped on the 400 and never sent again, the third is taken; all
    /// with remote write 1.0's headers.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func fiveHundredsAndRateLimitsAreRetriedFourHundredsDropped() async throws {
        let dir = try scratch.make("retry")
        let (port, log, receiver) = try Self.startStandIn(in: dir, answering: ["500", "429", "204", "400", "204"])
        defer { Self.stop(receiver) }
        let config = try TollgateConfig(
            yaml: """
                remote_write:
                  - url: http://127.0.0.1:\(port)/api/v1/write
                    queue_config: {batch_send_deadline: 50ms, min_backoff: 20ms, max_backoff: 100ms, max_samples_per_send: 10}
                """, file: "tollgate.yml")
        let tsdb = try await TSDB.open(directory: dir.path, logger: Logger(label: "test"))
        let remote = try RemoteStorage(log: tsdb, logger: Logger(label: "test"))
        await remote.apply(try remote.prepare(config))
        let task = Task { () -> Void in try? await remote.run() }
        defer { task.cancel() }
        // Wait for the stand-in to listen: the sender would retry anyway, but the statuses count requests.
        try await Self.waitForStandIn(port)
        // Three commits of 10 samples: three requests of max_samples_per_send.
        for batch in 0..<3 {
            var appender = tsdb.appender()
            for index in 0..<10 { appender.append(Labels(["__name__": "rw_retry", "i": "\(index)"]), t: Int64(batch) * 1_000, v: 1) }
            _ = try await appender.commit()
        }
        _ = try await Self.waitForRequests(log, count: 5)
        try await Task.sleep(for: .milliseconds(500))
        let requests = Self.requests(log)
        #expect(requests.map { $0["status"] ?? "" } == ["500", "429", "204", "400", "204"])
        let bodies = requests.map { $0["sha1"] ?? "" }
        #expect(bodies.count == 5 && Set(bodies[0...2]).count == 1 && Set(bodies[2...4]).count == 3, "the first body three times, then two others")
        #expect(requests.allSatisfy { $0["encoding"] == "snappy" && $0["version"] == "0.1.0" && $0["content_type"] == "application/x-protobuf" })
    }

    /// `sample_age_limit`: a batch older than the limit is dropped unsent, a fresh one sent.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func batchesOlderThanTheSampleAgeLimitAreNotSent() async throws {
        let dir = try scratch.make("retry")
        let (port, log, receiver) = try Self.startStandIn(in: dir, answering: ["204"])
        defer { Self.stop(receiver) }
        try await Self.waitForStandIn(port)
        let config = try TollgateConfig(
            yaml: """
                remote_write:
                  - url: http://127.0.0.1:\(port)/api/v1/write
                    queue_config: {batch_send_deadline: 50ms, max_samples_per_send: 10, sample_age_limit: 1h}
                """, file: "tollgate.yml")
        let tsdb = try await TSDB.open(directory: dir.path, logger: Logger(label: "test"))
        let remote = try RemoteStorage(log: tsdb, logger: Logger(label: "test"))
        await remote.apply(try remote.prepare(config))
        let task = Task { () -> Void in try? await remote.run() }
        defer { task.cancel() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for t in [now - 2 * 3_600_000, now] {
            var appender = tsdb.appender()
            for index in 0..<10 { appender.append(Labels(["__name__": "rw_age", "i": "\(index)"]), t: t, v: 1) }
            _ = try await appender.commit()
        }
        _ = try await Self.waitForRequests(log, count: 1)
        try await Task.sleep(for: .seconds(1))
        #expect(Self.requests(log).count == 1)
    }

    /// `metadata_config`: the source's metadata goes out in requests of metadata only, one
    /// entry per family, with the type mapped to the protocol's enum.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func metadataIsSentEverySendInterval() async throws {
        let dir = try scratch.make("retry")
        let (port, log, receiver) = try Self.startStandIn(in: dir, answering: ["204"])
        defer { Self.stop(receiver) }
        try await Self.waitForStandIn(port)
        let config = try TollgateConfig(
            yaml: """
                remote_write:
                  - url: http://127.0.0.1:\(port)/api/v1/write
                    metadata_config: {send_interval: 1s}
                """, file: "tollgate.yml")
        let tsdb = try await TSDB.open(directory: dir.path, logger: Logger(label: "test"))
        let remote = try RemoteStorage(log: tsdb, logger: Logger(label: "test"))
        remote.setMetadataSource {
            [
                RemoteMetadata(family: "http_requests_total", type: "counter", help: "Requests.", unit: ""),
                RemoteMetadata(family: "http_requests_total", type: "counter", help: "Requests, from another target.", unit: ""),
                RemoteMetadata(family: "app_temperature_celsius", type: "gauge", help: "Temperature.", unit: "celsius"),
            ]
        }
        await remote.apply(try remote.prepare(config))
        let task = Task { () -> Void in try? await remote.run() }
        defer { task.cancel() }
        let requests = try await Self.waitForRequests(log, count: 2)
        #expect(requests.count >= 2, "one request at once, one every second after")
        let body = try Data(contentsOf: URL(fileURLWithPath: log.path + ".0.bin"))
        let request = try Prometheus_WriteRequest(serializedBytes: try Snappy.decompress([UInt8](body)))
        #expect(request.timeseries.isEmpty)
        #expect(request.metadata.map(\.metricFamilyName) == ["app_temperature_celsius", "http_requests_total"])
        #expect(request.metadata.map(\.type) == [.gauge, .counter])
        #expect(request.metadata.first?.unit == "celsius" && request.metadata.last?.help == "Requests.")
    }
}
