// Tollgate — Model: Alertmanager's matcher syntax (routes, inhibit rules, silences, amtool).

/// Parses and prints label matchers the way Alertmanager does: `a="b"`, `a!="b"`,
/// `a=~"re"`, `a!~"re"`, unquoted values, and comma-separated lists with optional braces.
///
/// Two parsers exist in Alertmanager. The classic one (`pkg/labels`, the only one up to
/// 0.26) takes a legacy label name and a value, quoted or not. The UTF-8 one
/// (`matcher/parse`, 0.27+) also takes double-quoted names with any characters. In its
/// default "fallback" mode Alertmanager uses the classic result whenever the classic parser
/// accepts the input, the UTF-8 result when only that one does, and the classic error when
/// neither does; ``parse(_:)`` and ``parseMatcher(_:)`` do the same.
///
/// Regular expressions are anchored to the whole value. Alertmanager compiles `^(?:re)$`;
/// the matchers here are Model's ``LabelMatcher``s (`^(?s:re)$`), so the one difference is
/// that `.` also matches a line feed inside a label value.
///
/// ```swift
/// let ms = try AlertmanagerMatchers.parse(#"{severity="critical", team=~"db|web",}"#)
/// AlertmanagerMatchers.format(AlertmanagerMatchers.sorted(ms))  // {severity="critical",team=~"db|web"}
/// ```
public enum AlertmanagerMatchers {
    /// Parses one entry of a `matchers` list (config) or a filter: one or more matchers,
    /// comma-separated, optionally inside `{ }`, with one optional trailing comma.
    /// - Parameter input: the text, after YAML unquoting.
    /// - Returns: the matchers in written order (Alertmanager sorts a route's matchers afterwards).
    /// - Throws: ``AlertmanagerMatcherError`` with Alertmanager's text.
    public static func parse(_ input: String) throws(AlertmanagerMatcherError) -> [LabelMatcher] {
        do {
            return try parseClassic(input)
        } catch let classic {
            if let matchers = try? parseUTF8(input) { return matchers }
            throw classic
        }
    }

    /// Parses exactly one matcher (`amtool`'s label arguments, silence matchers).
    /// - Parameter input: e.g. `severity=critical`.
    /// - Throws: ``AlertmanagerMatcherError`` with Alertmanager's text.
    public static func parseMatcher(_ input: String) throws(AlertmanagerMatcherError) -> LabelMatcher {
        do {
            return try parseClassicMatcher(input)
        } catch let classic {
            if !input.hasPrefix("{"), !input.hasSuffix("}"), let list = try? parseUTF8(input), list.count == 1, let only = list.first {
                return only
            }
            throw classic
        }
    }

    /// The classic parser (`pkg/labels.ParseMatchers`): strips one `{` and one `}`, splits at
    /// commas outside double quotes, and parses each part with ``parseClassicMatcher(_:)``.
    /// - Throws: ``AlertmanagerMatcherError``, e.g. `bad matcher format: foo`.
    public static func parseClassic(_ input: String) throws(AlertmanagerMatcherError) -> [LabelMatcher] {
        var text = Substring(input)
        if text.hasPrefix("{") { text = text.dropFirst() }
        if text.hasSuffix("}") { text = text.dropLast() }
        var tokens: [String] = []
        var token = ""
        var insideQuotes = false, escaped = false
        for character in text.unicodeScalars {
            switch character {
            case ",":
                if !insideQuotes {
                    tokens.append(token)
                    token = ""
                    continue
                }
            case "\"":
                if !escaped { insideQuotes.toggle() } else { escaped = false }
            case "\\": escaped.toggle()
            default: escaped = false
            }
            token.unicodeScalars.append(character)
        }
        let last = trimSpace(token)
        if !last.isEmpty { tokens.append(last) }
        var matchers: [LabelMatcher] = []
        for token in tokens { matchers.append(try parseClassicMatcher(token)) }
        return matchers
    }

