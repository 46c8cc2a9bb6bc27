// Tollgate — test support: Debian's prometheus-node-exporter, a real scrape target.

public import Foundation

/// Debian's prometheus-node-exporter (`make test` installs it; suites that need it are
/// skipped without it).
public enum NodeExporter {
    /// The installed binary, or nil.
    public static let path = ["/usr/bin/prometheus-node-exporter", "/usr/bin/node_exporter"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts it on 127.0.0.1:`port` with `arguments` (e.g. collector flags); the caller
    /// terminates it. Its output is discarded.
    public static func start(port: Int, _ arguments: [String] = []) throws -> Process {
        let exporter = Process()
        exporter.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/prometheus-node-exporter")
        exporter.arguments = ["--web.listen-address=127.0.0.1:\(port)"] + arguments
        exporter.standardError = FileHandle.nullDevice
        exporter.standardOutput = FileHandle.nullDevice
        try exporter.run()
        return exporter
    }
}
