// Tollgate — CloudWatch tests: python helpers, child servers, a store to read back.

import CloudWatch
import CurlHTTP
import Foundation
import Logging
import Model
import Storage
import TSDB
import TestSupport

/// The folder of the python stand-ins.
let standIns = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("StandIns")

/// Runs blocking work on a thread of its own, never on the cooperative pool.
func detached<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await Programs.detached(work)
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs `python3 arguments` to completion with `stdin`, on a thread of its own; its stdout.
func runPython(_ arguments: [String], stdin: [UInt8] = []) async throws -> [UInt8] {
    let result = try await Programs.runDetached(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, stdin: stdin)
    guard result.status == 0 else {
        throw ProcessFailure(description: "python3 \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return Array(result.stdout.utf8)
}

/// A server run as a child process on a loopback port, stopped by ``stop()``.
final class ChildServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// Starts `python3 arguments` and waits until `port` answers HTTP.
    init(_ arguments: [String], port: Int, client: HTTPClient) async throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 {
            var request = HTTPClient.Request(url: "http://127.0.0.1:\(port)/")
            request.timeoutMilliseconds = 1000
            if (try? await client.execute(request)) != nil { return }
            guard process.isRunning else { throw ProcessFailure(description: "python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw ProcessFailure(description: "python3 \(arguments.joined(separator: " ")) did not answer on port \(port)")
    }

    /// Stops the server (SIGTERM to this child only).
    func stop() {
        if process.isRunning {
            // SIGKILL: a child spawned from a test thread inherits a signal mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A fresh store in a temporary folder.
func temporaryStore(_ scratch: TemporaryDirectories) async throws -> TSDB {
    try await TSDB.open(directory: try scratch.make("cloudwatch").path, logger: Logger(label: "test"))
}

/// Every stored series whose name starts with `prefix`, by its labels' text.
func stored(_ store: TSDB, prefix: String = "aws_") async throws -> [String: SeriesSamples] {
    let matchers = [try LabelMatcher(.regex, "__name__", "\(prefix).*")]
    var out: [String: SeriesSamples] = [:]
    for series in try await store.select(matchers, minTime: 0, maxTime: Int64.max) {
        // name{a="x", b="y"}: the keys the tests spell out.
        var name = ""
        var pairs: [String] = []
        for label in series.labels {
            if label.name == "__name__" { name = label.value } else { pairs.append("\(label.name)=\"\(label.value)\"") }
        }
        out[name + "{" + pairs.joined(separator: ", ") + "}"] = series
    }
    return out
}

/// One shared libcurl client for the tests.
let sharedHTTP: HTTPClient = try! HTTPClient()

/// A logger that keeps every message, to check what a failed poll says.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var logger: Logger {
        Logger(label: "cloudwatch-test") { _ in CapturingHandler(log: self) }
    }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        log.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}
