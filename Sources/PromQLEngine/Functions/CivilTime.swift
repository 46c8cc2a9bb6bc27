// Tollgate — PromQL engine: UTC calendar fields for the date functions, and natural order.

import Model

/// The UTC calendar fields of a Unix time in seconds (the date functions' `time.Unix(v, 0).UTC()`),
/// from Model's ``Timestamp`` calendar arithmetic.
struct CivilTime {
    let year: Double, month: Double, day: Double, hour: Double, minute: Double
    let weekday: Double, dayOfYear: Double, daysInMonth: Double

    init(_ seconds: Double) {
        // Go converts with truncation; NaN and out-of-range values become the minimum int64.
        let s: Int64 = seconds.isFinite && abs(seconds) < 9.2e18 ? Int64(seconds) : Int64.min / 2
        let days = Timestamp.floorDivide(s, 86_400)
        let secondOfDay = s - days * 86_400
        hour = Double(secondOfDay / 3600)
        minute = Double(secondOfDay % 3600 / 60)
        weekday = Double(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4).
        let (y, m, d) = Timestamp.civil(days: days)
        year = Double(y)
        month = Double(m)
        day = Double(d)
        dayOfYear = Double(Timestamp.days(year: y, month: m, day: d) - Timestamp.days(year: y, month: 1, day: 1) + 1)
        daysInMonth = Double(Timestamp.daysInMonth(m, year: y))
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
