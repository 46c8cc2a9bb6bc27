// Tollgate — Model: whether Go's `url.Parse` accepts a text (go-openapi's `uri` format).

/// The checks of Go's `url.Parse` that refuse a text: control characters, a missing
/// scheme before a leading colon, a colon in the first segment of a relative path, a bad
/// `%` escape outside the query, a port that is not digits, a host with characters a host
/// cannot have.
extension GoURL {
    /// Whether `url.Parse(text)` returns no error.
    package static func parses(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return false }
        var rest = bytes[...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard escapesAreValid(rest[(hash + 1)...]) else { return false }
            rest = rest[..<hash]
        }
        if rest.elementsEqual("*".utf8) { return true }
        var scheme = false
        for (offset, byte) in rest.enumerated() {
            let letter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            if letter { continue }
            if (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") {
                if offset == 0 { break }
                continue
            }
            if byte == UInt8(ascii: ":") {
                if offset == 0 { return false }  // missing protocol scheme
                scheme = true
                rest = rest.dropFirst(offset + 1)
            }
            break
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) { rest = rest[..<question] }
        if !scheme, rest.first != UInt8(ascii: "/") {
            let segment = rest.prefix { $0 != UInt8(ascii: "/") }
            if segment.contains(UInt8(ascii: ":")) { return false }
        }
        if rest.starts(with: "//".utf8), scheme || !rest.starts(with: "///".utf8) {
            let authority = rest.dropFirst(2).prefix { $0 != UInt8(ascii: "/") }
            rest = rest.dropFirst(2 + authority.count)
            guard hostIsValid(authority) else { return false }
        }
        return escapesAreValid(rest)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }

    private static func escapesAreValid(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return true
    }

    private static func hostIsValid(_ authority: ArraySlice<UInt8>) -> Bool {
        var host = authority
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            let userinfo = authority[..<at]
            let allowed = Set("-._:~!$&'()*+,;=%@".utf8)
            guard userinfo.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) }) else { return false }
            host = authority[(at + 1)...]
        }
        if host.first == UInt8(ascii: "[") {
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
            return portIsValid(host[(close + 1)...])
        }
        if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
            guard portIsValid(host[colon...]) else { return false }
            host = host[..<colon]
        }
        guard escapesAreValid(host) else { return false }
        let allowed = Set("-_.~!$&'()*+,;=:[]<>\"%".utf8)
        return host.allSatisfy { $0 >= 0x80 || isAlphanumeric($0) || allowed.contains($0) }
    }

    private static func portIsValid(_ port: ArraySlice<UInt8>) -> Bool {
        guard let first = port.first else { return true }
        return first == UInt8(ascii: ":") && port.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }
}
