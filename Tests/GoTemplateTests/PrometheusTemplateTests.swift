// Tollgate — Prometheus's template functions, on the cases of Prometheus's own
// template/template_test.go (TestTemplateExpansion), expected strings as Prometheus asserts them.

import GoTemplate
import Testing

/// One case of `TestTemplateExpansion`.
struct ExpansionCase: CustomTestStringConvertible, Sendable {
    var text: String
    var output: String?
    var error: String?
    var input: TemplateValue = .nil
    var samples: [TemplateSample] = []
    var testDescription: String { text }

    init(_ text: String, _ output: String, input: TemplateValue = .nil, samples: [TemplateSample] = []) {
        self.text = text
        self.output = output
        self.input = input
        self.samples = samples
    }

    init(_ text: String, error: String, input: TemplateValue = .nil, samples: [TemplateSample] = []) {
        self.text = text
        self.error = error
        self.input = input
        self.samples = samples
    }
}

func floats(_ values: Double...) -> TemplateValue { .list(values.map { .float($0) }) }
func ints(_ values: Int...) -> TemplateValue { .list(values.map { .int($0) }) }
func strings(_ values: String...) -> TemplateValue { .list(values.map { .string($0) }) }

let metricA = TemplateSample(labels: ["__name__": "metric", "instance": "a"], value: 11)

