// Tollgate — Go's text/template language: the behaviour documented in Go's text/template
// package docs and asserted by its exec_test.go / parse_test.go, case by case.

import GoTemplate
import Testing

/// One template, its data, and the output or error Go gives.
struct LanguageCase: CustomTestStringConvertible, Sendable {
    var text: String
    var expected: String
    var isError = false
    var data: TemplateValue
    var testDescription: String { text }

    init(_ text: String, _ expected: String, data: TemplateValue = languageData) {
        self.text = text
        self.expected = expected
        self.data = data
    }

    init(_ text: String, error: String, data: TemplateValue = languageData) {
        self.text = text
        expected = error
        isError = true
        self.data = data
    }
}

let languageData: TemplateValue = .map([
    "S": "hello", "I": 17, "F": 1.5, "Big": .float(1e6), "Small": .float(0.0001), "T": true, "Z": 0, "Empty": "",
    "L": .list(["a", "b", "c"]), "EL": .list([]), "N": .nil,
    "M": .stringMap(["one": "1", "two": "2", "three": "3"]),
    "IM": .map(["x": .int(1), "y": .float(2.5)]),
])

let languageCases: [LanguageCase] = [
    // Text, actions, trimming and comments.
    LanguageCase("", ""),
    LanguageCase("plain {{\"{{\"}} text", "plain {{ text"),
    LanguageCase("a  {{- .S -}}  b", "ahellob"),
    LanguageCase("a \n {{- .S }} \n b", "ahello \n b"),
    LanguageCase("{{- 3 }}", "3"),
    LanguageCase("{{-3 }}", "-3"),
    LanguageCase("x {{/* a comment */}} y", "x  y"),
    LanguageCase("x {{- /* a comment */ -}} y", "xy"),
    LanguageCase("{{/*\nmulti\nline */}}ok", "ok"),
    // Literals.
    LanguageCase("{{ \"a\\tb\\u00e9\\x41\\101\" }}", "a\tbéAA"),
    LanguageCase("{{ `raw\\n` }}", "raw\\n"),
    LanguageCase("{{ 'a' }} {{ '\\n' }}", "97 10"),
    LanguageCase("{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 017 }}", "31 15 5 1000 15"),
    LanguageCase("{{ 1.5 }} {{ 1e3 }} {{ 0.1 }} {{ 1e6 }} {{ -2.0 }} {{ 1e-7 }}", "1.5 1000 0.1 1e+06 -2 1e-07"),
    LanguageCase("{{ true }} {{ false }}", "true false"),
    // Fields, maps and missing keys.
    LanguageCase("{{ .S }} {{ .I }} {{ .F }} {{ .Big }} {{ .Small }}", "hello 17 1.5 1e+06 0.0001"),
    LanguageCase("{{ .M.one }}{{ .M.missing }}|{{ .Missing }}|{{ .N }}", "1<no value>|<no value>|<no value>"),
    LanguageCase("{{ .M }} {{ .L }} {{ .IM }}", "map[one:1 three:3 two:2] [a b c] map[x:1 y:2.5]"),
    LanguageCase("{{ .Missing.Deeper }}", "<no value>"),
    LanguageCase("{{ $ }}", "7", data: 7),
    LanguageCase("{{ . }}", "<no value>", data: .nil),
    // Variables.
    LanguageCase("{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}", "12"),
    LanguageCase("{{ $x := .S }}{{ if true }}{{ $x := \"inner\" }}{{ $x }}{{ end }} {{ $x }}", "inner hello"),
    LanguageCase("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"),
    LanguageCase("{{ $m := .M }}{{ $m.two }}", "2"),
    LanguageCase("{{ with $x := .S }}{{ $x }}{{ . }}{{ end }}", "hellohello"),
    // if / else if / else.
    LanguageCase("{{ if .T }}yes{{ else }}no{{ end }}", "yes"),
    LanguageCase("{{ if .Z }}a{{ else if .Empty }}b{{ else if .L }}c{{ else }}d{{ end }}", "c"),
    LanguageCase("{{ if .EL }}a{{ else if .N }}b{{ else }}d{{ end }}", "d"),
    LanguageCase("{{ if .Missing }}a{{ else }}b{{ end }}", "b"),
    LanguageCase("{{ if 0.0 }}a{{ else }}b{{ end }}{{ if \"0\" }}c{{ end }}", "bc"),
    // with.
    LanguageCase("{{ with .S }}{{ . }}{{ end }}{{ with .Empty }}x{{ else }}empty{{ end }}", "helloempty"),
    LanguageCase("{{ with .Empty }}a{{ else with .S }}{{ . }}{{ end }}", "hello"),
    // range.
    LanguageCase("{{ range .L }}[{{ . }}]{{ end }}", "[a][b][c]"),
    LanguageCase("{{ range $i, $e := .L }}{{ $i }}={{ $e }} {{ end }}", "0=a 1=b 2=c "),
    LanguageCase("{{ range $k, $v := .M }}{{ $k }}:{{ $v }},{{ end }}", "one:1,three:3,two:2,"),
    LanguageCase("{{ range $v := .M }}{{ $v }}{{ end }}", "132"),
    LanguageCase("{{ range .EL }}x{{ else }}none{{ end }}", "none"),
    LanguageCase("{{ range .N }}x{{ else }}nil{{ end }}", "nil"),
    LanguageCase("{{ range .L }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", "a"),
    LanguageCase("{{ range .L }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", "ac"),
    LanguageCase("{{ range 3 }}{{ . }}{{ end }}", "012"),
    LanguageCase("{{ range .L }}{{ $.S }}{{ end }}", "hellohellohello"),
    LanguageCase("{{ $x := 0 }}{{ range .L }}{{ $x = . }}{{ end }}{{ $x }}", "c"),
    // define, template, block.
    LanguageCase("{{ define \"T\" }}<{{ . }}>{{ end }}{{ template \"T\" .S }}{{ template \"T\" }}", "<hello><<no value>>"),
    LanguageCase("{{ define \"T\" }}{{ $ }}{{ end }}{{ $y := 1 }}{{ template \"T\" .I }}", "17"),
    LanguageCase("{{ block \"B\" .S }}[{{ . }}]{{ end }}|{{ template \"B\" \"x\" }}", "[hello]|[x]"),
    LanguageCase("{{ define \"R\" }}{{ if . }}{{ . }}{{ template \"R\" (slice . 1) }}{{ end }}{{ end }}{{ template \"R\" .L }}", "[a b c][b c][c]"),
    // Builtins: and, or, not.
    LanguageCase("{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 \"\" }} {{ or 0 .S 3 }} {{ not .Z }} {{ not .S }}", "0 2  hello true false"),
    LanguageCase("{{ and .Z (index .L 7) }}|{{ or .S (index .L 7) }}", "0|hello"),
    LanguageCase("{{ if and .T .L }}both{{ end }}", "both"),
    // len, index, slice.
    LanguageCase("{{ len .S }} {{ len .L }} {{ len .M }} {{ len \"é\" }}", "5 3 3 2"),
    LanguageCase("{{ index .L 1 }} {{ index .M \"two\" }} {{ index .M \"nope\" }}|{{ index .IM \"nope\" }} {{ index .S 0 }}", "b 2 |<no value> 104"),
    LanguageCase("{{ slice .L 1 }} {{ slice .L 0 2 }} {{ slice .S 1 3 }} {{ slice .S }}", "[b c] [a b] el hello"),
    // Comparisons.
    LanguageCase("{{ eq 1 1 }} {{ eq .S \"hello\" }} {{ eq .I 1 2 17 }} {{ ne 1 2 }} {{ eq .N .N }} {{ eq .Missing 1 }}", "true true true true true false"),
    LanguageCase("{{ lt 1 2 }} {{ le 2 2 }} {{ gt 1.5 1.0 }} {{ ge \"a\" \"b\" }} {{ lt \"B\" \"a\" }}", "true true true false true"),
    // print, printf, println.
    LanguageCase("{{ print 1 2 \"a\" \"b\" 3 }}|{{ print \"x\" 1 }}|{{ print 1.5 true }}", "1 2ab3|x1|1.5 true"),
    LanguageCase("{{ println 1 \"a\" }}", "1 a\n"),
    LanguageCase("{{ printf \"%s|%d|%v|%5.2f|%-4d|%04d|%x|%X|%o|%b|%t|%q|%%\" \"s\" 42 .L 3.14159 7 7 255 255 8 5 true \"q\\\"\" }}", "s|42|[a b c]| 3.14|7   |0007|ff|FF|10|101|true|\"q\\\"\"|%"),
    LanguageCase("{{ printf \"%g %g %g %e %E %.3e %G\" 1e6 0.000012 100.0 1234.5678 1234.5678 0.0 1e21 }}", "1e+06 1.2e-05 100 1.234568e+03 1.234568E+03 0.000e+00 1E+21"),
    LanguageCase("{{ printf \"%.4g|%.4g|%.4g|%.2g|%#.3g\" 1234567.0 0.0123 1.0 150.0 1.0 }}", "1.235e+06|0.0123|1|1.5e+02|1.00"),
    LanguageCase("{{ printf \"%+d|% d|%+.1f|%8.3f|%-8.3f|%08.3f\" 5 5 2.25 3.14159 3.14159 -3.14159 }}", "+5| 5|+2.2|   3.142|3.142   |-003.142"),
    LanguageCase("{{ printf \"%5s|%-5s|%.2s|%x|% x|%q\" \"ab\" \"ab\" \"abc\" \"hi\" \"hi\" \"é\\n\" }}", "   ab|ab   |ab|6869|68 69|\"é\\n\""),
    LanguageCase("{{ printf \"%d %s\" 1.5 2 }}", "%!d(float64=1.5) %!s(int=2)"),
    LanguageCase("{{ printf \"%d %d\" 1 }}", "1 %!d(MISSING)"),
    LanguageCase("{{ printf \"%d\" 1 2 }}", "1%!(EXTRA int=2)"),
    LanguageCase("{{ printf \"%v %v %v %v\" .N .M .F .T }}", "<nil> map[one:1 three:3 two:2] 1.5 true"),
    LanguageCase("{{ printf \"%T %T %T %T %T\" 1 1.0 \"s\" .L .M }}", "int float64 string []interface {} map[string]string"),
    LanguageCase("{{ printf \"%f %v %.2f\" .Inf .Inf .NaN }}", "+Inf +Inf NaN", data: .map(["Inf": .float(.infinity), "NaN": .float(.nan)])),
    LanguageCase("{{ printf \"%*d|%.*f\" 4 7 1 2.25 }}", "   7|2.2"),
    LanguageCase("{{ printf \"%c%c %U\" 72 105 233 }}", "Hi U+00E9"),
    // html, js, urlquery.
    LanguageCase("{{ html \"<a href='x'>&\\\"</a>\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"),
    LanguageCase("{{ js \"it's <b>\\\"x\\\" & y=1\\n\" }}", "it\\'s \\u003Cb\\u003E\\\"x\\\" \\u0026 y\\u003D1\\u000A"),
    LanguageCase("{{ urlquery \"a b&c\" }} {{ urlquery 1 2 }}", "a+b%26c 1+2"),
    LanguageCase("{{ .S | printf \"%s!\" | printf \"<%s>\" }}", "<hello!>"),
    LanguageCase("{{ (printf \"%d\" 5) }} {{ (.M).one }}", "5 1"),
]

