// Tollgate — PromQL engine: UTC calendar fields for the date functions, and natural order.

/// The UTC calendar fields of a Unix time in seconds (the date functions' `time.Unix(v, 0).UTC()`).
struct CivilTime {
    let year: Double, month: Double, day: Double, hour: Double, minute: Double
    let weekday: Double, dayOfYear: Double, daysInMonth: Double

    init(_ seconds: Double) {
        // Go converts with truncation; NaN and out-of-range values become the minimum int64.
        let s: Int64 = seconds.isFinite && abs(seconds) < 9.2e18 ? Int64(seconds) : Int64.min / 2
        let days = Self.floorDiv(s, 86_400)
        let secondOfDay = s - days * 86_400
        hour = Double(secondOfDay / 3600)
        minute = Double(secondOfDay % 3600 / 60)
        weekday = Double(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4).
        let (y, m, d) = Self.civil(fromDays: days)
        year = Double(y)
        month = Double(m)
        day = Double(d)
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][Int(m) - 1]
        dayOfYear = Double(before + Int(d) + (leap && m > 2 ? 1 : 0))
        daysInMonth = Double(m == 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(m) - 1])
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Howard Hinnant's `civil_from_days`.
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Natural string order, as `sort_by_label` uses (runs of digits compare as numbers).
enum NaturalOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        let x = chunks(a), y = chunks(b)
        for i in x.indices {
            if i >= y.count { return false }
            let equal: Bool
            if let p = Int(x[i]), let q = Int(y[i]) {
                if p != q { return p < q }
                equal = true
            } else {
                equal = x[i] == y[i]
                if !equal { return x[i].utf8.lexicographicallyPrecedes(y[i].utf8) }
            }
            if equal {
                if i == x.count - 1 { return true }
                if i == y.count - 1 { return false }
            }
        }
        return false
    }

    /// Runs of digits and runs of other characters.
    private static func chunks(_ s: String) -> [String] {
        var result: [String] = []
        var current = ""
        var digits: Bool?
        for c in s {
            let isDigit = c.isASCII && c.isNumber
            if digits != nil && digits != isDigit {
                result.append(current)
                current = ""
            }
            digits = isDigit
            current.append(c)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
