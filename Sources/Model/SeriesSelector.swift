// Tollgate — Model: parsing a series selector such as `up{job="api",code=~"5.."}`.

/// Parses the series-selector syntax that `--match[]` and `tsdb dump --match` take:
/// an optional metric name, then optional braces with matchers. Strings may use double
/// or single quotes or backticks; `\\`, `\"`, `\n`, `\t` are unescaped in quoted ones.
public enum SeriesSelector {
    /// The matchers of a selector.
    /// - Throws: ``LabelMatcherError`` naming the position of the problem.
    public static func parse(_ text: String) throws(LabelMatcherError) -> [LabelMatcher] {
        var scanner = Scanner(bytes: Array(text.utf8))
        var matchers: [LabelMatcher] = []
        scanner.skipSpaces()
        if let name = scanner.identifier(allowColon: true) {
            matchers.append(try LabelMatcher(.equal, metricNameLabel, name))
        }
        scanner.skipSpaces()
        if scanner.take(UInt8(ascii: "{")) {
            while true {
                scanner.skipSpaces()
                if scanner.take(UInt8(ascii: "}")) { break }
                let name: String
                if let quoted = try scanner.string() { name = quoted } else if let bare = scanner.identifier(allowColon: false) { name = bare } else {
                    throw scanner.error("expected a label name")
                }
                scanner.skipSpaces()
                guard let kind = scanner.matchOperator() else { throw scanner.error("expected =, !=, =~ or !~") }
                scanner.skipSpaces()
                guard let value = try scanner.string() else { throw scanner.error("expected a quoted value") }
                matchers.append(try LabelMatcher(kind, name, value))
                scanner.skipSpaces()
                if scanner.take(UInt8(ascii: ",")) { continue }
                guard scanner.take(UInt8(ascii: "}")) else { throw scanner.error("expected , or }") }
                break
            }
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw scanner.error("unexpected text") }
        guard !matchers.isEmpty, matchers.contains(where: { !$0.matchesEmpty }) else {
            throw LabelMatcherError("selector \(text) must contain at least one matcher that does not match the empty string")
        }
        return matchers
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0

        var atEnd: Bool { i == bytes.count }

        func error(_ message: String) -> LabelMatcherError {
            LabelMatcherError("\(message) at offset \(i) of the selector \"\(String(decoding: bytes, as: UTF8.self))\"")
        }

        mutating func skipSpaces() {
            while i < bytes.count && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") || bytes[i] == UInt8(ascii: "\n")) { i += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        mutating func identifier(allowColon: Bool) -> String? {
            let start = i
            while i < bytes.count {
                let c = bytes[i]
                let letter = (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") || c == UInt8(ascii: "_") || (allowColon && c == UInt8(ascii: ":"))
                let digit = c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
                guard letter || (digit && i > start) else { break }
                i += 1
            }
            return i > start ? String(decoding: bytes[start..<i], as: UTF8.self) : nil
        }

        mutating func matchOperator() -> LabelMatcher.Kind? {
            if take(UInt8(ascii: "=")) { return take(UInt8(ascii: "~")) ? .regex : .equal }
            if take(UInt8(ascii: "!")) {
                if take(UInt8(ascii: "=")) { return .notEqual }
                if take(UInt8(ascii: "~")) { return .notRegex }
            }
            return nil
        }

        mutating func string() throws(LabelMatcherError) -> String? {
            guard i < bytes.count, [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`")].contains(bytes[i]) else { return nil }
            let quote = bytes[i]
            i += 1
            var out: [UInt8] = []
            while i < bytes.count && bytes[i] != quote {
                if bytes[i] == UInt8(ascii: "\\") && quote != UInt8(ascii: "`") && i + 1 < bytes.count {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                    default: out.append(bytes[i])
                    }
                } else {
                    out.append(bytes[i])
                }
                i += 1
            }
            guard take(quote) else { throw error("unterminated string") }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
