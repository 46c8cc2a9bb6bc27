// Tollgate — Probe: the same probes answered by Tollgate and by Debian's blackbox_exporter.

import CurlHTTP
import Foundation
import Logging
import Probe
import TestSupport
import Testing
import TollgateConfig

/// The modules both answer from (one blackbox.yml, read by each).
let oracleModules = #"""
modules:
  http_2xx: {prober: http}
  http_ip4: {prober: http, http: {preferred_ip_protocol: ip4, ip_protocol_fallback: false}}
  http_500_ok: {prober: http, http: {valid_status_codes: [500]}}
  http_post: {prober: http, http: {method: POST, body: "ping", fail_if_body_not_matches_regexp: ["hello ping"]}}
  http_body_fails: {prober: http, http: {fail_if_body_matches_regexp: ["hel+o"]}}
  http_body_missing: {prober: http, http: {fail_if_body_not_matches_regexp: ["absent"]}}
  http_header: {prober: http, http: {fail_if_header_not_matches: [{header: X-Mode, regexp: "^ok$"}]}}
  http_header_missing: {prober: http, http: {fail_if_header_matches: [{header: X-Absent, regexp: "x"}]}}
  http_no_redirect: {prober: http, http: {follow_redirects: false, valid_status_codes: [302]}}
  http_ssl_required: {prober: http, http: {fail_if_not_ssl: true}}
  http_version_11: {prober: http, http: {valid_http_versions: ["HTTP/1.1"]}}
  https_insecure: {prober: http, http: {tls_config: {insecure_skip_verify: true}}}
  https_verified: {prober: http}
  tcp_connect: {prober: tcp}
  tcp_tls: {prober: tcp, tcp: {tls: true, tls_config: {insecure_skip_verify: true}}}
  tcp_exchange:
    prober: tcp
    tcp:
      query_response:
        - expect: "^HELLO (\\w+)"
          send: "NAME ${1}"
        - expect: "^WELCOME tollgate$"
  tcp_wrong_banner:
    prober: tcp
    tcp:
      query_response: [{expect: "^SSH-2.0-"}]
