// Tollgate — PromQL tests: input → tree, ported from Prometheus's promql/parser/parse_test.go.

import Model
import PromQL
import Testing

/// One parse case: the query and the tree it must give.
struct ASTCase: CustomTestStringConvertible, Sendable {
    let input: String
    let expected: Expr
    var testDescription: String { input }
    init(_ input: String, _ expected: Expr) {
        self.input = input
        self.expected = expected
    }
}

/// Every case; throws if one names a function the parser does not know.
private func astCases() throws -> [ASTCase] {
    try [
        // Scalars and scalar-to-scalar operations.
        .init("1", num(1)),
        .init("+Inf", num(.infinity)),
        .init("-Inf", num(-.infinity)),
        .init(".5", num(0.5)),
        .init("5.", num(5)),
        .init("123.4567", num(123.4567)),
        .init("5e-3", num(0.005)),
        .init("5e3", num(5000)),
        .init("0xc", num(12)),
        .init("0755", num(493)),
        .init("+5.5e-3", num(0.0055)),
        .init("-0755", num(-493)),
        .init("1_000", num(1000)),
        .init("NaN", num(.nan)),
        .init("nan", num(.nan)),
        .init("iNf", num(.infinity)),
        .init("5m", num(300, duration: true)),
        .init("1h30m", num(5400, duration: true)),
        .init("10ms", num(0.01, duration: true)),
        .init("1 + 1", bin(.add, num(1), num(1))),
        .init("1 - 1", bin(.sub, num(1), num(1))),
        .init("1 * 1", bin(.mul, num(1), num(1))),
        .init("1 % 1", bin(.mod, num(1), num(1))),
        .init("1 / 1", bin(.div, num(1), num(1))),
        .init("1 == bool 1", bin(.eql, num(1), num(1), bool: true)),
        .init("1 != bool 1", bin(.neq, num(1), num(1), bool: true)),
        .init("1 > bool 1", bin(.gtr, num(1), num(1), bool: true)),
        .init("1 >= bool 1", bin(.gte, num(1), num(1), bool: true)),
        .init("1 < bool 1", bin(.lss, num(1), num(1), bool: true)),
        .init("1 <= bool 1", bin(.lte, num(1), num(1), bool: true)),
        .init("-1^2", neg(bin(.pow, num(1), num(2)))),
        .init("-1*2", bin(.mul, num(-1), num(2))),
        .init("-1+2", bin(.add, num(-1), num(2))),
        .init("-1^-2", neg(bin(.pow, num(1), num(-2)))),
        .init("+1 + -2 * 1", bin(.add, num(1), bin(.mul, num(-2), num(1)))),
        .init("1 + 2/(3*1)", bin(.add, num(1), bin(.div, num(2), paren(bin(.mul, num(3), num(1)))))),
        .init("1 < bool 2 - 1 * 2", bin(.lss, num(1), bin(.sub, num(2), bin(.mul, num(1), num(2))), bool: true)),
        .init("2 ^ 3 ^ 2", bin(.pow, num(2), bin(.pow, num(3), num(2)))),
        .init("2 - 3 - 4", bin(.sub, bin(.sub, num(2), num(3)), num(4))),
        .init("-some_metric", neg(sel("some_metric"))),
        .init("+some_metric", .unary(UnaryExpr(op: .add, expr: sel("some_metric")))),
        .init(" +{\"some_metric\"}", .unary(UnaryExpr(op: .add, expr: sel(nil, [(.equal, "__name__", "some_metric")])))),
        // Vector binary operations.
        .init("foo * bar", bin(.mul, sel("foo"), sel("bar"), vm())),
        .init("foo * sum", bin(.mul, sel("foo"), sel("sum"), vm())),
        .init("foo == 1", bin(.eql, sel("foo"), num(1))),
        .init("foo == bool 1", bin(.eql, sel("foo"), num(1), bool: true)),
        .init("2.5 / bar", bin(.div, num(2.5), sel("bar"))),
        .init("foo and bar", bin(.and, sel("foo"), sel("bar"), vm(.manyToMany))),
        .init("foo or bar", bin(.or, sel("foo"), sel("bar"), vm(.manyToMany))),
        .init("foo unless bar", bin(.unless, sel("foo"), sel("bar"), vm(.manyToMany))),
        .init(
            "foo + bar or bla and blub",
            bin(.or, bin(.add, sel("foo"), sel("bar"), vm()), bin(.and, sel("bla"), sel("blub"), vm(.manyToMany)), vm(.manyToMany))
        ),
        .init(
            "foo and bar unless baz or qux",
            bin(.or, bin(.unless, bin(.and, sel("foo"), sel("bar"), vm(.manyToMany)), sel("baz"), vm(.manyToMany)), sel("qux"), vm(.manyToMany))
        ),
        .init("bar + on(foo) bla / on(baz, buz) group_right(test) blub",
            bin(.add, sel("bar"), bin(.div, sel("bla"), sel("blub"), vm(.oneToMany, on: true, ["baz", "buz"], include: ["test"])), vm(on: true, ["foo"]))),
        .init("foo * on(test,blub) bar", bin(.mul, sel("foo"), sel("bar"), vm(on: true, ["test", "blub"]))),
        .init("foo * on(test,blub) group_left bar", bin(.mul, sel("foo"), sel("bar"), vm(.manyToOne, on: true, ["test", "blub"]))),
        .init("foo and on(test,blub) bar", bin(.and, sel("foo"), sel("bar"), vm(.manyToMany, on: true, ["test", "blub"]))),
        .init("foo and on() bar", bin(.and, sel("foo"), sel("bar"), vm(.manyToMany, on: true))),
        .init("foo and ignoring(test,blub) bar", bin(.and, sel("foo"), sel("bar"), vm(.manyToMany, ["test", "blub"]))),
        .init("foo and ignoring() bar", bin(.and, sel("foo"), sel("bar"), vm(.manyToMany))),
        .init("foo unless on(bar) baz", bin(.unless, sel("foo"), sel("baz"), vm(.manyToMany, on: true, ["bar"]))),
        .init("foo / on(test,blub) group_left(bar) bar", bin(.div, sel("foo"), sel("bar"), vm(.manyToOne, on: true, ["test", "blub"], include: ["bar"]))),
        .init("foo / ignoring(test,blub) group_left(blub) bar", bin(.div, sel("foo"), sel("bar"), vm(.manyToOne, ["test", "blub"], include: ["blub"]))),
        .init("foo - on(test,blub) group_right(bar,foo) bar", bin(.sub, sel("foo"), sel("bar"), vm(.oneToMany, on: true, ["test", "blub"], include: ["bar", "foo"]))),
        .init("foo - ignoring(test,blub) group_right(bar,foo) bar", bin(.sub, sel("foo"), sel("bar"), vm(.oneToMany, ["test", "blub"], include: ["bar", "foo"]))),
        .init("foo - on (\"some.label\") bar", bin(.sub, sel("foo"), sel("bar"), vm(on: true, ["some.label"]))),
        // Selectors.
        .init("foo", sel("foo")),
        .init("min", sel("min")),
        .init("foo offset 5m", sel("foo", offset: .literal(5 * minute))),
        .init("foo offset -7m", sel("foo", offset: .literal(-7 * minute))),
        .init("foo OFFSET 1h30m", sel("foo", offset: .literal(90 * minute))),
        .init("foo OFFSET 1m30ms", sel("foo", offset: .literal(minute + 30))),
        .init("foo @ 1603774568", sel("foo", at: .timestamp(1_603_774_568_000))),
        .init("foo @ -100", sel("foo", at: .timestamp(-100_000))),
        .init("foo @ .3", sel("foo", at: .timestamp(300))),
        .init("foo @ 3.", sel("foo", at: .timestamp(3000))),
        .init("foo @ 3.33", sel("foo", at: .timestamp(3330))),
        .init("foo @ 3.3333", sel("foo", at: .timestamp(3333))),
        .init("foo @ 3.3335", sel("foo", at: .timestamp(3334))),
        .init("foo @ 3e2", sel("foo", at: .timestamp(300_000))),
        .init("foo @ 3e-1", sel("foo", at: .timestamp(300))),
        .init("foo @ 0xA", sel("foo", at: .timestamp(10000))),
        .init("foo @ start()", sel("foo", at: .start)),
        .init("foo @ end()", sel("foo", at: .end)),
        .init("foo @ 10 offset 5m", sel("foo", offset: .literal(5 * minute), at: .timestamp(10000))),
        .init("foo offset 5m @ 10", sel("foo", offset: .literal(5 * minute), at: .timestamp(10000))),
        .init("foo:bar{a=\"bc\"}", sel("foo:bar", [(.equal, "a", "bc")])),
        .init("foo{NaN='bc'}", sel("foo", [(.equal, "NaN", "bc")])),
        .init("foo{bar='}'}", sel("foo", [(.equal, "bar", "}")])),
        .init("foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\"}",
            sel("foo", [(.equal, "a", "b"), (.notEqual, "foo", "bar"), (.regex, "test", "test"), (.notRegex, "bar", "baz")])),
        .init("foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\",}",
            sel("foo", [(.equal, "a", "b"), (.notEqual, "foo", "bar"), (.regex, "test", "test"), (.notRegex, "bar", "baz")])),
        .init("{__name__=~\"foo.+\"}", sel(nil, [(.regex, "__name__", "foo.+")])),
        .init("{\"foo\"}", sel(nil, [(.equal, "__name__", "foo")])),
        .init("{\"foo.bar\", \"a.b\"=\"c\",}", sel(nil, [(.equal, "__name__", "foo.bar"), (.equal, "a.b", "c")])),
        .init("{'foo\\'bar'=\"x\"}", sel(nil, [(.equal, "foo'bar", "x")])),
        .init("foo{a=`b\\n`}", sel("foo", [(.equal, "a", "b\\n")])),
        .init("foo{a=\"\\x41\\u00e9\\101\"}", sel("foo", [(.equal, "a", "Aé" + "A")])),
        .init("test[5s]", matrix(vs("test"), 5000)),
        .init("test[5m]", matrix(vs("test"), 5 * minute)),
        .init("test[5m30s]", matrix(vs("test"), 5 * minute + 30000)),
        .init("test[5h] OFFSET 5m", matrix(vs("test", offset: .literal(5 * minute)), 5 * 60 * minute)),
        .init("test[5d] OFFSET 10s", matrix(vs("test", offset: .literal(10000)), 5 * 24 * 60 * minute)),
        .init("test[5w] offset 2w", matrix(vs("test", offset: .literal(14 * 24 * 60 * minute)), 35 * 24 * 60 * minute)),
        .init("test[1000ms]", matrix(vs("test"), 1000)),
        .init("test[300]", matrix(vs("test"), 300_000)),
        .init("test{a=\"b\"}[5y] OFFSET 3d", matrix(vs("test", [(.equal, "a", "b")], offset: .literal(3 * 24 * 60 * minute)), 5 * 365 * 24 * 60 * minute)),
        .init("test[5m] @ 100 offset 1m", matrix(vs("test", offset: .literal(minute), at: .timestamp(100_000)), 5 * minute)),
        // Aggregations.
        .init("sum by (foo)(some_metric)", agg(.sum, sel("some_metric"), by: ["foo"])),
        .init("avg by (foo)(some_metric)", agg(.avg, sel("some_metric"), by: ["foo"])),
        .init("max by (foo)(some_metric)", agg(.max, sel("some_metric"), by: ["foo"])),
        .init("sum without (foo) (some_metric)", agg(.sum, sel("some_metric"), without: true).withGrouping(["foo"])),
        .init("sum (some_metric) without (foo)", agg(.sum, sel("some_metric"), without: true).withGrouping(["foo"])),
        .init("stddev(some_metric)", agg(.stddev, sel("some_metric"))),
        .init("stdvar by (foo)(some_metric)", agg(.stdvar, sel("some_metric"), by: ["foo"])),
        .init("sum by ()(some_metric)", agg(.sum, sel("some_metric"))),
        .init("sum by (foo,bar,)(some_metric)", agg(.sum, sel("some_metric"), by: ["foo", "bar"])),
        .init("sum by (foo,)(some_metric)", agg(.sum, sel("some_metric"), by: ["foo"])),
        .init("topk(5, some_metric)", agg(.topk, sel("some_metric"), param: num(5))),
        .init("count_values(\"value\", some_metric)", agg(.countValues, sel("some_metric"), param: str("value"))),
        .init("sum without(and, by, avg, count, alert, annotations)(some_metric)",
            agg(.sum, sel("some_metric"), without: true).withGrouping(["and", "by", "avg", "count", "alert", "annotations"])),
        .init("sum by (\"foo.bar\") (some_metric)", agg(.sum, sel("some_metric"), by: ["foo.bar"])),
        .init("quantile(0.9, rate(foo[5m]))", agg(.quantile, call("rate", matrix(vs("foo"), 5 * minute)), param: num(0.9))),
        .init("SUM BY (job) (foo)", agg(.sum, sel("foo"), by: ["job"])),
        // Functions.
        .init("time()", call("time")),
        .init("floor(some_metric{foo!=\"bar\"})", call("floor", sel("some_metric", [(.notEqual, "foo", "bar")]))),
        .init("rate(some_metric[5m])", call("rate", matrix(vs("some_metric"), 5 * minute))),
        .init("round(some_metric)", call("round", sel("some_metric"))),
        .init("round(some_metric, 5)", call("round", sel("some_metric"), num(5))),
        .init("label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")", call("label_join", sel("foo"), str("a"), str(","), str("b"), str("c"), str("d"))),
        // Strings.
        .init("\"double-quoted string \\\" with escaped quote\"", str("double-quoted string \" with escaped quote")),
        .init("'single-quoted string \\' with escaped quote'", str("single-quoted string ' with escaped quote")),
        .init("`backtick-quoted string`", str("backtick-quoted string")),
        .init("\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\" - \\xFF\\377\\u1234\\U00010111\\U0001011111☺\"", str("\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\\" - \u{FFFD}\u{FFFD}\u{1234}\u{10111}\u{10111}11☺")),
        // Subqueries.
        .init("foo{bar=\"baz\"}[10m:6s]", .subquery(SubqueryExpr(expr: sel("foo", [(.equal, "bar", "baz")]), range: .literal(10 * minute), step: .literal(6000)))),
        .init("foo[10m:]", .subquery(SubqueryExpr(expr: sel("foo"), range: .literal(10 * minute), step: nil))),
        .init("min_over_time(rate(foo{bar=\"baz\"}[2s])[5m:5s] offset 4m)",
            call("min_over_time", .subquery(SubqueryExpr(expr: call("rate", matrix(vs("foo", [(.equal, "bar", "baz")]), 2000)), range: .literal(5 * minute), step: .literal(5000), offset: .literal(4 * minute))))),
        .init("(foo + bar{nm=\"val\"})[5m:] @ 1603775091 offset 4m",
            .subquery(SubqueryExpr(expr: paren(bin(.add, sel("foo"), sel("bar", [(.equal, "nm", "val")]), vm())), range: .literal(5 * minute), step: nil, offset: .literal(4 * minute), at: .timestamp(1_603_775_091_000)))),
        .init("foo offset 5m [10m:1m]", .subquery(SubqueryExpr(expr: sel("foo", offset: .literal(5 * minute)), range: .literal(10 * minute), step: .literal(minute)))),
        // Postfix binds tighter than operators; unary minus like `*`.
        .init("foo + bar offset 5m", bin(.add, sel("foo"), sel("bar", offset: .literal(5 * minute)), vm())),
        .init("-foo offset 5m", neg(sel("foo", offset: .literal(5 * minute)))),
        .init("-2^2", neg(bin(.pow, num(2), num(2)))),
        .init("a * -b + c", bin(.add, bin(.mul, sel("a"), neg(sel("b")), vm()), sel("c"), vm())),
        .init("# comment\nfoo # trailing\n", sel("foo")),
    ]
}

extension Expr {
    /// The same aggregation with other grouping labels.
    func withGrouping(_ labels: [String]) -> Expr {
        guard case .aggregate(var a) = self else { return self }
        a.grouping = labels
        return .aggregate(a)
    }
}

@Suite("Parser: trees from parse_test.go")
struct ParserASTTests {
    @Test(arguments: try astCases())
    func parses(_ c: ASTCase) throws {
        let expr = try parseExpr(c.input)
        #expect(expr == c.expected, "\(c.input) → \(expr)")
    }

    @Test func positionsOfAParsedTree() throws {
        let expr = try parseExpr("sum(rate(foo[5m])) + 1")
        #expect(expr.position == PositionRange(0, 22))
        guard case .binary(let b) = expr else { return }
        #expect(b.lhs.position == PositionRange(0, 18))
        #expect(b.rhs.position == PositionRange(21, 22))
    }

    @Test func experimentalSyntaxWithOptions() throws {
        let all = ParserOptions.all
        let d = try parseExpr("foo[5m+1m]", options: all)
        #expect(d == .matrixSelector(MatrixSelector(selector: vs("foo"), range: .binary(.add, .literal(5 * minute), .literal(minute)))))
        let off = try parseExpr("foo offset -(1m*2)", options: all)
        #expect(off == sel("foo", offset: .negate(.paren(.binary(.mul, .literal(minute), .number(2))))))
        let sub = try parseExpr("foo[step():min_of(1m, range())]", options: all)
        #expect(sub == .subquery(SubqueryExpr(expr: sel("foo"), range: .step, step: .minOf(.literal(minute), .range))))
        let anchored = try parseExpr("increase(foo[1m] anchored)", options: all)
        var s = vs("foo")
        s.anchored = true
        let increase = try call("increase", .matrixSelector(MatrixSelector(selector: s, range: .literal(minute))))
        #expect(anchored == increase)
        let fill = try parseExpr("a + on(b) group_left fill_left(5) fill_right(7) c", options: all)
        var m = vm(.manyToOne, on: true, ["b"])
        m.fillLeft = 5
        m.fillRight = 7
        #expect(fill == bin(.add, sel("a"), sel("c"), m))
        #expect(try parseExpr("metric1_total offset 2 ^ 2", options: all) == bin(.pow, sel("metric1_total", offset: .number(2)), num(2)))
        #expect(try parseExpr("limitk(2, foo)", options: all) == agg(.limitk, sel("foo"), param: num(2)))
    }
}
