// Tollgate — log lines as Prometheus writes them: logfmt or JSON, one event per line.

import Foundation
import Logging
import Model

/// The format of `--log.format`, as Prometheus names them.
enum LogFormat: String, CaseIterable, Sendable {
    case logfmt
    case json
}

/// Writes each event as one line on standard error, in logfmt
/// (`time=… level=info source=tollgate.scrape msg="scrape failed" target=…`) or JSON
/// (`{"time":"…","level":"info","source":"…","msg":"…","target":"…"}`), as Prometheus 3.x's
/// slog handler does. Control characters in messages and values are escaped, so a value
/// with a newline or a carriage return never splits or corrupts a line.
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Timestamp.rfc3339(milliseconds: SystemClock().now())), ("level", "\(event.level)"), ("source", label),
            ("msg", "\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            if let value = merged[key] { fields.append((key, "\(value)")) }
        }
        var line = format == .json ? Self.json(fields) : Self.logfmt(fields)
        line.append(UInt8(ascii: "\n"))
        // One write(2) per line: lines from concurrent tasks never interleave.
        line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// `key=value` pairs; values with a space, `=`, a quote or a control character are quoted
    /// with Go's escapes.
    static func logfmt(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: " ")) }
            out += key.utf8
            out.append(UInt8(ascii: "="))
            let needsQuotes = value.isEmpty || value.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") || $0 == 0x7F }
            guard needsQuotes else {
                out += value.utf8
                continue
            }
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += Array("\\\"".utf8)
                case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
                case UInt8(ascii: "\n"): out += Array("\\n".utf8)
                case UInt8(ascii: "\r"): out += Array("\\r".utf8)
                case UInt8(ascii: "\t"): out += Array("\\t".utf8)
                case 0..<0x20, 0x7F: out += Array(String(format: "\\x%02x", byte).utf8)
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        return out
    }

    /// One JSON object; strings escaped by the JSON writer.
    static func json(_ fields: [(String, String)]) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { json in
            for (key, value) in fields { json.field(key, value) }
        }
        return writer.bytes
    }
}
