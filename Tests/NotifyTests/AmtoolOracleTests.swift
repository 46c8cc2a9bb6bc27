// Tollgate — Notify tests: `tollgate check alertmanager` and `tollgate routes` next to
// Debian's amtool (Alertmanager 0.25) on the same files and label sets.

import Foundation
import TestSupport
import Testing

/// Running the built `tollgate` and `/usr/bin/amtool`.
enum Oracle {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let amtool = "/usr/bin/amtool"
    static var hasAmtool: Bool { FileManager.default.isExecutableFile(atPath: amtool) }

    static var tollgate: String {
        let bundle = Bundle.main.bundleURL
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("tollgate")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/tollgate").path
    }

    struct Result: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The last error line of each tool without its program prefix (`amtool: error: `,
    /// `Error: `); amtool's warning about --alertmanager.url is not an error line.
    static func errorMessage(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("Warning:") && !$0.isEmpty }
        let last = lines.last ?? ""
        for prefix in ["amtool: error: ", "Error: "] where last.hasPrefix(prefix) { return String(last.dropFirst(prefix.count)) }
        return last
    }
}

final class AmtoolOracleTests: Sendable {
    let scratch = TemporaryDirectories()

    static let trees: [String: String] = [
        "nested.yml": """
            route:
              receiver: default
              group_by: [alertname]
              routes:
                - matchers: ['severity="critical"', team=~"db|web"]
                  receiver: pager
                  continue: true
                  routes:
                    - match: {env: prod}
                      receiver: prod-pager
                    - match_re: {env: "stag.*|qa"}
                      receiver: staging
                - match_re: {severity: "warn.*"}
                  receiver: slack
                  group_by: ['...']
                - matchers: [service!~"batch-.*", 'severity!="info"']
                  receiver: catch-all
                  continue: true
                - matchers: ['{owner="sre", region="eu"}']
                  receiver: sre-eu
            receivers:
              - name: default
              - name: pager
                pagerduty_configs: [{routing_key: k}]
              - name: prod-pager
                pagerduty_configs: [{service_key: k}]
              - name: staging
                webhook_configs: [{url: 'http://hook.example.com/'}]
              - name: slack
                slack_configs: [{api_url: 'http://slack.example.com/x', channel: '#a'}]
              - name: catch-all
              - name: sre-eu
            inhibit_rules:
              - source_matchers: [severity=critical]
                target_matchers: [severity=warning]
                equal: [alertname]
              - source_match: {a: b}
                target_match_re: {c: d.*}
            """,
        "flat.yml": """
            route:
              receiver: r0
            receivers: [{name: r0}, {name: r1}]
            templates: ['nothing-here/*.tmpl']
            """,
    ]

    static let failing: [String: String] = [
        "dup.yml": "route: {receiver: x}\nreceivers: [{name: x}, {name: x}]\n",
        "undefined.yml": "route:\n  receiver: x\n  routes: [{receiver: y}]\nreceivers: [{name: x}]\n",
        "root-matchers.yml": "route: {receiver: x, matchers: [a=b]}\nreceivers: [{name: x}]\n",
        "groupby.yml": "route: {receiver: x, group_by: ['...', a]}\nreceivers: [{name: x}]\n",
        "no-smtp.yml": "route: {receiver: x}\nreceivers: [{name: x, email_configs: [{to: a@b.c}]}]\n",
    ]

    static let labelSets: [[String]] = [
        ["severity=critical", "team=db", "env=prod"],
        ["severity=critical", "team=web", "env=staging"],
        ["severity=critical", "team=web", "env=qa", "service=batch-1"],
        ["severity=warning", "alertname=Disk"],
        ["severity=info", "owner=sre", "region=eu"],
        ["owner=sre", "region=us"],
        ["severity=\"critical\"", "team=ops"],
        [],
    ]

