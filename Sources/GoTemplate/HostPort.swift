// Tollgate — GoTemplate: Go's net.SplitHostPort, net.JoinHostPort and net.ParseIP, for stripPort and stripDomain.

/// Go's `net` host and port helpers.
enum HostPort {
    /// `net.SplitHostPort`; nil where Go returns an error.
    static func split(_ hostPort: String) -> (host: String, port: String)? {
        let b = Array(hostPort.utf8)
        guard let i = b.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        var host: ArraySlice<UInt8>
        var j = 0, k = 0
        if b.first == UInt8(ascii: "[") {
            guard let end = b.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            guard end + 1 == i else { return nil }
            host = b[1..<end]
            j = 1
            k = end + 1
        } else {
            host = b[..<i]
            if host.contains(UInt8(ascii: ":")) { return nil }
        }
        if b[j...].contains(UInt8(ascii: "[")) || b[k...].contains(UInt8(ascii: "]")) { return nil }
        return (String(decoding: host, as: UTF8.self), String(decoding: b[(i + 1)...], as: UTF8.self))
    }

    /// `net.JoinHostPort`.
    static func join(_ host: String, _ port: String) -> String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether `net.ParseIP` accepts `s`: dotted IPv4 or IPv6 (with `::` and an IPv4 tail).
    static func isIP(_ s: String) -> Bool { isIPv4(Substring(s)) || isIPv6(s) }

    private static func isIPv4(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && !(part.count > 1 && part.first == "0") && (Int(part) ?? 256) <= 255
        }
    }

    private static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":") else { return false }
        let halves = s.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (h, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (p, part) in parts.enumerated() {
                if h == halves.count - 1, p == parts.count - 1, part.contains(".") {
                    guard isIPv4(part) else { return false }
                    groups += 2
                    continue
                }
                guard !part.isEmpty, part.count <= 4, part.allSatisfy(\.isHexDigit) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }
}

extension String {
    /// The parts around `::` (at most one `::` is valid).
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring] {
        var parts: [Substring] = []
        var rest = self[...]
        while let range = rest.firstRange(of: "::") {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
