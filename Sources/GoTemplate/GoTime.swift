// Tollgate — GoTemplate: Go's time.Time and time.Duration as templates print and format them (UTC only).

import Model

/// Go's `time.Time` (always UTC here) and `time.Duration` text forms.
package enum GoTime {
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    private static let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`, here always `+0000 UTC`.
    static func string(nanoseconds: Int64) -> String { format(nanoseconds: nanoseconds, layout: "2006-01-02 15:04:05.999999999 -0700 MST") }

    /// The calendar fields of an instant in UTC.
    struct Fields {
        var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, nanosecond: Int64, weekday: Int64
    }

    static func fields(_ ns: Int64) -> Fields {
        let seconds = Timestamp.floorDivide(ns, 1_000_000_000)
        let nanosecond = ns - seconds * 1_000_000_000
        let dayNumber = Timestamp.floorDivide(seconds, 86400)
        let secondOfDay = seconds - dayNumber * 86400
        let (year, month, day) = Timestamp.civil(days: dayNumber)
        let weekday = ((dayNumber % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
        return Fields(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60,
            nanosecond: nanosecond, weekday: weekday)
    }

    private static func padded(_ value: Int64, _ width: Int, _ fill: Character = "0") -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: fill, count: max(0, width - digits.count)) + digits
    }

    /// `Time.Format(layout)` for a UTC time: Go's reference-time tokens (`2006 01 02 15 04 05`,
    /// `Jan January Mon Monday 1 2 _2 3 03 06 PM pm MST`, zones `-0700 -07:00 -07 Z0700 Z07:00`,
    /// fractions `.000` / `.999` and `,000`).
    package static func format(nanoseconds: Int64, layout: String) -> String {
        let f = fields(nanoseconds)
        var out = ""
        var rest = Substring(layout)
        let monthName = months[Int((f.month - 1 + 12) % 12)]
        let dayName = days[Int(f.weekday)]
        let hour12 = f.hour % 12 == 0 ? 12 : f.hour % 12
        let tokens: [(String, () -> String)] = [
            ("January", { monthName }), ("Jan", { String(monthName.prefix(3)) }),
            ("Monday", { dayName }), ("Mon", { String(dayName.prefix(3)) }), ("MST", { "UTC" }),
            ("2006", { padded(f.year, 4) }), ("Z07:00:00", { "Z" }), ("Z07:00", { "Z" }), ("Z0700", { "Z" }), ("Z07", { "Z" }),
            ("-07:00:00", { "+00:00:00" }), ("-07:00", { "+00:00" }), ("-0700", { "+0000" }), ("-07", { "+00" }),
            ("01", { padded(f.month, 2) }), ("02", { padded(f.day, 2) }), ("_2", { padded(f.day, 2, " ") }),
            ("002", { padded(Timestamp.days(year: f.year, month: f.month, day: f.day) - Timestamp.days(year: f.year, month: 1, day: 1) + 1, 3) }),
            ("03", { padded(hour12, 2) }), ("04", { padded(f.minute, 2) }), ("05", { padded(f.second, 2) }), ("06", { padded(f.year % 100, 2) }),
            ("15", { padded(f.hour, 2) }), ("PM", { f.hour >= 12 ? "PM" : "AM" }), ("pm", { f.hour >= 12 ? "pm" : "am" }),
            ("1", { String(f.month) }), ("2", { String(f.day) }), ("3", { String(hour12) }), ("4", { String(f.minute) }), ("5", { String(f.second) }),
        ]
        outer: while !rest.isEmpty {
            if let first = rest.first, first == "." || first == ",", rest.count > 1 {
                let kind = rest[rest.index(after: rest.startIndex)]
                if kind == "0" || kind == "9" {
                    let run = rest.dropFirst().prefix { $0 == kind }
                    let after = rest.dropFirst(1 + run.count).first
                    if after == nil || !(after?.isNumber ?? false) {
                        var digits = padded(f.nanosecond, 9)
                        digits = String(digits.prefix(run.count))
                        if kind == "9" {
                            while digits.hasSuffix("0") { digits.removeLast() }
                            if !digits.isEmpty { out += String(first) + digits }
                        } else {
                            out += String(first) + digits
                        }
                        rest = rest.dropFirst(1 + run.count)
                        continue
                    }
                }
            }
            for (token, render) in tokens where rest.hasPrefix(token) {
                out += render()
                rest = rest.dropFirst(token.count)
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return out
    }

    /// `Duration.String()`: `1h2m0.01s`, `1.5ms`, `100µs`, `0s`.
    static func durationString(_ d: Int64) -> String {
        if d == 0 { return "0s" }
        let sign = d < 0 ? "-" : ""
        let u = d.magnitude
        if u < 1_000_000_000 {
            if u < 1000 { return sign + "\(u)ns" }
            if u < 1_000_000 { return sign + fraction(u, 3) + "µs" }
            return sign + fraction(u, 6) + "ms"
        }
        let seconds = u / 1_000_000_000
        var out = "\(seconds % 60)" + fractionPart(u % 1_000_000_000, 9) + "s"
        if seconds >= 60 { out = "\(seconds / 60 % 60)m" + out }
        if seconds >= 3600 { out = "\(seconds / 3600)h" + out }
        return sign + out
    }

    private static func fraction(_ value: UInt64, _ digits: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        return "\(value / scale)" + fractionPart(value % scale, digits)
    }

    private static func fractionPart(_ value: UInt64, _ digits: Int) -> String {
        guard value != 0 else { return "" }
        var text = String(value)
        text = String(repeating: "0", count: max(0, digits - text.count)) + text
        while text.hasSuffix("0") { text.removeLast() }
        return "." + text
    }

    /// Calls a method of a time or duration value: what `(x).Format "2006"` runs.
    static func method(_ name: String, on value: TemplateValue, _ args: [TemplateValue]) throws(TemplateExecError) -> TemplateValue? {
        switch (value, name) {
        case (.time(let ns), "Format"):
            guard args.count == 1, case .string(let layout) = args[0] else { throw TemplateExecError("wrong number of args for Format: want 1 got \(args.count)") }
            return .string(format(nanoseconds: ns, layout: layout))
        case (.time(let ns), "String"): return .string(string(nanoseconds: ns))
        case (.time(let ns), "Unix"): return .int(Int(Timestamp.floorDivide(ns, 1_000_000_000)))
        case (.time(let ns), "UnixMilli"): return .int(Int(Timestamp.floorDivide(ns, 1_000_000)))
        case (.time(let ns), "UnixNano"): return .int(Int(ns))
        case (.time, "UTC"), (.time, "Local"): return value
        case (.time(let ns), "Year"): return .int(Int(fields(ns).year))
        case (.time(let ns), "Day"): return .int(Int(fields(ns).day))
        case (.time(let ns), "Hour"): return .int(Int(fields(ns).hour))
        case (.time(let ns), "Minute"): return .int(Int(fields(ns).minute))
        case (.time(let ns), "Second"): return .int(Int(fields(ns).second))
        case (.duration(let d), "String"): return .string(durationString(d))
        case (.duration(let d), "Seconds"): return .float(Double(d) / 1e9)
        case (.duration(let d), "Minutes"): return .float(Double(d) / 6e10)
        case (.duration(let d), "Hours"): return .float(Double(d) / 3.6e12)
        case (.duration(let d), "Milliseconds"): return .int(Int(d / 1_000_000))
        case (.duration(let d), "Nanoseconds"): return .int(Int(d))
        default: return nil
        }
    }
}
