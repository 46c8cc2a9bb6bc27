// Tollgate — `tollgate check rules`, as `promtool check rules`.

import ArgumentParser
import Foundation
import Model
import PromQL
import Rules
import TollgateConfig

/// Validates rule files without starting the server, with promtool's output and exit codes.
struct CheckRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check rule files the way the server loads them (promtool check rules).",
        discussion: """
            For each file prints `Checking FILE` and `SUCCESS: N rules found`, or each problem \
            (file, line, group, rule and what is wrong) under FAILED. The duplicate-rules lint \
            reports recording rules that write the same series. Exits 1 when a file fails, 3 when \
            only the lint found something and --lint-fatal is given, else 0.
            """
    )

    @Option(help: ArgumentHelp("Linting: duplicate-rules (the default) or none.", valueName: "CHECKS"))
    var lint = "duplicate-rules"

    @Flag(name: .customLong("lint-fatal"), help: "Exit 3 when the lint finds something.")
    var lintFatal = false

    @Argument(help: ArgumentHelp("The rule files.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        guard lint == "duplicate-rules" || lint == "none" else { throw ValidationError("--lint: unknown check \"\(lint)\"; expected duplicate-rules or none") }
    }

    func run() async throws {
        var failed = false, linted = false
        let loader = RuleLoader(
            evaluationInterval: PromDuration(milliseconds: 60_000), queryOffset: PromDuration(milliseconds: 0), parserOptions: ParserOptions(),
            templates: RuleTemplates.standard())
        for path in files {
            StandardStream.output(Array("Checking \(path)\n".utf8))
            let (file, structural) = RuleFile.read(path: path)
            let problems = structural + loader.check(file: file)
            let count = file.groups.reduce(0) { $0 + $1.rules.count }
            let duplicates = lint == "duplicate-rules" ? Self.duplicateRecordings(file) : []
            if !problems.isEmpty {
                failed = true
                StandardStream.error("  FAILED:\n" + problems.map { "\(Self.promtoolForm($0))\n" }.joined())
            } else if !duplicates.isEmpty {
                linted = true
                StandardStream.error("  FAILED:\nlint error \(duplicates.count) duplicate rule(s) found.\n" + duplicates.joined())
            } else {
                StandardStream.output(Array("  SUCCESS: \(count) rules found\n".utf8))
            }
            StandardStream.output(Array("\n".utf8))
        }
        if failed { throw ExitCode(1) }
        if linted && lintFatal { throw ExitCode(3) }
    }

    /// `file: line: message`, as promtool writes a rule file's problems (without the column);
    /// a problem of the file's structure names its field too.
    static func promtoolForm(_ error: ConfigError) -> String {
        var text = error.file + ": "
        if let line = error.line { text += "\(line): " }
        if let field = error.field, !error.message.hasPrefix("group \"") { text += field + ": " }
        return text + error.message
    }

    /// Recording rules of the file that write the same metric with the same labels, in
    /// promtool's words (`Metric: name`, `Label(s):`, the labels, the warning).
    static func duplicateRecordings(_ file: RuleFile) -> [String] {
        var seen: [String: Int] = [:]
        var order: [(String, [String: String])] = []
        for group in file.groups {
            for rule in group.rules {
                guard case .recording(let name) = rule.kind else { continue }
                let key = name + "\u{0}" + rule.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                seen[key, default: 0] += 1
                if seen[key] == 2 { order.append((name, rule.labels)) }
            }
        }
        return order.map { name, labels in
            "Metric: \(name)\nLabel(s):\n" + labels.keys.sorted().map { "\t\($0): \(labels[$0] ?? "")\n" }.joined()
                + "Might cause inconsistency while recording expressions\n"
        }
    }
}
