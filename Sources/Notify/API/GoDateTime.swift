// Tollgate — Notify: date-times as go-openapi's `strfmt.DateTime` reads them.

import Model

/// Parses the times of API v2 bodies as `strfmt.ParseDateTime` does: Go's `time.Parse`
/// tried with ten layouts in turn (RFC 3339 with any fraction and `Z` or `±hh:mm`,
/// milli- and microsecond forms with `±hhmm`, `2006-01-02T15:04:05`, `2006-01-02T15:04Z`,
/// `2006-01-02T15:04`, `2006-01-02 15:04:05`); layouts without a zone are read as UTC.
/// The error is Go's for the last layout, as Alertmanager reports it.
///
/// ```swift
/// GoDateTime.parse("2026-12-04T13:00:00.123+02:00")  // .success(1_796_382_000_123)
/// GoDateTime.parse("yesterday")  // parsing time "yesterday" as "2006-01-02 15:04:05": cannot parse "yesterday" as "2006"
/// ```
public enum GoDateTime {
    /// A piece of a Go layout.
    enum Token: Equatable {
        case literal(UInt8), year, month, day, hour, minute, second, fraction(Int), anyFraction, zoneColon, zoneNoColon

        var layout: String {
            switch self {
            case .literal(let byte): String(Character(Unicode.Scalar(byte)))
            case .year: "2006"
            case .month: "01"
            case .day: "02"
            case .hour: "15"
            case .minute: "04"
            case .second: "05"
            case .fraction(let digits): "." + String(repeating: "0", count: digits)
            case .anyFraction: ".999999999"
            case .zoneColon: "Z07:00"
            case .zoneNoColon: "Z0700"
            }
        }
    }

    static let date: [Token] = [.year, .literal(0x2D), .month, .literal(0x2D), .day]
    static let clock: [Token] = [.hour, .literal(0x3A), .minute, .literal(0x3A), .second]
    static let layouts: [[Token]] = [
        date + [.literal(0x54)] + clock + [.fraction(6), .zoneColon],
        date + [.literal(0x54)] + clock + [.fraction(6), .zoneNoColon],
        date + [.literal(0x54)] + clock + [.fraction(3), .zoneColon],
        date + [.literal(0x54)] + clock + [.fraction(3), .zoneNoColon],
        date + [.literal(0x54)] + clock + [.zoneColon],
        date + [.literal(0x54)] + clock + [.anyFraction, .zoneColon],
        date + [.literal(0x54)] + clock,
        date + [.literal(0x54), .hour, .literal(0x3A), .minute, .literal(0x5A)],
        date + [.literal(0x54), .hour, .literal(0x3A), .minute],
        date + [.literal(0x20)] + clock,
    ]

    /// Milliseconds since the epoch (the fraction truncated); "" and Go's zero time
    /// (`0001-01-01T00:00:00Z`) are 0, "not set".
    public static func parse(_ text: String) -> Result<Int64, GoJSONError> {
        if text.isEmpty { return .success(0) }
        let value = Array(text.utf8)
        var last = GoJSONError("")
        for (index, layout) in layouts.enumerated() {
            // Only the last layout's failure is reported: the others' messages are not built.
            switch parse(value, layout, describing: index == layouts.count - 1) {
            case .success(let ms): return .success(ms == goZero ? 0 : ms)
            case .failure(let error): last = error
            }
        }
        return .failure(last)
    }

    /// Go's zero time, `0001-01-01T00:00:00Z`, in milliseconds since 1970.
    static let goZero: Int64 = -62_135_596_800_000

