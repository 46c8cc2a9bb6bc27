// Tollgate — PromQL: the lexer, with the states of Prometheus's promql/parser/lex.go.

/// Splits a query into tokens. The token list always ends with `.eof` or with one `.error`
/// token carrying the lexer's message, as Prometheus's lexer stops at its first error.
struct Lexer {
    let input: [UInt8]
    var pos = 0
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

    func peek(_ offset: Int = 0) -> UInt8? {
        pos + offset < input.count ? input[pos + offset] : nil
    }

    mutating func emit(_ kind: Token.Kind, from start: Int, text: String? = nil, isValidUTF8: Bool = true) {
        let raw = String(decoding: input[start..<pos], as: UTF8.self)
        tokens.append(Token(kind: kind, text: text ?? raw, start: start, end: pos, raw: raw, isValidUTF8: isValidUTF8))
    }

    mutating func fail(_ message: String, at start: Int) {
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
        if skipSpaceOrComment(c) { return true }
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

    /// Skips one space or a whole `# …` comment; false when `c` starts neither.
    private mutating func skipSpaceOrComment(_ c: UInt8) -> Bool {
        if isSpace(c) {
            pos += 1
            return true
        }
        guard c == UInt8(ascii: "#") else { return false }
        while let d = peek(), d != UInt8(ascii: "\n") { pos += 1 }
        return true
    }

    /// One token inside `{…}`.
    private mutating func lexInsideBraces() -> Bool {
        let start = pos
        guard let c = peek() else {
            fail("unexpected end of input inside braces", at: pos)
            return false
        }
        if skipSpaceOrComment(c) { return true }
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
}

func isSpace(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
}

private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

private func isAlpha(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "_") || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
}

private func isAlphaNumeric(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }

func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
    default: nil
    }
}
