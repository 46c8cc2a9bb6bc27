// Tollgate — the root command.

public import ArgumentParser
import Logging

/// `tollgate`: the root of every subcommand.
public struct TollgateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tollgate",
        abstract: "A metrics gateway and alerting engine that speaks Prometheus.",
        discussion: """
            Tollgate scrapes Prometheus-format endpoints, stores the samples, and answers \
            the Prometheus HTTP API. Start with `tollgate serve`; `tollgate check` validates \
            inputs the way the server would read them.
            """,
        version: BuildInfo.version,
        subcommands: [ServeCommand.self, CheckCommand.self, ImportCommand.self, TSDBCommand.self]
    )

    public init() {}
}

/// `tollgate check`: validate inputs offline.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check inputs the way the server would read them.",
        subcommands: [CheckConfigCommand.self, CheckMetricsCommand.self]
    )
}

extension TollgateCommand {
    /// Parses the process arguments and runs the chosen command, awaiting async ones.
    public static func runAsMain() async {
        do {
            var command = try parseAsRoot()
            // Logs go to standard error, so command output on standard output stays clean.
            let level = (command as? ServeCommand).flatMap { Logger.Level(rawValue: $0.logLevel) } ?? .warning
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
