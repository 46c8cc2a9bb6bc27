// Tollgate — TollgateConfig tests: inputs the fuzz targets reported (`make fuzz`,
// docs/reliability.md), fed exactly as found.

import Testing
import TollgateConfig

@Suite struct FuzzInputTests {
    /// Reported as a timeout (> 1 s) by `config-rule-tests` while two fuzzers shared the two
    /// cores; the stack was inside AddressSanitizer's allocator (quarantine recycling) under
    /// Yams's parser, and the input replays in milliseconds. Kept so that a real slowdown of
    /// this malformed test file would show: it is refused with a YAML error.
    @Test func malformedRuleTestFileIsRefused() {
        let found = [
            "rule_files: [a.yml, 'rules/*.yml']",
            "evaluation_interval: 30s",
            "fuzzy_compare: true",
            "group_eval_order: [g1, g1]",
            "tests:",
            "  - name: one",
            "    interval: 15s",
            "    start_timestamp: '1970-01-01T00:01:00Z'",
            "    external_labels: {region: eu}",
            "    external_url: ",
            "        exp_ale0ts:",
            "     - {series:_labels: {severity: page}",
            "            exp_annotatio:ns: {summary: s}",
            "    promql_expr_teimestamp: 60.5",
        ].joined(separator: "\n")
        #expect(found.utf8.count == 379)
        #expect(throws: ConfigError.self) { try RuleTestFile(yaml: found, path: "fuzz.test.yml") }
    }
}
