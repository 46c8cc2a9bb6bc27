// Tollgate — Exposition: writing the Prometheus text format 0.0.4.

public import Model

/// Writes metric families in the Prometheus text format 0.0.4.
///
/// ```swift
/// var writer = TextWriter()
/// writer.family("process_open_fds", type: .gauge, help: "Number of open file descriptors.")
/// writer.sample(Labels(["__name__": "process_open_fds"]), value: 12)
/// let body = writer.bytes
/// ```
/// Values are written as Go's Prometheus client writes them (`1`, `1e+06`,
/// `+Inf`, `NaN`); names outside the legacy character set are quoted inside the
/// braces; HELP escapes `\` and LF; label values escape `\`, `"` and LF.
public struct TextWriter: Sendable {
    /// The body written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {}

    /// Writes a family's `# HELP` and `# TYPE` lines.
    /// - Parameters:
    ///   - name: the family name.
    ///   - type: the family type; OpenMetrics-only types are written as `untyped`.
    ///   - help: the help text; nil writes no HELP line.
    public mutating func family(_ name: String, type: MetricType, help: String? = nil) {
        if let help {
            bytes.append(contentsOf: "# HELP ".utf8)
            appendMetadataName(name)
            bytes.append(UInt8(ascii: " "))
            for byte in help.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
                case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        bytes.append(contentsOf: "# TYPE ".utf8)
        appendMetadataName(name)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: type.textFormatName.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes one sample line.
    /// - Parameters:
    ///   - labels: the series, `__name__` included.
    ///   - value: the value.
    ///   - timestamp: milliseconds, or nil to let the scraper stamp it.
    public mutating func sample(_ labels: Labels, value: Double, timestamp: Int64? = nil) {
        SeriesText.append(labels, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: GoFloat.formatG(value).utf8)
        if let timestamp {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: String(timestamp).utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendMetadataName(_ name: String) {
        if SeriesText.isLegacyMetricName(name) {
            bytes.append(contentsOf: name.utf8)
        } else {
            SeriesText.appendQuoted(name, to: &bytes)
        }
    }
}
