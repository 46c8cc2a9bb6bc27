// Tollgate — HTTPAPI: the web configuration in force, re-read when its files change.

import CoreMetrics
import Foundation
public import Logging
import Synchronization
public import TollgateConfig

/// The web configuration (`--web.config.file`) the server runs with: TLS, basic
/// authentication, response headers.
///
/// As exporter-toolkit re-reads the file for every new connection and request, each new
/// connection and each request here looks at the file and at the certificate, key and
/// client CA files it names (their size, modification time and inode), and reads them
/// again when one changed. A file that reads badly is logged and counted
/// (`tollgate_web_config_reloads_failed_total`), and the configuration in force stays;
/// the next change is tried again. A bad file at start is an error naming the file, line
/// and field. Turning TLS on or off needs a restart (the listener is one or the other).
///
/// ```swift
/// let security = try WebSecurity(path: "web.yml", logger: logger)
/// let server = HTTPServer(host: "0.0.0.0", port: 9090, routes: routes, readiness: readiness, logger: logger, security: security)
/// ```
public final class WebSecurity: Sendable {
    /// The web configuration file.
    public let path: String
    /// Whether the server speaks TLS (fixed at start).
    public let servesTLS: Bool
    let logger: Logger
    let verifier = BasicAuthVerifier()
    private let state: Mutex<Loaded>

    /// One reading of the files.
    struct Loaded: Sendable {
        var config: WebConfig
        var tls: ServerTLS?
        /// The files read, and what they looked like just before.
        var files: [String]
        var stamps: [FileStamp?]
    }

    /// Reads the file and builds the TLS context.
    /// - Throws: ``ConfigError`` naming the file, line and field of the first problem.
    public init(path: String, logger: Logger) throws(ConfigError) {
        let loaded = try Self.load(path)
        self.path = path
        self.logger = logger
        self.servesTLS = loaded.tls != nil
        self.state = Mutex(loaded)
        Self.failures.increment(by: 0)
        Self.lastSuccessful.record(1)
    }

    /// Checks a web configuration file as the server would read it, certificates included
    /// (`tollgate check web-config`).
    /// - Returns: the configuration.
    /// - Throws: ``ConfigError`` with the problem.
    public static func check(path: String) throws(ConfigError) -> WebConfig {
        try load(path).config
    }

    static func load(_ path: String) throws(ConfigError) -> Loaded {
        let config = try WebConfig(path: path)
        // Stamped before reading, so a change made while reading is seen next time.
        let files = [path] + [config.tls?.certFile, config.tls?.keyFile, config.tls?.clientCAFile].compactMap { $0 }
        let stamps = files.map(FileStamp.init(path:))
        let tls = try config.tls.map { tls throws(ConfigError) in try ServerTLS(tls, file: path) }
        return Loaded(config: config, tls: tls, files: files, stamps: stamps)
    }

    /// The configuration in force, read again first when one of its files changed.
    func current() -> Loaded {
        let known = state.withLock { $0 }
        let stamps = known.files.map(FileStamp.init(path:))
        guard stamps != known.stamps else { return known }
        do {
            let fresh = try Self.load(path)
            guard (fresh.tls != nil) == servesTLS else {
                throw ConfigError(
                    file: path, line: nil, field: "tls_server_config",
                    message: servesTLS ? "TLS cannot be turned off while running; restart to serve plain HTTP" : "TLS cannot be turned on while running; restart to serve HTTPS")
            }
            state.withLock { $0 = fresh }
            Self.lastSuccessful.record(1)
            logger.info("web configuration reloaded", metadata: ["file": "\(path)", "tls": "\(fresh.tls != nil)"])
            return fresh
        } catch {
            // Tried once per change: the stamps are taken, the configuration is not.
            var kept = known
            kept.stamps = stamps
            state.withLock { $0.stamps = stamps }
            Self.failures.increment()
            Self.lastSuccessful.record(0)
            logger.error("cannot reload the web configuration; the one in force stays", metadata: ["error": "\(error)"])
            return kept
        }
    }

    /// The TLS context for a new connection (nil when the server is plain HTTP).
    func tlsForNewConnection() -> ServerTLS? { current().tls }

    static let failures = Counter(label: "tollgate_web_config_reloads_failed_total")
    static let lastSuccessful = Gauge(label: "tollgate_web_config_last_reload_successful")
}

/// What a file looked like: enough to see it was replaced or rewritten.
struct FileStamp: Equatable, Sendable {
    var size: Int64
    var modified: Date
    var inode: UInt64

    /// The file's stamp, or nil when it cannot be looked at.
    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        modified = attributes[.modificationDate] as? Date ?? .distantPast
        inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }
}
