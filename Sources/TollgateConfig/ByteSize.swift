// Tollgate — TollgateConfig: sizes such as "512MB", as Prometheus's flags take them.

/// A size with Prometheus's units: B, KB, MB, GB, TB, PB, EB (powers of 1024).
public struct ByteSize: Sendable, Hashable, CustomStringConvertible {
    /// The size in bytes.
    public var bytes: Int64

    /// Creates a size.
    public init(bytes: Int64) { self.bytes = bytes }

    /// Parses `<integer><unit>`, e.g. `0`, `100B`, `512MB`, `1GB`; nil when malformed.
    public init?(parsing text: String) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int64(digits) else { return nil }
        let unit = text.dropFirst(digits.count).uppercased()
        let units = ["": 0, "B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5, "EB": 6]
        guard let power = units[unit] else { return nil }
        var value = number
        for _ in 0..<power {
            let (product, overflow) = value.multipliedReportingOverflow(by: 1024)
            guard !overflow else { return nil }
            value = product
        }
        bytes = value
    }

    public var description: String {
        for (unit, power) in [("EB", 6), ("PB", 5), ("TB", 4), ("GB", 3), ("MB", 2), ("KB", 1)] {
            let size = Int64(1) << Int64(10 * power)
            if bytes >= size && bytes % size == 0 { return "\(bytes / size)\(unit)" }
        }
        return "\(bytes)B"
    }
}
