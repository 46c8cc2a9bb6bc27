// Tollgate — timestamps: the forms Prometheus's API reads and writes, and UTC calendar arithmetic.

import Model
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2023-11-14T22:13:20.123Z", 1_700_000_000_123), ("2023-11-14T23:13:20.123+01:00", 1_700_000_000_123),
        ("2023-11-14T22:13:20.1239Z", 1_700_000_000_123), ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T17:13:20-05:00", 1_700_000_000_000), ("1970-01-01T00:00:00Z", 0), ("1969-12-31T23:59:59.5Z", -500),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000), ("1700000000.123", 1_700_000_000_123), ("1700000000.1234", 1_700_000_000_123),
        ("1700000000", 1_700_000_000_000), ("-1.5", -1500), ("1e3", 1_000_000),
    ] as [(String, Int64)])
    func parsesWhatPrometheusAccepts(_ text: String, _ ms: Int64) {
        #expect(Timestamp.parse(text) == ms)
    }

    @Test(arguments: [
        "", "x", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14 22:13:20Z", "2023-02-29T00:00:00Z", "2023-13-01T00:00:00Z",
        "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20.1234567890Z", "2023-11-14T22:13:20+0100",
        "2023-11-14T22:13:20ZZ", "NaN", "Inf", "1e20",
    ])
    func rejectsOtherTexts(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test(arguments: [
        (1_700_000_000_250, "2023-11-14T22:13:20.25Z"), (0, "1970-01-01T00:00:00Z"), (1_700_000_000_001, "2023-11-14T22:13:20.001Z"),
        (-500, "1969-12-31T23:59:59.5Z"), (951_782_400_000, "2000-02-29T00:00:00Z"),
    ] as [(Int64, String)])
    func printsRFC3339NanoInUTC(_ ms: Int64, _ text: String) {
        #expect(Timestamp.rfc3339(milliseconds: ms) == text)
        #expect(Timestamp.parse(text) == ms)
    }

    @Test func nanosecondsKeepTheirDigits() {
        #expect(Timestamp.rfc3339(seconds: 1_700_000_000, nanoseconds: 123_456_789) == "2023-11-14T22:13:20.123456789Z")
    }

    /// Every day from 1600 to 2400 goes to its date and back.
    @Test func civilDatesRoundTrip() {
        var days = Timestamp.days(year: 1600, month: 1, day: 1)
        var (year, month, day): (Int64, Int64, Int64) = (1600, 1, 1)
        while year < 2400 {
            let date = Timestamp.civil(days: days)
            #expect(date.year == year && date.month == month && date.day == day)
            #expect(Timestamp.days(year: year, month: month, day: day) == days)
            days += 1
            day += 1
            if day > Timestamp.daysInMonth(month, year: year) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
    }

    @Test func leapYears() {
        #expect(Timestamp.isLeapYear(2000) && Timestamp.isLeapYear(2024))
        #expect(!Timestamp.isLeapYear(1900) && !Timestamp.isLeapYear(2023))
    }

    @Test func floorDivisionRoundsDown() {
        #expect(Timestamp.floorDivide(-1, 1000) == -1)
        #expect(Timestamp.floorDivide(-1000, 1000) == -1)
        #expect(Timestamp.floorDivide(999, 1000) == 0)
    }
}
