// Tollgate — RuleTesting: `promtool test rules`, file by file.

import Foundation
public import Logging
import Model
public import PromQL
public import Rules
import TollgateConfig

/// Runs rule unit-test files as `promtool test rules` does: the same file format, the same
/// evaluation (every rule group at each `evaluation_interval` tick over input series
/// loaded up to that tick), the same messages.
///
/// ```swift
/// let runner = try RuleTestRunner(templates: RuleTemplates.standard(), run: ["^cpu"])
/// let reports = await runner.run(files: ["alerts_test.yml"])
/// for report in reports { print(report.standardOutput, terminator: "") }
/// ```
public struct RuleTestRunner: Sendable {
    /// Alert label and annotation templates.
    public var templates: any AlertTemplates
    /// The PromQL syntax accepted in rules and expression tests.
    public var parserOptions = ParserOptions()
    /// Where each test group's store lives while it runs (a fresh folder inside, removed after).
    public var scratchDirectory: String
    /// Where the rule groups log evaluation failures (a no-op logger by default).
    public var logger: Logger
    /// `--run`: only test groups whose name this matches (unanchored) run; nil runs all.
    let run: AnchoredRegex?

    /// Creates a runner.
    /// - Parameters:
    ///   - templates: the template language of alert labels and annotations.
    ///   - run: `--run` patterns, joined with `|` and matched anywhere in a test group's name.
    ///   - scratchDirectory: where temporary stores go (the system's temporary folder by default).
    /// - Throws: ``RuleTestRunnerError`` when the `--run` patterns are not a valid regular expression.
    public init(templates: any AlertTemplates, run: [String] = [], scratchDirectory: String? = nil) throws(RuleTestRunnerError) {
        self.templates = templates
        self.scratchDirectory = scratchDirectory ?? NSTemporaryDirectory()
        self.logger = Logger(label: "tollgate.test-rules", factory: { _ in SwiftLogNoOpLogHandler() })
        if run.isEmpty {
            self.run = nil
        } else {
            do {
                let joined = run.joined(separator: "|")
                _ = try AnchoredRegex(joined)  // so that an error names the pattern as given
                self.run = try AnchoredRegex(".*(?:" + joined + ").*")
            } catch {
                throw RuleTestRunnerError(description: "invalid --run pattern: \(error)")
            }
        }
    }

    /// Runs every file in order.
    /// - Returns: one report per file; the exit status is 0 when every report passed, else 1.
    public func run(files: [String]) async -> (reports: [RuleTestReport], exitCode: Int32) {
        var reports: [RuleTestReport] = []
        for file in files { reports.append(await run(file: file)) }
        return (reports, reports.allSatisfy(\.passed) ? 0 : 1)
    }

    /// Runs one test file (promtool's `ruleUnitTest`).
    public func run(file: String) async -> RuleTestReport {
        var report = RuleTestReport(file: file)
        let testFile: RuleTestFile
        do {
            testFile = try RuleTestFile(path: file)
        } catch {
            report.errors = [RuleTestFile.promtoolText(of: error)]
            return report
        }
        let (ruleFiles, unmatched) = testFile.resolvedRuleFiles()
        report.warnings = unmatched.map { "  WARNING: no file match pattern \($0)" }
        let ranks: [String: Int]
        do {
            ranks = try testFile.groupRanks()
        } catch {
            report.errors = [error.message]
            return report
        }
        for group in testFile.tests {
            if let run, !run.matches(group.name) { continue }
            let context = GroupContext(
                group: group, ruleFiles: ruleFiles, ranks: ranks, evaluationInterval: testFile.evaluationInterval.milliseconds,
                fuzzyCompare: testFile.fuzzyCompare)
            report.errors += await test(context)
        }
        return report
    }

    /// Everything one test group's run needs from its file.
    struct GroupContext {
        var group: RuleTestGroup
        var ruleFiles: [String]
        var ranks: [String: Int]
        var evaluationInterval: Int64
        var fuzzyCompare: Bool
    }
}

/// What one test file gave: promtool's warnings and failure messages.
public struct RuleTestReport: Sendable, Equatable {
    /// The test file.
    public var file: String
    /// Warnings printed before the verdict (`  WARNING: no file match pattern …`).
    public var warnings: [String] = []
    /// Failures, each one message as promtool prints it (may span lines).
    public var errors: [String] = []

    /// Creates an empty (passing) report.
    public init(file: String) { self.file = file }

    /// Whether every test of the file passed.
    public var passed: Bool { errors.isEmpty }

    /// What promtool 3.x writes to standard output for the file: `  SUCCESS` and a blank
    /// line, or one blank line per failure and one more.
    public var standardOutput: String {
        passed ? "  SUCCESS\n\n" : String(repeating: "\n", count: errors.count + 1)
    }

    /// What promtool writes to standard error: the warnings, then `  FAILED:` and each failure.
    public var standardError: String {
        var text = warnings.map { $0 + "\n" }.joined()
        if !passed { text += "  FAILED:\n" + errors.map { $0 + "\n" }.joined() }
        return text
    }
}

/// A runner that cannot start.
public struct RuleTestRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
}
