// Tollgate — alert label and annotation expansion, checked against Debian's promtool (2.42):
// promtool expands the same templates with Prometheus's Go code and compares them with
// the strings this engine produced.

import Foundation
import GoTemplate
import TestSupport
import Testing

/// Debian's promtool, when installed (`make test` installs it with prometheus).
enum Promtool {
    static let path = ["/usr/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs promtool on a thread of its own (the cooperative threads stay free for the tests
    /// that run servers); returns its exit status, stdout and stderr.
    static func run(_ arguments: [String], in directory: URL) async throws -> (status: Int32, out: String, err: String) {
        guard let path else { throw TemplateFunctionError("promtool is not installed") }
        return try await Programs.detached { try blockingRun(path, arguments, in: directory) }
    }

    private static func blockingRun(_ path: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// A YAML single-quoted scalar.
    static func yaml(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}

struct AlertTemplateExpanderTests {
    static let labels = ["job": "api", "instance": "host-1.example.com:9090"]
    static let value = 1234567.891
    static let externalURL = "http://prom.example.com:9090/prefix"
    static let externalLabels = ["region": "eu-west-1"]

    /// Annotations exercising the functions and Go's formatting; each must expand exactly as Prometheus does.
    static let annotations: [(String, String)] = [
        ("labels", "{{ $labels.job }} on {{ $labels.instance | stripPort }} ({{ $labels.instance | stripDomain }}) {{ $labels.missing }}."),
        ("value", "{{ $value }} {{ .Value }} {{ $value | humanize }} {{ humanize1024 $value }} {{ $value | humanizeDuration }}"),
        ("printf", "{{ printf \"%.2f|%8.3e|%g|%v|%d|%s|%5.1f%%|%x\" $value $value $value $value 42 \"s\" 12.345 255 }}"),
        ("numbers", "{{ humanizePercentage 0.4567 }} {{ humanize 0.000123 }} {{ humanizeDuration 0.0042 }} {{ humanizeDuration 90061 }} {{ humanize \"2048\" }}"),
        ("timestamps", "{{ humanizeTimestamp 1435065584.128 }} | {{ 1435065584 | humanizeTimestamp }}"),
        ("strings", "{{ title \"hello world-wide\" }} {{ toUpper \"abc\" }} {{ toLower \"ABC\" }} {{ html \"<b>&\" }} {{ js \"it's\" }} {{ urlquery \"a b&c\" }}"),
        ("regex", "{{ reReplaceAll \"host-(\\\\d+)\\\\..*\" \"node$1\" $labels.instance }} {{ match \"^host\" $labels.instance }} {{ match \"^api$\" $labels.instance }}"),
        ("links", "{{ graphLink \"rate(x[5m]) > 1\" }} {{ tableLink \"up\" }}"),
        // promtool 2.42 gives the functions externalURL and pathPrefix no URL (they fail with a nil
        // pointer); the ported Prometheus cases cover them.
        ("external", "{{ $externalLabels.region }} {{ $externalURL }}"),
        ("chains", "{{ $labels.nope.deeper }}|{{ .Labels.job }}|{{ .ExternalLabels.region }}|{{ $value.Foo }}"),
        ("control", "{{ if gt $value 1000.0 }}big{{ else }}small{{ end }} {{ range $i, $x := args 1 \"b\" }}{{ $i }}={{ $x }};{{ end }} {{ with $labels.job }}{{ . }}{{ end }}"),
        ("query", "{{ range query \"latency_seconds\" }}{{ .Labels.job }}={{ .Value | humanize }}{{ end }} {{ with query \"nothing\" }}x{{ else }}none{{ end }}"),
        ("compare", "{{ eq $labels.job \"api\" \"web\" }} {{ lt 1 2 }} {{ and 1 0 }} {{ or \"\" \"x\" }} {{ len $labels.job }} {{ index $labels \"job\" }}"),
        ("trim", "a  {{- \"b\" -}}  c {{/* comment */}}d"),
        ("error", "{{ humanize \"abc\" }}"),
        ("missingField", "{{ $value.Foo }}"),
    ]

    static func expander() -> AlertTemplateExpander {
        let labels = Self.labels
        let value = Self.value
        let context = PrometheusTemplateContext(
            query: { query in
                query == "latency_seconds" ? [TemplateSample(labels: labels.merging(["__name__": "latency_seconds"]) { a, _ in a }, value: value)] : []
            }, evaluationTime: 60_000, externalURL: externalURL)
        return AlertTemplateExpander(context: context, externalLabels: externalLabels)
    }

    @Test func expandsWithTheDefinitions() {
        let expander = Self.expander()
        #expect(expander.expand("{{ $labels.job }} at {{ $value | humanize }}", alertName: "High", labels: ["job": "api"], value: 1_234_567) == "api at 1.235M")
        #expect(
            expander.expand("{{ humanize \"x\" }}", alertName: "X", labels: [:], value: 0)
                == "<error expanding template: error executing template __alert_X: template: __alert_X:1:115: executing \"__alert_X\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax>"
        )
        #expect(
            expander.expand("{{ nope }}", alertName: "X", labels: [:], value: 0)
                == "<error expanding template: error parsing template __alert_X: template: __alert_X:1: function \"nope\" not defined>")
    }

    @Test func checkAtLoadTime() throws {
        try AlertTemplateExpander.check("{{ $labels.job }} {{ $value | humanize }} {{ query \"up\" | first | value }}", alertName: "A")
        let error = #expect(throws: TemplateError.self) { try AlertTemplateExpander.check("{{ $value | nope }}", alertName: "A") }
        #expect(error?.description == "template: __alert_A:1: function \"nope\" not defined")
        let unclosed = #expect(throws: TemplateError.self) { try AlertTemplateExpander.check("{{ $value }", alertName: "A") }
        #expect(unclosed?.description == "template: __alert_A:1: unexpected \"}\" in operand")
        let undefined = #expect(throws: TemplateError.self) { try AlertTemplateExpander.check("{{ $nope }}", alertName: "A") }
        #expect(undefined?.description == "template: __alert_A:1: undefined variable \"$nope\"")
    }

    /// promtool test rules, with exp_annotations computed by this engine: SUCCESS means every
    /// string is byte for byte what Prometheus's Go code produced.
    @Test(.enabled(if: Promtool.path != nil, "Debian's promtool is not installed; `make test` installs it"))
    func promtoolAgreesWithEveryExpansion() async throws {
        let expander = Self.expander()
        let severityTemplate = "{{ if gt $value 1000.0 }}page{{ else }}ticket{{ end }}"
        let severity = expander.expand(severityTemplate, alertName: "HighLatency", labels: Self.labels, value: Self.value)
        #expect(severity == "page")
        var rules = """
            groups:
              - name: g
                rules:
                  - alert: HighLatency
                    expr: latency_seconds > 0
                    labels:
                      severity: \(Promtool.yaml(severityTemplate))
                    annotations:

            """
        var expected = ""
        for (key, text) in Self.annotations {
            rules += "          \(key): \(Promtool.yaml(text))\n"
            let expansion = expander.expand(text, alertName: "HighLatency", labels: Self.labels.merging(["__name__": "latency_seconds"]) { a, _ in a }, value: Self.value)
            expected += "              \(key): \(Promtool.yaml(expansion))\n"
        }
        let tests = """
            rule_files: [rules.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                external_url: \(Self.externalURL)
                external_labels: {region: eu-west-1}
                input_series:
                  - series: 'latency_seconds{job="api",instance="host-1.example.com:9090"}'
                    values: '1234567.891 1234567.891'
                alert_rule_test:
                  - eval_time: 1m
                    alertname: HighLatency
                    exp_alerts:
                      - exp_labels: {job: api, instance: 'host-1.example.com:9090', severity: page}
                        exp_annotations:

            """ + expected
        let scratch = TemporaryDirectories()
        let directory = try scratch.make("gotemplate-promtool")
        try rules.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        try tests.write(to: directory.appendingPathComponent("tests.yml"), atomically: true, encoding: .utf8)
        let result = try await Promtool.run(["test", "rules", "tests.yml"], in: directory)
        #expect(result.status == 0, "promtool disagrees:\n\(result.out)\n\(result.err)\n--- tests.yml\n\(tests)")
        #expect(result.out.contains("SUCCESS"))
    }

    /// promtool check rules reports a template that does not parse with the same Go error text.
    @Test(.enabled(if: Promtool.path != nil, "Debian's promtool is not installed; `make test` installs it"))
    func promtoolReportsTheSameParseErrors() async throws {
        let scratch = TemporaryDirectories()
        let directory = try scratch.make("gotemplate-promtool-check")
        for text in ["{{ $value | nope }}", "{{ $value }", "{{ if $value }}x", "{{ $x }}", "{{ 1 | 2 }}", "{{ \"a\" }}{{ end }}"] {
            let rules = """
                groups:
                  - name: g
                    rules:
                      - alert: X
                        expr: up == 0
                        annotations:
                          a: \(Promtool.yaml(text))

                """
            try rules.write(to: directory.appendingPathComponent("bad.yml"), atomically: true, encoding: .utf8)
            let result = try await Promtool.run(["check", "rules", "bad.yml"], in: directory)
            #expect(result.status != 0)
            let error = #expect(throws: TemplateError.self) { try AlertTemplateExpander.check(text, alertName: "X") }
            let mine = error?.description ?? "no error"
            #expect(result.err.contains(mine), "promtool said: \(result.err); Tollgate: \(mine)")
        }
    }
}
