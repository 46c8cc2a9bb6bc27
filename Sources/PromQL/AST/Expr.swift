// Tollgate — PromQL: the syntax tree.
//
// The node set follows Prometheus's promql/parser/ast.go. Every node keeps the byte range it
// was parsed from, because warnings and infos name the position of the expression they
// concern (`PromQL info: … (1:6)`).

public import Model

/// A byte range of the query text, `start..<end`, 0-based.
public struct PositionRange: Sendable, Hashable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }
    /// A range for nodes built by code, not parsed.
    public static let none = PositionRange(0, 0)
}

/// The four value types of PromQL.
public enum ValueType: String, Sendable, Hashable {
    case scalar
    case vector = "instant vector"
    case matrix = "range vector"
    case string
}

/// A PromQL expression.
public indirect enum Expr: Sendable, Equatable {
    case number(NumberLiteral)
    case string(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case call(Call)
    case aggregate(AggregateExpr)
    case binary(BinaryExpr)
    case unary(UnaryExpr)
    case paren(ParenExpr)
}

/// A number: `1`, `-2.5e3`, `0x1F`, `Inf`, `NaN`, or a duration used as a number (`5m` = 300).
public struct NumberLiteral: Sendable, Equatable {
    public var value: Double
    public var position: PositionRange
    /// The literal was written as a duration (`1h`), so it prints as one.
    public var isDuration: Bool
    public init(_ value: Double, position: PositionRange = .none, isDuration: Bool = false) {
        self.value = value
        self.position = position
        self.isDuration = isDuration
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.value.bitPattern == b.value.bitPattern || (a.value.isNaN && b.value.isNaN)
    }
}

/// A string literal.
public struct StringLiteral: Sendable, Equatable {
    public var value: String
    public var position: PositionRange
    /// Whether the literal's bytes, escapes decoded, were valid UTF-8 (`"\xff"` is not, and
    /// `value` then holds U+FFFD in place of the bad bytes). Label names must be.
    public var isValidUTF8: Bool
    public init(_ value: String, position: PositionRange = .none, isValidUTF8: Bool = true) {
        self.value = value
        self.position = position
        self.isValidUTF8 = isValidUTF8
    }
    public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
}

/// `start()` or `end()` as the argument of `@`.
public enum AtModifier: Sendable, Equatable {
    /// `@ 1609746000` (milliseconds).
    case timestamp(Int64)
    case start
    case end
}

/// A duration: a literal, or (as an experimental feature) an arithmetic expression over
/// durations, numbers, `step()`, `range()`, `min_of(…)` and `max_of(…)`.
public indirect enum DurationExpr: Sendable, Equatable {
    /// Milliseconds.
    case literal(Int64)
    /// A plain number of seconds, as in `[10]` or `offset 2.5`.
    case number(Double)
    case step
    case range
    case minOf(DurationExpr, DurationExpr)
    case maxOf(DurationExpr, DurationExpr)
    case paren(DurationExpr)
    case negate(DurationExpr)
    case binary(BinaryOperator, DurationExpr, DurationExpr)

    /// Plain literals compare by value (`[300]` equals `[5m]`); everything else by structure.
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.literal, .literal), (.literal, .number), (.number, .literal), (.number, .number):
            return a.literalMilliseconds == b.literalMilliseconds
        case (.step, .step), (.range, .range): return true
        case (.minOf(let a1, let a2), .minOf(let b1, let b2)), (.maxOf(let a1, let a2), .maxOf(let b1, let b2)):
            return a1 == b1 && a2 == b2
        case (.paren(let x), .paren(let y)), (.negate(let x), .negate(let y)): return x == y
        case (.binary(let o1, let l1, let r1), .binary(let o2, let l2, let r2)): return o1 == o2 && l1 == l2 && r1 == r2
        default: return false
        }
    }

    /// The literal's milliseconds, when the duration is a plain literal.
    public var literalMilliseconds: Int64? {
        switch self {
        case .literal(let ms): ms
        case .number(let s): Int64((s * 1000).rounded())
        default: nil
        }
    }
}