"""#

/// The values compared exactly; the rest (durations) are compared by presence.
private let exactGauges: Set<String> = [
    "probe_success", "probe_http_status_code", "probe_http_content_length", "probe_http_uncompressed_body_length",
    "probe_http_redirects", "probe_http_ssl", "probe_http_version", "probe_failed_due_to_regex", "probe_ip_protocol",
    "probe_ip_addr_hash", "probe_ssl_earliest_cert_expiry",
]

/// Series blackbox_exporter 0.23 writes that Tollgate does not (docs/probes.md says why).
private let notWritten: Set<String> = ["probe_tls_version_info", "probe_ssl_last_chain_info"]

final class BlackboxOracleTests: Sendable {
    let scratch = TemporaryDirectories()
    static let blackbox = "/usr/bin/prometheus-blackbox-exporter"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: blackbox) && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    /// Every module against every target it is meant for: the two answers have the same series
    /// and, but for the timings, the same values.
    @Test(.enabled(if: available, "needs Debian's prometheus-blackbox-exporter, python3 and openssl"))
    func tollgateAnswersAsBlackboxExporter() async throws {
        let dir = try scratch.make("blackbox")
        let config = dir.appendingPathComponent("blackbox.yml")
        try oracleModules.write(to: config, atomically: true, encoding: .utf8)
        let (httpPort, httpsPort, tcpPort, blackboxPort) = (try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort())
        let targets = try await Self.start(
            "/usr/bin/python3", [Self.fixture("targets.py"), dir.path, "\(httpPort)", "\(httpsPort)", "\(tcpPort)"], waitingFor: dir.appendingPathComponent("ready"))
        let exporter = try await Self.start(
            Self.blackbox, ["--config.file=\(config.path)", "--web.listen-address=127.0.0.1:\(blackboxPort)"], waitingForPort: blackboxPort)
        defer {
            kill(targets.processIdentifier, SIGKILL)
            kill(exporter.processIdentifier, SIGKILL)
        }
        let client = try HTTPClient()
        defer { client.shutdown() }
        let handler = ProbeHandler(modules: try ProbeModules(path: config.path).modules, client: client, logger: Logger(label: "test"))

        let http = "http://127.0.0.1:\(httpPort)"
        let cases: [(module: String, target: String)] = [
            ("http_2xx", "\(http)/"), ("http_2xx", "127.0.0.1:\(httpPort)/"), ("http_2xx", "http://localhost:\(httpPort)/"),
            ("http_2xx", "\(http)/500"), ("http_2xx", "\(http)/redirect"), ("http_2xx", "http://127.0.0.1:1/"),
            ("http_2xx", "http://no-such-host.invalid/"), ("http_ip4", "\(http)/"), ("http_500_ok", "\(http)/500"), ("http_post", "\(http)/"),
            ("http_body_fails", "\(http)/"), ("http_body_missing", "\(http)/"), ("http_header", "\(http)/"),
            ("http_header", "\(http)/maintenance"), ("http_header_missing", "\(http)/"), ("http_no_redirect", "\(http)/redirect"),
            ("http_ssl_required", "\(http)/"), ("http_version_11", "\(http)/"), ("https_insecure", "https://127.0.0.1:\(httpsPort)/"),
            ("https_verified", "https://127.0.0.1:\(httpsPort)/"), ("tcp_connect", "127.0.0.1:\(tcpPort)"), ("tcp_connect", "127.0.0.1:1"),
            ("tcp_exchange", "127.0.0.1:\(tcpPort)"), ("tcp_wrong_banner", "127.0.0.1:\(tcpPort)"), ("tcp_connect", "no-port"),
            ("tcp_tls", "127.0.0.1:\(httpsPort)"), ("tcp_tls", "127.0.0.1:\(tcpPort)"),
        ]
        for (module, target) in cases {
            let query = [("module", module), ("target", target)]
            let mine = await handler.respond(query: query, scrapeTimeout: "15")
            let theirs = try await Self.get(client, "http://127.0.0.1:\(blackboxPort)/probe", query: query, timeout: "15")
            let label = "\(module) \(target)"
            #expect(mine.status == theirs.status, "\(label)")
            let ours = Self.gauges(mine.body), oracle = Self.gauges(theirs.body)
            let expected = Set(oracle.keys.filter { !notWritten.contains(String($0.prefix { $0 != "{" })) })
            #expect(Set(ours.keys) == expected, "\(label): series differ")
            for (series, value) in oracle where exactGauges.contains(series) {
                let mineValue: Double? = ours[series]
                #expect(mineValue == value, "\(label): \(series) is \(String(describing: mineValue)), blackbox_exporter says \(value)")
            }
            for (series, value) in ours where !exactGauges.contains(series) {
                #expect(value >= 0, "\(label): \(series) is negative")
            }
        }

        // A probe that outlives the scrape's timeout (less the half-second offset) fails in time on both.
        for port in [blackboxPort, nil] {
            let query = [("module", "http_2xx"), ("target", "\(http)/slow")]
            let started = ContinuousClock.now
            let body: [UInt8]
            if let port {
                body = try await Self.get(client, "http://127.0.0.1:\(port)/probe", query: query, timeout: "1.5").body
            } else {
                body = await handler.respond(query: query, scrapeTimeout: "1.5").body
            }
            #expect(Self.gauges(body)["probe_success"] == 0)
            #expect(ContinuousClock.now - started < .seconds(2.5))
        }
    }

    /// The endpoint's own answers: unknown module, missing target, a bad timeout header.
    @Test(.enabled(if: available, "needs Debian's prometheus-blackbox-exporter"))
    func refusalsReadAsBlackboxExporters() async throws {
        let dir = try scratch.make("blackbox-refusals")
        let config = dir.appendingPathComponent("blackbox.yml")
        try oracleModules.write(to: config, atomically: true, encoding: .utf8)
        let port = try freeLoopbackPort()
        let exporter = try await Self.start(Self.blackbox, ["--config.file=\(config.path)", "--web.listen-address=127.0.0.1:\(port)"], waitingForPort: port)
        defer { kill(exporter.processIdentifier, SIGKILL) }
        let client = try HTTPClient()
        defer { client.shutdown() }
        let handler = ProbeHandler(modules: try ProbeModules(path: config.path).modules, client: client, logger: Logger(label: "test"))
        let requests: [([(String, String)], String?)] = [
            ([("module", "nope"), ("target", "x")], nil), ([("module", "http_2xx")], nil), ([("target", "127.0.0.1:1")], "abc"),
        ]
        for (query, timeout) in requests {
            let mine = await handler.respond(query: query, scrapeTimeout: timeout)
            let theirs = try await Self.get(client, "http://127.0.0.1:\(port)/probe", query: query, timeout: timeout)
            #expect(mine.status == theirs.status, "\(query)")
            #expect(String(decoding: mine.body, as: UTF8.self) == String(decoding: theirs.body, as: UTF8.self), "\(query)")
        }
    }

    // MARK: helpers

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    /// The unlabelled and labelled samples of a text exposition, by series text.
    static func gauges(_ body: [UInt8]) -> [String: Double] {
        var gauges: [String: Double] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            gauges[String(line[..<space])] = value
        }
        return gauges
    }

    static func get(_ client: HTTPClient, _ url: String, query: [(String, String)], timeout: String?) async throws -> (status: Int, body: [UInt8]) {
        let encoded = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        var request = HTTPClient.Request(url: url + "?" + encoded)
        if let timeout { request.headers.append(("X-Prometheus-Scrape-Timeout-Seconds", timeout)) }
        request.timeoutMilliseconds = 30_000
        let response = try await client.execute(request)
        return (response.status, response.body)
    }

    static func start(_ program: String, _ arguments: [String], waitingFor file: URL? = nil, waitingForPort port: Int? = nil) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let file, FileManager.default.fileExists(atPath: file.path) { break }
            if let port, Self.listening(port) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process
    }

    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
