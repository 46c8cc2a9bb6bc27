// Tollgate — `tollgate routes show|test`, as `amtool config routes`.

import ArgumentParser
import Model
import Notify
import TollgateConfig

/// `tollgate routes`: the routing tree of an alertmanager.yml, offline.
struct RoutesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "Show or test the routing tree of an alertmanager.yml (amtool config routes).",
        subcommands: [RoutesShowCommand.self, RoutesTestCommand.self],
        defaultSubcommand: RoutesShowCommand.self
    )
}

/// The configuration file option both subcommands take, and reading it.
struct RoutesConfigOption: ParsableArguments {
    @Option(name: .customLong("config.file"), help: ArgumentHelp("The alertmanager.yml to read.", valueName: "FILE"))
    var configFile: String

    /// The root of the file's routing tree.
    func root() throws -> Route {
        do {
            return Route(try AlertmanagerFile.load(path: configFile).route)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

/// `tollgate routes show`: the whole tree, as `amtool config routes show` prints it.
struct RoutesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the routing tree.",
        discussion: "Each node shows its matchers (default-route when it has none), `continue: true` and its receiver."
    )

    @OptionGroup var config: RoutesConfigOption

    func run() throws {
        StandardStream.output(Array(RouteTree.show(try config.root()).utf8))
    }
}

/// `tollgate routes test`: the receivers an alert's labels route to, as
/// `amtool config routes test` prints them.
struct RoutesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Print the receivers a label set routes to.",
        discussion: """
            Prints the receiver names comma-joined in tree order. With --tree, first the \
            matching branches. With --verify.receivers and a different result, prints a \
            warning and exits 1.
            """
    )

    @OptionGroup var config: RoutesConfigOption

    @Option(name: .customLong("verify.receivers"), help: ArgumentHelp("The receivers expected, comma-joined.", valueName: "R1,R2"))
    var verifyReceivers = ""

    @Flag(help: "Print the matching routes tree first.")
    var tree = false

    @Argument(help: ArgumentHelp("The alert's labels.", valueName: "LABEL=VALUE"))
    var labels: [String] = []

    func run() throws {
        let root = try config.root()
        var dictionary: [String: String] = [:]
        for text in labels {
            let matcher: LabelMatcher
            do {
                matcher = try AlertmanagerMatchers.parseMatcher(text)
            } catch {
                throw CommandFailure("Failed to parse labels: \(error.description)")
            }
            guard matcher.kind == .equal else { throw CommandFailure("Failed to parse labels: labels must be specified as key=value pairs") }
            dictionary[matcher.name] = matcher.value
        }
        let alert = Labels(dictionary)
        var out = tree ? RouteTree.matching(root, labels: alert) : ""
        let resolved = RouteTree.receivers(root, labels: alert).joined(separator: ",")
        out += resolved + "\n"
        let mismatch = !verifyReceivers.isEmpty && verifyReceivers != resolved
        if mismatch { out += "WARNING: Expected receivers did not match resolved receivers.\n" }
        StandardStream.output(Array(out.utf8))
        if mismatch { throw ExitCode(1) }
    }
}