    /// Go's `time.Parse` over one layout.
    /// - Parameter describing: whether a failure carries Go's message (building it costs more than parsing).
    static func parse(_ value: [UInt8], _ layout: [Token], describing: Bool = true) -> Result<Int64, GoJSONError> {
        func fail(_ element: Token, _ rest: ArraySlice<UInt8>) -> Result<Int64, GoJSONError> {
            guard describing else { return .failure(GoJSONError("")) }
            let layoutText = layout.map(\.layout).joined()
            return .failure(GoJSONError("parsing time \(quote(value[...])) as \(quote(Array(layoutText.utf8)[...])): cannot parse \(quote(rest)) as \(quote(Array(element.layout.utf8)[...]))"))
        }
        func range(_ what: String) -> Result<Int64, GoJSONError> {
            guard describing else { return .failure(GoJSONError("")) }
            return .failure(GoJSONError("parsing time \(quote(value[...])): \(what) out of range"))
        }
        var rest = value[...]
        var year: Int64 = 0, month: Int64 = 0, day: Int64 = 0, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, millis: Int64 = 0
        var offset: Int64 = 0
        for (position, token) in layout.enumerated() {
            let hold = rest
            switch token {
            case .literal(let byte):
                if byte == 0x20 {
                    if let first = rest.first, first != 0x20 { return fail(token, rest) }
                    while rest.first == 0x20 { rest = rest.dropFirst() }
                } else {
                    guard rest.first == byte else { return fail(token, rest) }
                    rest = rest.dropFirst()
                }
            case .year:
                // Go reports what follows the four characters it took.
                guard rest.count >= 4, isDigit(rest.first) else { return fail(token, hold) }
                let digits = rest.prefix(4)
                rest = rest.dropFirst(4)
                guard let y = atoi(digits) else { return fail(token, rest) }
                year = y
            case .month, .day, .hour, .minute, .second:
                guard let (number, after) = number(rest, fixed: token != .hour) else { return fail(token, hold) }
                rest = after
                switch token {
                case .month:
                    month = number
                    if month < 1 || month > 12 { return range("month") }
                case .day: day = number
                case .hour:
                    hour = number
                    if hour >= 24 { return range("hour") }
                case .minute:
                    minute = number
                    if minute >= 60 { return range("minute") }
                default:
                    second = number
                    if second >= 60 { return range("second") }
                    // A fraction the layout does not name is read anyway.
                    let next = position + 1 < layout.count ? layout[position + 1] : nil
                    let layoutHasFraction = next.map { if case .fraction = $0 { true } else { $0 == .anyFraction } } ?? false
                    if !layoutHasFraction, rest.count >= 2, isPoint(rest.first), isDigit(rest.dropFirst().first) {
                        var digits = rest.dropFirst()
                        let count = digits.prefix { isDigit($0) }.count
                        millis = fraction(digits.prefix(count))
                        digits = digits.dropFirst(count)
                        rest = digits
                    }
                }
            case .fraction(let count):
                guard rest.count >= count + 1, isPoint(rest.first), rest.dropFirst().prefix(count).allSatisfy({ isDigit($0) }) else { return fail(token, hold) }
                millis = fraction(rest.dropFirst().prefix(count))
                rest = rest.dropFirst(count + 1)
            case .anyFraction:
                if rest.count >= 2, isPoint(rest.first), isDigit(rest.dropFirst().first) {
                    let count = rest.dropFirst().prefix { isDigit($0) }.count
                    millis = fraction(rest.dropFirst().prefix(count))
                    rest = rest.dropFirst(count + 1)
                }
            case .zoneColon, .zoneNoColon:
                if rest.first == UInt8(ascii: "Z") {
                    rest = rest.dropFirst()
                    continue
                }
                let colon = token == .zoneColon
                let bytes = Array(rest.prefix(colon ? 6 : 5))
                guard bytes.count == (colon ? 6 : 5), !colon || bytes[3] == UInt8(ascii: ":"),
                    bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
                    let (hh, _) = number(bytes[1..<3], fixed: true), let (mm, _) = number(bytes[(colon ? 4 : 3)...].prefix(2), fixed: true)
                else { return fail(token, hold) }
                if hh > 24 { return range("time zone offset hour") }
                if mm > 60 { return range("time zone offset minute") }
                offset = (hh * 60 + mm) * 60_000 * (bytes[0] == UInt8(ascii: "-") ? -1 : 1)
                rest = rest.dropFirst(bytes.count)
            }
        }
        if !rest.isEmpty {
            return .failure(GoJSONError(describing ? "parsing time \(quote(value[...])): extra text: \(quote(rest))" : ""))
        }
        guard day >= 1, day <= Timestamp.daysInMonth(month, year: year) else { return range("day") }
        let seconds = Timestamp.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return .success(seconds * 1000 + millis - offset)
    }

    private static func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    private static func isPoint(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") }

    /// Go's `getnum`: one or two digits (exactly two when `fixed`).
    private static func number(_ text: ArraySlice<UInt8>, fixed: Bool) -> (Int64, ArraySlice<UInt8>)? {
        guard let first = text.first, isDigit(first) else { return nil }
        let second = text.dropFirst().first
        guard isDigit(second), let second else { return fixed ? nil : (Int64(first - 0x30), text.dropFirst()) }
        return (Int64(first - 0x30) * 10 + Int64(second - 0x30), text.dropFirst(2))
    }

    /// Go's `atoi`: an optional sign and digits.
    private static func atoi(_ text: ArraySlice<UInt8>) -> Int64? {
        var digits = text
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ isDigit($0) }) else { return nil }
        let value = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
        return negative ? -value : value
    }

    /// The milliseconds of a fraction's digits (truncated).
    private static func fraction(_ digits: ArraySlice<UInt8>) -> Int64 {
        var millis: Int64 = 0
        for (index, digit) in digits.prefix(3).enumerated() { millis += Int64(digit - 0x30) * [100, 10, 1][index] }
        return millis
    }

    /// Go's `time.quote`: non-ASCII and control bytes as `\xNN`.
    static func quote(_ bytes: ArraySlice<UInt8>) -> String {
        var out = "\""
        for byte in bytes {
            if byte >= 0x80 || byte < 0x20 {
                let digits = Array("0123456789abcdef")
                out += "\\x" + String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
            } else {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out += "\\" }
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out + "\""
    }
}
