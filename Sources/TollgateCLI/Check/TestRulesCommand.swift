// Tollgate — `tollgate test rules`.

import ArgumentParser
import RuleTesting

/// Runs rule unit-test files as `promtool test rules` does.
struct TestRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Unit-test rule files with promtool's test files.",
        discussion: """
            Reads promtool's test-file format: rule_files, evaluation_interval, \
            fuzzy_compare, group_eval_order and tests with input_series, alert_rule_test \
            and promql_expr_test. For each file prints "  SUCCESS" or "  FAILED:" with \
            promtool's messages (as Prometheus 3.x, without a "Unit Testing:" line) and \
            exits 1 if any file failed. See docs/rules-testing.md.
            """
    )

    @Option(
        name: .customLong("run"),
        help: ArgumentHelp("Run only test groups whose name matches this regular expression (repeatable; joined with |).", valueName: "REGEX")
    )
    var run: [String] = []

    @Argument(help: ArgumentHelp("The test files.", valueName: "TEST_FILE"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("at least one test file is required") }
    }

    func run() async throws {
        let runner: RuleTestRunner
        do {
            runner = try RuleTestRunner(templates: RuleTemplates.standard(), run: run)
        } catch {
            throw ValidationError(error.description)
        }
        var failed = false
        for file in files {
            let report = await runner.run(file: file)
            StandardStream.error(report.warnings.map { $0 + "\n" }.joined())
            if report.passed {
                StandardStream.output(Array("  SUCCESS\n".utf8))
            } else {
                failed = true
                StandardStream.error("  FAILED:\n")
                for error in report.errors {
                    StandardStream.error(error + "\n")
                    StandardStream.output(Array("\n".utf8))
                }
            }
            StandardStream.output(Array("\n".utf8))
        }
        if failed { throw ExitCode(1) }
    }
}