/// From prometheus/prometheus template/template_test.go (text mode cases; the html ones
/// need html/template, and the uint64 inputs have no counterpart in TemplateValue).
let prometheusCases: [ExpansionCase] = [
    ExpansionCase("plain text", "plain text"),
    ExpansionCase("{{ 1 }}", "1"),
    ExpansionCase("{{\u{00A0}}}", error: "error parsing template test: template: test:1: unrecognized character in action: U+00A0"),
    ExpansionCase("{{ \"<b>\" }}", "<b>"),
    ExpansionCase("{{define \"x\"}}{{.arg0}} {{.arg1}}{{end}}{{template \"x\" (args 1 \"2\")}}", "1 2"),
    ExpansionCase("{{ query \"1.5\" | first | value }}", "1.5", samples: [TemplateSample(labels: [:], value: 1.5)]),
    ExpansionCase("{{ query \"metric{instance='a'}\" | first | value }}", "11", samples: [metricA]),
    ExpansionCase("{{ query \"metric{instance='a'}\" | first | label \"instance\" }}", "a", samples: [metricA]),
    ExpansionCase(
        "{{ query \"metric{__value__='a'}\" | first | strvalue }}", "a",
        samples: [TemplateSample(labels: ["__name__": "metric", "__value__": "a"], value: 11)]),
    ExpansionCase("{{ query \"metric{instance='a'}\" | first | label \"foo\" }}", "", samples: [metricA]),
    ExpansionCase("{{ $x := query \"metric\" | first }}{{ $x.Labels.foo }}", "", samples: [metricA]),
    ExpansionCase(
        "{{ range query \"metric\" | sortByLabel \"instance\" }}{{.Labels.instance}}:{{.Value}}: {{end}}", "a:11: b:21: ",
        samples: [TemplateSample(labels: ["__name__": "metric", "instance": "b"], value: 21), metricA]),
    ExpansionCase("{{ \"foo.example.com\" | stripPort }}", "foo.example.com"),
    ExpansionCase("{{ \"foo.example.com:12345\" | stripPort }}", "foo.example.com"),
    ExpansionCase("{{ \"192.0.2.1\" | stripPort }}", "192.0.2.1"),
    ExpansionCase("{{ \"192.0.2.1:12345\" | stripPort }}", "192.0.2.1"),
    ExpansionCase("{{ \"2001:0DB8::1\" | stripPort }}", "2001:0DB8::1"),
    ExpansionCase("{{ \"[2001:0DB8::1]:12345\" | stripPort }}", "2001:0DB8::1"),
    ExpansionCase("{{ \"[2001:0DB8::1]::12345\" | stripPort }}", "[2001:0DB8::1]::12345"),
    ExpansionCase("{{ .Foo }}", "<no value>"),
    ExpansionCase("{{", error: "error parsing template test: template: test:1: unclosed action"),
    ExpansionCase(
        "{{ query \"missing\" | first }}",
        error: "error executing template test: template: test:1:21: executing \"test\" at <first>: error calling first: first() called on vector with no elements"),
    ExpansionCase("{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}", "xa"),
    ExpansionCase("{{ range . }}{{ humanize . }}:{{ end }}", "0:1:1.235M:120m:", input: floats(0, 1, 1234567, 0.12)),
    ExpansionCase("{{ range . }}{{ humanize . }}:{{ end }}", "0:1:1.235M:120m:", input: strings("0.0", "1.0", "1234567.0", ".12")),
    ExpansionCase(
        "{{ humanize \"one\" }}",
        error: "error executing template test: template: test:1:3: executing \"test\" at <humanize \"one\">: error calling humanize: strconv.ParseFloat: parsing \"one\": invalid syntax"),
    ExpansionCase("{{ range . }}{{ humanize . }}:{{ end }}", "0:-1:1:1.235M:9.223E:", input: ints(0, -1, 1, 1_234_567, Int.max)),
    ExpansionCase("{{ range . }}{{ humanize1024 . }}:{{ end }}", "0:1:1Mi:0.12:", input: floats(0, 1, 1_048_576, 0.12)),
    ExpansionCase("{{ range . }}{{ humanize1024 . }}:{{ end }}", "0:1:1Mi:0.12:", input: strings("0.0", "1.0", "1048576.0", ".12")),
    ExpansionCase(
        "{{ humanize1024 \"one\" }}",
        error: "error executing template test: template: test:1:3: executing \"test\" at <humanize1024 \"one\">: error calling humanize1024: strconv.ParseFloat: parsing \"one\": invalid syntax"),
    ExpansionCase("{{ range . }}{{ humanize1024 . }}:{{ end }}", "0:-1:1:1.177Mi:8Ei:", input: ints(0, -1, 1, 1_234_567, Int.max)),
    ExpansionCase(
        "{{ range . }}{{ humanizeDuration . }}:{{ end }}", "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
        input: floats(0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99)),
    ExpansionCase(
        "{{ range . }}{{ humanizeDuration . }}:{{ end }}", "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:", input: strings("0", "1", "60", "3600", "86400")),
    ExpansionCase(
        "{{ range . }}{{ humanizeDuration . }}:{{ end }}", "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
        input: floats(0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345)),
    ExpansionCase(
        "{{ range . }}{{ humanizeDuration . }}:{{ end }}", "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
        input: strings(".1", ".0001", ".12345", "60.1", "60.5", "1.2345", "12.345")),
    ExpansionCase(
        "{{ humanizeDuration \"one\" }}",
        error: "error executing template test: template: test:1:3: executing \"test\" at <humanizeDuration \"one\">: error calling humanizeDuration: strconv.ParseFloat: parsing \"one\": invalid syntax"),
    ExpansionCase("{{ range . }}{{ humanizeDuration . }}:{{ end }}", "0s:-1s:1s:14d 6h 56m 7s:", input: ints(0, -1, 1, 1_234_567)),
    ExpansionCase(
        "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
        "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:", input: floats(.infinity, -.infinity, .nan)),
    ExpansionCase(
        "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
        "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:", input: strings("+Inf", "-Inf", "NaN")),
    ExpansionCase(
        "{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}",
        "-22.22%:0%:12.35%:123.5%"),
    ExpansionCase("{{ range . }}{{ humanizePercentage . }}:{{ end }}", "0%:-100%:100%:1.235e+08%:9.223e+20%:", input: ints(0, -1, 1, 1_234_567, Int.max)),
    ExpansionCase(
        "{{ \"-0.22222\" | humanizePercentage }}:{{ \"0.0\" | humanizePercentage }}:{{ \"0.1234567\" | humanizePercentage }}:{{ \"1.23456\" | humanizePercentage }}",
        "-22.22%:0%:12.35%:123.5%"),
    ExpansionCase(
        "{{ \"one\" | humanizePercentage }}",
        error: "error executing template test: template: test:1:11: executing \"test\" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing \"one\": invalid syntax"),
    ExpansionCase(
        "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
        "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
        input: ints(0, -1, 1, 1_234_567, 9_223_372_036)),
    ExpansionCase(
        "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
        error: "error executing template test: template: test:1:16: executing \"test\" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64",
        input: ints(Int.min, Int.max)),
    ExpansionCase("{{ 1435065584.128 | humanizeTimestamp }}", "2015-06-23 13:19:44.128 +0000 UTC"),
    ExpansionCase("{{ \"1435065584.128\" | humanizeTimestamp }}", "2015-06-23 13:19:44.128 +0000 UTC"),
    ExpansionCase("{{ (1435065584.128 | toTime).Format \"2006\" }}", "2015"),
    ExpansionCase("{{ (\"1435065584.128\" | toTime).Format \"2006\" }}", "2015"),
    ExpansionCase("{{ \"aa bb CC\" | title }}", "Aa Bb CC"),
    ExpansionCase("{{ \"aa bb CC\" | toUpper }}", "AA BB CC"),
    ExpansionCase("{{ \"aA bB CC\" | toLower }}", "aa bb cc"),
    ExpansionCase("{{ match \"a+\" \"aa\" }} {{ match \"a+\" \"b\" }}", "true false"),
    ExpansionCase("{{ graphLink \"up\" }}", "/graph?g0.expr=up&g0.tab=0"),
    ExpansionCase("{{ tableLink \"up\" }}", "/graph?g0.expr=up&g0.tab=1"),
    ExpansionCase("{{ pathPrefix }}", "/path/prefix"),
    ExpansionCase("{{ externalURL }}", "http://testhost:9090/path/prefix"),
    ExpansionCase("{{ printf \"%0.2f\" (parseDuration \"1h2m10ms\") }}", "3720.01"),
    ExpansionCase("{{ \"foo.example.com\" | stripDomain }}", "foo"),
    ExpansionCase("{{ \"foo.example.com:12345\" | stripDomain }}", "foo:12345"),
    ExpansionCase("{{ \"192.0.2.1\" | stripDomain }}", "192.0.2.1"),
    ExpansionCase("{{ \"192.0.2.1:12345\" | stripDomain }}", "192.0.2.1:12345"),
    ExpansionCase("{{ \"2001:0DB8::1\" | stripDomain }}", "2001:0DB8::1"),
    ExpansionCase("{{ \"[2001:0DB8::1]:12345\" | stripDomain }}", "[2001:0DB8::1]:12345"),
    ExpansionCase("{{ \"[2001:0DB8::1]::12345\" | stripDomain }}", "[2001:0DB8::1]::12345"),
]

