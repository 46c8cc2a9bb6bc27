// Tollgate — PromQL tests: error messages, ported from Prometheus's promql/parser/parse_test.go.

import PromQL
import Testing

/// One failing query and the first error's message (and, when given, its `line:col`).
struct ErrorCase: CustomTestStringConvertible, Sendable {
    let input: String
    let message: String
    let position: String?
    var testDescription: String { input }
    init(_ input: String, _ message: String, at position: String? = nil) {
        self.input = input
        self.message = message
        self.position = position
    }
}

private let cases: [ErrorCase] = [
    .init("", "no expression found in input"),
    .init("# just a comment\n\n", "no expression found in input"),
    .init("1+", "unexpected end of input", at: "1:3"),
    .init(".", "unexpected character: '.'", at: "1:1"),
    .init("2.5.", "bad number or duration syntax: \"2.5.\""),
    .init("100..4", "bad number or duration syntax: \"100..\""),
    .init("0deadbeef", "bad number or duration syntax: \"0de\""),
    .init("1 /", "unexpected end of input", at: "1:4"),
    .init("*1", "unexpected <op:*>", at: "1:1"),
    .init("(1))", "unexpected right parenthesis ')'", at: "1:5"),
    .init("((1)", "unclosed left parenthesis", at: "1:5"),
    .init("(", "unclosed left parenthesis", at: "1:2"),
    .init("1 and 1", "set operator \"and\" not allowed in binary scalar expression"),
    .init("1 == 1", "comparisons between scalars must use BOOL modifier", at: "1:3"),
    .init("1 or 1", "set operator \"or\" not allowed in binary scalar expression"),
    .init("1 unless 1", "set operator \"unless\" not allowed in binary scalar expression"),
    .init("1 !~ 1", "unexpected character after '!': '~'", at: "1:3"),
    .init("1 =~ 1", "unexpected character after '=': '~'"),
    .init("-\"string\"", "unary expression only allowed on expressions of type scalar or instant vector, got \"string\""),
    .init("-test[5m]", "unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""),
    .init("*test", "unexpected <op:*>"),
    .init("1 offset 1d", "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    .init("foo offset 1s offset 2s", "offset may not be set multiple times"),
    .init("a - on(b) ignoring(c) d", "unexpected <ignoring>"),
    .init("foo and 1", "set operator \"and\" not allowed in binary scalar expression"),
    .init("1 and foo", "set operator \"and\" not allowed in binary scalar expression"),
    .init("foo or 1", "set operator \"or\" not allowed in binary scalar expression"),
    .init("1 or foo", "set operator \"or\" not allowed in binary scalar expression"),
    .init("foo unless 1", "set operator \"unless\" not allowed in binary scalar expression"),
    .init("1 unless foo", "set operator \"unless\" not allowed in binary scalar expression"),
    .init("1 or on(bar) foo", "vector matching only allowed between instant vectors"),
    .init("foo == on(bar) 10", "vector matching only allowed between instant vectors"),
    .init("foo + group_left(baz) bar", "unexpected <group_left>"),
    .init("foo and on(bar) group_left(baz) bar", "no grouping allowed for \"and\" operation"),
    .init("foo and on(bar) group_right(baz) bar", "no grouping allowed for \"and\" operation"),
    .init("foo or on(bar) group_left(baz) bar", "no grouping allowed for \"or\" operation"),
    .init("foo or on(bar) group_right(baz) bar", "no grouping allowed for \"or\" operation"),
    .init("foo unless on(bar) group_left(baz) bar", "no grouping allowed for \"unless\" operation"),
    .init("foo unless on(bar) group_right(baz) bar", "no grouping allowed for \"unless\" operation"),
    .init("http_requests{group=\"production\"} + on(instance) group_left(job,instance) cpu_count{type=\"smp\"}",
        "label \"instance\" must not occur in ON and GROUP clause at once"),
    .init("foo + bool bar", "bool modifier can only be used on comparison operators"),
    .init("foo + bool 10", "bool modifier can only be used on comparison operators"),
    .init("foo and bool 10", "bool modifier can only be used on comparison operators"),
    .init("foo and bool bar", "bool modifier can only be used on comparison operators"),
    .init("{", "unexpected end of input inside braces"),
    .init("}", "unexpected character: '}'"),
    .init("some{", "unexpected end of input inside braces"),
    .init("some}", "unexpected character: '}'"),
    .init("some_metric{a=b}", "unexpected identifier \"b\" in label matching, expected string"),
    .init("some_metric{a:b=\"b\"}", "unexpected character inside braces: ':'"),
    .init("foo{a*\"b\"}", "unexpected character inside braces: '*'"),
    .init("foo{a>=\"b\"}", "unexpected character inside braces: '>'"),
    .init("some_metric{a=\"\\xff\"}", "", at: nil),
    .init("foo{gibberish}", "unexpected \"}\" in label matching, expected label matching operator"),
    .init("foo{1}", "unexpected character inside braces: '1'"),
    .init("{}", "vector selector must contain at least one non-empty matcher"),
    .init("{x=\"\"}", "vector selector must contain at least one non-empty matcher"),
    .init("{x=~\".*\"}", "vector selector must contain at least one non-empty matcher"),
    .init("{x!~\".+\"}", "vector selector must contain at least one non-empty matcher"),
    .init("{x!=\"a\"}", "vector selector must contain at least one non-empty matcher"),
    .init("foo{__name__=\"bar\"}", "metric name must not be set twice: \"foo\" or \"bar\""),
    .init("foo{__name__= =}", "unexpected \"=\" in label matching, expected string"),
    .init("foo{,}", "unexpected \",\" in label matching, expected identifier or \"}\""),
    .init("foo{__name__ == \"bar\"}", "unexpected \"=\" in label matching, expected string"),
    .init("foo{__name__=\"bar\" lol}", "unexpected identifier \"lol\" in label matching, expected \",\" or \"}\""),
    .init("foo{a=\"b\"}{c=\"d\"}", "unexpected \"{\""),
    .init("foo{a!\"b\"}", "unexpected character after '!' inside braces: '\"'"),
    .init("foo{{", "unexpected left brace '{' inside braces"),
    .init("foo[5mm]", "bad number or duration syntax: \"5mm\""),
    .init("foo[5m1]", "bad number or duration syntax: \"5m1\""),
    .init("foo[5m:1m1]", "bad number or duration syntax: \"1m1\""),
    .init("foo[5y1hs]", "not a valid duration string: \"5y1hs\""),
    .init("foo[5m1h]", "not a valid duration string: \"5m1h\""),
    .init("foo[5m1m]", "not a valid duration string: \"5m1m\""),
    .init("foo[293y]", "duration out of range"),
    .init("foo[\"5m\"]", "unexpected string \"\\\"5m\\\"\" in subquery selector, expected duration"),
    .init("foo[]", "unexpected \"]\" in subquery selector, expected duration"),
    .init("foo[-1]", "experimental duration expression is not enabled"),
    .init("foo[5m+1m]", "experimental duration expression is not enabled"),
    .init("foo[step()]", "experimental duration expression is not enabled"),
    .init("foo offset (5m)", "experimental duration expression is not enabled"),
    .init("some_metric[5m] OFFSET 1mm", "bad number or duration syntax: \"1mm\""),
    .init("some_metric[5m] OFFSET", "unexpected end of input in offset, expected number or duration"),
    .init("some_metric OFFSET 1m[5m]", "no offset modifiers allowed before range"),
    .init("some_metric @ 123 [5m]", "no @ modifiers allowed before range"),
    .init("(foo + bar)[5m]", "ranges only allowed for vector selectors"),
    .init("sum(foo)[5m]", "ranges only allowed for vector selectors"),
    .init("foo[5m][5m]", "ranges only allowed for vector selectors"),
    .init("some_metric[5m] @", "unexpected end of input in @, expected timestamp"),
    .init("some_metric @ foo", "unexpected identifier \"foo\" in @, expected timestamp"),
    .init("foo @ +Inf", "timestamp out of bounds for @ modifier: +Inf"),
    .init("foo @ NaN", "timestamp out of bounds for @ modifier: NaN"),
    .init("foo @ 10 @ 20", "@ <timestamp> may not be set multiple times"),
    .init("foo @ start() @ end()", "@ <timestamp> may not be set multiple times"),
    .init("sum(foo) @ 10", "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    .init("1 @ 10", "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    .init("foo @ start", "unexpected identifier \"start\" in @, expected timestamp"),
    .init("sum without(==)(some_metric)", "unexpected <op:==> in grouping opts, expected label"),
    .init("sum without(,)(some_metric)", "unexpected \",\" in grouping opts, expected label"),
    .init("sum without(foo,,)(some_metric)", "unexpected \",\" in grouping opts, expected label"),
    .init("sum some_metric by (test)", "unexpected identifier \"some_metric\""),
    .init("sum (some_metric) by test", "unexpected identifier \"test\" in grouping opts, expected \"(\""),
    .init("sum (some_metric) by test", "unexpected identifier \"test\" in grouping opts, expected \"(\""),
    .init("sum () by (test)", "no arguments for aggregate expression provided"),
    .init("MIN keep_common (some_metric)", "unexpected identifier \"keep_common\""),
    .init("MIN (some_metric) keep_common", "unexpected identifier \"keep_common\""),
    .init("sum (some_metric) without (test) by (test)", "unexpected <by>"),
    .init("sum without (test) (some_metric) by (test)", "unexpected <by>"),
    .init("topk(some_metric)", "wrong number of arguments for aggregate expression provided, expected 2, got 1"),
    .init("topk(some_metric,)", "trailing commas not allowed in function call args"),
    .init("topk(some_metric, other_metric)", "expected type scalar in aggregation parameter, got instant vector"),
    .init("count_values(5, other_metric)", "expected type string in aggregation parameter, got scalar"),
    .init("rate(some_metric[5m]) @ 1234", "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
    .init("sum(rate(foo[5m]))[5m]", "ranges only allowed for vector selectors"),
    .init("sum by (foo:bar) (some_metric)", "unexpected metric identifier \"foo:bar\" in grouping opts, expected label"),
    .init("sum(foo[5m])", "expected type instant vector in aggregation expression, got range vector"),
    .init("limitk(2, foo)", "limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions"),
    .init("limit_ratio(0.5, foo)", "limit_ratio() is experimental and must be enabled with --enable-feature=promql-experimental-functions"),
    // Functions.
    .init("floor()", "expected 1 argument(s) in call to \"floor\", got 0"),
    .init("floor(some_metric, other_metric)", "expected 1 argument(s) in call to \"floor\", got 2"),
    .init("floor(some_metric, 1)", "expected 1 argument(s) in call to \"floor\", got 2"),
    .init("floor(1)", "expected type instant vector in call to function \"floor\", got scalar"),
    .init("hour(some_metric, some_metric, some_metric)", "expected at most 1 argument(s) in call to \"hour\", got 3"),
    .init("time(some_metric)", "expected 0 argument(s) in call to \"time\", got 1"),
    .init("non_existent_function_far_bar()", "unknown function with name \"non_existent_function_far_bar\""),
    .init("rate(some_metric)", "expected type range vector in call to function \"rate\", got instant vector"),
    .init("label_replace(a, `b`, `c\\xff`, `d`, `.*`)", "", at: nil),
    .init("label_join(foo)", "expected at least 3 argument(s) in call to \"label_join\", got 1"),
    .init("round(foo, 1, 2)", "expected at most 2 argument(s) in call to \"round\", got 3"),
    .init("clamp(foo)", "expected 3 argument(s) in call to \"clamp\", got 1"),
    .init("rate(foo[5m], )", "trailing commas not allowed in function call args"),
    .init("mad_over_time(foo[5m])", "function \"mad_over_time\" is not enabled"),
    .init("sort_by_label(foo, \"a\")", "function \"sort_by_label\" is not enabled"),
    .init("info(foo, bar)", "function \"info\" is not enabled"),
    .init("RATE(foo[5m])", "unknown function with name \"RATE\""),
    .init("foo:bar(x)", "unexpected \"(\""),
    // Strings.
    .init("\"unterminated string", "unterminated quoted string"),
    .init("`unterminated raw string", "unterminated raw string"),
    .init("\"\\z\"", "unknown escape sequence U+007A 'z'"),
    .init("\"\\xZZ\"", "illegal character U+005A 'Z' in escape sequence"),
    .init("\"\\uD800\"", "escape sequence is an invalid Unicode code point"),
    .init("'a\nb'", "unterminated quoted string"),
    .init("\"foo\" + \"bar\"", "binary expression must contain only scalar and instant vector types"),
    .init("\"foo\" == 1", "binary expression must contain only scalar and instant vector types"),
    .init("foo + \"bar\"", "binary expression must contain only scalar and instant vector types"),
    .init("foo[5m] + 1", "binary expression must contain only scalar and instant vector types"),
    // Subqueries.
    .init("test[5d] OFFSET 10s [10m:5s]", "subquery is only allowed on instant vector, got matrix instead"),
    .init("(foo + bar{nm=\"val\"})[5m:][10m:5s]", "subquery is only allowed on instant vector, got matrix instead"),
    .init("rate(food[1m])[1h] offset 1h", "ranges only allowed for vector selectors"),
    .init("rate(food[1m])[1h] @ 100", "ranges only allowed for vector selectors"),
    .init("foo[5m:1m", "unclosed left bracket"),
    .init("foo[5m:1m 1m]", "unexpected duration \"1m\" in subquery selector, expected \"]\""),
    .init("foo[5m 1m]", "unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\""),
    .init("foo[5m:\"x\"]", "unexpected string \"\\\"x\\\"\" in subquery selector, expected duration or \"]\""),
    .init("foo]", "unexpected right bracket ']'"),
    .init("foo[[5m]", "unexpected left bracket '['"),
    // Experimental modifiers without their switches.
    .init("rate(foo[5m] anchored)", "anchored modifier is experimental and not enabled"),
    .init("rate(foo[5m] smoothed)", "smoothed modifier is experimental and not enabled"),
    .init("a + fill(0) b", "binop fill modifiers are experimental and not enabled"),
    // Mixed.
    .init("foo bar", "unexpected identifier \"bar\""),
    .init("1 2", "unexpected number \"2\""),
    .init("foo ==", "unexpected end of input"),
    .init("é", "unexpected character: 'é'"),
    .init("foo\n+ bar{", "unexpected end of input inside braces", at: "2:7"),
    .init("sum(foo", "unclosed left parenthesis"),
    .init("sum by", "unexpected end of input in grouping opts, expected \"(\""),
    .init("sum by (a)", "unexpected end of input in aggregation"),
]

@Suite("Parser: error messages from parse_test.go")
struct ParserErrorTests {
    @Test(arguments: cases.filter { !$0.message.isEmpty })
    func fails(_ c: ErrorCase) {
        do {
            let expr = try parseExpr(c.input)
            Issue.record("\(c.input) parsed as \(expr)")
        } catch {
            #expect(error.message == c.message, "\(c.input): \(error)")
            if let position = c.position {
                #expect(error.errors.first?.startPosition == position, "\(c.input): \(error)")
            }
        }
    }

    @Test(arguments: cases.filter { $0.message.isEmpty })
    func invalidUTF8IsAccepted(_ c: ErrorCase) throws {
        _ = try parseExpr(c.input)
    }

    @Test func descriptionIsPrometheusStyle() {
        #expect(throws: ParseError.self) { try parseExpr("1 +") }
        let endOfInput = #expect(throws: ParseError.self) { try parseExpr("foo{a=\"b\"} + 1 ==") }
        #expect(endOfInput?.description == "1:18: parse error: unexpected end of input")
        let regex = #expect(throws: ParseError.self) { try parseExpr(#"{a=~"a++"}"#) }
        #expect(regex?.description == "1:2: parse error: error parsing regexp: invalid nested repetition operator: `++`")
        let empty = #expect(throws: ParseError.self) { try parseExpr("") }
        #expect(empty?.description == "unknown position: parse error: no expression found in input")
    }

    @Test func severalErrorsAreJoined() {
        let error = #expect(throws: ParseError.self) { try parseExpr("floor(1, 2) + floor()") }
        let each = [
            "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2",
            "1:7: parse error: expected type instant vector in call to function \"floor\", got scalar",
            "1:15: parse error: expected 1 argument(s) in call to \"floor\", got 0",
        ]
        #expect(error?.errors.count == 3)
        #expect(error?.description == each.joined(separator: "; "))
    }
}
