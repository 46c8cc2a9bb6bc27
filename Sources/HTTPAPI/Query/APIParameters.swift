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
        if let ms = Timestamp.parse(text) { return ms }
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
}