    /// The classic single-matcher parser (`pkg/labels.ParseMatcher`): a legacy label name,
    /// an operator and a value that may be double-quoted (OpenMetrics escapes `\"`, `\n`, `\\`).
    /// - Throws: ``AlertmanagerMatcherError`` with Alertmanager's text.
    public static func parseClassicMatcher(_ input: String) throws(AlertmanagerMatcherError) -> LabelMatcher {
        let scalars = Array(input.unicodeScalars)
        var index = 0
        func skipSpace() { while index < scalars.count, isGoSpace(scalars[index]) { index += 1 } }
        let bad = AlertmanagerMatcherError("bad matcher format: \(input)")
        skipSpace()
        let nameStart = index
        while index < scalars.count, isNameScalar(scalars[index], first: index == nameStart) { index += 1 }
        guard index > nameStart else { throw bad }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<index]))
        skipSpace()
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
        let kind: LabelMatcher.Kind
        switch (at(0), at(1)) {
        case ("=", "~"): kind = .regex; index += 2
        case ("=", _): kind = .equal; index += 1
        case ("!", "="): kind = .notEqual; index += 2
        case ("!", "~"): kind = .notRegex; index += 2
        default: throw bad
        }
        skipSpace()
        var end = scalars.count
        while end > index, isGoSpace(scalars[end - 1]) { end -= 1 }
        let written = String(String.UnicodeScalarView(scalars[index..<end]))
        var raw = Array(scalars[index..<end])
        var expectTrailingQuote = false
        if raw.first == "\"" {
            raw.removeFirst()
            expectTrailingQuote = true
        }
        var value = String.UnicodeScalarView()
        var escaped = false
        let unescapedQuote = AlertmanagerMatcherError("matcher value contains unescaped double quote: \(written)")
        for (position, scalar) in raw.enumerated() {
            if escaped {
                escaped = false
                switch scalar {
                case "n": value.append("\n")
                case "\"", "\\": value.append(scalar)
                default:
                    value.append("\\")
                    value.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\\":
                if position < raw.count - 1 {
                    escaped = true
                    continue
                }
                value.append("\\")
            case "\"":
                if !expectTrailingQuote || position < raw.count - 1 { throw unescapedQuote }
                expectTrailingQuote = false
            default: value.append(scalar)
            }
        }
        if expectTrailingQuote { throw unescapedQuote }
        return try make(kind, name, String(value))
    }

    /// Builds a matcher as Alertmanager's `NewMatcher` does; a regex that does not compile
    /// gives Go's error for `^(?:re)$`, as Alertmanager reports it.
    /// - Throws: ``AlertmanagerMatcherError`` with Go's regexp error.
    public static func make(_ kind: LabelMatcher.Kind, _ name: String, _ value: String) throws(AlertmanagerMatcherError) -> LabelMatcher {
        if kind == .regex || kind == .notRegex {
            do {
                _ = try AnchoredRegex("^(?:" + value + ")$")
            } catch {
                throw AlertmanagerMatcherError(error.description)
            }
        }
        do {
            return try LabelMatcher(kind, name, value)
        } catch {
            throw AlertmanagerMatcherError(error.description)
        }
    }

    /// Alertmanager's order of a route's matchers: by name, then value, then operator
    /// (`=`, `!=`, `=~`, `!~`), bytewise.
    public static func sorted(_ matchers: [LabelMatcher]) -> [LabelMatcher] {
        let order: [LabelMatcher.Kind] = [.equal, .notEqual, .regex, .notRegex]
        return matchers.sorted { a, b in
            if a.name != b.name { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
            if a.value != b.value { return a.value.utf8.lexicographicallyPrecedes(b.value.utf8) }
            return (order.firstIndex(of: a.kind) ?? 0) < (order.firstIndex(of: b.kind) ?? 0)
        }
    }

    /// One matcher as Alertmanager prints it: `name="value"` with OpenMetrics escaping of
    /// the value, or both name and value Go-quoted when the name holds a reserved character.
    public static func format(_ matcher: LabelMatcher) -> String {
        if matcher.name.unicodeScalars.contains(where: isReserved) {
            return quote(matcher.name) + matcher.kind.rawValue + quote(matcher.value)
        }
        var value = ""
        for scalar in matcher.value.unicodeScalars {
            switch scalar {
            case "\\": value += "\\\\"
            case "\n": value += "\\n"
            case "\"": value += "\\\""
            default: value.unicodeScalars.append(scalar)
            }
        }
        return matcher.name + matcher.kind.rawValue + "\"" + value + "\""
    }

    /// A list as Alertmanager prints it: `{a="b",c=~"d"}` (no spaces; `{}` when empty).
    public static func format(_ matchers: [LabelMatcher]) -> String {
        "{" + matchers.map(format).joined(separator: ",") + "}"
    }

    /// Whether a character cannot appear in an unquoted name or value of the UTF-8 syntax.
    static func isReserved(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || "{}!=~,\\\"'`".unicodeScalars.contains(scalar)
    }

    /// Go's `\s`: tab, line feed, form feed, carriage return, space.
    static func isGoSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
    }

    static func trimSpace(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "_", ":": true
        case "0"..."9": !first
        default: false
        }
    }

    /// Go's `strconv.Quote`, as Alertmanager quotes names and label values.
    public static func quote(_ text: String) -> String { GoString.quote(text) }
}

/// Why a matcher did not parse, in Alertmanager's words.
public struct AlertmanagerMatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, e.g. `bad matcher format: foo`.
    public var description: String

    /// Creates an error.
    /// - Parameter description: What was wrong.
    public init(_ description: String) { self.description = description }
}
