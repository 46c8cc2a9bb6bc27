// Tollgate — `--web.config.file`: TLS, client certificates, basic auth, write users, reloads; Prometheus scraping through them.

import CurlHTTP
import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestPKI.available, "needs openssl and curl (make test installs them)"))
final class WebSecurityServeTests: Sendable {
    let scratch = TemporaryDirectories()

    /// A web configuration with TLS from `pki` (paths relative to the file), extra YAML after it.
    static func webConfig(_ pki: TestPKI, tls extra: String = "", _ rest: String = "") -> String {
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n\(extra)\(rest)"
    }

    @Test func tlsWithBasicAuthAnswers401ToWrongOrMissingCredentialsAndSeparatesWriters() async throws {
        let dir = try scratch.make("websec")
        let pki = try await TestPKI.make(in: dir)
        // htpasswd writes $2y$ hashes: alice's is one.
        let alice = "$2y$" + bcrypt("alice-pw").dropFirst(4)
        let file = dir.appendingPathComponent("web.yml")
        try Self.webConfig(
            pki,
            """
            http_server_config:
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              alice: \(alice)
            basic_auth_write_users:
              admin: \(bcrypt("admin-pw"))
            """
        ).write(to: file, atomically: true, encoding: .utf8)
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--web.config.file", file.path, "--web.enable-lifecycle"])
        let base = "https://127.0.0.1:\(server.port)"
        let trust = ["--cacert", pki.ca]

        let anonymous = try await CurlAnswer.fetch(base + "/api/v1/status/buildinfo", trust)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Basic")
        #expect(anonymous.headers["x-frame-options"] == "deny", "configured headers go on refusals too")
        for (user, password) in [("alice", "wrong"), ("bob", "alice-pw"), ("", "")] {
            let answer = try await CurlAnswer.fetch(base + "/api/v1/status/buildinfo", trust + ["-u", "\(user):\(password)"])
            #expect(answer.status == 401, "\(user)")
            #expect(answer.headers["www-authenticate"] == "Basic")
        }
        let reader = try await CurlAnswer.fetch(base + "/api/v1/status/buildinfo", trust + ["-u", "alice:alice-pw"])
        #expect(reader.status == 200)
        #expect(reader.body.contains("\"status\":\"success\""))
        #expect(reader.headers["strict-transport-security"] == "max-age=31536000")
        #expect(try await CurlAnswer.fetch(base + "/api/v1/status/buildinfo", trust + ["-u", "admin:admin-pw"]).status == 200, "writers may read")
        let query = try await CurlAnswer.fetch(base + "/api/v1/query", trust + ["-u", "alice:alice-pw", "--data-urlencode", "query=1"])
        #expect(query.status == 200, "a query sent by POST is a read")

        // Writes need a write user: a reader gets 403, nobody 401.
        let silence = try await CurlAnswer.fetch(
            base + "/api/v2/silences", trust + ["-u", "alice:alice-pw", "-H", "Content-Type: application/json", "--data", "{}"])
        #expect(silence.status == 403)
        #expect(try await CurlAnswer.fetch(base + "/api/v1/rollouts", trust + ["-u", "alice:alice-pw", "--data", "{}"]).status == 403)
        #expect(try await CurlAnswer.fetch(base + "/-/reload", trust + ["-X", "POST"]).status == 401)
        #expect(try await CurlAnswer.fetch(base + "/-/reload", trust + ["-X", "POST", "-u", "alice:alice-pw"]).status == 403)
        #expect(try await CurlAnswer.fetch(base + "/-/reload", trust + ["-X", "POST", "-u", "admin:admin-pw"]).status == 200)

        // Without the CA the client refuses the server; plain HTTP gets no answer.
        #expect(try await CurlAnswer.fetch(base + "/-/healthy", ["-u", "alice:alice-pw"]).exit == 60)
        #expect(try await CurlAnswer.fetch("http://127.0.0.1:\(server.port)/-/healthy").status != 200)

        let metrics = try await CurlAnswer.fetch(base + "/metrics", trust + ["-u", "alice:alice-pw"])
        #expect(metrics.body.contains("tollgate_http_auth_failures_total{reason=\"invalid\"} 3"), "\(metrics.body.prefix(200))")
        #expect(metrics.body.contains("tollgate_http_auth_failures_total{reason=\"not_a_writer\"} 3"))
        let log = try await Binary.detached { server.stopAndReadLog() }
        #expect(!log.contains("alice-pw") && !log.contains("admin-pw") && !log.contains(alice), "no password or hash is logged")
    }

