// Tollgate — HTTPAPI: JSON written in the order Prometheus writes it.

public import Model

/// Appends JSON to a byte buffer: objects keep the order their keys are written in,
/// numbers print as Go's `encoding/json` prints float64.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.key("status"); json.string("success")
/// }
/// ```
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public internal(set) var bytes: [UInt8] = []
    var needsComma = false

    /// An empty writer.
    public init() {}

    /// Writes `{`, the members `body` writes, `}`.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
    }

    /// Writes `[`, the elements `body` writes, `]`.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), body)
    }

    private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(open)
        needsComma = false
        body(&self)
        bytes.append(close)
        needsComma = true
    }

    /// Writes a member whose value is a string.
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// Writes a member whose value is a label set.
    public mutating func field(_ name: String, _ value: Labels) {
        key(name)
        labels(value)
    }

    /// Writes an object key; the next value is its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes a number as Go does: integers without a fraction, exponents outside 1e-6 ..< 1e21.
    public mutating func number(_ value: Double) {
        separate()
        if value.isNaN || value.isInfinite {
            bytes += Array("null".utf8)  // JSON has no NaN or Inf; Prometheus sends those as strings
        } else if value == value.rounded() && abs(value) < 1e21 {
            bytes += Array(String(Int64(value)).utf8)
        } else {
            let magnitude = abs(value)
            var text = "\(value)"
            if magnitude >= 1e-6 && magnitude < 1e21, text.contains("e") {
                text = Self.plain(value)
            }
            bytes += Array(text.utf8)
        }
        needsComma = true
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int) {
        separate()
        bytes += Array(String(value).utf8)
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        bytes += Array((value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes += Array("null".utf8)
        needsComma = true
    }

    /// Writes a value already rendered as JSON (a number in a form `number(_:)` does not give).
    mutating func raw(_ json: String) {
        separate()
        bytes += Array(json.utf8)
        needsComma = true
    }

    /// Writes a value already rendered as JSON bytes.
    mutating func raw(_ json: [UInt8]) {
        separate()
        bytes += json
        needsComma = true
    }

    /// Writes a label set as an object of name → value.
    public mutating func labels(_ labels: Labels) {
        object { json in
            for label in labels {
                json.key(label.name)
                json.string(label.value)
            }
        }
    }

    mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Swift prints 1e-6 ≤ |x| < 1e-4 with an exponent (`1.5e-05`); Go writes `0.000015`.
    private static func plain(_ value: Double) -> String {
        let text = "\(abs(value))"
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]), exponent < 0 else { return "\(value)" }
        var mantissa = String(text[..<e].filter { $0 != "." })
        while mantissa.hasSuffix("0") && mantissa.count > 1 { mantissa.removeLast() }
        return (value < 0 ? "-" : "") + "0." + String(repeating: "0", count: -exponent - 1) + mantissa
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20:
                // Go escapes HTML characters and control bytes as \u00XX.
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
