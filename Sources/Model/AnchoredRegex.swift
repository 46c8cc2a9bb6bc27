// Tollgate — Model: fully anchored regular expressions, as Prometheus compiles them.

/// A regular expression matched against a whole value, as Prometheus compiles label
/// matchers and relabeling regexes with Go's RE2: `^(?s:re)$`, so `.` matches a newline,
/// and matching goes by code points, not grapheme clusters.
///
/// The syntax is Go's (`\pL`, `\p{Greek}`, `[[:alpha:]]`, `(?P<name>…)`, `(?i)`; no
/// backreferences, lookaround or possessive quantifiers), and matching takes time linear in
/// the value's length: patterns are compiled by RE2 (Debian's libre2, through CRE2), with
/// the few differences from Go settled by ``GoRegexSyntax``. Common shapes skip RE2: `.*`,
/// `.+`, a plain literal, a literal followed by `.*`, and alternatives of plain literals
/// (`a|b|c`).
///
/// ```swift
/// let re = try AnchoredRegex("api|web")
/// re.matches("api")   // true
/// re.matches("apix")  // false: anchored
/// try AnchoredRegex("(a+)-(?P<n>b)").match("aa-b")?.groups  // ["aa-b", "aa", "b"]
/// try AnchoredRegex("a++")  // throws: error parsing regexp: invalid nested repetition operator: `++`
/// ```
public struct AnchoredRegex: Sendable, CustomStringConvertible {
    /// The pattern as written, without the anchors.
    public let source: String
    private let pattern: Pattern

    /// Compiles `^(?s:source)$`.
    /// - Parameter source: The pattern, in Go's RE2 syntax.
    /// - Throws: ``AnchoredRegexError`` with Go's error text when it does not compile.
    public init(_ source: String) throws(AnchoredRegexError) {
        self.source = source
        pattern = try Pattern.compile(source)
    }

    /// Whether the whole of `value` matches.
    /// - Complexity: O(n) in the UTF-8 length of `value`.
    public func matches(_ value: String) -> Bool {
        switch pattern {
        case .literal(let literal): literal.utf8.elementsEqual(value.utf8)
        case .anything: true
        case .nonEmpty: !value.isEmpty
        case .prefix(let prefix): value.utf8.starts(with: prefix.utf8)
        case .alternatives(let set): set.contains(Array(value.utf8))
        case .regex(let program): program.matches(value)
        }
    }

    /// The match of the whole of `value` with its capture groups, or nil when it does not match.
    /// - Complexity: O(n) in the UTF-8 length of `value`.
    public func match(_ value: String) -> Match? {
        guard case .regex(let program) = pattern else {
            // The fast paths have no groups: only the whole value, group 0.
            return matches(value) ? Match(groups: [value], names: [:]) : nil
        }
        guard let groups = program.groups(value) else { return nil }
        // Go's `Expand` takes, for a name several groups share, the first that took part.
        var names: [String: Int] = [:]
        for (index, name) in program.groupNames {
            if let chosen = names[name], groups[chosen] != nil { continue }
            if names[name] == nil || groups[index] != nil { names[name] = index }
        }
        return Match(groups: groups, names: names)
    }

    /// The pattern as written.
    public var description: String { source }

    /// One whole-value match.
    public struct Match: Sendable, Equatable {
        /// The capture groups by number: 0 is the whole value; nil for a group that took no part.
        public let groups: [String?]
        /// The numbers of the named groups (`(?P<name>…)`); for a name several groups share,
        /// the first that took part in the match, as Go's `Expand` reads it.
        public let names: [String: Int]
    }

    /// What a value is compared against.
    private enum Pattern: Sendable {
        case literal(String)
        case anything  // `.*`
        case nonEmpty  // `.+`
        case prefix(String)  // a plain literal, then `.*`
        case alternatives(Set<[UInt8]>)  // `a|b|c` of plain literals
        case regex(RE2Program)

        private static let meta = Set("\\^$.|?*+()[]{}".utf8)

        private static func isPlain(_ text: some StringProtocol) -> Bool { !text.utf8.contains(where: { meta.contains($0) }) }

        static func compile(_ source: String) throws(AnchoredRegexError) -> Pattern {
            if source == ".*" { return .anything }
            if source == ".+" { return .nonEmpty }
            if isPlain(source) { return .literal(source) }
            if source.hasSuffix(".*"), isPlain(source.dropLast(2)) { return .prefix(String(source.dropLast(2))) }
            let parts = source.split(separator: "|", omittingEmptySubsequences: false)
            if parts.count > 1, parts.allSatisfy(isPlain) {
                return .alternatives(Set(parts.map { Array($0.utf8) }))
            }
            let prepared = try GoRegexSyntax.prepare(source)
            do {
                return .regex(try RE2Program(prepared))
            } catch {
                throw GoRegexSyntax.error(error, source: source, prepared: prepared)
            }
        }
    }
}

/// Why a regular expression did not compile.
public struct AnchoredRegexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, naming the pattern.
    public var description: String

    /// Creates an error.
    /// - Parameter description: What was wrong.
    public init(_ description: String) { self.description = description }
}
