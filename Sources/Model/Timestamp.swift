// Tollgate — Model: timestamps as Prometheus reads and writes them, and UTC calendar arithmetic.

/// Conversions between sample timestamps (milliseconds since 1970-01-01 UTC) and the texts
/// Prometheus's API reads and writes, over the proleptic Gregorian calendar in UTC.
///
/// ```swift
/// Timestamp.parse("2023-11-14T22:13:20.123Z")        // 1_700_000_000_123
/// Timestamp.parse("1700000000.123")                   // 1_700_000_000_123
/// Timestamp.rfc3339(milliseconds: 1_700_000_000_250)  // "2023-11-14T22:13:20.25Z"
/// ```
public enum Timestamp {
    /// A timestamp as Prometheus's API `parseTime` accepts it: Unix seconds with an optional
    /// fraction (Go's `ParseFloat`, rounded to milliseconds) or RFC 3339 (see ``parseRFC3339(_:)``).
    /// - Parameter text: The time as written.
    /// - Returns: Milliseconds since the epoch; nil when it is neither form or out of range.
    public static func parse(_ text: String) -> Int64? {
        if let seconds = GoFloat.parse(text) {
            guard seconds.isFinite, abs(seconds) < 9.2e12 else { return nil }
            let whole = seconds.rounded(.towardZero)
            return Int64(whole) * 1000 + Int64(((seconds - whole) * 1000).rounded())
        }
        return parseRFC3339(text)
    }

    /// RFC 3339 as Go's `time.RFC3339Nano` layout parses it: `2006-01-02T15:04:05Z`, with an
    /// optional fraction of up to nine digits (truncated to milliseconds) and `Z` or a
    /// `±hh:mm` offset.
    /// - Parameter text: The time as written.
    /// - Returns: Milliseconds since the epoch; nil when the text is not that form or not a date.
    public static func parseRFC3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
            let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100
            let start = index
            while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") {
                if scale > 0 {
                    millis += Int64(b[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                }
                index += 1
            }
            guard index > start, index - start <= 9 else { return nil }
        }
        guard index < b.count else { return nil }
        var offset: Int64 = 0
        if b[index] == UInt8(ascii: "Z") {
            guard index + 1 == b.count else { return nil }
        } else {
            guard b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-"), index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"),
                let oh = digits(b, index + 1, 2), let om = digits(b, index + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60 * (b[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1000 + millis
    }

    /// RFC 3339 in UTC as Go's `time.RFC3339Nano` writes it: the fraction's trailing zeros
    /// trimmed, and left out when zero (`2023-11-14T22:13:20.25Z`, `1970-01-01T00:00:00Z`).
    /// - Parameter milliseconds: Milliseconds since the epoch.
    public static func rfc3339(milliseconds: Int64) -> String {
        let seconds = floorDivide(milliseconds, 1000)
        return rfc3339(seconds: seconds, nanoseconds: (milliseconds - seconds * 1000) * 1_000_000)
    }

    /// RFC 3339 in UTC as Go's `time.RFC3339Nano` writes it, from whole seconds and nanoseconds.
    /// - Parameters:
    ///   - seconds: Whole seconds since the epoch.
    ///   - nanoseconds: The fraction of the second, 0 ..< 1_000_000_000.
    public static func rfc3339(seconds: Int64, nanoseconds: Int64) -> String {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let date = civil(days: days)
        var text = pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if nanoseconds > 0 {
            var fraction = pad(nanoseconds, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    /// - Parameters:
    ///   - year: The year; 0 is 1 BC.
    ///   - month: The month, 1 ... 12.
    ///   - day: The day of the month, from 1.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    /// - Parameter days: Days since the epoch; negative before it.
    /// - Returns: The year, the month (1 ... 12) and the day of the month (from 1).
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Whether a Gregorian year has 29 February.
    public static func isLeapYear(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month (1 ... 12) of a year.
    public static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Division rounding toward negative infinity, for times before the epoch.
    public static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for i in start..<(start + count) {
            guard i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(b[i] - UInt8(ascii: "0"))
        }
        return value
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
