// Tollgate — `tollgate check guards`: rollout guard files, checked as the server would load them.

import ArgumentParser
import Guards
import TollgateConfig

/// Validates guard files without starting the server, in `check rules`' output form.
struct CheckGuardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guards",
        abstract: "Check rollout guard files (guards and plans).",
        discussion: """
            For each file prints `Checking FILE` and `SUCCESS: N guards, M plans found`, or each \
            problem (file, line, field and what is wrong) under FAILED: every field read strictly, \
            every expression parsed and type-checked with placeholder values for $service, \
            $version, $baseline and $$v, every plan's traffic increasing and ending at 100. \
            Exits 1 when a file fails, else 0.
            """
    )

    @Argument(help: ArgumentHelp("The guard files.", valueName: "FILE"))
    var files: [String]

    func run() async throws {
        var failed = false
        for path in files {
            StandardStream.output(Array("Checking \(path)\n".utf8))
            let (file, structural) = GuardFile.read(path: path)
            let problems = structural + GuardFileCheck.problems(in: file)
            if problems.isEmpty {
                StandardStream.output(Array("  SUCCESS: \(file.guards.count) guards, \(file.plans.count) plans found\n".utf8))
            } else {
                failed = true
                StandardStream.error("  FAILED:\n" + problems.map { "\($0.located)\n" }.joined())
            }
            StandardStream.output(Array("\n".utf8))
        }
        if failed { throw ExitCode(1) }
    }
}
