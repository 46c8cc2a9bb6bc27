// Tollgate — Model: label matchers with Prometheus's semantics.

/// One label matcher: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
///
/// Regular expressions are fully anchored and `.` matches a newline, as Prometheus
/// compiles them (`^(?s:re)$`). A missing label has the value "", so a matcher that
/// matches the empty string also selects series that lack the label.
///
/// ```swift
/// let m = try LabelMatcher(.regex, "job", "api|web")
/// m.matches("api")   // true
/// m.matches("apix")  // false: anchored
/// ```
public struct LabelMatcher: Sendable, CustomStringConvertible {
    /// The four matching operators.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"
    }

    /// The operator.
    public let kind: Kind
    /// The label name.
    public let name: String
    /// The value or the regular expression, as written.
    public let value: String
    private let pattern: Pattern

    /// Creates a matcher.
    /// - Throws: ``LabelMatcherError`` when a regular expression does not compile.
    public init(_ kind: Kind, _ name: String, _ value: String) throws(LabelMatcherError) {
        self.kind = kind
        self.name = name
        self.value = value
        switch kind {
        case .equal, .notEqual: pattern = .literal(value)
        case .regex, .notRegex: pattern = try Pattern.compile(value)
        }
    }

    /// Whether a label value (or "" for a missing label) is selected.
    public func matches(_ labelValue: String) -> Bool {
        let hit = pattern.matches(labelValue)
        return kind == .equal || kind == .regex ? hit : !hit
    }

    /// Whether series lacking the label are selected (the matcher matches "").
    public var matchesEmpty: Bool { matches("") }

    public var description: String {
        var out: [UInt8] = []
        if SeriesText.isLegacyLabelName(name) { out.append(contentsOf: name.utf8) } else { SeriesText.appendQuoted(name, to: &out) }
        out.append(contentsOf: kind.rawValue.utf8)
        SeriesText.appendQuoted(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// What a matcher compares against: its value, or its anchored regex.
    private enum Pattern: Sendable {
        case literal(String)
        case regex(AnchoredRegex)

        static func compile(_ source: String) throws(LabelMatcherError) -> Pattern {
            do {
                return .regex(try AnchoredRegex(source))
            } catch {
                throw LabelMatcherError(error.description)
            }
        }

        func matches(_ value: String) -> Bool {
            switch self {
            case .literal(let literal): literal.utf8.elementsEqual(value.utf8)
            case .regex(let regex): regex.matches(value)
            }
        }
    }
}

/// Why a matcher could not be built.
public struct LabelMatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}

extension Labels {
    /// Whether this series is selected by every matcher (a missing label counts as "").
    public func matches(_ matchers: [LabelMatcher]) -> Bool {
        matchers.allSatisfy { $0.matches(self[$0.name] ?? "") }
    }
}
