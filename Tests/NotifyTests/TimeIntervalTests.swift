// Tollgate — Notify tests: time intervals (Alertmanager's timeinterval.TimeInterval.ContainsTime).

import Foundation
import Notify
import Testing
import TollgateConfig

@Suite struct TimeIntervalTests {
    typealias Spec = TimeIntervalConfig.TimeSpec
    typealias Span = TimeIntervalConfig.Span

    /// Milliseconds for a wall-clock time at a UTC offset (hours), like Go's RFC822Z strings.
    static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, offset: Int = 0) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset * 3600) ?? calendar.timeZone
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) ?? Date(timeIntervalSince1970: 0)
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, offset: Int = 0) -> Int64 {
        Self.at(year, month, day, hour, minute, offset: offset)
    }

    func spans(_ pairs: [(Int, Int)]) -> [Span] { pairs.map { Span(begin: $0.0, end: $0.1) } }

    func spec(
        times: [(Int, Int)] = [], weekdays: [(Int, Int)] = [], days: [(Int, Int)] = [], months: [(Int, Int)] = [],
        years: [(Int, Int)] = [], location: String? = nil
    ) -> Spec {
        var spec = Spec()
        spec.times = spans(times)
        spec.weekdays = spans(weekdays)
        spec.daysOfMonth = spans(days)
        spec.months = spans(months)
        spec.years = spans(years)
        spec.location = location
        return spec
    }

    func check(_ spec: Spec, contains: [Int64], excludes: [Int64], sourceLocation: SourceLocation = #_sourceLocation) {
        for time in contains {
            #expect(TimeIntervals.contains(spec, at: time), "should contain \(Date(timeIntervalSince1970: Double(time) / 1000))", sourceLocation: sourceLocation)
        }
        for time in excludes {
            #expect(!TimeIntervals.contains(spec, at: time), "should exclude \(Date(timeIntervalSince1970: Double(time) / 1000))", sourceLocation: sourceLocation)
        }
    }

    /// Alertmanager's `TestContainsTime` cases.
    @Test func containsTimeCases() {
        check(spec(), contains: [at(2006, 1, 2, 15, 4), at(2007, 1, 3, 10, 4), at(2006, 1, 4, 9, 4)], excludes: [])
        // 9am to 5pm, Monday to Friday.
        check(
            spec(times: [(540, 1020)], weekdays: [(1, 5)]),
            contains: [at(2020, 5, 4, 15, 4), at(2020, 5, 5, 10, 4), at(2020, 6, 9, 9, 4)],
            excludes: [at(2020, 5, 3, 15, 4), at(2020, 5, 4, 8, 59), at(2020, 5, 5, 5, 0)])
        // Easter 2020.
        check(
            spec(days: [(4, 6)], months: [(4, 4)], years: [(2020, 2020)]),
            contains: [at(2020, 4, 4, 15, 4), at(2020, 4, 5, 0, 0), at(2020, 4, 6, 23, 5)],
            excludes: [at(2018, 5, 3, 15, 4), at(2020, 4, 3, 23, 59), at(2020, 6, 4, 23, 59), at(2019, 4, 6, 23, 59), at(2020, 4, 7, 0, 0)])
        // The last three days of every month.
        check(
            spec(days: [(-3, -1)]),
            contains: [at(2020, 1, 31, 15, 4), at(2020, 1, 30, 15, 4), at(2020, 1, 29, 15, 4), at(2020, 6, 30, 0, 0), at(2020, 2, 29, 23, 5)],
            excludes: [
                at(2018, 5, 3, 15, 4), at(2020, 1, 27, 15, 4), at(2020, 4, 3, 23, 59), at(2020, 6, 4, 23, 59), at(2019, 4, 6, 23, 59),
                at(2020, 4, 7, 0, 0), at(2020, 3, 1, 0, 0),
            ])
        // Out-of-bound days are clamped to the month.
        check(
            spec(days: [(-31, 31)], months: [(6, 6)]),
            contains: [at(2020, 6, 30, 0, 0), at(2020, 6, 1, 0, 0)],
            excludes: [at(2020, 5, 31, 0, 0), at(2020, 7, 1, 0, 0)])
        // Australia/Sydney business hours.
        check(
            spec(times: [(540, 1020)], weekdays: [(1, 5)], location: "Australia/Sydney"),
            contains: [at(2021, 4, 6, 13, 0, offset: 10)],
            excludes: [at(2021, 4, 6, 13, 0)])
        // Australia/Sydney during daylight saving time.
        check(
            spec(times: [(540, 1020)], weekdays: [(1, 5)], months: [(11, 11)], location: "Australia/Sydney"),
            contains: [at(2021, 11, 1, 9, 0, offset: 11), at(2021, 10, 31, 22, 0)],
            excludes: [at(2021, 10, 31, 21, 0)])
    }

    /// The "more advanced" case of Alertmanager's `TestYamlUnmarshal`.
    @Test func lastWeekOfTheFirstQuarter() {
        let last = spec(
            times: [(540, 1020)], weekdays: [(1, 5), (0, 0)], days: [(-7, -1)], months: [(1, 3)], years: [(2020, 2025), (2030, 2035)])
        check(
            last,
            contains: [at(2021, 1, 27, 9, 0), at(2021, 1, 28, 16, 59), at(2021, 1, 29, 13, 0), at(2025, 3, 31, 13, 0), at(2035, 1, 31, 13, 0)],
            excludes: [at(2021, 1, 30, 13, 0), at(2021, 4, 1, 13, 0), at(2026, 1, 30, 13, 0), at(2035, 1, 31, 17, 1)])
    }

    /// Alertmanager's `TestTimeIntervalComplete`, including its "broken clamping" case.
    @Test func completeCases() {
        check(
            spec(times: [(780, 900)], weekdays: [(1, 3), (6, 6), (0, 0)], days: [(1, 1), (10, 10), (20, -1)], months: [(1, 3)], years: [(2020, 2023)]),
            contains: [at(2021, 1, 10, 13, 0), at(2021, 1, 30, 14, 24)],
            excludes: [at(2021, 1, 9, 13, 0), at(2021, 1, 20, 12, 59), at(2021, 2, 2, 13, 0)])
        check(spec(days: [(30, 31)], months: [(2, 2)], years: [(2020, 2023)]), contains: [], excludes: [at(2021, 2, 28, 13, 0)])
    }

    @Test func timesExcludeTheirEnd() {
        check(spec(times: [(0, 60), (1380, 1440)]), contains: [at(2024, 1, 1, 0, 0), at(2024, 1, 1, 0, 59), at(2024, 1, 1, 23, 59)], excludes: [at(2024, 1, 1, 1, 0), at(2024, 1, 1, 22, 59)])
    }

    /// Negative days of month in February of a leap year (and of a common one).
    @Test func februaryOfALeapYear() {
        check(spec(days: [(-1, -1)]), contains: [at(2024, 2, 29, 12, 0), at(2023, 2, 28, 12, 0)], excludes: [at(2024, 2, 28, 12, 0)])
        check(spec(days: [(-3, -1)], months: [(2, 2)]), contains: [at(2024, 2, 27, 0, 0), at(2024, 2, 29, 23, 59)], excludes: [at(2024, 2, 26, 23, 59)])
        check(spec(days: [(-29, -29)]), contains: [at(2024, 2, 1, 12, 0)], excludes: [at(2024, 2, 2, 12, 0)])
        // 30:31 starts past February's end: skipped, not clamped to the 29th.
        check(spec(days: [(30, 31)]), contains: [at(2024, 1, 31, 0, 0)], excludes: [at(2024, 2, 29, 12, 0)])
        // 1:31 is clamped to the month's end.
        check(spec(days: [(1, 31)], months: [(2, 2)]), contains: [at(2024, 2, 29, 12, 0)], excludes: [at(2024, 3, 1, 0, 0)])
        // -31:-29 in February 2024 resolves to -1…1 after clamping, so only the 1st.
        check(spec(days: [(-31, -29)], months: [(2, 2)], years: [(2024, 2024)]), contains: [at(2024, 2, 1, 0, 0)], excludes: [at(2024, 2, 2, 0, 0)])
    }

    /// Business hours across the spring change in Europe/Berlin (CET +1 → CEST +2 on
    /// 2024-03-31) and America/New_York (EST −5 → EDT −4 on 2024-03-10).
    @Test func businessHoursAcrossDaylightSavingTime() {
        let berlin = spec(times: [(540, 1020)], weekdays: [(1, 5)], location: "Europe/Berlin")
        check(
            berlin,
            contains: [at(2024, 3, 29, 8, 0), at(2024, 4, 2, 7, 0), at(2024, 4, 2, 14, 59), at(2024, 10, 28, 8, 0)],
            excludes: [at(2024, 3, 29, 7, 59), at(2024, 4, 2, 6, 59), at(2024, 4, 2, 15, 0), at(2024, 3, 31, 8, 0)])
        let newYork = spec(times: [(540, 1020)], weekdays: [(1, 5)], location: "America/New_York")
        check(
            newYork,
            contains: [at(2024, 3, 8, 14, 0), at(2024, 3, 11, 13, 0), at(2024, 3, 11, 20, 59)],
            excludes: [at(2024, 3, 8, 13, 59), at(2024, 3, 11, 12, 59), at(2024, 3, 11, 21, 0)])
        // The skipped hour: 02:00–03:00 local never occurs on 2024-03-31 in Berlin.
        let skipped = spec(times: [(120, 180)], location: "Europe/Berlin")
        check(skipped, contains: [at(2024, 3, 30, 1, 30)], excludes: [at(2024, 3, 31, 0, 59), at(2024, 3, 31, 1, 0), at(2024, 3, 31, 1, 30)])
        // The repeated hour in autumn: 02:30 local happens twice on 2024-10-27, both inside.
        let repeated = spec(times: [(150, 160)], location: "Europe/Berlin")
        check(repeated, contains: [at(2024, 10, 27, 0, 30), at(2024, 10, 27, 1, 30)], excludes: [at(2024, 10, 27, 2, 30)])
    }

    /// Alertmanager counts a month's days as its hours divided by 24, truncated: a month that
    /// springs forward counts 30 days in a zone with daylight saving time, so "-1" is the 30th
    /// of March in Berlin and New York (and "31" never matches there), but the 31st in UTC.
    @Test func daysInAMonthThatSpringsForward() {
        let lastDay = spec(days: [(-1, -1)], location: "Europe/Berlin")
        check(lastDay, contains: [at(2024, 3, 30, 11, 0), at(2024, 10, 31, 11, 0)], excludes: [at(2024, 3, 31, 10, 0)])
        check(spec(days: [(31, 31)], location: "Europe/Berlin"), contains: [at(2024, 1, 31, 11, 0)], excludes: [at(2024, 3, 31, 10, 0)])
        check(spec(days: [(-1, -1)], location: "America/New_York"), contains: [at(2024, 3, 30, 16, 0)], excludes: [at(2024, 3, 31, 16, 0)])
        check(spec(days: [(-1, -1)]), contains: [at(2024, 3, 31, 10, 0)], excludes: [at(2024, 3, 30, 10, 0)])
    }

    @Test func locationsResolve() {
        // The date line: 2024-01-01 23:30 UTC is already Tuesday the 2nd in Auckland (+13).
        check(spec(weekdays: [(2, 2)], location: "Pacific/Auckland"), contains: [at(2024, 1, 1, 23, 30)], excludes: [at(2024, 1, 1, 10, 0)])
        check(spec(weekdays: [(1, 1)], location: "UTC"), contains: [at(2024, 1, 1, 23, 30)], excludes: [])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let localHour = calendar.component(.hour, from: Date(timeIntervalSince1970: Double(at(2024, 6, 1, 12, 0)) / 1000))
        check(spec(times: [(localHour * 60, localHour * 60 + 60)], location: "Local"), contains: [at(2024, 6, 1, 12, 0)], excludes: [])
    }

    @Test func namedIntervals() {
        let weekend = TimeIntervalConfig(name: "weekend", intervals: [spec(weekdays: [(6, 6)]), spec(weekdays: [(0, 0)])])
        let nights = TimeIntervalConfig(name: "nights", intervals: [spec(times: [(0, 360)])])
        let intervals = TimeIntervals([weekend, nights])
        let saturdayNoon = at(2024, 6, 1, 12, 0)
        let mondayNight = at(2024, 6, 3, 2, 0)
        #expect(intervals.names == ["nights", "weekend"])
        #expect(intervals.contains("weekend", at: saturdayNoon))
        #expect(!intervals.contains("weekend", at: mondayNight))
        #expect(intervals.any(of: ["weekend", "nights"], at: mondayNight))
        #expect(!intervals.any(of: ["weekend"], at: mondayNight))
        #expect(!intervals.any(of: [], at: mondayNight))
        #expect(intervals.matching(["nights", "weekend"], at: at(2024, 6, 2, 1, 0)) == ["nights", "weekend"])
        #expect(!intervals.contains("unknown", at: saturdayNoon))
        // A set with no intervals holds nothing; an interval with no fields holds everything.
        #expect(!TimeIntervals([TimeIntervalConfig(name: "none", intervals: [])]).contains("none", at: saturdayNoon))
        #expect(TimeIntervals([TimeIntervalConfig(name: "all", intervals: [Spec()])]).contains("all", at: saturdayNoon))
    }
}
