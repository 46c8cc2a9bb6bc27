// Tollgate — `tollgate check config`.

import ArgumentParser
import TollgateConfig

/// Validates a configuration file without starting the server.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration file the way `serve --config` would load it.",
        discussion: "Prints SUCCESS and exits 0, or prints each problem with its file, line and field and exits 1."
    )

    @Argument(help: ArgumentHelp("The configuration file.", valueName: "FILE"))
    var file: String

    func run() async throws {
        do {
            _ = try ServerSettings.load(path: file)
            StandardStream.output(Array("Checking \(file)\n  SUCCESS: \(file) is valid\n".utf8))
        } catch {
            StandardStream.error("Checking \(file)\n  FAILED: \(error)\n")
            throw ExitCode(1)
        }
    }
}
