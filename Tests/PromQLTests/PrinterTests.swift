// Tollgate — PromQL tests: printing, ported from Prometheus's promql/parser/printer_test.go.

import PromQL
import Testing

/// A query and how Prometheus prints it (the same text when `out` is nil).
struct PrintCase: CustomTestStringConvertible, Sendable {
    let input: String
    let output: String
    var testDescription: String { input }
    init(_ input: String, _ output: String? = nil) {
        self.input = input
        self.output = output ?? input
    }
}

private let cases: [PrintCase] = [
    .init("sum by (job) (rate(x[5m]))"),
    .init("sum by(job)(rate(x[5m]))", "sum by (job) (rate(x[5m]))"),
    .init("sum(rate(x[5m])) by (job)", "sum by (job) (rate(x[5m]))"),
    .init("sum by() (task:errors:rate10s{job=\"s\"})", "sum(task:errors:rate10s{job=\"s\"})"),
    .init("sum without(job,foo) (task:errors:rate10s{job=\"s\"})", "sum without (job, foo) (task:errors:rate10s{job=\"s\"})"),
    .init("sum without() (task:errors:rate10s{job=\"s\"})", "sum without () (task:errors:rate10s{job=\"s\"})"),
    .init("topk(5, task:errors:rate10s{job=\"s\"})"),
    .init("count_values(\"value\", task:errors:rate10s{job=\"s\"})"),
    .init("a - on() c", "a - on () c"),
    .init("a - on(b) c", "a - on (b) c"),
    .init("a - on(b) group_left(x) c", "a - on (b) group_left (x) c"),
    .init("a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"),
    .init("a - on(b) group_left c", "a - on (b) group_left () c"),
    .init("a + on(b) group_left(c) d", "a + on (b) group_left (c) d"),
    .init("a - ignoring(b) c", "a - ignoring (b) c"),
    .init("a - ignoring() c", "a - ignoring () c"),
    .init("a and b"),
    .init("a > bool b"),
    .init("up > bool 0"),
    .init("a offset 1m"),
    .init("a offset -7m"),
    .init("a{c=\"d\"}[2m:4s] offset 1m"),
    .init("a[5m] offset 1m"),
    .init("a[12m] offset -3m"),
    .init("a[1h:5m] offset 1m"),
    .init("{__name__=\"a\"}"),
    .init("a{b!=\"c\"}[1m]"),
    .init("a{b=~\"c\"}[1m]"),
    .init("a{b!~\"c\"}[1m]"),
    .init("a @ 10", "a @ 10.000"),
    .init("a[1m] @ 10", "a[1m] @ 10.000"),
    .init("a @ start()"),
    .init("a @ end()"),
    .init("a[1m] @ start()"),
    .init("a[1m] @ end()"),
    .init("a offset 5m @ 100", "a @ 100.000 offset 5m"),
    .init("a @ -1.5", "a @ -1.500"),
    .init("foo[10m:1m] @ 1603775091 offset 4m", "foo[10m:1m] @ 1603775091.000 offset 4m"),
    .init("1.5"),
    .init("1e20", "100000000000000000000"),
    .init("1e-7", "0.0000001"),
    .init("0x1F", "31"),
    .init("-Inf"),
    .init("+Inf"),
    .init("NaN"),
    .init("5m"),
    .init("1h30m"),
    .init("-5m"),
    .init("foo[300]", "foo[5m]"),
    .init("\"a\\nb\"", "\"a\\nb\""),
    .init("'single'", "\"single\""),
    .init("`raw\\n`", "\"raw\\\\n\""),
    .init("{\"my.metric\", a=\"b\"}", "{__name__=\"my.metric\",a=\"b\"}"),
    .init("foo{\"a.b\"=\"c\"}"),
    .init("sum by (\"a.b\") (foo)"),
    .init("-(foo)"),
    .init("-foo"),
    .init("-1 ^ 2"),
    .init("(1 + 2) * 3"),
    .init("rate(foo[5m])"),
    .init("label_join(foo, \"a\", \",\", \"b\")"),
    .init("time()"),
    .init("foo{b=\"c\",a=\"d\"}", "foo{a=\"d\",b=\"c\"}"),
]

@Suite("Printer: printer_test.go")
struct PrinterTests {
    @Test(arguments: cases)
    func prints(_ c: PrintCase) throws {
        let expr = try parseExpr(c.input)
        #expect(expr.description == c.output)
        let reparsed = try parseExpr(expr.description)
        #expect(reparsed == expr, "\(c.input) → \(expr) → \(reparsed)")
    }

    @Test func experimentalSyntaxPrints() throws {
        let cases: [(String, String)] = [
            ("foo[5m+1m]", "foo[5m + 1m]"),
            ("foo[5m:step()]", "foo[5m:step()]"),
            ("foo offset -(1m*2)", "foo offset -(1m * 2)"),
            ("foo offset (1m*2)", "foo offset (1m * 2)"),
            ("foo[min_of(1m,range())]", "foo[min_of(1m, range())]"),
            ("increase(foo[1m] anchored)", "increase(foo[1m] anchored)"),
            ("rate(foo[1m] smoothed offset 1m)", "rate(foo[1m] smoothed offset 1m)"),
            ("a + fill(0) b", "a + fill(0) b"),
            ("a + on(x) group_left fill_left(1) fill_right(2) b", "a + on (x) group_left () fill_left(1) fill_right(2) b"),
            ("a == bool fill(-Inf) b", "a == bool fill(-Inf) b"),
            ("limitk(2, foo)", "limitk(2, foo)"),
        ]
        for (input, output) in cases {
            let expr = try parseExpr(input, options: .all)
            #expect(expr.description == output)
            #expect(try parseExpr(expr.description, options: .all) == expr, "\(input)")
        }
    }
}
