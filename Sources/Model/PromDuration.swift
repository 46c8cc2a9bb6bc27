// Tollgate — Model: Prometheus durations ("15s", "1h30m", "500ms"), parsed and printed as Prometheus does.

/// A Prometheus duration: one or more `<number><unit>` parts, largest unit first, each unit
/// at most once, units `y w d h m s ms` (a year is 365 days); `0` alone means zero.
///
/// Parsing follows Prometheus's `model.ParseDuration` and printing its
/// `model.Duration.String()`, the form the PromQL printer, the flags and the configuration
/// pages show:
///
/// ```swift
/// PromDuration(parsing: "1h30m")?.milliseconds        // 5_400_000
/// PromDuration(milliseconds: 366 * 86_400_000).description  // "366d": years only when exact
/// PromDuration(milliseconds: 14 * 86_400_000).description   // "2w"
/// ```
public struct PromDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// The longest duration Prometheus accepts: `time.Duration` counts nanoseconds in an
    /// `Int64`, so about 292 years (`292y` parses, `293y` is out of range).
    public static let maximumMilliseconds: Int64 = Int64.max / 1_000_000

    /// Creates a duration from milliseconds.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Parses Prometheus's duration syntax; nil when ``parse(_:)`` throws.
    public init?(parsing text: String) {
        guard let duration = try? Self.parse(text) else { return nil }
        self = duration
    }

    /// The units, largest first, with their length in milliseconds; a unit may follow only
    /// units before it in this list.
    private static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses a duration as Prometheus's `model.ParseDuration` does.
    /// - Parameter text: The duration, e.g. `1h30m`, `500ms`, `0`.
    /// - Returns: The duration.
    /// - Throws: ``PromDurationError``: `.empty` for "", `.invalid` when the text is not the
    ///   syntax (checked first), `.outOfRange` when it is longer than ``maximumMilliseconds``.
    public static func parse(_ text: String) throws(PromDurationError) -> PromDuration {
        if text == "0" { return PromDuration(milliseconds: 0) }
        guard !text.isEmpty else { throw PromDurationError(.empty, text) }
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        var bytes = Substring(text).utf8[...]
        var total: Int64 = 0
        var overflow = false
        var nextUnit = 0
        while !bytes.isEmpty {
            let digits = bytes.prefix { $0 >= zero && $0 <= nine }
            let unit = bytes.dropFirst(digits.count).prefix { $0 < zero || $0 > nine }
            guard !digits.isEmpty,
                let found = units[nextUnit...].firstIndex(where: { $0.name.utf8.elementsEqual(unit) })
            else { throw PromDurationError(.invalid, text) }
            bytes = bytes.dropFirst(digits.count + unit.count)
            nextUnit = found + 1
            var number: Int64 = 0
            for digit in digits where !overflow {
                let (tens, o1) = number.multipliedReportingOverflow(by: 10)
                let (sum, o2) = tens.addingReportingOverflow(Int64(digit - zero))
                overflow = o1 || o2
                number = sum
            }
            let (part, o1) = number.multipliedReportingOverflow(by: units[found].milliseconds)
            let (sum, o2) = total.addingReportingOverflow(part)
            overflow = overflow || o1 || o2 || sum > maximumMilliseconds
            total = sum
        }
        if overflow { throw PromDurationError(.outOfRange, text) }
        return PromDuration(milliseconds: total)
    }

    /// Orders by length.
    public static func < (lhs: PromDuration, rhs: PromDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The form Prometheus's `model.Duration.String()` prints: `1h30m`, `1s500ms`, `0s`;
    /// years and weeks only when they divide the whole duration (`2w`, `1y`, but `90d`,
    /// `366d`, `15d`). A negative duration prints as `-` and its length (Prometheus's
    /// `String()` prints nothing for one; its PromQL printer writes the sign itself).
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        for (index, unit) in Self.units.enumerated() {
            let size = UInt64(unit.milliseconds)
            if index < 2 && rest % size != 0 { continue }  // y and w only when exact
            let count = rest / size
            if count > 0 {
                out += String(count)
                out += unit.name
                rest -= count * size
            }
        }
        return out
    }
}

/// Why a duration did not parse, with Prometheus's message.
public struct PromDurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure `model.ParseDuration` tells apart.
    public enum Kind: Sendable, Equatable {
        /// The text was empty.
        case empty
        /// The text is not `<number><unit>…` with units in order and not repeated.
        case invalid
        /// The duration does not fit Go's `time.Duration` (about 292 years).
        case outOfRange
    }

    /// What went wrong.
    public var kind: Kind
    /// The text that did not parse.
    public var text: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: What went wrong.
    ///   - text: The text that did not parse.
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    /// Prometheus's message: `empty duration string`, `not a valid duration string: "5m1h"`,
    /// `duration out of range`.
    public var description: String {
        switch kind {
        case .empty: return "empty duration string"
        case .invalid:
            var quoted: [UInt8] = []
            SeriesText.appendQuoted(text, to: &quoted)
            return "not a valid duration string: " + String(decoding: quoted, as: UTF8.self)
        case .outOfRange: return "duration out of range"
        }
    }
}
