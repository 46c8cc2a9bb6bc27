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
        subcommands: [ServeCommand.self, CheckCommand.self, TestCommand.self, RoutesCommand.self, ImportCommand.self, TSDBCommand.self, GateCommand.self, DoraCommand.self]
    )

    public init() {}
}

/// `tollgate check`: validate inputs offline.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check inputs the way the server would read them.",
        subcommands: [CheckConfigCommand.self, CheckRulesCommand.self, CheckGuardsCommand.self, CheckMetricsCommand.self, CheckAlertmanagerCommand.self, CheckWebConfigCommand.self]
    )
}

/// `tollgate test`: unit tests.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Unit tests, as promtool runs them.",
        subcommands: [TestRulesCommand.self]
    )
}

extension TollgateCommand {
    /// Parses the process arguments and runs the chosen command, awaiting async ones.
    public static func runAsMain() async {
        do {
            var arguments = Array(CommandLine.arguments.dropFirst())
            // `serve` takes Prometheus's flags: those it has no use for are dropped with a
            // warning, those for missing features refused in one error.
            var prometheusFlags: PrometheusFlags?
            if arguments.first == "serve" {
                let sorted = PrometheusFlags(Array(arguments.dropFirst()))
                if let refusal = sorted.refusal { throw ValidationError(refusal) }
                arguments = ["serve"] + sorted.kept
                prometheusFlags = sorted
            }
            var command = try parseAsRoot(arguments)
            // Logs go to standard error, so command output on standard output stays clean.
            let serve = command as? ServeCommand
            let level = serve.flatMap { Logger.Level(rawValue: $0.logLevel) } ?? .warning
            let format = serve.flatMap { LogFormat(rawValue: $0.logFormat) } ?? .logfmt
            LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
            if let ignored = prometheusFlags?.ignoredFlags, !ignored.isEmpty {
                Logger(label: "tollgate").warning(
                    "Prometheus flags ignored: they tune what Tollgate does not have", metadata: ["flags": "\(ignored.joined(separator: " "))"])
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
