// Tollgate — GoTemplate: errors, worded as Go's text/template words them.

/// Why a template did not parse or did not execute. ``description`` is Go's text:
/// `template: NAME:LINE: message` for parse errors, and
/// `template: NAME:LINE:COL: executing "NAME" at <NODE>: message` for execution errors.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    /// Where the error arose.
    public enum Phase: Sendable, Equatable {
        /// While parsing: the template is unusable.
        case parse
        /// While executing: this data could not be expanded.
        case execute
        /// A function panicked (Go's `regexp.MustCompile` in `reReplaceAll`): the text is the panic's.
        case panic
    }

    /// Where the error arose.
    public let phase: Phase
    /// Go's error text.
    public let description: String

    /// Creates an error.
    /// - Parameters:
    ///   - phase: Parse or execution.
    ///   - description: Go's error text.
    public init(_ phase: Phase, _ description: String) {
        self.phase = phase
        self.description = description
    }
}

/// An error a template function throws: its text follows `error calling NAME: `.
public struct TemplateFunctionError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public let description: String

    /// Creates an error with `message` as its text.
    public init(_ message: String) { description = message }
}

/// Thrown by a function to stop execution as a Go panic would: Prometheus reports it as
/// `panic expanding template NAME: MESSAGE`, not as an execution error.
public struct TemplatePanic: Error, Sendable, CustomStringConvertible {
    /// The panic's value, as text.
    public let description: String

    /// Creates a panic with `message` as its value.
    public init(_ message: String) { description = message }
}

/// Thrown by a function given the wrong number of arguments: reported as Go reports it,
/// `wrong number of args for NAME: want N got M`, without `error calling`.
public struct TemplateArityError: Error, Sendable {
    /// How many arguments the function takes (the lower bound when `variadic`).
    public let want: Int
    /// How many it was given.
    public let got: Int
    /// Whether it takes `want` or more.
    public let variadic: Bool

    /// Creates the error.
    public init(want: Int, got: Int, variadic: Bool = false) {
        self.want = want
        self.got = got
        self.variadic = variadic
    }

    /// Checks that `arguments` has exactly `count` elements.
    /// - Throws: ``TemplateArityError`` when it does not.
    public static func check(_ arguments: [TemplateValue], _ count: Int) throws(TemplateArityError) {
        if arguments.count != count { throw TemplateArityError(want: count, got: arguments.count) }
    }
}

/// Internal: an execution failure before the executor adds its location.
struct TemplateExecError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Internal: a parse failure before the parser adds name and line.
enum TemplateParseError {
    enum Reason: Error { case syntax }
}
