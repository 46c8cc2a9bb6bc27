// Tollgate — Probe: `/probe?module=M&target=T`, as blackbox_exporter answers it.

public import CurlHTTP
import CoreMetrics
import Model
public import Logging
import Synchronization
public import TollgateConfig

/// blackbox_exporter's `/probe` endpoint: finds the module (`http_2xx` when none is named),
/// takes the timeout from the module or from Prometheus's
/// `X-Prometheus-Scrape-Timeout-Seconds` header (less an offset), runs the prober and
/// answers the probe's gauges in the text format, `probe_success` and
/// `probe_duration_seconds` included; `debug=true` answers the probe's log beside them.
///
/// Modules change on reload (``apply(_:)``); probes in flight finish with the old ones.
public final class ProbeHandler: Sendable {
    /// What the endpoint answers: a status, a content type and a body.
    public struct Reply: Sendable, Equatable {
        /// The HTTP status.
        public var status: Int
        /// The `Content-Type`.
        public var contentType: String
        /// The body.
        public var body: [UInt8]
    }

    /// Limits and defaults of the endpoint.
    public struct Options: Sendable {
        /// Seconds taken off Prometheus's scrape timeout (`--probe.timeout-offset`, 0.5).
        public var timeoutOffset = 0.5
        /// Probes running at once before more are refused with 503 (`--probe.max-concurrent`).
        public var maxConcurrent = 100
        /// The `User-Agent` of HTTP probes.
        public var userAgent = "Tollgate"

        /// The defaults.
        public init() {}
    }

    private let modules: Mutex<[String: ProbeModule]>
    private let running = Atomic<Int>(0)
    private let http: HTTPProber
    private let options: Options
    private let logger: Logger
    private let unknownModules = Counter(label: "blackbox_module_unknown_total")
    private let refused = Counter(label: "tollgate_probe_refused_total", dimensions: [("reason", "concurrency")])

    /// A handler probing with `modules` over `client`.
    public init(modules: [String: ProbeModule], client: HTTPClient, options: Options = Options(), logger: Logger) {
        self.modules = Mutex(modules)
        self.http = HTTPProber(client: client, userAgent: options.userAgent)
        self.options = options
        self.logger = logger
    }

    /// Replaces the modules (a reload).
    public func apply(_ modules: [String: ProbeModule]) {
        self.modules.withLock { $0 = modules }
    }

    /// The module names, sorted.
    public var moduleNames: [String] { modules.withLock { $0.keys.sorted() } }

    /// Answers one `/probe` request.
    /// - Parameters:
    ///   - query: the decoded query items (`module`, `target`, `debug`, `hostname`).
    ///   - scrapeTimeout: the `X-Prometheus-Scrape-Timeout-Seconds` header, if sent.
    public func respond(query: [(String, String)], scrapeTimeout: String?) async -> Reply {
        func parameter(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        let moduleName = parameter("module").flatMap { $0.isEmpty ? nil : $0 } ?? "http_2xx"
        guard let module = modules.withLock({ $0[moduleName] }) else {
            unknownModules.increment()
            logger.debug("unknown probe module", metadata: ["module": "\(moduleName)"])
            return Self.text(400, "Unknown module \"\(moduleName)\"\n")
        }
        let timeout: Double
        switch Self.timeoutSeconds(header: scrapeTimeout, module: module, offset: options.timeoutOffset) {
        case .success(let seconds): timeout = seconds
        case .failure(let message): return Self.text(500, "Failed to parse timeout from Prometheus header: \(message)\n")
        }
        guard let target = parameter("target"), !target.isEmpty else { return Self.text(400, "Target parameter is missing\n") }
        guard module.prober == .http || module.prober == .tcp else {
            return Self.text(400, "Prober \"\(module.prober.rawValue)\" is not supported by Tollgate (it runs http and tcp)\n")
        }
        guard running.add(1, ordering: .relaxed).newValue <= options.maxConcurrent else {
            running.subtract(1, ordering: .relaxed)
            refused.increment()
            logger.warning("probe refused: too many probes at once", metadata: ["limit": "\(options.maxConcurrent)", "module": "\(moduleName)"])
            return Self.text(503, "too many probes at once (limit \(options.maxConcurrent))\n")
        }
        defer { running.subtract(1, ordering: .relaxed) }

        let started = ContinuousClock.now
        var run = ProbeRun(deadline: started.advanced(by: .milliseconds(Int64(timeout * 1000))))
        run.note("beginning probe of \(target) with module \(moduleName) (prober \(module.prober.rawValue), timeout \(timeout) s)")
        let success: Bool
        switch module.prober {
        case .tcp: success = await TCPProber().probe(target, settings: module.tcp, run: &run)
        default: success = await http.probe(target, settings: module.http, hostname: parameter("hostname"), run: &run)
        }
        let duration = ProbeRun.seconds(ContinuousClock.now - started)
        run.metrics.set("probe_duration_seconds", "Returns how long the probe took to complete in seconds", duration)
        run.metrics.set("probe_success", "Displays whether or not the probe was a success", success ? 1 : 0)
        run.note(success ? "probe succeeded after \(duration) s" : "probe failed after \(duration) s")
        Counter(label: "tollgate_probes_total", dimensions: [("module", moduleName), ("result", success ? "success" : "failure")]).increment()
        if !success { logger.debug("probe failed", metadata: ["module": "\(moduleName)", "target": "\(target)", "log": "\(run.log.joined(separator: "; "))"]) }

        if parameter("debug") == "true" {
            let text = "Logs for the probe:\n" + run.log.joined(separator: "\n") + "\n\n\n\nMetrics that would have been returned:\n"
                + String(decoding: run.metrics.text, as: UTF8.self)
            return Self.text(200, text)
        }
        return Reply(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: run.metrics.text)
    }

    /// blackbox_exporter's timeout rule: the scrape's timeout (120 s when Prometheus sent
    /// none) less `offset`, or the module's when that is shorter (or the difference is negative).
    static func timeoutSeconds(header: String?, module: ProbeModule, offset: Double) -> Result<Double, TimeoutHeaderError> {
        var scrape = 0.0
        if let header, !header.isEmpty {
            guard let value = Double(header), value.isFinite else { return .failure(TimeoutHeaderError(description: "strconv.ParseFloat: parsing \"\(header)\": invalid syntax")) }
            scrape = value
        }
        if scrape == 0 { scrape = 120 }
        let most = scrape - offset
        let moduleSeconds = Double(module.timeout?.milliseconds ?? 0) / 1000
        if moduleSeconds > 0 && moduleSeconds < most || most < 0 { return .success(moduleSeconds) }
        return .success(most)
    }

    /// A scrape timeout header that is not a number.
    struct TimeoutHeaderError: Error, CustomStringConvertible {
        var description: String
    }

    private static func text(_ status: Int, _ body: String) -> Reply {
        Reply(status: status, contentType: "text/plain; charset=utf-8", body: Array(body.utf8))
    }
}
