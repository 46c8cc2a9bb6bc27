// Tollgate — `tollgate check alertmanager`, as `amtool check-config`.

import ArgumentParser
import Foundation
import Notify
import TollgateConfig

/// Validates alertmanager.yml files without starting anything, with `amtool check-config`'s
/// output and exit codes.
struct CheckAlertmanagerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alertmanager",
        abstract: "Check alertmanager.yml files the way Alertmanager loads them (amtool check-config).",
        discussion: """
            For each file prints `Checking 'FILE'` and `SUCCESS` with what was found (global \
            config, route, inhibit rules, receivers, templates), or `FAILED:` with every problem \
            (file, line, field and Alertmanager's message). Template files are parsed as Go \
            templates. Exits 1 when a file fails.
            """
    )

    @Argument(help: ArgumentHelp("The alertmanager.yml files.", valueName: "FILE"))
    var files: [String] = []

    func run() throws {
        for path in files where !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("path '\(path)' does not exist")
        }
        var failed = 0
        for path in files {
            var out = "Checking '\(path)'"
            do {
                let file = try AlertmanagerFile.load(path: path)
                out += "  SUCCESS\n"
                out += "Found:\n - global config\n - route\n - \(file.inhibitRules.count) inhibit rules\n"
                out += " - \(file.receivers.count) receivers\n - \(file.templates.count) templates\n"
                if !file.templates.isEmpty {
                    if let problem = TemplateFiles.problem(file.templates) {
                        out += "  FAILED: \(problem)\n"
                        failed += 1
                    } else {
                        out += "  SUCCESS\n"
                    }
                }
            } catch {
                failed += 1
                let all = error.all
                out += "  FAILED: " + (all.first?.located ?? "") + "\n"
                for more in all.dropFirst() { out += "    \(more.located)\n" }
            }
            StandardStream.output(Array((out + "\n").utf8))
        }
        if failed > 0 { throw CommandFailure("failed to validate \(failed) file(s)") }
    }
}
