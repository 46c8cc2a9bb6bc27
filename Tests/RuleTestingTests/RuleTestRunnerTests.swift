// Tollgate — the runner alone: the scenarios' exact messages, and what promtool 2.42 lacks.

import Foundation
import RuleTesting
import TestSupport
import Testing

@Suite struct RuleTestRunnerTests {
    let scratch = TemporaryDirectories()

    @Test func passingScenarioPasses() async throws {
        let report = try await runner().run(file: scenario("pass"))
        #expect(report.errors == [])
        #expect(report.standardOutput == "  SUCCESS\n\n")
        #expect(report.standardError == "")
    }

    @Test func wrongLabelsPrintBothSides() async throws {
        let report = try await runner().run(file: scenario("wrong_labels"))
        #expect(report.errors == [
            """
                name: wrong labels,
                alertname: InstanceDown, time: 3m, 
                    exp:[
                        0:
                          Labels:{alertname="InstanceDown", instance="a:9100", job="api", severity="warning"}
                          Annotations:{summary="Instance a:9100 down"}
                        ], 
                    got:[
                        0:
                          Labels:{alertname="InstanceDown", instance="a:9100", job="api", severity="page"}
                          Annotations:{summary="Instance a:9100 down"}
                        ]
            """
        ])
        #expect(report.standardOutput == "\n\n")
        #expect(report.standardError.hasPrefix("  FAILED:\n    name: wrong labels,\n"))
    }

    @Test func expressionMismatchesUsePromtoolsFloatForm() async throws {
        let report = try await runner().run(file: scenario("wrong_value"))
        #expect(report.errors == [
            "    expr: \"sum by (job) (up)\", time: 1m,\n        exp: {job=\"api\"} 2E+00, {job=\"db\"} 1E+00\n        got: {job=\"api\"} 1E+00, {job=\"db\"} 1E+00",
            "    expr: \"up{job=\\\"none\\\"}\", time: 1m,\n        exp: {__name__=\"up\", job=\"none\"} 1.5E+00\n        got: nil",
            "    expr: \"up{instance=\\\"a\\\"} * 50\", time: 2m,\n        exp: nil\n        got: {instance=\"a\", job=\"api\"} 5E+01",
        ])
    }

    @Test func evaluationErrorStopsTheGroup() async throws {
        let report = try await runner().run(file: scenario("eval_error"))
        #expect(report.errors == ["    rule: Clash, time: 1m0s, err: vector contains metrics with the same labelset after applying alert labels"])
    }

    @Test func missingAlertnameIsPromtoolsMessage() async throws {
        let report = try await runner().run(file: scenario("missing_alertname"))
        #expect(report.errors == ["an item under alert_rule_test misses required attribute alertname at eval_time 1m30s (in TestGroup forgot the name)"])
    }

    @Test func unknownFieldsAreYAMLUnmarshalErrors() async throws {
        let report = try await runner().run(file: scenario("unknown_field"))
        #expect(report.errors == [
            "yaml: unmarshal errors:\n  line 6: field input_serie not found in type main.testGroup\n  line 12: field exp_alert not found in type main.alertTestCase"
        ])
    }

    @Test func unmatchedGlobWarnsAndStillPasses() async throws {
        let report = try await runner().run(file: scenario("no_match"))
        #expect(report.warnings == ["  WARNING: no file match pattern \(scenarios)/missing/*.yml"])
        #expect(report.passed)
    }

    @Test func repeatedGroupInEvalOrderFails() async throws {
        let (reports, exitCode) = try await runner().run(files: [scenario("eval_order"), scenario("pass")])
        #expect(reports.map(\.errors) == [["group name repeated in evaluation order: load"], []])
        #expect(exitCode == 1)
    }

    @Test func runSelectsGroupsByName() async throws {
        // Only the failing group of wrong_labels is named; a pattern that misses it skips it.
        let skipped = try await runner(run: ["^other"]).run(file: scenario("wrong_labels"))
        let selected = try await runner(run: ["labels"]).run(file: scenario("wrong_labels"))
        let either = try await runner(run: ["nomatch", "wrong"]).run(file: scenario("wrong_labels"))
        #expect(skipped.passed)
        #expect(!selected.passed)
        #expect(!either.passed)
    }

    @Test func startTimestampShiftsSamplesAndTime() async throws {
        let dir = try scratch.make("start")
        try write(
            [
                "rules.yml": "groups:\n  - name: g\n    rules:\n      - alert: Low\n        expr: level < 5\n",
                "test.yml": """
                rule_files: [rules.yml]
                tests:
                  - start_timestamp: '2024-01-01T00:00:00Z'
                    interval: 1m
                    input_series:
                      - series: level
                        values: 10 9 4 3
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: Low
                      - eval_time: 2m
                        alertname: Low
                        exp_alerts: [{}]
                    promql_expr_test:
                      - expr: time()
                        eval_time: 2m
                        exp_samples: [{labels: '{}', value: 1704067320}]
                      - expr: level
                        eval_time: 3m
                        exp_samples: [{labels: 'level', value: 3}]
                  - start_timestamp: 1000
                    input_series:
                      - series: level
                        values: 1
                    promql_expr_test:
                      - expr: timestamp(level)
                        eval_time: 0s
                        exp_samples: [{labels: '{}', value: 1000}]
                """,
            ], in: dir)
        let report = try await runner().run(file: dir.appendingPathComponent("test.yml").path)
        #expect(report.errors == [])
    }

    @Test func evaluationErrorTimeCountsFromTheEpoch() async throws {
        let dir = try scratch.make("start-error")
        try write(
            [
                "rules.yml": "groups:\n  - name: g\n    rules:\n      - alert: Clash\n        expr: '{__name__=~\"a|b\"}'\n",
                "test.yml": """
                rule_files: [rules.yml]
                tests:
                  - start_timestamp: 3600
                    input_series:
                      - {series: 'a{x="1"}', values: '1'}
                      - {series: 'b{x="1"}', values: '1'}
                    alert_rule_test:
                      - {eval_time: 0s, alertname: Clash}
                """,
            ], in: dir)
        let report = try await runner().run(file: dir.appendingPathComponent("test.yml").path)
        #expect(report.errors == ["    rule: Clash, time: 1h0m0s, err: vector contains metrics with the same labelset after applying alert labels"])
    }

    @Test func fuzzyCompareForgivesTheLastBit() async throws {
        let dir = try scratch.make("fuzzy")
        let tests = """
            tests:
              - promql_expr_test:
                  - expr: 0.1 + 0.2
                    exp_samples: [{labels: '{}', value: 0.3}]
            """
        try write(["exact.yml": tests, "fuzzy.yml": "fuzzy_compare: true\n" + tests], in: dir)
        let exact = try await runner().run(file: dir.appendingPathComponent("exact.yml").path)
        #expect(exact.errors == ["    expr: \"0.1 + 0.2\", time: 0s,\n        exp: {} 3E-01\n        got: {} 3.0000000000000004E-01"])
        let fuzzy = try await runner().run(file: dir.appendingPathComponent("fuzzy.yml").path)
        #expect(fuzzy.errors == [])
    }

    @Test func samplesAfterTheLastTickAreNotLoaded() async throws {
        // promtool's lazy loader appends input up to each evaluation tick only: with 1m ticks,
        // an expression at 90s sees the sample at 60s, not the one at 90s.
        let dir = try scratch.make("lazy")
        try write(
            [
                "test.yml": """
                tests:
                  - interval: 30s
                    input_series:
                      - {series: 'c', values: '0 1 2 3'}
                    promql_expr_test:
                      - {expr: c, eval_time: 90s, exp_samples: [{labels: c, value: 2}]}
                """
            ], in: dir)
        let report = try await runner().run(file: dir.appendingPathComponent("test.yml").path)
        #expect(report.errors == [])
    }

    @Test func unreadableFileFails() async throws {
        let report = try await runner().run(file: "/nonexistent/test.yml")
        #expect(report.errors == ["open /nonexistent/test.yml: no such file or directory"])
    }
}
