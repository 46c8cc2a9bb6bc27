// Tollgate — PromQL tests: building expected trees by hand.

import Model
import PromQL

/// `name{matchers}` with the name matcher last, as the parser builds it.
func vs(_ name: String?, _ matchers: [(LabelMatcher.Kind, String, String)] = [], offset: DurationExpr? = nil, at: AtModifier? = nil) -> VectorSelector {
    var all = matchers.compactMap { try? LabelMatcher($0.0, $0.1, $0.2) }
    if let name, let m = try? LabelMatcher(.equal, metricNameLabel, name) { all.append(m) }
    return VectorSelector(name: name, matchers: all, offset: offset, at: at)
}

func sel(_ name: String?, _ matchers: [(LabelMatcher.Kind, String, String)] = [], offset: DurationExpr? = nil, at: AtModifier? = nil) -> Expr {
    .vectorSelector(vs(name, matchers, offset: offset, at: at))
}

func num(_ v: Double, duration: Bool = false) -> Expr { .number(NumberLiteral(v, isDuration: duration)) }

func str(_ s: String) -> Expr { .string(StringLiteral(s)) }

func bin(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ matching: VectorMatching? = nil, bool: Bool = false) -> Expr {
    .binary(BinaryExpr(op: op, lhs: l, rhs: r, matching: matching, returnBool: bool))
}

func vm(_ card: Cardinality = .oneToOne, on: Bool = false, _ labels: [String] = [], include: [String] = []) -> VectorMatching {
    VectorMatching(card: card, matchingLabels: labels, on: on, include: include)
}

func matrix(_ s: VectorSelector, _ ms: Int64) -> Expr { .matrixSelector(MatrixSelector(selector: s, range: .literal(ms))) }

/// A function name the parser does not know: a typo in a test, not an expected tree.
struct UnknownFunction: Error, CustomStringConvertible {
    let name: String
    var description: String { "no PromQL function is named \"\(name)\"" }
}

/// `name(args)`; throws for a name the parser does not know, so a typo fails the test.
func call(_ name: String, _ args: Expr...) throws -> Expr {
    guard let f = FunctionSignature.named(name) else { throw UnknownFunction(name: name) }
    return .call(Call(function: f, args: args))
}

func agg(_ op: AggregateOp, _ e: Expr, param: Expr? = nil, by: [String] = [], without: Bool = false) -> Expr {
    .aggregate(AggregateExpr(op: op, expr: e, param: param, grouping: by, without: without, hasGroupingClause: !by.isEmpty || without))
}

func paren(_ e: Expr) -> Expr { .paren(ParenExpr(expr: e)) }

func neg(_ e: Expr) -> Expr { .unary(UnaryExpr(op: .sub, expr: e)) }

let minute: Int64 = 60_000