/// Cases beyond Prometheus's test file, from the documented behaviour of the functions.
let moreFunctionCases: [ExpansionCase] = [
    ExpansionCase("{{ humanize 0.0123 }}|{{ humanize -1500 }}|{{ humanize 1e-30 }}", "12.3m|-1.5k|1e-06y"),
    ExpansionCase("{{ humanize1024 2048 }}|{{ humanize1024 1.5 }}", "2ki|1.5"),
    ExpansionCase("{{ humanizeDuration 90061 }}|{{ humanizeDuration 125 }}|{{ humanizeDuration 1.5 }}|{{ humanizeDuration 0.05 }}", "1d 1h 1m 1s|2m 5s|1.5s|50ms"),
    ExpansionCase("{{ humanizePercentage 0.1234 }}", "12.34%"),
    ExpansionCase("{{ reReplaceAll \"localhost:(.*)\" \"my.domain:$1\" \"localhost:3000\" }}", "my.domain:3000"),
    ExpansionCase("{{ reReplaceAll \"a*\" \"-\" \"baaac\" }}", "-b-c-"),
    ExpansionCase("{{ reReplaceAll \"(?P<x>o)\" \"[${x}]\" \"foo\" }}", "f[o][o]"),
    ExpansionCase("{{ reReplaceAll \"^\" \">\" \"a\\nb\" }}", ">a\nb"),
    ExpansionCase("{{ match \"^b\" \"ab\" }} {{ match \"a.b\" \"a\\nb\" }} {{ match \"(?s)a.b\" \"a\\nb\" }}", "false false true"),
    ExpansionCase("{{ urlQueryEscape \"a b&c=d/é\" }}", "a+b%26c%3Dd%2F%C3%A9"),
    ExpansionCase("{{ graphLink \"rate(x[5m]) > 1\" }}", "/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=0"),
    ExpansionCase("{{ toDuration 3720.01 }}|{{ toDuration 0.0015 }}|{{ (toDuration 90).Seconds }}", "1h2m0.01s|1.5ms|90"),
    ExpansionCase("{{ (toTime 1657155181).Format \"2006-01-02T15:04:05Z07:00 Mon Jan\" }}", "2022-07-07T00:53:01Z Thu Jul"),
    ExpansionCase("{{ (toTime 1657155181).Unix }}|{{ toTime 1657155181.5 }}", "1657155181|2022-07-07 00:53:01.5 +0000 UTC"),
    ExpansionCase("{{ now }}", "1.5"),
    ExpansionCase("{{ $a := args 1 \"x\" }}{{ $a.arg1 }}{{ $a.arg2 }}|{{ len (args 1 2 3) }}", "x<no value>|3"),
    ExpansionCase("{{ \"hello-world foo_bar o'neil\" | title }}", "Hello-World Foo_bar O'neil"),
    ExpansionCase("{{ safeHtml \"<b>\" }}", "<b>"),
    ExpansionCase("{{ parseDuration \"1d\" }}", "86400"),
    ExpansionCase(
        "{{ parseDuration \"1x\" }}",
        error: "error executing template test: template: test:1:3: executing \"test\" at <parseDuration \"1x\">: error calling parseDuration: not a valid duration string: \"1x\""),
    ExpansionCase(
        "{{ reReplaceAll \"(\" \"\" \"a\" }}",
        error: "panic expanding template test: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"),
    ExpansionCase(
        "{{ match \"(\" \"a\" }}",
        error: "error executing template test: template: test:1:3: executing \"test\" at <match \"(\" \"a\">: error calling match: error parsing regexp: missing closing ): `(`"),
    ExpansionCase("{{ with query \"up\" }}{{ . | first | value | humanize }}{{ else }}none{{ end }}", "none"),
    ExpansionCase("{{ range $i, $s := query \"m\" }}{{ $i }}={{ $s.Value }} {{ end }}", "0=11 1=21 ", samples: [metricA, TemplateSample(labels: [:], value: 21)]),
    ExpansionCase("{{ with query \"m\" }}{{ (index . 0).Labels.instance }}{{ end }}", "a", samples: [metricA]),
    ExpansionCase("{{ query \"m\" | first }}", "&{map[__name__:metric instance:a] 11}", samples: [metricA]),
]

