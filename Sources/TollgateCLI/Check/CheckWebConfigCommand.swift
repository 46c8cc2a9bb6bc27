// Tollgate — `tollgate check web-config`.

import ArgumentParser
import HTTPAPI

/// Checks web configuration files as `promtool check web-config` does, certificates and
/// keys included, as the server would load them.
struct CheckWebConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web-config",
        abstract: "Check web configuration files (--web.config.file): TLS, basic auth users, headers.",
        discussion: """
            Prints "FILE SUCCESS" for each good file and "FILE FAILED: reason" (with the line \
            and field) for each bad one, as promtool does, and exits 1 when any is bad. The \
            certificate, key and client CA files are loaded as the server would load them.
            """
    )

    @Argument(help: ArgumentHelp("The web configuration files.", valueName: "FILE"))
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            do {
                _ = try WebSecurity.check(path: file)
                print("\(file) SUCCESS")
            } catch {
                failed = true
                StandardStream.error("\(file) FAILED: \(error)\n")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
