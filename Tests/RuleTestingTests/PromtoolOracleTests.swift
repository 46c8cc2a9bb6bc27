// Tollgate — `test rules` against Debian's promtool: the same scenarios through both tools.

import Foundation
import RuleTesting
import TestSupport
import Testing

/// Debian's promtool (2.42 in bookworm), the oracle.
let promtool = "/usr/bin/promtool"

/// What one tool printed for one test file.
struct ToolOutput: Equatable, CustomStringConvertible, Sendable {
    var exitCode: Int32
    var standardOutput: String
    var standardError: String

    var description: String { "exit \(exitCode)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)" }
}

/// Runs promtool on one file. Promtool 2.x prints `Unit Testing:  <file>` first on standard
/// output; 3.0 dropped that line (and Tollgate prints what 3.x prints), so it is the one thing
/// taken out before comparing.
func promtoolOutput(_ file: String) throws -> ToolOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: promtool)
    process.arguments = ["test", "rules", file]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var stdout = String(decoding: outData, as: UTF8.self)
    let header = "Unit Testing:  \(file)\n"
    if stdout.hasPrefix(header) { stdout.removeFirst(header.count) }
    return ToolOutput(exitCode: process.terminationStatus, standardOutput: stdout, standardError: String(decoding: errData, as: UTF8.self))
}

/// What `tollgate test rules` prints for one file (the command writes the report as is).
func tollgateOutput(_ file: String) async throws -> ToolOutput {
    let (reports, exitCode) = try await runner().run(files: [file])
    return ToolOutput(
        exitCode: exitCode, standardOutput: reports.map(\.standardOutput).joined(), standardError: reports.map(\.standardError).joined())
}

@Suite struct PromtoolOracleTests {
    /// Each scenario and what it exercises; both tools must print the same and exit alike.
    static let cases: [(name: String, passes: Bool)] = [
        ("pass", true),  // alerts with `for`, recording rule feeding an alert, unnamed group, time(), expected-empty alerts
        ("wrong_labels", false),  // exp_labels differ from the firing alert's
        ("missing_alert", false),  // an expected alert that never fires; an unexpected firing alert
        ("wrong_value", false),  // promql_expr_test: wrong value, missing series, unexpected series
        ("eval_error", false),  // an alerting rule whose results collide after dropping __name__
        ("unknown_field", false),  // strict YAML: two misspelled fields
        ("missing_alertname", false),  // alert_rule_test without alertname
        ("no_match", true),  // a rule_files glob that matches nothing: a warning, still a pass
        ("eval_order", false),  // group_eval_order names a group twice
        ("notation", false),  // a+bxn, _xn, stale; globbed rule files; one alert name in two groups; pending not compared; ALERTS
        ("expr_error", false),  // expressions that do not parse or type-check; exp_samples labels that do not parse
    ]

    @Test(
        "tollgate test rules agrees with promtool",
        .enabled(if: FileManager.default.isExecutableFile(atPath: promtool), "promtool is not installed at /usr/bin/promtool"),
        arguments: cases)
    func agrees(_ scenarioCase: (name: String, passes: Bool)) async throws {
        let file = scenario(scenarioCase.name)
        let oracle = try await Programs.detached { try promtoolOutput(file) }  // off the cooperative threads
        let ours = try await tollgateOutput(file)
        #expect(oracle.exitCode == (scenarioCase.passes ? 0 : 1), "promtool: \(oracle)")
        #expect(ours == oracle, "tollgate:\n\(ours)\npromtool:\n\(oracle)")
    }

    @Test("promtool is reported missing rather than silently passing")
    func reportsMissingOracle() {
        if !FileManager.default.isExecutableFile(atPath: promtool) {
            print("PromtoolOracleTests skipped: \(promtool) is absent (install Debian's prometheus package)")
        }
        #expect(Self.cases.count == 11)
    }
}