    func write(_ files: [String: String]) throws -> URL {
        let directory = try scratch.make("amtool-oracle")
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func checkConfigAgrees() throws {
        guard Oracle.hasAmtool else {
            print("skipped: \(Oracle.amtool) is not installed")
            return
        }
        let directory = try write(Self.trees)
        let example = Oracle.repositoryRoot.appendingPathComponent("examples/alertmanager.yml").path
        for path in Self.trees.keys.sorted().map({ directory.appendingPathComponent($0).path }) + [example] {
            let expected = try Oracle.run(Oracle.amtool, ["check-config", path])
            let actual = try Oracle.run(Oracle.tollgate, ["check", "alertmanager", path])
            #expect(actual.stdout == expected.stdout, "\(path)")
            #expect(actual.status == expected.status, "\(path)")
            #expect(expected.status == 0)
        }
    }

    @Test func checkConfigFailuresAgree() throws {
        guard Oracle.hasAmtool else {
            print("skipped: \(Oracle.amtool) is not installed")
            return
        }
        let directory = try write(Self.failing)
        for name in Self.failing.keys.sorted() {
            let path = directory.appendingPathComponent(name).path
            let expected = try Oracle.run(Oracle.amtool, ["check-config", path])
            let actual = try Oracle.run(Oracle.tollgate, ["check", "alertmanager", path])
            #expect(actual.status == expected.status && expected.status == 1, "\(name)")
            // amtool names the first problem; tollgate names each with file, line and field.
            // 0.25 says "other other labels"; later Alertmanagers (and tollgate) say "other labels".
            let amtoolProblem = (expected.stdout.components(separatedBy: "FAILED: ").last?.split(separator: "\n").first.map(String.init) ?? "?")
                .replacingOccurrences(of: "other other", with: "other")
            #expect(actual.stdout.contains(": " + amtoolProblem), "\(name): \(actual.stdout) vs \(amtoolProblem)")
            #expect(actual.stdout.hasPrefix("Checking '\(path)'  FAILED: \(path):"))
            #expect(Oracle.errorMessage(actual.stderr) == Oracle.errorMessage(expected.stderr))
        }
    }

    @Test func routesShowAgrees() throws {
        guard Oracle.hasAmtool else {
            print("skipped: \(Oracle.amtool) is not installed")
            return
        }
        let directory = try write(Self.trees)
        let example = Oracle.repositoryRoot.appendingPathComponent("examples/alertmanager.yml").path
        for path in Self.trees.keys.sorted().map({ directory.appendingPathComponent($0).path }) + [example] {
            let expected = try Oracle.run(Oracle.amtool, ["config", "routes", "show", "--config.file", path])
            let actual = try Oracle.run(Oracle.tollgate, ["routes", "show", "--config.file", path])
            #expect(actual.stdout == expected.stdout, "\(path)")
            #expect(actual.status == expected.status && actual.status == 0)
        }
    }

    @Test func routesTestAgrees() throws {
        guard Oracle.hasAmtool else {
            print("skipped: \(Oracle.amtool) is not installed")
            return
        }
        let directory = try write(Self.trees)
        let example = Oracle.repositoryRoot.appendingPathComponent("examples/alertmanager.yml").path
        var compared = 0
        for path in [directory.appendingPathComponent("nested.yml").path, example] {
            for labels in Self.labelSets + [["severity=warning", "service=api"], ["severity=info"]] {
                for flags in [[], ["--tree"], ["--verify.receivers=pager,catch-all"], ["--verify.receivers", "slack", "--tree"]] {
                    let arguments = ["--config.file", path] + flags + labels
                    let expected = try Oracle.run(Oracle.amtool, ["config", "routes", "test"] + arguments)
                    let actual = try Oracle.run(Oracle.tollgate, ["routes", "test"] + arguments)
                    #expect(actual.stdout == expected.stdout, "\(arguments)")
                    #expect(actual.status == expected.status, "\(arguments)")
                    compared += 1
                }
            }
        }
        #expect(compared == 80)
    }

    @Test(arguments: [["foo"], ["a!=b"], ["a=~x"], ["=b"], ["a=\"x"]])
    func routesTestLabelErrorsAgree(labels: [String]) throws {
        guard Oracle.hasAmtool else {
            print("skipped: \(Oracle.amtool) is not installed")
            return
        }
        let directory = try write(Self.trees)
        let arguments = ["--config.file", directory.appendingPathComponent("flat.yml").path] + labels
        let expected = try Oracle.run(Oracle.amtool, ["config", "routes", "test"] + arguments)
        let actual = try Oracle.run(Oracle.tollgate, ["routes", "test"] + arguments)
        #expect(actual.status == expected.status && actual.status == 1)
        #expect(actual.stdout == expected.stdout)
        #expect(Oracle.errorMessage(actual.stderr) == Oracle.errorMessage(expected.stderr))
    }
}
