// Tollgate — PromQL: string literals with Go's escapes, and Go's quoting of runes in messages.

extension Lexer {
    /// `"…"` or `'…'` with Go escapes; the token text is the unquoted value.
    mutating func lexString(quote: UInt8, start: Int) -> Bool {
        var bytes: [UInt8] = []
        while true {
            guard let c = peek(), c != UInt8(ascii: "\n") else {
                fail("unterminated quoted string", at: start)
                return false
            }
            pos += 1
            if c == quote { break }
            if c != UInt8(ascii: "\\") {
                bytes.append(c)
                continue
            }
            if let message = lexEscape(quote: quote, into: &bytes) {
                fail(message, at: start)
                return false
            }
        }
        emit(.string, from: start, text: String(decoding: bytes, as: UTF8.self), isValidUTF8: String(validating: bytes, as: UTF8.self) != nil)
        return true
    }

    /// Decodes one escape after a backslash; returns an error message on failure.
    private mutating func lexEscape(quote: UInt8, into bytes: inout [UInt8]) -> String? {
        guard let c = peek() else { return "escape sequence not terminated" }
        pos += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "n"): 10,
            UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11, UInt8(ascii: "\\"): 92,
        ]
        if let value = simple[c] {
            bytes.append(value)
            return nil
        }
        if c == quote {
            bytes.append(c)
            return nil
        }
        var count: Int, base: UInt32, maximum: UInt32
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            pos -= 1
            (count, base, maximum) = (3, 8, 255)
        case UInt8(ascii: "x"): (count, base, maximum) = (2, 16, 255)
        case UInt8(ascii: "u"): (count, base, maximum) = (4, 16, 0x10FFFF)
        case UInt8(ascii: "U"): (count, base, maximum) = (8, 16, 0x10FFFF)
        default:
            pos -= 1
            return "unknown escape sequence \(goRuneU(at: pos))"
        }
        var value: UInt32 = 0
        while count > 0 {
            guard let d = peek() else { return "escape sequence not terminated" }
            guard let digit = hexValue(d), digit < base else {
                return "illegal character \(goRuneU(at: pos)) in escape sequence"
            }
            pos += 1
            value = value * base + digit
            count -= 1
        }
        if value > maximum || (0xD800..<0xE000).contains(value) {
            return "escape sequence is an invalid Unicode code point"
        }
        if maximum == 255 {
            bytes.append(UInt8(value))
        } else if let scalar = Unicode.Scalar(value) {
            bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        return nil
    }

    mutating func lexRawString(start: Int) -> Bool {
        while true {
            guard let c = peek() else {
                fail("unterminated raw string", at: start)
                return false
            }
            pos += 1
            if c == UInt8(ascii: "`") { break }
        }
        emit(.string, from: start, text: String(decoding: input[(start + 1)..<(pos - 1)], as: UTF8.self))
        return true
    }

    /// The rune at an offset, decoded from UTF-8.
    func rune(at offset: Int) -> Unicode.Scalar? {
        guard offset < input.count else { return nil }
        var iterator = input[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return "\u{FFFD}"
    }

    /// Go's `%q` of a rune: `'.'`; end of input is Go's `eof` rune (-1).
    func quoteRune(at offset: Int) -> String {
        guard let scalar = rune(at: offset) else { return "'\\uffff'" }
        if scalar == "'" { return "'\\''" }
        let quoted = goQuote(String(Character(scalar)))
        let inner = quoted.dropFirst().dropLast()
        return "'" + (inner == "\\\"" ? "\"" : String(inner)) + "'"
    }

    /// Go's `%#U` of a rune: `U+007A 'z'`.
    func goRuneU(at offset: Int) -> String {
        guard let scalar = rune(at: offset) else { return "U+FFFFFFFFFFFFFFFF" }
        var digits = String(scalar.value, radix: 16, uppercase: true)
        while digits.count < 4 { digits = "0" + digits }
        return "U+\(digits) \(quoteRune(at: offset))"
    }
}
