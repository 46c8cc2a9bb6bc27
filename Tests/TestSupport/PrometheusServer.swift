// Tollgate — test support: Debian's Prometheus (2.42) as an oracle on a free loopback port.

public import CurlHTTP
public import Foundation

/// A running `prometheus` on a free loopback port, for oracle tests; `make test` installs
/// Debian's package, and suites are skipped where ``binary`` is nil.
///
/// ```swift
/// let prometheus = try await PrometheusServer.start(config: "global: {}\n", in: scratch.make("oracle"))
/// defer { prometheus.stop() }
/// let answer = try await prometheus.get("/api/v1/query?query=up")
/// ```
public struct PrometheusServer: Sendable {
    /// Debian's prometheus, when installed.
    public static let binary = ["/usr/bin/prometheus"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The port it listens on.
    public let port: Int
    /// Stops it and waits for it to exit.
    public let stop: @Sendable () -> Void

    /// A server on `port`, stopped by `stop` (to wrap one with more clean-up).
    public init(port: Int, stop: @escaping @Sendable () -> Void) {
        self.port = port
        self.stop = stop
    }

    /// Starts Prometheus on `config` (written to `directory/prometheus.yml`) with its data in
    /// `dataDirectory` (default `directory/data`), and waits until `/-/ready` answers 200.
    /// - Parameter arguments: more flags, e.g. `--storage.tsdb.retention.time=100y`.
    /// - Throws: when the binary is missing or the server is not ready within 30 s.
    public static func start(
        config: String, in directory: URL, dataDirectory: String? = nil, arguments: [String] = []
    ) async throws -> PrometheusServer {
        guard let binary else { throw PrometheusServerError("Debian's prometheus is not installed") }
        let file = directory.appendingPathComponent("prometheus.yml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        return try await launch(binary: binary) { port in
            [
                "--config.file=\(file.path)", "--storage.tsdb.path=\(dataDirectory ?? directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ] + arguments
        }
    }

    /// Starts `binary` with the arguments `arguments` gives for a free port, and waits until
    /// `/-/ready` answers 200 (Prometheus and Alertmanager both have it).
    /// - Throws: when it is not ready within 30 s.
    public static func launch(binary: String, arguments: (Int) -> [String]) async throws -> PrometheusServer {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments(port)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = PrometheusServer(port: port) {
            process.terminate()
            process.waitUntilExit()
        }
        for _ in 0..<300 {
            if let ready = try? await server.get("/-/ready"), ready.status == 200 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw PrometheusServerError("\(binary) did not become ready")
    }

    /// Debian's Alertmanager (`prometheus-alertmanager`), when installed.
    public static let alertmanagerBinary = ["/usr/bin/prometheus-alertmanager"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts Debian's Alertmanager on `config` (written to `directory/alertmanager.yml`),
    /// alone (no cluster), with its data in `directory`.
    public static func startAlertmanager(config: String, in directory: URL) async throws -> PrometheusServer {
        guard let binary = alertmanagerBinary else { throw PrometheusServerError("Debian's prometheus-alertmanager is not installed") }
        let file = directory.appendingPathComponent("alertmanager.yml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        return try await launch(binary: binary) { port in
            [
                "--config.file=\(file.path)", "--storage.path=\(directory.appendingPathComponent("am").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ]
        }
    }

    /// GETs `path` (with its query) from the server.
    public func get(_ path: String) async throws -> HTTPClient.Response {
        let client = try HTTPClient()
        defer { client.shutdown() }
        return try await client.execute(.init(url: "http://127.0.0.1:\(port)\(path)"))
    }
}

/// Why Prometheus could not be started.
public struct PrometheusServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
