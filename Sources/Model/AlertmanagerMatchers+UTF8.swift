// Tollgate — Model: Alertmanager's UTF-8 matcher parser (`matcher/parse`, 0.27+).

extension AlertmanagerMatchers {
    /// The UTF-8 parser (`matcher/parse.Matchers`): names and values are unquoted runs
    /// without whitespace or `{}!=~,\"'` and backtick, or double-quoted Go strings; an
    /// optional `{ }` around the list; one optional trailing comma.
    /// - Parameter input: the text.
    /// - Returns: the matchers in written order (none for `""` or `{}`).
    /// - Throws: ``AlertmanagerMatcherError`` with positions as Alertmanager gives them,
    ///   e.g. `0:1: end of input: expected close brace`.
    public static func parseUTF8(_ input: String) throws(AlertmanagerMatcherError) -> [LabelMatcher] {
        var lexer = MatcherLexer(Array(input.unicodeScalars))
        var matchers: [LabelMatcher] = []
        let hasOpenBrace = try lexer.peek().kind == .openBrace
        if hasOpenBrace { _ = try lexer.scan() }
        func fail(_ text: String) -> AlertmanagerMatcherError { AlertmanagerMatcherError(text) }
        func unexpected(_ token: MatcherToken, _ reason: String) -> AlertmanagerMatcherError {
            token.kind == .eof ? fail("end of input: \(reason)") : fail("\(token.start):\(token.end): unexpected \(token.text): \(reason)")
        }
        var next = try lexer.peek()
        // Matchers, separated by commas; a comma may end the list.
        while next.kind == .quoted || next.kind == .unquoted {
            _ = try lexer.scan()
            let name = try next.unquoted()
            let op = try lexer.peek()
            let kind: LabelMatcher.Kind
            switch op.kind {
            case .equals: kind = .equal
            case .notEquals: kind = .notEqual
            case .matches: kind = .regex
            case .notMatches: kind = .notRegex
            default: throw unexpected(op, "expected an operator such as '=', '!=', '=~' or '!~'")
            }
            _ = try lexer.scan()
            let valueToken = try lexer.peek()
            guard valueToken.kind == .quoted || valueToken.kind == .unquoted else { throw unexpected(valueToken, "expected label value") }
            _ = try lexer.scan()
            let value = try valueToken.unquoted()
            do {
                matchers.append(try make(kind, name, value))
            } catch {
                throw fail("failed to create matcher: \(error.description)")
            }
            let after: MatcherToken
            do {
                after = try lexer.peek()
            } catch {
                throw fail("\(error.description): expected a comma or close brace")
            }
            if after.kind == .comma {
                _ = try lexer.scan()
                do {
                    next = try lexer.peek()
                } catch {
                    throw fail("\(error.description): expected a matcher or close brace after comma")
                }
                if next.kind != .quoted, next.kind != .unquoted, next.kind != .closeBrace, next.kind != .eof {
                    throw unexpected(next, "expected a matcher or close brace after comma")
                }
            } else if after.kind == .closeBrace || after.kind == .eof {
                next = after
            } else {
                throw unexpected(after, "expected a comma or close brace")
            }
        }
        if !matchers.isEmpty || next.kind == .closeBrace || next.kind == .eof {
            // The close brace: required after an open brace, refused without one.
            if hasOpenBrace {
                guard next.kind == .closeBrace else { throw fail("0:\(lexer.lastEnd): end of input: expected close brace") }
                _ = try lexer.scan()
            } else if next.kind == .closeBrace {
                _ = try lexer.scan()
                throw fail("0:\(lexer.lastEnd): }: expected opening brace")
            }
        } else {
            throw unexpected(next, "expected label name")
        }
        let end = try lexer.scan()
        guard end.kind == .eof else { throw fail("\(end.start):\(end.end): \(end.text): expected end of input") }
        return matchers
    }
}

/// One token of the UTF-8 matcher syntax, with its columns (in characters).
struct MatcherToken {
    enum Kind { case openBrace, closeBrace, comma, equals, notEquals, matches, notMatches, quoted, unquoted, eof }
    var kind: Kind
    var text: String
    var start: Int
    var end: Int

    /// The name or value: an unquoted token as is, a quoted one unescaped as Go's
    /// `strconv.Unquote` does, and valid UTF-8.
    func unquoted() throws(AlertmanagerMatcherError) -> String {
        guard kind == .quoted else { return text }
        let invalid = AlertmanagerMatcherError("\(start):\(end): \(text): invalid input")
        guard let value = GoUnquote.unquote(Array(text.unicodeScalars)) else { throw invalid }
        return value
    }
}

