// Tollgate — a controllable scrape target on loopback (Fixtures/target_server.py).

import CurlHTTP
import Foundation
import Logging
import Model
import Storage
import TSDB
import TestSupport

/// A real HTTP server in a child process: tests set what each path serves and read
/// back the headers of the requests it got.
final class TargetServer: Sendable {
    let port: Int
    let tlsPort: Int?
    private let process: Process
    private let stdin: Pipe
    let client: HTTPClient

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/target_server.py").path

    /// Starts the server; with a certificate and key it also serves TLS.
    init(certificate: (cert: String, key: String)? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script] + (certificate.map { ["--tls-cert", $0.cert, "--tls-key", $0.key] } ?? [])
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line += byte
        }
        guard let info = try JSONSerialization.jsonObject(with: line) as? [String: Any], let port = info["port"] as? Int else {
            process.terminate()
            throw TestFailure("target server did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
        tlsPort = info["tls_port"] as? Int
        self.process = process
        stdin = input
        client = try HTTPClient()
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        client.shutdown()
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Makes `path` serve `body` from now on.
    func serve(
        _ path: String, _ body: String, contentType: String = "text/plain; version=0.0.4", gzip: Bool = false,
        delay: Double = 0, status: Int = 200
    ) async throws {
        let query = "path=\(path)&content_type=\(contentType.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            + "&gzip=\(gzip ? 1 : 0)&delay=\(delay)&status=\(status)"
        var request = HTTPClient.Request(url: "http://\(address)/_control?\(query)")
        request.method = "POST"
        request.body = Array(body.utf8)
        let response = try await client.execute(request)
        guard response.status == 200 else { throw TestFailure("control request failed: \(response.status)") }
    }

    /// The headers of every request made to `path` (lowercased names; `_query` holds the query string).
    func requests(_ path: String) async throws -> [[String: String]] {
        let response = try await client.execute(.init(url: "http://\(address)/_requests?path=\(path)"))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: String]]) ?? []
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A real store in a fresh directory from `scratch`, removed with it.
func temporaryStorage(in scratch: TemporaryDirectories) async throws -> (TSDB, URL) {
    let url = try scratch.make("scrape")
    return (try await TSDB.open(directory: url.path, logger: Logger(label: "test")), url)
}

extension TSDB {
    /// Every sample of the series matching a selector such as `up{job="a"}`.
    func samples(_ selector: String) async throws -> [SeriesSamples] {
        try await select(SeriesSelector.parse(selector), minTime: .min, maxTime: .max)
    }

    /// Waits until `condition` holds for the samples of `selector` (polling every 50 ms), or fails
    /// once `seconds` have passed *and* the poll has had as many turns as that time holds (at most
    /// four times `seconds`). The whole suite shares two cooperative threads with the scrape loops
    /// this waits for: in a fresh-clone run, a loop went 45 s without a turn while synchronous
    /// tests held both threads, and the poll, resumed after them, saw the deadline first.
    func waitFor(_ selector: String, seconds: Double = 60, _ condition: ([SeriesSamples]) -> Bool) async throws -> [SeriesSamples] {
        let start = Date()
        let turns = Int(seconds * 20)
        var polls = 0
        while true {
            let found = try await samples(selector)
            if condition(found) { return found }
            polls += 1
            let waited = Date().timeIntervalSince(start)
            if (waited > seconds && polls >= turns) || waited > 4 * seconds {
                throw TestFailure("timed out waiting for \(selector) (\(polls) polls in \(Int(waited)) s); have \(found.map { ($0.labels, $0.values) })")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// The stale marker's bits.
func isStale(_ value: Double) -> Bool { value.bitPattern == 0x7FF0_0000_0000_0002 }
