// Tollgate — GoTemplate: the lexer, item for item as Go's text/template/parse/lex.go.

/// One lexical item of a template.
struct TemplateItem: Sendable {
    enum Kind: Sendable, Equatable {
        case error, eof, text, comment, leftDelim, rightDelim, space
        case identifier, field, variable, string, rawString, charConstant, number, bool, nilKeyword, dot
        case pipe, leftParen, rightParen, assign, declare, char
        // Keywords.
        case block, breakKeyword, continueKeyword, define, elseKeyword, end, ifKeyword, range, template, with

        var isKeyword: Bool {
            switch self {
            case .block, .breakKeyword, .continueKeyword, .define, .elseKeyword, .end, .ifKeyword, .range, .template, .with, .dot, .nilKeyword:
                true
            default: false
            }
        }
    }

    var kind: Kind
    /// Byte offset in the input.
    var pos: Int
    var value: String
    /// 1-based line where the item starts.
    var line: Int

    /// The item as Go's parser names it in "unexpected …" messages.
    var description: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return value
        default:
            if kind.isKeyword { return "<\(value)>" }
            if value.unicodeScalars.count > 10 { return GoFormat.quote(String(String.UnicodeScalarView(value.unicodeScalars.prefix(10)))) + "..." }
            return GoFormat.quote(value)
        }
    }
}

/// Splits a template into items, as Go's `lex` does with the default `{{` `}}` delimiters.
struct TemplateLexer {
    private let input: [UInt8]
    private var pos = 0
    private var start = 0
    private var line = 1
    private var startLine = 1
    private var parenDepth = 0
    private(set) var items: [TemplateItem] = []

    private static let keywords: [String: TemplateItem.Kind] = [
        ".": .dot, "block": .block, "break": .breakKeyword, "continue": .continueKeyword, "define": .define,
        "else": .elseKeyword, "end": .end, "if": .ifKeyword, "range": .range, "nil": .nilKeyword, "template": .template,
        "with": .with,
    ]

    /// Lexes all of `text`; the last item is `eof` or `error`.
    static func lex(_ text: String) -> [TemplateItem] {
        var lexer = TemplateLexer(input: Array(text.utf8))
        lexer.run()
        return lexer.items
    }

    private init(input: [UInt8]) { self.input = input }

    private enum State { case text, insideAction, done }

    private mutating func run() {
        var state = State.text
        while state != .done {
            state = state == .text ? lexText() : lexInsideAction()
        }
    }

    // MARK: helpers

    private func peek(_ offset: Int = 0) -> UInt8? { pos + offset < input.count ? input[pos + offset] : nil }
    private func hasPrefix(_ s: String, at p: Int) -> Bool {
        let b = Array(s.utf8)
        return p + b.count <= input.count && input[p..<(p + b.count)].elementsEqual(b)
    }
    private static func isSpace(_ c: UInt8?) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
    private static func isAlphaNumeric(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return c == UInt8(ascii: "_") || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c >= 0x80
    }
    private func hasLeftTrimMarker(_ p: Int) -> Bool { p + 1 < input.count && input[p] == UInt8(ascii: "-") && Self.isSpace(input[p + 1]) }
    private func hasRightTrimMarker(_ p: Int) -> Bool { p + 1 < input.count && Self.isSpace(input[p]) && input[p + 1] == UInt8(ascii: "-") }
    private func atRightDelim() -> (delim: Bool, trim: Bool) {
        if hasRightTrimMarker(pos), hasPrefix("}}", at: pos + 2) { return (true, true) }
        return (hasPrefix("}}", at: pos), false)
    }
    private func slice(_ from: Int, _ to: Int) -> String { String(decoding: input[from..<to], as: UTF8.self) }

