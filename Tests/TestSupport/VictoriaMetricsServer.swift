// Tollgate — test support: Debian's VictoriaMetrics (single node) as a remote-write store.

public import CurlHTTP
public import Foundation

/// A running `victoria-metrics` on a loopback port, its data in a directory of the test's;
/// it can be stopped and started again on the same port and data (an outage). `make test`
/// installs Debian's package; suites are skipped where ``binary`` is nil.
public final class VictoriaMetricsServer: @unchecked Sendable {
    /// Debian's victoria-metrics, when installed.
    public static let binary = ["/usr/bin/victoria-metrics"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The port it listens on (kept across restarts).
    public let port: Int
    /// Its data directory.
    public let dataDirectory: URL
    private let lock = NSLock()
    private var process: Process?

    /// `http://127.0.0.1:PORT/api/v1/write`.
    public var writeURL: String { "http://127.0.0.1:\(port)/api/v1/write" }

    /// Starts VictoriaMetrics with its data in `directory` and waits until `/health` answers.
    public init(in directory: URL) async throws {
        port = try freeLoopbackPort()
        dataDirectory = directory
        try await start()
    }

    /// Starts it (again), on the same port and data.
    public func start() async throws {
        guard let binary = Self.binary else { throw PrometheusServerError("Debian's victoria-metrics is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "-storageDataPath=\(dataDirectory.path)", "-httpListenAddr=127.0.0.1:\(port)", "-retentionPeriod=100y",
            "-search.latencyOffset=0s", "-search.disableCache", "-loggerLevel=ERROR",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        setProcess(process)
        for _ in 0..<300 {
            if let health = try? await get("/health"), health.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw PrometheusServerError("victoria-metrics did not become healthy")
    }

    private func setProcess(_ process: Process) {
        lock.lock()
        self.process = process
        lock.unlock()
    }

    /// Stops it and waits for it to exit (SIGINT: it flushes and exits).
    public func stop() {
        lock.lock()
        let running = process
        process = nil
        lock.unlock()
        guard let running else { return }
        running.interrupt()
        running.waitUntilExit()
    }

    /// GETs `path` (with its query).
    public func get(_ path: String) async throws -> HTTPClient.Response {
        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPClient.Request(url: "http://127.0.0.1:\(port)\(path)")
        request.timeoutMilliseconds = 30_000
        return try await client.execute(request)
    }

    /// Every sample of the series `selector` matches, by series text (`name{a="b"}` sorted as
    /// Prometheus prints it) as (timestamp, value) pairs, after a forced flush.
    public func export(_ selector: String) async throws -> [String: [(Int64, Double)]] {
        _ = try await get("/internal/force_flush")
        let query = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
        let response = try await get("/api/v1/export?match[]=\(query)")
        guard response.status == 200 else { throw PrometheusServerError("export answered \(response.status)") }
        var result: [String: [(Int64, Double)]] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let metric = object["metric"] as? [String: String],
                let timestamps = object["timestamps"] as? [NSNumber], let values = object["values"] as? [Any]
            else { continue }
            let name = metric["__name__"] ?? ""
            let labels = metric.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
            let key = labels.isEmpty ? name : "\(name){\(labels.joined(separator: ","))}"
            let pairs = zip(timestamps, values).map { t, v -> (Int64, Double) in
                (t.int64Value, (v as? NSNumber)?.doubleValue ?? Double((v as? String) ?? "") ?? .nan)
            }
            result[key, default: []].append(contentsOf: pairs)
        }
        for key in result.keys { result[key]?.sort { $0.0 < $1.0 } }
        return result
    }

    deinit { stop() }
}