    /// What each client_auth_type lets through: no certificate, the CA's client certificate, a stranger's.
    static let clientAuthCases: [(type: String, none: Bool, known: Bool, stranger: Bool)] = [
        ("RequireAndVerifyClientCert", false, true, false),
        ("VerifyClientCertIfGiven", true, true, false),
        ("RequireAnyClientCert", false, true, true),
        ("RequestClientCert", true, true, true),
        ("NoClientCert", true, true, true),
    ]

    @Test func eachClientAuthTypeAsGoAndTheFileIsReloadedPerConnection() async throws {
        let dir = try scratch.make("websec")
        let pki = try await TestPKI.make(in: dir)
        let file = dir.appendingPathComponent("web.yml")
        func write(_ type: String) throws {
            let ca = type == "NoClientCert" ? "" : "  client_ca_file: ca.crt\n"
            try Self.webConfig(pki, tls: ca + "  client_auth_type: \(type)\n").write(to: file, atomically: true, encoding: .utf8)
        }
        try write("RequireAndVerifyClientCert")
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--web.config.file", file.path])
        let url = "https://127.0.0.1:\(server.port)/-/healthy"
        let clients = [("none", [String]()), ("known", ["--cert", pki.clientCert, "--key", pki.clientKey]), ("stranger", ["--cert", pki.strangerCert, "--key", pki.strangerKey])]
        for (type, none, known, stranger) in Self.clientAuthCases {
            try write(type)
            for ((client, options), expected) in zip(clients, [none, known, stranger]) {
                let answer = try await CurlAnswer.fetch(url, ["--cacert", pki.ca] + options)
                #expect((answer.status == 200) == expected, "\(type), \(client) certificate: exit \(answer.exit), \(answer.stderr)")
            }
        }
        // A bad file later: logged, and the one in force (NoClientCert, the last good one) stays.
        try "tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try await CurlAnswer.fetch(url, ["--cacert", pki.ca]).status == 200)
        #expect(try await CurlAnswer.fetch(url, ["--cacert", pki.ca]).status == 200)
        try write("RequireAndVerifyClientCert")
        #expect(try await CurlAnswer.fetch(url, ["--cacert", pki.ca]).status != 200, "a good file after a bad one is taken")
        let log = try await Binary.detached { server.stopAndReadLog() }
        #expect(log.components(separatedBy: "cannot reload the web configuration").count == 2, "logged once per change:\n\(log)")
        #expect(log.contains("missing.crt"))
    }

