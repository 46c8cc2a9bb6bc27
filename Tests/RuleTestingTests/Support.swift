// Tollgate — what the rule-testing tests share: the scenario folder and minimal templates.

import Foundation
import RuleTesting
import Rules

/// The folder of test and rule files the scenarios use.
let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scenarios").path

/// The path of scenario `name` (`name.yml`).
func scenario(_ name: String) -> String { scenarios + "/" + name + ".yml" }

/// Templates that expand `{{ $value }}` and `{{ $labels.NAME }}` written exactly so (the Go
/// template module has its own tests; these are about the runner around it).
struct PlainTemplates: AlertTemplates {
    func check(_ text: String, name: String) -> String? { nil }

    func expand(_ text: String, name: String, data: AlertTemplateData, time: Int64, query: @escaping QueryFunc) async -> String {
        let value = data.value == data.value.rounded() && abs(data.value) < 1e15 ? String(Int64(data.value)) : "\(data.value)"
        var out = text.replacingOccurrences(of: "{{ $value }}", with: value)
        for (label, value) in data.labels { out = out.replacingOccurrences(of: "{{ $labels.\(label) }}", with: value) }
        return out
    }
}

/// A runner with the plain templates.
func runner(run: [String] = []) throws -> RuleTestRunner {
    try RuleTestRunner(templates: PlainTemplates(), run: run)
}

/// Writes a test file (and optional rule files) into `directory`; returns the test file's path.
func write(_ files: [String: String], in directory: URL) throws {
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
}
