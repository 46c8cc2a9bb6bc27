// Tollgate — Notify: named time intervals (Alertmanager's `timeinterval.TimeInterval.ContainsTime`
// and its `Intervener`), for `mute_time_intervals` and `active_time_intervals`.

import Foundation
public import TollgateConfig

/// The `time_intervals` (and `mute_time_intervals`) of alertmanager.yml, by name.
///
/// A named set holds a time when any of its intervals does; an interval holds it when every
/// non-empty field does (times of day with the end excluded, weekdays, days of the month —
/// negative ones counted from the month's end and clamped to the month —, months, years),
/// all read in the interval's `location` (an IANA zone from the system's tzdata, `Local`,
/// or UTC when absent).
public struct TimeIntervals: Sendable {
    private var byName: [String: [Interval]] = [:]

    /// The intervals of a configuration.
    /// - Parameter configs: the parsed `time_intervals` and `mute_time_intervals`; with two
    ///   of one name, the last wins.
    public init(_ configs: [TimeIntervalConfig]) {
        for config in configs { byName[config.name] = config.intervals.map(Interval.init) }
    }

    /// The names known.
    public var names: [String] { byName.keys.sorted() }

    /// Whether the named set holds the time.
    /// - Parameters:
    ///   - name: a `time_intervals` name; an unknown one holds nothing.
    ///   - time: milliseconds since the epoch.
    public func contains(_ name: String, at time: Int64) -> Bool {
        guard let intervals = byName[name] else { return false }
        let date = Date(timeIntervalSince1970: Double(time) / 1000)
        return intervals.contains { $0.contains(date) }
    }

    /// Whether any of the named sets holds the time (a route muted or active by them).
    public func any(of names: [String], at time: Int64) -> Bool {
        names.contains { contains($0, at: time) }
    }

    /// The names, of those given, whose sets hold the time, in the order given (what
    /// Alertmanager records as the reasons a group is muted).
    public func matching(_ names: [String], at time: Int64) -> [String] {
        names.filter { contains($0, at: time) }
    }

    /// Whether one interval holds the time (`TimeInterval.ContainsTime`).
    /// - Parameters:
    ///   - spec: the interval.
    ///   - time: milliseconds since the epoch.
    public static func contains(_ spec: TimeIntervalConfig.TimeSpec, at time: Int64) -> Bool {
        Interval(spec).contains(Date(timeIntervalSince1970: Double(time) / 1000))
    }
}

extension TimeIntervals {
    /// One interval with its calendar resolved.
    struct Interval: Sendable {
        let spec: TimeIntervalConfig.TimeSpec
        let calendar: Calendar

        init(_ spec: TimeIntervalConfig.TimeSpec) {
            self.spec = spec
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = Self.zone(spec.location)
            self.calendar = calendar
        }

        /// Go's `time.LoadLocation`: "" and "UTC" are UTC, "Local" the system zone, else an IANA name.
        static func zone(_ name: String?) -> TimeZone {
            let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current
            guard let name, !name.isEmpty, name != "UTC" else { return utc }
            if name == "Local" { return TimeZone.current }
            return TimeZone(identifier: name) ?? utc
        }

        func contains(_ date: Date) -> Bool {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
            guard let year = parts.year, let month = parts.month, let day = parts.day,
                let hour = parts.hour, let minute = parts.minute, let weekday = parts.weekday
            else { return false }
            if !spec.times.isEmpty {
                let minuteOfDay = hour * 60 + minute
                guard spec.times.contains(where: { minuteOfDay >= $0.begin && minuteOfDay < $0.end }) else { return false }
            }
            if !spec.daysOfMonth.isEmpty {
                let length = daysInMonth(year: year, month: month)
                guard spec.daysOfMonth.contains(where: { Self.dayMatches(day, span: $0, daysInMonth: length) }) else { return false }
            }
            if !spec.months.isEmpty {
                guard spec.months.contains(where: { month >= $0.begin && month <= $0.end }) else { return false }
            }
            if !spec.weekdays.isEmpty {
                let sundayZero = weekday - 1
                guard spec.weekdays.contains(where: { sundayZero >= $0.begin && sundayZero <= $0.end }) else { return false }
            }
            if !spec.years.isEmpty {
                guard spec.years.contains(where: { year >= $0.begin && year <= $0.end }) else { return false }
            }
            return true
        }

        /// The days of the month as Alertmanager counts them: the hours from the month's first
        /// midnight to the next month's, divided by 24 and truncated — so a month that loses
        /// an hour to daylight saving time counts one day short (March in Europe/Berlin: 30).
        func daysInMonth(year: Int, month: Int) -> Int {
            let next = month == 12 ? (year + 1, 1) : (year, month + 1)
            guard let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
                let end = calendar.date(from: DateComponents(year: next.0, month: next.1, day: 1))
            else { return 30 }
            return Int(end.timeIntervalSince(start) / 3600 / 24)
        }

        /// A day against one `days_of_month` span, with Alertmanager's resolution of negative
        /// days, its skip when the start is past the month's end, and its clamping.
        static func dayMatches(_ day: Int, span: TimeIntervalConfig.Span, daysInMonth: Int) -> Bool {
            var begin = span.begin < 0 ? daysInMonth + span.begin + 1 : span.begin
            var end = span.end < 0 ? daysInMonth + span.end + 1 : span.end
            if begin > daysInMonth { return false }
            begin = clamp(begin, -daysInMonth, daysInMonth)
            end = clamp(end, -daysInMonth, daysInMonth)
            return day >= begin && day <= end
        }

        static func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int {
            if value <= low { return low }
            if value >= high { return high }
            return value
        }
    }
}