/// An instant vector selector: `name{label="v", …} offset d @ t`.
public struct VectorSelector: Sendable, Equatable {
    /// The metric name as written before the braces, or nil.
    public var name: String?
    /// Every matcher, including one for `__name__` when a name was written.
    public var matchers: [LabelMatcher]
    /// `offset`, as written (may be negative); nil when absent.
    public var offset: DurationExpr?
    /// `@`, when present.
    public var at: AtModifier?
    /// Experimental `anchored` / `smoothed` range modifiers (on the matrix selector).
    public var anchored = false
    public var smoothed = false
    public var position: PositionRange

    public init(name: String?, matchers: [LabelMatcher], offset: DurationExpr? = nil, at: AtModifier? = nil, position: PositionRange = .none) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.position = position
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.offset == b.offset && a.at == b.at && a.anchored == b.anchored && a.smoothed == b.smoothed
            && a.matchers.map(\.description).sorted() == b.matchers.map(\.description).sorted()
    }
}

/// A range vector selector: `selector[range]`.
public struct MatrixSelector: Sendable, Equatable {
    public var selector: VectorSelector
    public var range: DurationExpr
    public var position: PositionRange
    public init(selector: VectorSelector, range: DurationExpr, position: PositionRange = .none) {
        self.selector = selector
        self.range = range
        self.position = position
    }
    public static func == (a: Self, b: Self) -> Bool { a.selector == b.selector && a.range == b.range }
}

/// A subquery: `expr[range:step] offset d @ t`; `step` nil means the default resolution.
public struct SubqueryExpr: Sendable, Equatable {
    public var expr: Expr
    public var range: DurationExpr
    public var step: DurationExpr?
    public var offset: DurationExpr?
    public var at: AtModifier?
    public var position: PositionRange
    public init(expr: Expr, range: DurationExpr, step: DurationExpr?, offset: DurationExpr? = nil, at: AtModifier? = nil, position: PositionRange = .none) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
        self.position = position
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.expr == b.expr && a.range == b.range && a.step == b.step && a.offset == b.offset && a.at == b.at
    }
}

/// A function call.
public struct Call: Sendable, Equatable {
    public var function: FunctionSignature
    public var args: [Expr]
    public var position: PositionRange
    public init(function: FunctionSignature, args: [Expr], position: PositionRange = .none) {
        self.function = function
        self.args = args
        self.position = position
    }
    public static func == (a: Self, b: Self) -> Bool { a.function == b.function && a.args == b.args }
}

/// The aggregation operators.
public enum AggregateOp: String, Sendable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, quantile
    case countValues = "count_values"
    case topk, bottomk, limitk
    case limitRatio = "limit_ratio"

    /// Whether the operator takes a parameter before the expression.
    public var takesParameter: Bool {
        switch self {
        case .quantile, .countValues, .topk, .bottomk, .limitk, .limitRatio: true
        default: false
        }
    }
}

/// `op by|without (labels) (param, expr)`.
public struct AggregateExpr: Sendable, Equatable {
    public var op: AggregateOp
    public var expr: Expr
    public var param: Expr?
    public var grouping: [String]
    public var without: Bool
    /// `by ()`/`without ()` or a clause was written at all, for printing.
    public var hasGroupingClause: Bool
    public var position: PositionRange
    public init(op: AggregateOp, expr: Expr, param: Expr?, grouping: [String], without: Bool, hasGroupingClause: Bool, position: PositionRange = .none) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.without = without
        self.hasGroupingClause = hasGroupingClause
        self.position = position
    }
    /// Compares everything but positions and whether an empty `by ()` was written.
    public static func == (a: Self, b: Self) -> Bool {
        a.op == b.op && a.expr == b.expr && a.param == b.param && a.grouping == b.grouping && a.without == b.without
    }
}

