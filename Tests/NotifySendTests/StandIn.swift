// Tollgate — NotifySend tests: the Python stand-ins (receivers, SMTP server) run as processes.

import Foundation
import Logging
import Model
import Notify
import Synchronization
import TestSupport

/// A stand-in server started from `StandIns/`: it writes its port, then one file per request.
final class StandIn: @unchecked Sendable {  // the process is only started and killed
    static let python = "/usr/bin/python3"
    private let process: Process
    /// Where the stand-in writes what it received.
    let directory: URL
    /// The port it listens on (127.0.0.1).
    let port: Int

    private init(process: Process, directory: URL, port: Int) {
        self.process = process
        self.directory = directory
        self.port = port
    }

    /// Why the stand-ins cannot run here, or nil: python3, and aiosmtpd for the SMTP server.
    static func skipReason(smtp: Bool) -> String? {
        if !FileManager.default.isExecutableFile(atPath: python) { return "\(python) is missing" }
        guard smtp else { return nil }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", "import aiosmtpd.controller"]
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return "cannot run \(python)" }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? nil : "python3-aiosmtpd is not installed (scripts/apt-install.sh python3-aiosmtpd)"
    }

    /// Starts `script` with `directory` (and `arguments`) and waits for its port.
    static func launch(_ script: String, in directory: URL, arguments: [String] = []) async throws -> StandIn {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("StandIns/\(script)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path, directory.path] + arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        let portFile = directory.appendingPathComponent("port")
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return StandIn(process: process, directory: directory, port: port)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw StandInError(description: "\(script) did not start")
    }

    /// Stops the process.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The files named `<prefix><n><suffix>`, in the order written.
    func files(_ prefix: String, _ suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }
            .compactMap { name -> (Int, String)? in
                Int(name.dropFirst(prefix.count).dropLast(suffix.count)).map { ($0, name) }
            }
            .sorted { $0.0 < $1.0 }
            .map { directory.appendingPathComponent($0.1) }
    }

    /// The HTTP requests recorded by `receiver.py`.
    func requests() -> [RecordedRequest] {
        files("req-", ".json").compactMap { url in
            guard let data = try? Data(contentsOf: url), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return RecordedRequest(object)
        }
    }
}

struct StandInError: Error, CustomStringConvertible {
    var description: String
}

/// One request `receiver.py` recorded.
struct RecordedRequest {
    var path: String
    var headers: [String: String]
    var text: String
    /// What the stand-in found wrong with the body (empty: valid).
    var problems: [String]
    /// The body, parsed.
    var json: [String: Any]

    init?(_ object: [String: Any]) {
        guard let path = object["path"] as? String, let text = object["body"] as? String else { return nil }
        self.path = path
        self.text = text
        headers = object["headers"] as? [String: String] ?? [:]
        problems = object["problems"] as? [String] ?? []
        json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

/// The alerts and contexts the tests notify.
enum Fixtures {
    /// A logger that drops everything (retries log warnings).
    static let quiet = Logger(label: "notify-send-tests") { _ in SwiftLogNoOpLogHandler() }

    static let now: Int64 = 1_700_000_000_000

    static let firing = NotifierAlert(
        labels: Labels(["alertname": "HighErrorRate", "service": "checkout", "severity": "critical"]),
        annotations: Labels(["summary": "5xx > 5% on checkout"]), startsAt: now - 600_000, endsAt: now + 3_600_000,
        generatorURL: "http://prom:9090/graph?g0.expr=x")

    static let resolved = NotifierAlert(
        labels: Labels(["alertname": "HighErrorRate", "service": "cart", "severity": "critical"]),
        annotations: Labels(["summary": "cart"]), startsAt: now - 900_000, endsAt: now - 60_000, generatorURL: "http://prom:9090/graph")

    static let groupKey = #"{}:{alertname="HighErrorRate"}"#

    static func context(receiver: String = "team-ops") -> Notify.NotificationContext {
        NotificationContext(
            receiver: receiver, groupKey: groupKey, groupLabels: Labels(["alertname": "HighErrorRate"]), repeatInterval: 14_400_000, now: now)
    }
}