    @Test(.enabled(if: PrometheusServer.binary != nil, "needs Debian's prometheus"))
    func debiansPrometheusScrapesTollgateBehindTLSAndBasicAuth() async throws {
        let dir = try scratch.make("websec")
        let pki = try await TestPKI.make(in: dir)
        let file = dir.appendingPathComponent("web.yml")
        try Self.webConfig(pki, "basic_auth_users:\n  scraper: \(bcrypt("scrape-pw"))\n").write(to: file, atomically: true, encoding: .utf8)
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--web.config.file", file.path])
        let promDir = try scratch.make("prometheus")
        let prometheus = try await PrometheusServer.start(
            config: """
                global: {scrape_interval: 1s, scrape_timeout: 1s}
                scrape_configs:
                  - job_name: tollgate
                    scheme: https
                    tls_config: {ca_file: \(pki.ca)}
                    basic_auth: {username: scraper, password: scrape-pw}
                    static_configs: [{targets: ['127.0.0.1:\(server.port)']}]
                  - job_name: wrong-password
                    scheme: https
                    tls_config: {ca_file: \(pki.ca)}
                    basic_auth: {username: scraper, password: nope}
                    static_configs: [{targets: ['127.0.0.1:\(server.port)']}]
                """, in: promDir)
        defer { prometheus.stop() }
        var up: [String: String] = [:]
        for _ in 0..<120 where up["tollgate"] != "1" || up["wrong-password"] != "0" {
            try await Task.sleep(for: .seconds(1))
            let answer = try await prometheus.get("/api/v1/query?query=up")
            for result in (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]).flatMap({ ($0["data"] as? [String: Any])?["result"] as? [[String: Any]] }) ?? [] {
                if let job = (result["metric"] as? [String: String])?["job"], let value = (result["value"] as? [Any])?.last as? String { up[job] = value }
            }
        }
        #expect(up["tollgate"] == "1", "Prometheus scrapes Tollgate over TLS with basic auth")
        #expect(up["wrong-password"] == "0", "and fails with a wrong password")
        #expect(server.stop() == 0)
    }

    @Test func aBadFileAtStartNamesFileLineAndFieldAndCheckWebConfigAgreesWithPromtool() async throws {
        let dir = try scratch.make("websec")
        let pki = try await TestPKI.make(in: dir)
        let cases: [(String, String, String?)] = [
            ("good.yml", Self.webConfig(pki, tls: "  client_ca_file: ca.crt\n  client_auth_type: VerifyClientCertIfGiven\n  min_version: TLS13\n", "basic_auth_users:\n  a: \(bcrypt("x"))\n"), nil),
            ("hash.yml", "basic_auth_users:\n  alice: plain-text\n", "hash.yml:2: basic_auth_users.alice"),
            ("header.yml", "http_server_config:\n  headers:\n    X-Custom: yes\n", "header.yml:3: http_server_config.headers.X-Custom"),
            ("frame.yml", "http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "frame.yml:3: http_server_config.headers.X-Frame-Options"),
            ("auth.yml", Self.webConfig(pki, tls: "  client_auth_type: Sometimes\n"), "auth.yml:4: tls_server_config.client_auth_type"),
            ("cert.yml", "tls_server_config:\n  cert_file: nowhere.crt\n  key_file: server.key\n", "cert.yml:2: tls_server_config.cert_file"),
            ("unknown.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  colour: blue\n", "unknown.yml:4: tls_server_config.colour"),
            ("version.yml", Self.webConfig(pki, tls: "  min_version: TLS14\n"), "version.yml:4: tls_server_config.min_version"),
        ]
        for (name, text, expected) in cases {
            let file = dir.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            let check = try await Binary.runDetached(["check", "web-config", file.path])
            #expect((check.status == 0) == (expected == nil), "\(name): \(check.stdout)\(check.stderr)")
            if let promtool = ["/usr/bin/promtool"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                let oracle = try await Binary.runDetached(["check", "web-config", file.path], executable: URL(fileURLWithPath: promtool))
                #expect(oracle.status == check.status, "promtool and tollgate agree on \(name): \(oracle.stdout)\(oracle.stderr)")
            }
            guard let expected else {
                #expect(check.stdout == "\(file.path) SUCCESS\n")
                continue
            }
            #expect(check.stderr.contains(expected), "\(name): \(check.stderr)")
            let serve = try await Binary.runDetached(
                ["serve", "--web.config.file", file.path, "--web.listen-address", "127.0.0.1:0", "--data-dir", dir.appendingPathComponent("data-\(name)").path])
            #expect(serve.status == 1)
            #expect(serve.stderr.contains(expected), "\(name): \(serve.stderr)")
        }
    }
}