/// The binary operators, in PromQL spelling.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless
    /// Native-histogram trimming: `>/` keeps the part of each histogram above the scalar,
    /// `</` the part below it.
    case trimUpper = ">/", trimLower = "</"

    /// Comparison operators, which filter unless `bool` is given.
    public var isComparison: Bool { [.eql, .neq, .gtr, .lss, .gte, .lte].contains(self) }
    /// `and`, `or`, `unless`.
    public var isSetOperator: Bool { [.and, .or, .unless].contains(self) }
    /// Binding strength, higher binds tighter (Prometheus's precedence table).
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and, .unless: 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: 3
        case .add, .sub: 4
        case .mul, .div, .mod, .atan2, .trimUpper, .trimLower: 5
        case .pow: 6
        }
    }
    /// `^` is right-associative; every other operator is left-associative.
    public var isRightAssociative: Bool { self == .pow }
}

/// How the two sides of a binary operation are matched.
public enum Cardinality: String, Sendable {
    case oneToOne = "one-to-one"
    case manyToOne = "many-to-one"
    case oneToMany = "one-to-many"
    case manyToMany = "many-to-many"
}

/// `on(…)`/`ignoring(…)` with `group_left(…)`/`group_right(…)`, and the experimental fill values.
public struct VectorMatching: Sendable, Equatable {
    public var card: Cardinality
    /// The labels of `on` or `ignoring`.
    public var matchingLabels: [String]
    /// `on` (true) or `ignoring` (false). `on()` with no labels is still `on`.
    public var on: Bool
    /// Whether `on`/`ignoring` was written.
    public var hasMatchingClause: Bool
    /// Extra labels copied from the "one" side by `group_left`/`group_right`.
    public var include: [String]
    /// Experimental `fill(v)`, `fill_left(v)`, `fill_right(v)`.
    public var fillLeft: Double?
    public var fillRight: Double?
    public init(card: Cardinality, matchingLabels: [String] = [], on: Bool = false, hasMatchingClause: Bool = false, include: [String] = []) {
        self.card = card
        self.matchingLabels = matchingLabels
        self.on = on
        self.hasMatchingClause = hasMatchingClause
        self.include = include
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.card == b.card && a.matchingLabels == b.matchingLabels && a.on == b.on && a.include == b.include
            && a.fillLeft?.bitPattern == b.fillLeft?.bitPattern && a.fillRight?.bitPattern == b.fillRight?.bitPattern
    }
}

/// `lhs op [bool] [matching] rhs`.
public struct BinaryExpr: Sendable, Equatable {
    public var op: BinaryOperator
    public var lhs: Expr
    public var rhs: Expr
    /// Set when both sides are vectors (or a set operator is used).
    public var matching: VectorMatching?
    public var returnBool: Bool
    public var position: PositionRange
    public init(op: BinaryOperator, lhs: Expr, rhs: Expr, matching: VectorMatching?, returnBool: Bool, position: PositionRange = .none) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.matching = matching
        self.returnBool = returnBool
        self.position = position
    }
    public static func == (a: Self, b: Self) -> Bool {
        a.op == b.op && a.lhs == b.lhs && a.rhs == b.rhs && a.matching == b.matching && a.returnBool == b.returnBool
    }
}

/// `-expr` or `+expr`.
public struct UnaryExpr: Sendable, Equatable {
    /// `.sub` or `.add`.
    public var op: BinaryOperator
    public var expr: Expr
    public var position: PositionRange
    public init(op: BinaryOperator, expr: Expr, position: PositionRange = .none) {
        self.op = op
        self.expr = expr
        self.position = position
    }
    public static func == (a: Self, b: Self) -> Bool { a.op == b.op && a.expr == b.expr }
}

/// `( expr )`.
public struct ParenExpr: Sendable, Equatable {
    public var expr: Expr
    public var position: PositionRange
    public init(expr: Expr, position: PositionRange = .none) {
        self.expr = expr
        self.position = position
    }
    public static func == (a: Self, b: Self) -> Bool { a.expr == b.expr }
}

extension PositionRange {
    /// `(line:column)` of the start, 1-based, the column counted in bytes: the way Prometheus
    /// appends positions to annotations.
    public func lineColumn(in query: String) -> String {
        var line = 1, column = 1, offset = 0
        for byte in query.utf8 {
            if offset == start { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            offset += 1
        }
        return "(\(line):\(column))"
    }
}
