// Tollgate — Model: JSON written in the order Prometheus writes it.

/// Appends JSON to a byte buffer: objects keep the order their keys are written in,
/// numbers print as Go's `encoding/json` prints float64. Any module can write
/// Prometheus-style JSON with it without importing the HTTP layer.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.key("status"); json.string("success")
/// }
/// ```
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public var bytes: [UInt8] { buffer }
    /// The JSON written so far, for writers in this package that append to it directly.
    @usableFromInline package var buffer: [UInt8] = []
    /// Whether the next value needs a comma before it.
    @usableFromInline package var needsComma = false

    /// An empty writer.
    @inlinable public init() {}

    /// Writes `{`, the members `body` writes, `}`.
    @inlinable
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
    }

    /// Writes `[`, the elements `body` writes, `]`.
    @inlinable
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), body)
    }

    /// Writes `open`, what `body` writes, `close`.
    @inlinable
    package mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        separate()
        buffer.append(open)
        needsComma = false
        body(&self)
        buffer.append(close)
        needsComma = true
    }

    /// Writes a member whose value is a string.
    @inlinable
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
    @inlinable
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        buffer.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value.
    @inlinable
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes a number as Go does: integers without a fraction, exponents outside 1e-6 ..< 1e21.
    public mutating func number(_ value: Double) {
        separate()
        if value.isNaN || value.isInfinite {
            buffer += Array("null".utf8)  // JSON has no NaN or Inf; Prometheus sends those as strings
        } else if value == value.rounded() && abs(value) < 1e21 {
            buffer += Array(String(Int64(value)).utf8)
        } else {
            let magnitude = abs(value)
            var text = "\(value)"
            if magnitude >= 1e-6 && magnitude < 1e21, text.contains("e") {
                text = Self.plain(value)
            }
            buffer += Array(text.utf8)
        }
        needsComma = true
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int) {
        separate()
        buffer += Array(String(value).utf8)
        needsComma = true
    }

    /// Writes `true` or `false`.
    @inlinable
    public mutating func bool(_ value: Bool) {
        separate()
        buffer += Array((value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Writes `null`.
    @inlinable
    public mutating func null() {
        separate()
        buffer += Array("null".utf8)
        needsComma = true
    }

    /// Writes a value already rendered as JSON (a number in a form `number(_:)` does not give).
    package mutating func raw(_ json: String) {
        separate()
        buffer += Array(json.utf8)
        needsComma = true
    }

    /// Writes a value already rendered as JSON bytes.
    package mutating func raw(_ json: [UInt8]) {
        separate()
        buffer += json
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

    /// Writes the comma a value needs after the one before it.
    @inlinable
    package mutating func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
    }

    /// Swift prints 1e-6 ≤ |x| < 1e-4 with an exponent (`1.5e-05`); Go writes `0.000015`.
    private static func plain(_ value: Double) -> String {
        let text = "\(abs(value))"
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]), exponent < 0 else { return "\(value)" }
        var mantissa = String(text[..<e].filter { $0 != "." })
        while mantissa.hasSuffix("0") && mantissa.count > 1 { mantissa.removeLast() }
        return (value < 0 ? "-" : "") + "0." + String(repeating: "0", count: -exponent - 1) + mantissa
    }

    /// Appends `text` quoted and escaped as Go's `encoding/json` does (HTML characters too).
    @usableFromInline
    package mutating func appendQuoted(_ text: String) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20:
                // Go escapes HTML characters and control bytes as \u00XX.
                let hex = Array("0123456789abcdef".utf8)
                buffer += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
