// Tollgate — `tollgate check config`.

import ArgumentParser
import Scrape
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
        let config: TollgateConfig
        do {
            config = try ServerSettings.load(path: file)
        } catch {
            StandardStream.error("Checking \(file)\n  FAILED: \(error)\n")
            throw ExitCode(1)
        }
        let problems = Self.unusableStaticTargets(config)
        guard problems.isEmpty else {
            StandardStream.error("Checking \(file)\n" + problems.map { "  FAILED: \(file): \($0)\n" }.joined())
            throw ExitCode(1)
        }
        StandardStream.output(Array("Checking \(file)\n  SUCCESS: \(file) is valid\n".utf8))
    }

    /// Static targets that relabeling leaves unusable (an address with a path, say): `serve`
    /// would drop each with a log line; promtool refuses them up front, and so does this.
    /// A target that relabeling rewrites (the blackbox exporter's pattern) passes.
    static func unusableStaticTargets(_ config: TollgateConfig) -> [String] {
        var problems: [String] = []
        for (jobIndex, job) in config.scrapeConfigs.enumerated() {
            for (groupIndex, group) in job.staticConfigs.enumerated() {
                for (index, address) in group.targets.enumerated() {
                    guard case .invalid(_, let error) = TargetBuilder.build(address: address, group: group, config: job) else { continue }
                    problems.append("scrape_configs[\(jobIndex)].static_configs[\(groupIndex)].targets[\(index)] (job \"\(job.jobName)\"): \(error)")
                }
            }
        }
        return problems
    }
}