    private mutating func emit(_ kind: TemplateItem.Kind) {
        items.append(TemplateItem(kind: kind, pos: start, value: slice(start, pos), line: startLine))
        advanceStart()
    }
    private mutating func advanceStart() {
        line += input[start..<pos].lazy.filter { $0 == 0x0A }.count
        start = pos
        startLine = line
    }
    private mutating func ignore() { advanceStart() }
    private mutating func error(_ message: String) -> State {
        items.append(TemplateItem(kind: .error, pos: start, value: message, line: startLine))
        return .done
    }

    // MARK: states

    private mutating func lexText() -> State {
        var x = pos
        while x + 1 < input.count, !(input[x] == UInt8(ascii: "{") && input[x + 1] == UInt8(ascii: "{")) { x += 1 }
        guard x + 1 < input.count else {
            pos = input.count
            if pos > start { emit(.text) }
            items.append(TemplateItem(kind: .eof, pos: pos, value: "", line: line))
            return .done
        }
        if x > pos || x > start {
            pos = x
            var trimmed = pos
            if hasLeftTrimMarker(pos + 2) {
                while trimmed > start, Self.isSpace(input[trimmed - 1]) { trimmed -= 1 }
            }
            let end = pos
            pos = trimmed
            if pos > start { emit(.text) } else { advanceStart() }
            pos = end
            ignore()
        }
        return lexLeftDelim()
    }

    private mutating func lexLeftDelim() -> State {
        pos += 2
        let trim = hasLeftTrimMarker(pos)
        let afterMarker = trim ? 2 : 0
        if hasPrefix("/*", at: pos + afterMarker) {
            pos += afterMarker
            ignore()
            return lexComment()
        }
        emit(.leftDelim)
        pos += afterMarker
        ignore()
        parenDepth = 0
        return .insideAction
    }

    private mutating func lexComment() -> State {
        pos += 2
        var x = pos
        while x + 1 < input.count, !(input[x] == UInt8(ascii: "*") && input[x + 1] == UInt8(ascii: "/")) { x += 1 }
        guard x + 1 < input.count else { return error("unclosed comment") }
        pos = x + 2
        let (delim, trim) = atRightDelim()
        guard delim else { return error("comment ends before closing delimiter") }
        pos += (trim ? 2 : 0) + 2
        if trim { while Self.isSpace(peek()) { pos += 1 } }
        ignore()
        return .text
    }

    private mutating func lexRightDelim(trim: Bool) -> State {
        if trim {
            pos += 2
            ignore()
        }
        pos += 2
        emit(.rightDelim)
        if trim {
            while Self.isSpace(peek()) { pos += 1 }
            ignore()
        }
        return .text
    }

    private mutating func lexInsideAction() -> State {
        let (delim, trim) = atRightDelim()
        if delim {
            if parenDepth == 0 { return lexRightDelim(trim: trim) }
            return error("unclosed left paren")
        }
        guard let c = peek() else { return error("unclosed action") }
        if Self.isSpace(c) { return lexSpace() }
        pos += 1
        switch c {
        case UInt8(ascii: "="): emit(.assign)
        case UInt8(ascii: ":"):
            guard peek() == UInt8(ascii: "=") else { return error("expected :=") }
            pos += 1
            emit(.declare)
        case UInt8(ascii: "|"): emit(.pipe)
        case UInt8(ascii: "\""): return lexQuote()
        case UInt8(ascii: "`"): return lexRawQuote()
        case UInt8(ascii: "$"): return lexFieldOrVariable(.variable)
        case UInt8(ascii: "'"): return lexChar()
        case UInt8(ascii: "."):
            if let next = peek(), next < 0x30 || next > 0x39 { return lexFieldOrVariable(.field) }
            pos -= 1
            return lexNumber()
        case UInt8(ascii: "+"), UInt8(ascii: "-"), 0x30...0x39:
            pos -= 1
            return lexNumber()
        case UInt8(ascii: "("):
            parenDepth += 1
            emit(.leftParen)
        case UInt8(ascii: ")"):
            parenDepth -= 1
            if parenDepth < 0 { return error("unexpected right paren") }
            emit(.rightParen)
        default:
            if Self.isAlphaNumeric(c), c < 0x80 || Self.scalar(input, at: pos - 1).isLetterOrDigit {
                pos -= 1
                return lexIdentifier()
            }
            if c >= 0x20 && c < 0x7F {
                emit(.char)
            } else {
                let scalar = Self.scalar(input, at: pos - 1)
                return error("unrecognized character in action: \(GoFormat.unicodeVerbose(scalar.value))")
            }
        }
        return .insideAction
    }