struct PrometheusTemplateTests {
    static func run(_ c: ExpansionCase) -> Result<String, TemplateError> {
        let samples = c.samples
        let context = PrometheusTemplateContext(query: { _ in samples }, evaluationTime: 1500, externalURL: "http://testhost:9090/path/prefix")
        do {
            return .success(try PrometheusTemplate.expand(c.text, name: "test", data: c.input, context: context))
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: prometheusCases)
    func prometheusTemplateExpansion(_ c: ExpansionCase) {
        check(c)
    }

    @Test(arguments: moreFunctionCases)
    func documentedFunctionBehaviour(_ c: ExpansionCase) {
        check(c)
    }

    func check(_ c: ExpansionCase) {
        switch Self.run(c) {
        case .success(let output):
            #expect(c.error == nil, "expected an error, got \(output)")
            #expect(output == c.output)
        case .failure(let error):
            #expect(c.error != nil, "unexpected error: \(error)")
            if let expected = c.error { #expect(error.description == expected) }
        }
    }

    @Test func queryErrorsReachTheTemplate() {
        let context = PrometheusTemplateContext(query: { _ in throw TemplateFunctionError("parse error: unexpected end of input") })
        #expect(throws: TemplateError.self) { try PrometheusTemplate.expand("{{ query \"(\" }}", name: "q", data: .nil, context: context) }
        let text = (try? PrometheusTemplate.expand("{{ query \"(\" }}", name: "q", data: .nil, context: context)) ?? "failed"
        #expect(text == "failed")
    }
}
