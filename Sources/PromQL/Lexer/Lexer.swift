// Tollgate — PromQL: the lexer, with the states of Prometheus's promql/parser/lex.go.

/// Splits a query into tokens. The token list always ends with `.eof` or with one `.error`
/// token carrying the lexer's message, as Prometheus's lexer stops at its first error.
struct Lexer {
    private let input: [UInt8]
    private var pos = 0
    private var parenDepth = 0
    private var braceOpen = false
    private var bracketOpen = false
    private(set) var tokens: [Token] = []

    /// Lexes the whole query.
    static func tokenize(_ input: [UInt8]) -> [Token] {
        var lexer = Lexer(input: input)
        lexer.run()
        return lexer.tokens
    }

    private init(input: [UInt8]) { self.input = input }

    private func peek(_ offset: Int = 0) -> UInt8? {
        pos + offset < input.count ? input[pos + offset] : nil
    }

    private mutating func emit(_ kind: Token.Kind, from start: Int, text: String? = nil) {
        let raw = String(decoding: input[start..<pos], as: UTF8.self)
        tokens.append(Token(kind: kind, text: text ?? raw, start: start, end: pos, raw: raw))
    }

    private mutating func fail(_ message: String, at start: Int) {
        tokens.append(Token(kind: .error, text: message, start: start, end: input.count))
    }

    private mutating func run() {
        while true {
            let ok = braceOpen ? lexInsideBraces() : lexStatement()
            if !ok { return }
        }
    }

