// Tollgate — PromQL: parse errors, worded and positioned like Prometheus's.

/// Why a query did not parse: one or more errors, each with the byte range it concerns.
///
/// The description follows Prometheus's `ParseErrors`: each error as
/// `<line>:<column>: parse error: <message>`, joined with `"; "`.
///
/// ```swift
/// do { _ = try parseExpr("1 +") } catch { print(error) }  // 1:4: parse error: unexpected end of input
/// ```
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One error.
    public struct Detail: Sendable, Equatable, CustomStringConvertible {
        /// The byte range of the query the error concerns.
        public var positionRange: PositionRange
        /// The message, without position (`unexpected end of input`).
        public var message: String
        /// The query, for computing line and column.
        public var query: String

        /// Creates an error detail.
        public init(positionRange: PositionRange, message: String, query: String) {
            self.positionRange = positionRange
            self.message = message
            self.query = query
        }

        /// `line:column` of the start (1-based column in bytes), `unknown position` for an empty query.
        public var startPosition: String {
            if query.isEmpty { return "unknown position" }
            let bytes = Array(query.utf8)
            let start = positionRange.start
            guard start >= 0, start <= bytes.count else { return "invalid position" }
            var line = 1, lastBreak = -1
            for i in 0..<start where bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lastBreak = i
            }
            return "\(line):\(start - lastBreak)"
        }

        public var description: String { "\(startPosition): parse error: \(message)" }
    }

    /// Every error, in the order found; never empty.
    public var errors: [Detail]

    /// Creates a parse error from its details.
    public init(_ errors: [Detail]) { self.errors = errors }

    /// The first error's message.
    public var message: String { errors.first?.message ?? "" }
    /// The first error's range.
    public var positionRange: PositionRange { errors.first?.positionRange ?? .none }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// Switches for Prometheus's experimental PromQL syntax, all off by default as in Prometheus.
public struct ParserOptions: Sendable, Equatable {
    /// Functions marked experimental, and the `limitk`/`limit_ratio` aggregations
    /// (`--enable-feature=promql-experimental-functions`).
    public var enableExperimentalFunctions: Bool
    /// Arithmetic, `step()`, `range()`, `min_of`, `max_of` in ranges, steps and offsets
    /// (`promql-duration-expr`).
    public var enableDurationExpressions: Bool
    /// The `anchored` and `smoothed` range modifiers (`promql-extended-range-selectors`).
    public var enableExtendedRangeSelectors: Bool
    /// `fill`, `fill_left` and `fill_right` on binary operators (`promql-binop-fill-modifiers`).
    public var enableBinopFillModifiers: Bool

    /// Creates options; everything experimental is off unless asked for.
    public init(
        enableExperimentalFunctions: Bool = false,
        enableDurationExpressions: Bool = false,
        enableExtendedRangeSelectors: Bool = false,
        enableBinopFillModifiers: Bool = false
    ) {
        self.enableExperimentalFunctions = enableExperimentalFunctions
        self.enableDurationExpressions = enableDurationExpressions
        self.enableExtendedRangeSelectors = enableExtendedRangeSelectors
        self.enableBinopFillModifiers = enableBinopFillModifiers
    }

    /// Every experimental feature on, as Prometheus's promqltest runner parses.
    public static let all = ParserOptions(
        enableExperimentalFunctions: true, enableDurationExpressions: true,
        enableExtendedRangeSelectors: true, enableBinopFillModifiers: true
    )
}
