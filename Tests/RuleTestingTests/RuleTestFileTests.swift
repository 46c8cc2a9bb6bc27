// Tollgate — the test-file reader: defaults, every field, promtool's error texts.

import Model
import TollgateConfig
import Testing

@Suite struct RuleTestFileTests {
    @Test func readsEveryField() throws {
        let file = try RuleTestFile(
            yaml: """
                rule_files: [a.yml, 'rules/*.yml']
                evaluation_interval: 30s
                fuzzy_compare: true
                group_eval_order: [g2, g1]
                tests:
                  - name: one
                    interval: 15s
                    start_timestamp: '1970-01-01T00:01:00Z'
                    external_labels: {region: eu}
                    external_url: http://example
                    input_series:
                      - {series: 'up{job="a"}', values: '1 2'}
                    alert_rule_test:
                      - eval_time: 5m
                        alertname: A
                        exp_alerts:
                          - exp_labels: {severity: page}
                            exp_annotations: {summary: s}
                    promql_expr_test:
                      - expr: up
                        eval_time: 1m
                        exp_samples: [{labels: 'up{job="a"}', value: .inf}]
                  - start_timestamp: 60.5
                """, path: "/tmp/dir/test.yml")
        #expect(file.ruleFiles == ["a.yml", "rules/*.yml"])
        #expect(file.evaluationInterval.milliseconds == 30_000)
        #expect(file.fuzzyCompare)
        #expect(try file.groupRanks() == ["g2": 0, "g1": 1])
        let one = try #require(file.tests.first)
        #expect(one.name == "one" && one.interval?.milliseconds == 15_000 && one.startTimestamp == 60_000)
        #expect(one.externalLabels == ["region": "eu"] && one.externalURL == "http://example")
        #expect(one.inputSeries == [InputSeries(series: #"up{job="a"}"#, values: "1 2")])
        #expect(one.alertRuleTests == [
            AlertRuleTest(
                evalTime: PromDuration(milliseconds: 300_000), alertname: "A",
                expectedAlerts: [ExpectedAlert(labels: ["severity": "page"], annotations: ["summary": "s"])])
        ])
        #expect(one.promqlExprTests.first?.expectedSamples == [ExpectedSample(labels: #"up{job="a"}"#, value: .infinity)])
        #expect(one.maxEvalTime.milliseconds == 300_000)
        // The second group takes the file's interval; a fractional Unix start is rounded to milliseconds.
        #expect(file.tests.last?.interval?.milliseconds == 30_000)
        #expect(file.tests.last?.startTimestamp == 60_500)
    }

    @Test func emptyFileHasNoTests() throws {
        let file = try RuleTestFile(yaml: "", path: "t.yml")
        #expect(file.tests.isEmpty && file.evaluationInterval.milliseconds == 60_000)
    }

    @Test func reportsProblemsInPromtoolsWords() {
        #expect {
            try RuleTestFile(yaml: "tests:\n  - interval: 1x\n", path: "t.yml")
        } throws: { error in
            RuleTestFile.promtoolText(of: try #require(error as? ConfigError)) == #"not a valid duration string: "1x""#
        }
        #expect {
            try RuleTestFile(yaml: "rule_file: []\ntests:\n  - promql_expr_test:\n      - {expr: x, exp_samples: [{label: x}]}\n", path: "t.yml")
        } throws: { error in
            RuleTestFile.promtoolText(of: try #require(error as? ConfigError))
                == "yaml: unmarshal errors:\n  line 1: field rule_file not found in type main.unitTestFile\n  line 4: field label not found in type main.sample"
        }
        #expect(throws: ConfigError.self) { try RuleTestFile(yaml: "fuzzy_compare: maybe\n", path: "t.yml") }
    }

    @Test func repeatedGroupNamesAreRefused() throws {
        let file = try RuleTestFile(yaml: "group_eval_order: [a, b, a]\n", path: "t.yml")
        #expect(throws: ConfigError.self) { try file.groupRanks() }
    }
}
