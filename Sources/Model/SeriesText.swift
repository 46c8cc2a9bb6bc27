// Tollgate — Model: the one-line text form of series and samples.

/// Formats series and samples as Prometheus writes them in text:
/// `name{l1="v1",l2="v2"} value [timestamp]`.
///
/// A metric name outside `[a-zA-Z_:][a-zA-Z0-9_:]*` is quoted first inside the
/// braces (`{"my.name",a="b"}`); a label name outside `[a-zA-Z_][a-zA-Z0-9_]*`
/// is quoted; `\`, `"` and LF are escaped in quoted text.
public enum SeriesText {
    /// Formats a label set: the metric name first, then the other labels in order.
    /// - Parameter labels: the label set; labels with empty values are printed as given.
    /// - Returns: e.g. `up{instance="a",job="b"}`, or `up` with no other labels.
    public static func format(_ labels: Labels) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        append(labels, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text form of a label set to a byte buffer.
    /// - Parameters:
    ///   - labels: the label set.
    ///   - out: the buffer to append to.
    public static func append(_ labels: Labels, to out: inout [UInt8]) {
        let name = labels.metricName
        var opened = false
        if let name, isLegacyMetricName(name) {
            out.append(contentsOf: name.utf8)
        } else if let name {
            out.append(UInt8(ascii: "{"))
            appendQuoted(name, to: &out)
            opened = true
        }
        for label in labels where label.name != metricNameLabel {
            out.append(opened ? UInt8(ascii: ",") : UInt8(ascii: "{"))
            opened = true
            if isLegacyLabelName(label.name) {
                out.append(contentsOf: label.name.utf8)
            } else {
                appendQuoted(label.name, to: &out)
            }
            out.append(UInt8(ascii: "="))
            appendQuoted(label.value, to: &out)
        }
        if opened { out.append(UInt8(ascii: "}")) }
    }

    /// Formats a sample value: `NaN`, `+Inf`, `-Inf`, or Swift's shortest
    /// round-trip decimal (`1.0`, `0.001`, `1e+20`).
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return value.description
    }

    /// Whether a name matches `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isLegacyMetricName(_ name: String) -> Bool {
        isLegacyName(name, allowColon: true)
    }

    /// Whether a name matches `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isLegacyLabelName(_ name: String) -> Bool {
        isLegacyName(name, allowColon: false)
    }

    private static func isLegacyName(_ name: String, allowColon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            let ok: Bool
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): ok = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): ok = !first
            case UInt8(ascii: ":"): ok = allowColon
            default: ok = false
            }
            if !ok { return false }
            first = false
        }
        return !first
    }

    /// Appends `"text"` with `\`, `"` and LF escaped.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
