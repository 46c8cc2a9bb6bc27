// Tollgate — `tollgate serve`: endpoints, data-directory lock, graceful shutdown.

import Exposition
import Foundation
import Model
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A running `tollgate serve` on a free loopback port.
// @unchecked: every stored property is a constant; Process and Pipe may be used from any thread.
final class RunningServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// What the server logged until it listened.
    let startupLog: String
    private let errors = Pipe()
    /// This server's own HTTP session: the shared one queues every test's requests to
    /// 127.0.0.1 together, so one test's long request held up another's polls for tens of
    /// seconds in a full run.
    let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    init(dataDir: URL, extra: [String] = []) throws {
        process.executableURL = Binary.url
        process.arguments = ["serve", "--web.listen-address", "127.0.0.1:0", "--data-dir", dataDir.path] + extra
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var log = ""
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            log += String(decoding: chunk, as: UTF8.self)
            // logfmt writes port=N, JSON "port":"N".
            if let range = log.range(of: #"port(=|":")\d+"#, options: .regularExpression) {
                found = Int(log[range].drop { !$0.isNumber })
            }
        }
        guard let found else {
            process.terminate()
            throw ServerError(log: log)
        }
        port = found
        startupLog = log
    }

    struct ServerError: Error, CustomStringConvertible {
        var log: String
        var description: String { "server did not start:\n\(log)" }
    }

    func get(_ path: String) async throws -> (Int, String, String?) {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!  // Safe to force unwrap: a fixed, valid URL.
        let (data, response) = try await session.data(from: url)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http?.value(forHTTPHeaderField: "Content-Type"))
    }

    /// Sends SIGTERM and waits; returns the exit status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGTERM, waits, and returns everything the server logged after it listened
    /// (blocking: call it through `Binary.detached`).
    func stopAndReadLog() -> String {
        process.terminate()
        let rest = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: rest, as: UTF8.self)
    }

    /// Stops a server a failed test left running, and waits, so its data directory can go.
    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

final class ServeTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    @Test func servesMetricsHealthAndReadinessThenStopsOnSIGTERM() async throws {
        let dir = try scratch.make("cli")
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"))
        let (healthStatus, _, _) = try await server.get("/-/healthy")
        #expect(healthStatus == 200)
        let (readyStatus, readyBody, _) = try await server.get("/-/ready")
        #expect(readyStatus == 200)
        #expect(readyBody == "Tollgate is Ready.\n")