/// Parse and execution errors, in Go's words.
let errorCases: [LanguageCase] = [
    LanguageCase("{{ .S }", error: "template: t:1: unexpected \"}\" in operand"),
    LanguageCase("{{ .S", error: "template: t:1: unclosed action"),
    LanguageCase("a\n{{ .S\n", error: "template: t:3: unclosed action started at t:2"),
    LanguageCase("{{ foo }}", error: "template: t:1: function \"foo\" not defined"),
    LanguageCase("{{ if .T }}x", error: "template: t:1: unexpected EOF"),
    LanguageCase("{{ end }}", error: "template: t:1: unexpected {{end}}"),
    LanguageCase("{{ else }}", error: "template: t:1: unexpected {{else}}"),
    LanguageCase("{{ $x }}", error: "template: t:1: undefined variable \"$x\""),
    LanguageCase("{{ if }}{{ end }}", error: "template: t:1: missing value for if"),
    LanguageCase("{{ break }}", error: "template: t:1: {{break}} outside {{range}}"),
    LanguageCase("{{ 1 | 2 }}", error: "template: t:1: non executable command in pipeline stage 2"),
    LanguageCase("{{ \"unterminated }}", error: "template: t:1: unterminated quoted string"),
    LanguageCase("{{ 3x }}", error: "template: t:1: bad number syntax: \"3x\""),
    LanguageCase("{{ (1 }}", error: "template: t:1: unclosed left paren"),
    LanguageCase("{{ 1) }}", error: "template: t:1: unexpected right paren"),
    LanguageCase("{{ template \"x\" }}", error: "template: t:1:12: executing \"t\" at <{{template \"x\"}}>: template \"x\" not defined"),
    LanguageCase("{{/* x */ }}", error: "template: t:1: comment ends before closing delimiter"),
    LanguageCase("{{ \"x\".y }}", error: "template: t:1: unexpected . after term \"\\\"x\\\"\""),
    LanguageCase("{{ define \"a\" }}1{{ end }}{{ define \"a\" }}2{{ end }}", error: "template: t:1: template: multiple definition of template \"a\""),
    LanguageCase("x\n{{ eq 1 1.0 }}", error: "template: t:2:3: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible types for comparison"),
    LanguageCase("{{ lt true false }}", error: "template: t:1:3: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison"),
    LanguageCase("{{ index .L 5 }}", error: "template: t:1:3: executing \"t\" at <index .L 5>: error calling index: index out of range: 5"),
    LanguageCase("{{ index .I 0 }}", error: "template: t:1:3: executing \"t\" at <index .I 0>: error calling index: can't index item of type int"),
    LanguageCase("{{ len 3 }}", error: "template: t:1:3: executing \"t\" at <len 3>: error calling len: len of type int"),
    LanguageCase("{{ not 1 2 }}", error: "template: t:1:3: executing \"t\" at <not>: wrong number of args for not: want 1 got 2"),
    LanguageCase("{{ .S.Foo }}", error: "template: t:1:5: executing \"t\" at <.S.Foo>: can't evaluate field Foo in type string"),
    LanguageCase("{{ .S 1 }}", error: "template: t:1:3: executing \"t\" at <.S>: S is not a method but has arguments"),
    LanguageCase("{{ 1 2 }}", error: "template: t:1:3: executing \"t\" at <1>: can't give argument to non-function 1"),
    LanguageCase("{{ nil }}", error: "template: t:1:3: executing \"t\" at <nil>: nil is not a command"),
    LanguageCase("{{ range .I }}{{ end }}{{ range .S }}{{ end }}", error: "template: t:1:32: executing \"t\" at <.S>: range can't iterate over hello"),
]