/// The lexer of the UTF-8 matcher syntax.
struct MatcherLexer {
    let input: [Unicode.Scalar]
    var position = 0
    /// The end column of the last token scanned or peeked.
    var lastEnd = 0

    init(_ input: [Unicode.Scalar]) { self.input = input }

    mutating func peek() throws(AlertmanagerMatcherError) -> MatcherToken {
        var copy = self
        let token = try copy.scan()
        lastEnd = token.end
        return token
    }

    mutating func scan() throws(AlertmanagerMatcherError) -> MatcherToken {
        while position < input.count, input[position].properties.isWhitespace { position += 1 }
        let start = position
        func token(_ kind: MatcherToken.Kind, length: Int) -> MatcherToken {
            position = start + length
            lastEnd = position
            return MatcherToken(kind: kind, text: String(String.UnicodeScalarView(input[start..<position])), start: start, end: position)
        }
        guard start < input.count else { return MatcherToken(kind: .eof, text: "", start: start, end: start) }
        let next: Unicode.Scalar? = start + 1 < input.count ? input[start + 1] : nil
        switch input[start] {
        case "{": return token(.openBrace, length: 1)
        case "}": return token(.closeBrace, length: 1)
        case ",": return token(.comma, length: 1)
        case "=": return next == "~" ? token(.matches, length: 2) : token(.equals, length: 1)
        case "!":
            if next == "=" { return token(.notEquals, length: 2) }
            if next == "~" { return token(.notMatches, length: 2) }
            let rest = String(String.UnicodeScalarView(input[start...]))
            throw AlertmanagerMatcherError("\(start):\(start + 1): \(rest): invalid input: expected one of '=~'")
        case "\"":
            var index = start + 1
            var escaped = false
            while index < input.count {
                let scalar = input[index]
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    return token(.quoted, length: index + 1 - start)
                }
                index += 1
            }
            let rest = String(String.UnicodeScalarView(input[start...]))
            throw AlertmanagerMatcherError("\(start):\(input.count): \(rest): missing end \"")
        case let scalar where !AlertmanagerMatchers.isReserved(scalar):
            var index = start
            while index < input.count, !AlertmanagerMatchers.isReserved(input[index]) { index += 1 }
            return token(.unquoted, length: index - start)
        case let scalar:
            throw AlertmanagerMatcherError("\(start):\(start + 1): \(scalar): invalid input")
        }
    }
}

/// Go's `strconv.Unquote` for a double-quoted string, requiring valid UTF-8 in the result.
enum GoUnquote {
    static func unquote(_ quoted: [Unicode.Scalar]) -> String? {
        guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else { return nil }
        let body = quoted[1..<(quoted.count - 1)]
        var bytes: [UInt8] = []
        var index = body.startIndex
        func hex(_ count: Int) -> UInt32? {
            guard index + count <= body.endIndex else { return nil }
            var value: UInt32 = 0
            for scalar in body[index..<(index + count)] {
                guard let digit = Int(String(scalar), radix: 16) else { return nil }
                value = value * 16 + UInt32(digit)
            }
            index += count
            return value
        }
        func appendScalar(_ value: UInt32) -> Bool {
            guard let scalar = Unicode.Scalar(value) else { return false }
            bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
            return true
        }
        while index < body.endIndex {
            let scalar = body[index]
            index += 1
            if scalar == "\n" || scalar == "\"" { return nil }
            guard scalar == "\\" else {
                bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                continue
            }
            guard index < body.endIndex else { return nil }
            let escape = body[index]
            index += 1
            switch escape {
            case "a": bytes.append(7)
            case "b": bytes.append(8)
            case "f": bytes.append(12)
            case "n": bytes.append(10)
            case "r": bytes.append(13)
            case "t": bytes.append(9)
            case "v": bytes.append(11)
            case "\\": bytes.append(92)
            case "\"": bytes.append(34)
            case "x":
                guard let value = hex(2) else { return nil }
                bytes.append(UInt8(value))
            case "u":
                guard let value = hex(4), appendScalar(value) else { return nil }
            case "U":
                guard let value = hex(8), appendScalar(value) else { return nil }
            case "0"..."7":
                guard index + 2 <= body.endIndex else { return nil }
                var value: UInt32 = 0
                for digit in body[(index - 1)..<(index + 2)] {
                    guard let number = Int(String(digit), radix: 8) else { return nil }
                    value = value * 8 + UInt32(number)
                }
                guard value <= 255 else { return nil }
                index += 2
                bytes.append(UInt8(value))
            default: return nil
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
