// Tollgate — Model: fully anchored regular expressions, as Prometheus compiles them.

/// A regular expression matched against a whole value, as Prometheus compiles label
/// matchers and relabeling regexes with Go's RE2: `^(?s:re)$`, so `.` matches a newline,
/// and matching goes by code points, not grapheme clusters.
///
/// Common shapes skip the regex engine: `.*`, `.+`, a plain literal and alternatives of
/// plain literals (`a|b|c`).
///
/// ```swift
/// let re = try AnchoredRegex("api|web")
/// re.matches("api")   // true
/// re.matches("apix")  // false: anchored
/// try AnchoredRegex("(a+)-(?P<n>b)").match("aa-b")?.groups  // ["aa-b", "aa", "b"]
/// ```
public struct AnchoredRegex: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: a compiled `Regex` is immutable once built; it is only read, from any thread.

    /// The pattern as written, without the anchors.
    public let source: String
    private let pattern: Pattern

    /// Compiles `^(?s:source)$`.
    /// - Parameter source: The pattern, in RE2 syntax.
    /// - Throws: ``AnchoredRegexError`` when it does not compile.
    public init(_ source: String) throws(AnchoredRegexError) {
        self.source = source
        pattern = try Pattern.compile(source)
    }

    /// Whether the whole of `value` matches.
    public func matches(_ value: String) -> Bool {
        switch pattern {
        case .literal(let literal): literal.utf8.elementsEqual(value.utf8)
        case .anything: true
        case .nonEmpty: !value.isEmpty
        case .alternatives(let set): set.contains(Array(value.utf8))
        case .regex(let regex): (try? regex.wholeMatch(in: value)) != nil
        }
    }

    /// The match of the whole of `value` with its capture groups, or nil when it does not match.
    public func match(_ value: String) -> Match? {
        guard case .regex(let regex) = pattern else {
            // The fast paths have no groups: only the whole value, group 0.
            return matches(value) ? Match(groups: [value], names: [:]) : nil
        }
        guard let found = try? regex.wholeMatch(in: value) else { return nil }
        var groups: [String?] = []
        var names: [String: Int] = [:]
        for (index, element) in found.output.enumerated() {
            groups.append(element.range.map { String(value.unicodeScalars[$0]) })
            if let name = element.name { names[name] = index }
        }
        return Match(groups: groups, names: names)
    }

    /// The pattern as written.
    public var description: String { source }

    /// One whole-value match.
    public struct Match: Sendable, Equatable {
        /// The capture groups by number: 0 is the whole value; nil for a group that took no part.
        public let groups: [String?]
        /// The numbers of the named groups (`(?P<name>…)`).
        public let names: [String: Int]
    }

    /// What a value is compared against.
    private enum Pattern {
        case literal(String)
        case anything  // `.*`
        case nonEmpty  // `.+`
        case alternatives(Set<[UInt8]>)  // `a|b|c` of plain literals
        case regex(Regex<AnyRegexOutput>)

        private static let meta = Set("\\^$.|?*+()[]{}".utf8)

        static func compile(_ source: String) throws(AnchoredRegexError) -> Pattern {
            if source == ".*" { return .anything }
            if source == ".+" { return .nonEmpty }
            if !source.utf8.contains(where: { meta.contains($0) }) { return .literal(source) }
            let parts = source.split(separator: "|", omittingEmptySubsequences: false)
            if parts.count > 1, parts.allSatisfy({ part in !part.utf8.contains(where: { meta.contains($0) }) }) {
                return .alternatives(Set(parts.map { Array($0.utf8) }))
            }
            do {
                // RE2, which Prometheus uses, matches code points, not grapheme clusters.
                return .regex(try Regex("^(?s:" + source + ")$").matchingSemantics(.unicodeScalar))
            } catch {
                throw AnchoredRegexError("invalid regular expression \"\(source)\": \(error)")
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
