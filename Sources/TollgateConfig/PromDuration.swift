// Tollgate — TollgateConfig: Prometheus durations ("15s", "1h30m", "500ms").

/// A Prometheus duration: one or more `<number><unit>` parts, largest unit first,
/// units `y w d h m s ms`; `0` alone means zero.
public struct PromDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a duration from milliseconds.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Parses Prometheus's duration syntax; nil when it does not parse.
    public init?(parsing text: String) {
        if text == "0" {
            milliseconds = 0
            return
        }
        let units: [(String, Int64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
        ]
        var bytes = Array(text.utf8)[...]
        var total: Int64 = 0
        var lastUnit = -1
        guard !bytes.isEmpty else { return nil }
        while !bytes.isEmpty {
            var number: Int64 = 0
            var digits = 0
            while let c = bytes.first, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                let (m, o1) = number.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(c - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                number = s
                digits += 1
                bytes = bytes.dropFirst()
            }
            guard digits > 0 else { return nil }
            var unit = ""
            while let c = bytes.first, c >= UInt8(ascii: "a"), c <= UInt8(ascii: "z") {
                unit.append(Character(Unicode.Scalar(c)))
                bytes = bytes.dropFirst()
            }
            guard let index = units.firstIndex(where: { $0.0 == unit }), index > lastUnit else { return nil }
            lastUnit = index
            let (part, o1) = number.multipliedReportingOverflow(by: units[index].1)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { return nil }
            total = sum
        }
        milliseconds = total
    }

    public static func < (lhs: PromDuration, rhs: PromDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The canonical form Prometheus prints: `1h30m`, `15s`, `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = ""
        for (unit, size) in [("y", Int64(365 * 86_400_000)), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
            if unit == "w" && rest % size != 0 { continue }
            let n = rest / size
            if n > 0 {
                out += "\(n)\(unit)"
                rest -= n * size
            }
        }
        return out
    }
}
