// Tollgate — Model: where Go's regexp syntax and RE2's differ, and Go's error wording.

/// Go's `regexp/syntax` (what Prometheus compiles) and RE2's syntax are one grammar with a
/// few differences, settled here before RE2 sees a pattern:
///
/// - `\C` (any byte) is RE2's, not Go's: rejected as `invalid escape sequence`.
/// - `(?<name>re)` is Go's (1.22 and later, so Prometheus 3.x) spelling of `(?P<name>re)`,
///   which RE2 2022 does not know: rewritten to `(?P<name>re)`. Like Go 1.22, `(?<=x)` and
///   `(?<!x)` are then refused as `invalid named capture` (Go 1.21 and RE2 say
///   `invalid or unsupported Perl syntax`).
/// - A named group without `>` is `invalid named capture` of the rest of the pattern.
/// - Group names are ASCII letters, digits and `_` in Go; RE2 also takes other letters.
///
/// Errors use Go's wording: `error parsing regexp: <code>: ` + "`fragment`".
enum GoRegexSyntax {
    /// The pattern RE2 should compile for Go's `source`.
    /// - Throws: Go's error for what RE2 would accept but Go rejects.
    static func prepare(_ source: String) throws(AnchoredRegexError) -> String {
        let bytes = Array(source.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "(") }) else { return source }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        var i = 0
        func fragment(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\\") {
                let next = i + 1 < bytes.count ? bytes[i + 1] : 0
                if next == UInt8(ascii: "C") { throw error(.badEscape, "\\C") }
                if next == UInt8(ascii: "Q") {
                    // \Q…\E: a literal run, copied as is.
                    let end = find([UInt8(ascii: "\\"), UInt8(ascii: "E")], in: bytes, from: i + 2).map { $0 + 2 } ?? bytes.count
                    out += bytes[i..<end]
                    i = end
                    continue
                }
                out += bytes[i..<min(i + 2, bytes.count)]
                i += 2
            } else if byte == UInt8(ascii: "[") {
                let end = classEnd(bytes, from: i)
                out += bytes[i..<end]
                i = end
            } else if byte == UInt8(ascii: "("), let named = namedGroup(bytes, at: i) {
                guard let close = bytes[named...].firstIndex(of: UInt8(ascii: ">")) else {
                    throw error(.badNamedCapture, fragment(i..<bytes.count))
                }
                let name = bytes[named..<close]
                guard !name.isEmpty, name.allSatisfy(isWordByte) else { throw error(.badNamedCapture, fragment(i..<close + 1)) }
                out += Array("(?P<".utf8) + name + [UInt8(ascii: ">")]
                i = close + 1
            } else {
                out.append(byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's error for RE2's refusal of `prepared` (compiled for `source`).
    static func error(_ refusal: RE2CompileError, source: String, prepared: String) -> AnchoredRegexError {
        let code = Code(rawValue: refusal.code) ?? .internalError
        // A fragment that is the whole pattern names it as written, not as rewritten.
        return error(code, refusal.fragment == prepared ? source : refusal.fragment)
    }

    /// `error parsing regexp: <code>: ` + "`fragment`", as Go's `syntax.Error` prints.
    static func error(_ code: Code, _ fragment: String) -> AnchoredRegexError {
        AnchoredRegexError("error parsing regexp: \(code.text): `\(fragment)`")
    }

    /// RE2's error codes (`RE2::ErrorCode`), with Go's `syntax.ErrorCode` texts.
    enum Code: Int {
        case internalError = 1, badEscape, badCharClass, badCharRange, missingBracket, missingParen, unexpectedParen
        case trailingBackslash, repeatArgument, repeatSize, repeatOp, badPerlOp, badUTF8, badNamedCapture, patternTooLarge

        /// Go's wording.
        var text: String {
            switch self {
            case .internalError: "regexp/syntax: internal error"
            case .badEscape: "invalid escape sequence"
            case .badCharClass: "invalid character class"
            case .badCharRange: "invalid character class range"
            case .missingBracket: "missing closing ]"
            case .missingParen: "missing closing )"
            case .unexpectedParen: "unexpected )"
            case .trailingBackslash: "trailing backslash at end of expression"
            case .repeatArgument: "missing argument to repetition operator"
            case .repeatSize: "invalid repeat count"
            case .repeatOp: "invalid nested repetition operator"
            case .badPerlOp: "invalid or unsupported Perl syntax"
            case .badUTF8: "invalid UTF-8"
            case .badNamedCapture: "invalid named capture"
            case .patternTooLarge: "expression too large"
            }
        }
    }

    /// Where a named group's name starts, for `(?P<` and Go's `(?<` (as in Go, `(?<=` and
    /// `(?<!` are read as names too, and refused as such).
    private static func namedGroup(_ bytes: [UInt8], at i: Int) -> Int? {
        guard i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") else { return nil }
        if bytes[i + 2] == UInt8(ascii: "P"), bytes[i + 3] == UInt8(ascii: "<"), i + 4 < bytes.count { return i + 4 }
        if bytes[i + 2] == UInt8(ascii: "<") { return i + 3 }
        return nil
    }

    /// The index just past the character class opening at `start` (`[^]a[:alpha:]\]]`), or
    /// the end: RE2 reports an unclosed class itself.
    private static func classEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "^") { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1 }
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "]"): return i + 1
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "[") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ":"):
                i = find([UInt8(ascii: ":"), UInt8(ascii: "]")], in: bytes, from: i + 2).map { $0 + 2 } ?? i + 1
            default: i += 1
            }
        }
        return bytes.count
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
}