    /// One token outside braces; false when lexing is over.
    private mutating func lexStatement() -> Bool {
        let start = pos
        guard let c = peek() else {
            if parenDepth != 0 {
                fail("unclosed left parenthesis", at: pos)
            } else if bracketOpen {
                fail("unclosed left bracket", at: pos)
            } else {
                emit(.eof, from: pos, text: "")
            }
            return false
        }
        if isSpace(c) {
            pos += 1
            return true
        }
        if c == UInt8(ascii: "#") {
            while let d = peek(), d != UInt8(ascii: "\n") { pos += 1 }
            return true
        }
        pos += 1
        switch c {
        case UInt8(ascii: ","): emit(.comma, from: start)
        case UInt8(ascii: "*"): emit(.op(.mul), from: start)
        case UInt8(ascii: "/"): emit(.op(.div), from: start)
        case UInt8(ascii: "%"): emit(.op(.mod), from: start)
        case UInt8(ascii: "+"): emit(.op(.add), from: start)
        case UInt8(ascii: "-"): emit(.op(.sub), from: start)
        case UInt8(ascii: "^"): emit(.op(.pow), from: start)
        case UInt8(ascii: "@"): emit(.at, from: start)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.eql), from: start)
            } else if peek() == UInt8(ascii: "~") {
                fail("unexpected character after '=': '~'", at: start)
                return false
            } else {
                emit(.assign, from: start)
            }
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.neq), from: start)
            } else {
                fail("unexpected character after '!': \(quoteRune(at: pos))", at: start)
                return false
            }
        case UInt8(ascii: "<"):
            if peek() == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.lte), from: start)
            } else if peek() == UInt8(ascii: "/") {
                pos += 1
                emit(.op(.trimLower), from: start)
            } else {
                emit(.op(.lss), from: start)
            }
        case UInt8(ascii: ">"):
            if peek() == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.gte), from: start)
            } else if peek() == UInt8(ascii: "/") {
                pos += 1
                emit(.op(.trimUpper), from: start)
            } else {
                emit(.op(.gtr), from: start)
            }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return lexString(quote: c, start: start)
        case UInt8(ascii: "`"):
            return lexRawString(start: start)
        case UInt8(ascii: "("):
            parenDepth += 1
            emit(.leftParen, from: start)
        case UInt8(ascii: ")"):
            parenDepth -= 1
            if parenDepth < 0 {
                fail("unexpected right parenthesis ')'", at: pos)
                return false
            }
            emit(.rightParen, from: start)
        case UInt8(ascii: "{"):
            braceOpen = true
            emit(.leftBrace, from: start)
        case UInt8(ascii: "["):
            if bracketOpen {
                fail("unexpected left bracket '['", at: start)
                return false
            }
            bracketOpen = true
            emit(.leftBracket, from: start)
        case UInt8(ascii: "]"):
            if !bracketOpen {
                fail("unexpected right bracket ']'", at: start)
                return false
            }
            bracketOpen = false
            emit(.rightBracket, from: start)
        case UInt8(ascii: ":") where bracketOpen:
            emit(.colon, from: start)
        default:
            if isDigit(c) || (c == UInt8(ascii: ".") && peek().map(isDigit) == true) {
                pos = start
                return lexNumberOrDuration()
            }
            if isAlpha(c) || c == UInt8(ascii: ":") {
                pos = start
                lexKeywordOrIdentifier()
                return true
            }
            pos = start
            fail("unexpected character: \(quoteRune(at: start))", at: start)
            return false
        }
        return true
    }

    /// One token inside `{…}`.
    private mutating func lexInsideBraces() -> Bool {
        let start = pos
        guard let c = peek() else {
            fail("unexpected end of input inside braces", at: pos)
            return false
        }
        if isSpace(c) {
            pos += 1
            return true
        }
        if c == UInt8(ascii: "#") {
            while let d = peek(), d != UInt8(ascii: "\n") { pos += 1 }
            return true
        }
        if isAlpha(c) {
            while let d = peek(), isAlphaNumeric(d) { pos += 1 }
            emit(.identifier, from: start)
            return true
        }
        pos += 1
        switch c {
        case UInt8(ascii: ","): emit(.comma, from: start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return lexString(quote: c, start: start)
        case UInt8(ascii: "`"): return lexRawString(start: start)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "~") {
                pos += 1
                emit(.eqlRegex, from: start)
            } else {
                emit(.assign, from: start)
            }
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "~") {
                pos += 1
                emit(.neqRegex, from: start)
            } else if peek() == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.neq), from: start)
            } else {
                fail("unexpected character after '!' inside braces: \(quoteRune(at: pos))", at: start)
                return false
            }
        case UInt8(ascii: "{"):
            fail("unexpected left brace '{' inside braces", at: start)
            return false
        case UInt8(ascii: "}"):
            braceOpen = false
            emit(.rightBrace, from: start)
        default:
            fail("unexpected character inside braces: \(quoteRune(at: start))", at: start)
            return false
        }
        return true
    }

    private mutating func lexKeywordOrIdentifier() {
        let start = pos
        while let d = peek(), isAlphaNumeric(d) || (d == UInt8(ascii: ":") && !bracketOpen) { pos += 1 }
        let word = String(decoding: input[start..<pos], as: UTF8.self)
        let lower = word.lowercased()
        if let op = BinaryOperator(rawValue: lower), op == .and || op == .or || op == .unless || op == .atan2 {
            emit(.op(op), from: start)
        } else if let agg = AggregateOp(rawValue: lower) {
            emit(.aggregator(agg), from: start)
        } else if let keyword = Keyword(rawValue: lower) {
            emit(.keyword(keyword), from: start)
        } else if lower == "inf" || lower == "nan" {
            emit(.number, from: start)
        } else if word.contains(":") {
            emit(.metricIdentifier, from: start)
        } else {
            emit(.identifier, from: start)
        }
    }

    private mutating func accept(_ set: String) -> Bool {
        if let c = peek(), set.utf8.contains(c) {
            pos += 1
            return true
        }
        return false
    }

    private mutating func acceptRun(_ set: String) {
        while accept(set) {}
    }

    private mutating func lexNumberOrDuration() -> Bool {
        let start = pos
        if scanNumber() {
            emit(.number, from: start)
            return true
        }
        if peek() == UInt8(ascii: ".") {
            pos += 1
            fail("bad number or duration syntax: \(goQuote(String(decoding: input[start..<pos], as: UTF8.self)))", at: start)
            return false
        }
        if acceptRemainingDuration() {
            emit(.duration, from: start)
            return true
        }
        fail("bad number or duration syntax: \(goQuote(String(decoding: input[start..<min(pos, input.count)], as: UTF8.self)))", at: start)
        return false
    }

    private mutating func scanNumber() -> Bool {
        var digits = "0123456789_"
        var isHex = false
        let save = pos
        if accept("0") && accept("xX") {
            _ = accept("_")
            digits = "0123456789abcdefABCDEF_"
            isHex = true
        } else {
            pos = save
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if !isHex, accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if let c = peek(), isAlphaNumeric(c) || c == UInt8(ascii: ".") { return false }
        return true
    }

    private mutating func acceptRemainingDuration() -> Bool {
        if !accept("smhdwy") { return false }
        _ = accept("s")
        while accept("0123456789") {
            acceptRun("0123456789")
            if !accept("smhdw") { return false }
            _ = accept("s")
        }
        guard let c = peek() else { return true }
        pos += 1
        if isAlphaNumeric(c) { return false }
        pos -= 1
        return true
    }

    /// `"…"` or `'…'` with Go escapes; the token text is the unquoted value.
    private mutating func lexString(quote: UInt8, start: Int) -> Bool {
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
        emit(.string, from: start, text: String(decoding: bytes, as: UTF8.self))
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

    private mutating func lexRawString(start: Int) -> Bool {
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
    private func rune(at offset: Int) -> Unicode.Scalar? {
        guard offset < input.count else { return nil }
        var iterator = input[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return "\u{FFFD}"
    }

    /// Go's `%q` of a rune: `'.'`; end of input is Go's `eof` rune (-1).
    private func quoteRune(at offset: Int) -> String {
        guard let scalar = rune(at: offset) else { return "'\\uffff'" }
        if scalar == "'" { return "'\\''" }
        let quoted = goQuote(String(Character(scalar)))
        let inner = quoted.dropFirst().dropLast()
        return "'" + (inner == "\\\"" ? "\"" : String(inner)) + "'"
    }

    /// Go's `%#U` of a rune: `U+007A 'z'`.
    private func goRuneU(at offset: Int) -> String {
        guard let scalar = rune(at: offset) else { return "U+FFFFFFFFFFFFFFFF" }
        var digits = String(scalar.value, radix: 16, uppercase: true)
        while digits.count < 4 { digits = "0" + digits }
        return "U+\(digits) \(quoteRune(at: offset))"
    }
}

func isSpace(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
}

private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

private func isAlpha(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "_") || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
}

private func isAlphaNumeric(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }

private func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
    default: nil
    }
}