    private mutating func lexSpace() -> State {
        var count = 0
        while Self.isSpace(peek()) {
            pos += 1
            count += 1
        }
        if hasRightTrimMarker(pos - 1), hasPrefix("}}", at: pos + 1) {
            pos -= 1
            if count == 1 { return lexRightDelim(trim: true) }
        }
        emit(.space)
        return .insideAction
    }

    private func atTerminator() -> Bool {
        guard let c = peek() else { return true }
        if Self.isSpace(c) { return true }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ")"), UInt8(ascii: "("): return true
        default: return hasPrefix("}}", at: pos)
        }
    }

    private mutating func badCharacter() -> State {
        let scalar = pos < input.count ? Self.scalar(input, at: pos).value : 0
        return error("bad character \(GoFormat.unicodeVerbose(scalar))")
    }

    private mutating func lexFieldOrVariable(_ kind: TemplateItem.Kind) -> State {
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return .insideAction
        }
        while Self.isAlphaNumeric(peek()) { pos += 1 }
        guard atTerminator() else { return badCharacter() }
        emit(kind)
        return .insideAction
    }

    private mutating func lexIdentifier() -> State {
        while Self.isAlphaNumeric(peek()) { pos += 1 }
        guard atTerminator() else { return badCharacter() }
        let word = slice(start, pos)
        if let keyword = Self.keywords[word] {
            emit(keyword)
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else {
            emit(.identifier)
        }
        return .insideAction
    }

    private mutating func lexChar() -> State {
        while true {
            guard let c = peek(), c != 0x0A else { return error("unterminated character constant") }
            pos += 1
            if c == UInt8(ascii: "\\"), peek() != nil, peek() != 0x0A { pos += 1 } else if c == UInt8(ascii: "'") { break }
        }
        emit(.charConstant)
        return .insideAction
    }

    private mutating func lexQuote() -> State {
        while true {
            guard let c = peek(), c != 0x0A else { return error("unterminated quoted string") }
            pos += 1
            if c == UInt8(ascii: "\\"), peek() != nil, peek() != 0x0A { pos += 1 } else if c == UInt8(ascii: "\"") { break }
        }
        emit(.string)
        return .insideAction
    }

    private mutating func lexRawQuote() -> State {
        while true {
            guard let c = peek() else { return error("unterminated raw quoted string") }
            pos += 1
            if c == UInt8(ascii: "`") { break }
        }
        emit(.rawString)
        return .insideAction
    }

    private mutating func lexNumber() -> State {
        func accept(_ set: String) -> Bool {
            if let c = peek(), set.utf8.contains(c) {
                pos += 1
                return true
            }
            return false
        }
        func acceptRun(_ set: String) { while accept(set) {} }
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11, accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.count == 23, accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if Self.isAlphaNumeric(peek()) {
            pos += 1
            return error("bad number syntax: " + GoFormat.quote(slice(start, pos)))
        }
        emit(.number)
        return .insideAction
    }

    /// The Unicode scalar whose UTF-8 encoding starts at `index` (U+FFFD when invalid).
    static func scalar(_ bytes: [UInt8], at index: Int) -> Unicode.Scalar {
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return "\u{FFFD}"
    }
}

extension Unicode.Scalar {
    var isLetterOrDigit: Bool { properties.isAlphabetic || properties.numericType == .decimal }
}