struct GoTemplateLanguageTests {
    @Test(arguments: languageCases + errorCases)
    func goBehaviour(_ c: LanguageCase) {
        do {
            let output = try GoTemplate(name: "t", text: c.text).execute(c.data)
            #expect(!c.isError, "expected \(c.expected), got output \(output)")
            #expect(output == c.expected)
        } catch {
            #expect(c.isError, "unexpected error: \(error)")
            #expect(error.description == c.expected)
        }
    }

    @Test func missingKeyOptions() throws {
        let data: TemplateValue = .map(["M": .stringMap(["a": "1"])])
        #expect(try GoTemplate(name: "t", text: "{{ .M.b }}", missingKey: .invalid).execute(data) == "<no value>")
        #expect(try GoTemplate(name: "t", text: "{{ .M.b }}", missingKey: .zero).execute(data) == "")
        #expect(throws: TemplateError.self) { try GoTemplate(name: "t", text: "{{ .M.b }}", missingKey: .error).execute(data) }
        let error = #expect(throws: TemplateError.self) { try GoTemplate(name: "test", text: "{{ .Foo }}", missingKey: .error).execute(.nil) }
        #expect(error?.description == "template: test:1:3: executing \"test\" at <.Foo>: nil data; no entry for key \"Foo\"")
    }

