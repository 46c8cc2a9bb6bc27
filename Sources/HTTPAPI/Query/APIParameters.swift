// Tollgate — HTTPAPI: times, durations and limits as Prometheus's API parses them.

import Foundation
import Model

/// A parameter that failed to parse, with Prometheus's message (`cannot parse "x" to a valid timestamp`).
struct ParameterError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Prometheus's `parseTime`, `parseDuration` and `parseLimitParam`, in milliseconds.
enum APIParameters {
    /// Prometheus's `MinTime`, the default start of series and label queries (ms).
    static let minTime: Int64 = (Int64.min / 1000 + 62_135_596_801) * 1000
    /// Prometheus's `MaxTime`, the default end of series and label queries (ms).
    static let maxTime: Int64 = (Int64.max / 1000 - 62_135_596_801) * 1000 + 999

    private static let minTimeText = "-292273086-05-16T16:47:06Z"
    private static let maxTimeText = "292277025-08-18T07:12:54.999999999Z"

    /// A timestamp: Unix seconds with an optional fraction (rounded to milliseconds), or RFC 3339.
    static func time(_ text: String) throws(ParameterError) -> Int64 {
        if let seconds = GoFloat.parse(text) {
            guard seconds.isFinite, abs(seconds) < 9.2e12 else { throw ParameterError("cannot parse \"\(text)\" to a valid timestamp") }
            let whole = seconds.rounded(.towardZero)
            return Int64(whole) * 1000 + Int64(((seconds - whole) * 1000).rounded())
        }
        if let ms = rfc3339(text) { return ms }
        if text == minTimeText { return minTime }
        if text == maxTimeText { return maxTime }
        throw ParameterError("cannot parse \"\(text)\" to a valid timestamp")
    }

    /// An optional time parameter, as Prometheus's `parseTimeParam`: absent or empty gives `default`.
    static func time(_ form: APIForm, _ name: String, default value: Int64) throws(ParameterError) -> Int64 {
        let text = form.value(name)
        if text.isEmpty { return value }
        do {
            return try time(text)
        } catch {
            throw ParameterError("invalid time value for '\(name)': \(error.message)")
        }
    }

    /// A duration in nanoseconds: float seconds (`15`, `0.5`) or a Prometheus duration (`15s`, `1h30m`).
    static func durationNanoseconds(_ text: String) throws(ParameterError) -> Int64 {
        if let seconds = GoFloat.parse(text) {
            let nanos = seconds * 1e9
            guard nanos.isFinite, nanos < 9.223372036854775e18, nanos > -9.223372036854775e18 else {
                throw ParameterError("cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
            return Int64(nanos)
        }
        if let duration = PromDuration(parsing: text) {
            let (nanos, overflow) = duration.milliseconds.multipliedReportingOverflow(by: 1_000_000)
            if !overflow { return nanos }
        }
        throw ParameterError("cannot parse \"\(text)\" to a valid duration")
    }

    /// `limit`: empty means none (0); otherwise a non-negative integer.
    static func limit(_ text: String) throws(ParameterError) -> Int {
        if text.isEmpty { return 0 }
        guard let value = Int(text) else { throw ParameterError("strconv.Atoi: parsing \"\(text)\": invalid syntax") }
        guard value >= 0 else { throw ParameterError("limit must be non-negative") }
        return value
    }

    /// RFC 3339 with an optional fraction (Go's `time.RFC3339Nano` layout) → ms, the fraction truncated.
    static func rfc3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
            let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
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
        let days = daysFromCivil(year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1000 + millis
    }

    private static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for i in start..<(start + count) {
            guard i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(b[i] - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
