// Tollgate — `tollgate check config`.

import ArgumentParser
import TollgateConfig

/// Validates a configuration file without starting the server.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration file the way `serve --config` would load it.",
        discussion: """
            Runs exactly the checks `serve` and a reload run, on the file and the files its \
            scrape_config_files name. Prints SUCCESS and exits 0, or prints every problem, each \
            with its file, line and field, and exits 1. Sections that load but do nothing yet \
            are printed as warnings.
            """
    )

    @Argument(help: ArgumentHelp("The configuration file.", valueName: "FILE"))
    var file: String

    func run() async throws {
        let config: TollgateConfig
        do {
            config = try ServerSettings.load(path: file)
        } catch {
            StandardStream.error("Checking \(file)\n" + error.all.map { "  FAILED: \($0.located)\n" }.joined())
            throw ExitCode(1)
        }
        StandardStream.error(config.warnings.map { "  WARNING: \($0.located)\n" }.joined())
        StandardStream.output(Array("Checking \(file)\n  SUCCESS: \(file) is valid\n".utf8))
    }
}