    @Test func callersAddFunctions() throws {
        let functions: [String: TemplateFunction] = [
            "double": { args in
                try TemplateArityError.check(args, 1)
                guard case .int(let n) = args[0] else { throw TemplateFunctionError("not an int") }
                return .int(2 * n)
            },
            "fail": { _ in throw TemplateFunctionError("boom") },
        ]
        #expect(try GoTemplate(name: "t", text: "{{ double 4 | double }}", functions: functions).execute(.nil) == "16")
        let error = #expect(throws: TemplateError.self) { try GoTemplate(name: "t", text: "{{ 1 | fail }}", functions: functions).execute(.nil) }
        #expect(error?.description == "template: t:1:7: executing \"t\" at <fail>: error calling fail: boom")
        let arity = #expect(throws: TemplateError.self) { try GoTemplate(name: "t", text: "{{ double }}", functions: functions).execute(.nil) }
        #expect(arity?.description == "template: t:1:3: executing \"t\" at <double>: wrong number of args for double: want 1 got 0")
        let callable: TemplateValue = .map(["F": .function(TemplateCallable { args in .int(args.count) })])
        #expect(try GoTemplate(name: "t", text: "{{ call .F 1 2 3 }}").execute(callable) == "3")
    }

    @Test func executesNamedTemplates() throws {
        let t = try GoTemplate(name: "main", text: "{{ define \"a\" }}A{{ . }}{{ end }}{{ define \"b\" }}B{{ template \"a\" . }}{{ end }}main")
        #expect(t.definedTemplates == ["a", "b", "main"])
        #expect(try t.execute(templateNamed: "b", 1) == "BA1")
        #expect(try t.execute(.nil) == "main")
        #expect(throws: TemplateError.self) { try t.execute(templateNamed: "zzz", .nil) }
    }

    @Test func deepRecursionIsAnErrorNotACrash() {
        let error = #expect(throws: TemplateError.self) { try GoTemplate(name: "t", text: "{{ define \"r\" }}{{ template \"r\" }}{{ end }}{{ template \"r\" }}").execute(.nil) }
        #expect(error?.description.contains("exceeded maximum template depth") == true)
    }
}