        _ = try await server.get("/-/healthy")
        let (status, body, contentType) = try await server.get("/metrics")
        #expect(status == 200)
        #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
        // Tollgate's own parser accepts its own /metrics, as a scrape would.
        let samples = try ExpositionParser.samples(in: Array(body.utf8), format: .text)
        let names = Set(samples.compactMap { $0.labels.metricName })
        #expect(names.contains("process_cpu_seconds_total"))
        #expect(names.contains("process_resident_memory_bytes"))
        #expect(names.contains("tollgate_build_info"))
        #expect(names.contains("prometheus_http_requests_total"), "request metrics from swift-metrics: \(names.sorted())")
        #expect(!names.contains { $0.hasPrefix("hb_") }, "Hummingbird's own request metrics are gone")
        let rss = try #require(samples.first { $0.labels.metricName == "process_resident_memory_bytes" })
        #expect(rss.value > 1_000_000)
        #expect(server.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/tollgate.db").path))
    }

    @Test func aSecondServerCannotShareTheDataDirectory() throws {
        let dir = try scratch.make("cli").appendingPathComponent("data")
        let first = try RunningServer(dataDir: dir)
        let second = try Binary.run(["serve", "--web.listen-address", "127.0.0.1:0", "--data-dir", dir.path])
        #expect(second.status == 1)
        #expect(second.stderr.contains("is in use by tollgate serve (pid \(first.process.processIdentifier))"), "\(second.stderr)")
        #expect(first.stop() == 0)
    }

    @Test func badFlagsAndConfigAreReported() throws {
        let retention = try Binary.run(["serve", "--storage.retention.time", "forever"])
        #expect(retention.status != 0)
        #expect(retention.stderr.contains("--storage.retention.time"))
        let size = try Binary.run(["serve", "--storage.retention.size", "lots"])
        #expect(size.status != 0)
        #expect(size.stderr.contains("--storage.retention.size"))
        let address = try Binary.run(["serve", "--web.listen-address", "nonsense"])
        #expect(address.status != 0)
        #expect(address.stderr.contains("--web.listen-address"))
        let dir = try scratch.make("cli")
        let config = dir.appendingPathComponent("tollgate.yml")
        try Data("global:\n  scrape_interval: soon\n".utf8).write(to: config)
        let check = try Binary.run(["check", "config", config.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("tollgate.yml:2: global.scrape_interval: invalid duration"))
        let serve = try Binary.run(["serve", "--config", config.path, "--data-dir", dir.appendingPathComponent("d").path, "--web.listen-address", "127.0.0.1:0"])
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("global.scrape_interval"))
    }

    /// Prometheus's `--enable-feature`: experimental PromQL is off by default and on with the
    /// flag (given in both forms, comma-separated and repeated); unknown names are warned
    /// about, and the accepted names are listed in the flags endpoint.
    @Test func enableFeatureSwitchesOnExperimentalPromQL() async throws {
        let dir = try scratch.make("cli")
        let plain = try RunningServer(dataDir: dir.appendingPathComponent("plain"))
        let (refused, refusal, _) = try await plain.get("/api/v1/query?query=limitk(1,up)")
        #expect(refused == 400)
        #expect(refusal.contains("must be enabled with --enable-feature=promql-experimental-functions"), "\(refusal)")
        #expect(plain.stop() == 0)

        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("featured"),
            extra: ["--enable-feature=promql-experimental-functions,no-such-feature", "--enable-feature", "exemplar-storage"])
        let (status, body, _) = try await server.get("/api/v1/query?query=limitk(1,vector(1))")
        #expect(status == 200, "\(body)")
        let (_, flags, _) = try await server.get("/api/v1/status/flags")
        #expect(flags.contains(#""enable-feature":"promql-experimental-functions,exemplar-storage""#), "\(flags)")
        #expect(server.startupLog.contains("Unknown option for --enable-feature"))
        #expect(server.startupLog.contains("no-such-feature"))
        #expect(server.stop() == 0)
    }

    /// A systemd unit written for Prometheus works by changing the binary: Prometheus's flag
    /// names, console flags dropped with a warning, the route prefix from the external URL,
    /// JSON logs, and the lifecycle endpoints only with --web.enable-lifecycle.
    @Test func prometheusFlagsRunAnExistingUnit() async throws {
        let dir = try scratch.make("cli")
        let config = dir.appendingPathComponent("prometheus.yml")
        try Data("global:\n  scrape_interval: 1m\n".utf8).write(to: config)
        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("data"),
            extra: [
                "--config.file=\(config.path)", "--storage.tsdb.retention.time=30d", "--web.enable-lifecycle",
                "--web.console.templates=/etc/prometheus/consoles", "--web.console.libraries", "/etc/prometheus/console_libraries",
                "--web.external-url=http://monitoring.example.com/prom/", "--log.format=json",
            ])
        #expect(server.startupLog.contains(#""msg":"Prometheus flags ignored"#), "\(server.startupLog)")
        #expect(server.startupLog.contains("--web.console.templates --web.console.libraries"))
        #expect(try await server.get("/prom/-/ready").0 == 200)
        #expect(try await server.get("/-/ready").0 == 404)
        let (_, flags, _) = try await server.get("/prom/api/v1/status/flags")
        #expect(flags.contains(#""web.route-prefix":"/prom""#) && flags.contains(#""storage.tsdb.retention.time":"30d""#), "\(flags)")
        #expect(try await ReloadTests.post(server, "/prom/-/reload").0 == 200)
        let (quit, goodbye) = try await ReloadTests.post(server, "/prom/-/quit")
        #expect(quit == 200 && goodbye.contains("Goodbye"))
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
    }

    @Test func lifecycleEndpointsNeedTheFlag() async throws {
        let server = try RunningServer(dataDir: try scratch.make("cli").appendingPathComponent("data"))
        let (status, body) = try await ReloadTests.post(server, "/-/reload")
        #expect(status == 403 && body == "Lifecycle API is not enabled.\n")
        #expect(try await ReloadTests.post(server, "/-/quit").0 == 403)
        #expect(server.stop() == 0)
    }

    @Test func prometheusFlagsForMissingFeaturesAreRefusedTogether() throws {
        let result = try Binary.run(["serve", "--storage.remote.read-sample-limit=5", "--agent", "--storage.tsdb.path", "/nonexistent"])
        #expect(result.status != 0)
        let line = try #require(result.stderr.split(separator: "\n").first { $0.contains("Prometheus flags Tollgate does not support") })
        #expect(line.contains("--storage.remote.read-sample-limit") && line.contains("--agent"))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
    }

    /// A port in use is reported with the address, in one line.
    @Test func aPortInUseNamesTheAddress() throws {
        let first = try RunningServer(dataDir: try scratch.make("cli").appendingPathComponent("data"))
        let second = try Binary.run([
            "serve", "--web.listen-address", "127.0.0.1:\(first.port)", "--storage.tsdb.path", try scratch.make("cli").appendingPathComponent("d").path,
        ])
        #expect(second.status != 0)
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(first.port): the address is already in use"), "\(second.stderr)")
        #expect(first.stop() == 0)
    }
}
