// Tollgate — an `http_config` turned into a CurlHTTP request.

import CurlHTTP
import Foundation
import Testing

@testable import TollgateConfig

struct HTTPClientConfigRequestTests {
    /// A folder with the files a configuration names, removed afterwards by the caller.
    private static func folder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return folder
    }

    private static func http(_ job: String, in folder: URL) throws -> HTTPClientConfig {
        let yaml = "scrape_configs:\n  - job_name: a\n" + job
        let config = try TollgateConfig(yaml: yaml, file: folder.appendingPathComponent("tollgate.yml").path)
        return try #require(config.scrapeConfigs.first).http
    }

    @Test func basicAuthTLSAndTransportSettingsBecomeRequestOptions() throws {
        let folder = try Self.folder(["password": "pa:ss\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let http = try Self.http("""
                basic_auth: {username: scraper, password_file: password}
                tls_config:
                  ca_file: ca.pem
                  cert_file: /etc/client.pem
                  key_file: client.key
                  server_name: node.internal
                  insecure_skip_verify: true
                  min_version: TLS13
                proxy_url: http://proxy:3128
                no_proxy: localhost
                follow_redirects: false
                enable_http2: false
                http_headers: {X-Tenant: {values: [blue]}}
            """, in: folder)
        let request = try http.request(url: "https://node:9100/metrics")
        #expect(request.url == "https://node:9100/metrics" && request.method == "GET")
        #expect(request.basicAuth == HTTPClient.BasicAuth(username: "scraper", password: "pa:ss"), "the file is read, trimmed")
        var tls = HTTPClient.TLSOptions()
        tls.caFile = folder.appendingPathComponent("ca.pem").path
        tls.certFile = "/etc/client.pem"
        tls.keyFile = folder.appendingPathComponent("client.key").path
        tls.serverName = "node.internal"
        tls.insecureSkipVerify = true
        tls.minVersion = "TLS13"
        #expect(request.tls == tls, "TLS files go to curl by path")
        #expect(request.proxyURL == "http://proxy:3128" && request.noProxy == "localhost")
        #expect(!request.followRedirects && !request.enableHTTP2)
        #expect(request.headers.map { "\($0.name): \($0.value)" } == ["X-Tenant: blue"])
    }

    @Test func bearerTokenFileIsReadAtEachRequest() throws {
        let folder = try Self.folder(["token": "t1\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let http = try Self.http("    bearer_token_file: token\n    tls_config: {cert: CERT, key: KEY}\n", in: folder)
        #expect(try http.request(url: "http://a/").headers.map { "\($0.name): \($0.value)" } == ["Authorization: Bearer t1"])
        try "t2".write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let request = try http.request(url: "http://a/")
        #expect(request.headers.map { "\($0.name): \($0.value)" } == ["Authorization: Bearer t2"], "a rotated token is picked up")
        #expect(request.tls.cert == "CERT" && request.tls.key == "KEY" && request.tls.keyFile == nil, "inline PEM stays inline")
        #expect(request.basicAuth == nil && request.proxyURL == nil && request.followRedirects && request.enableHTTP2)
    }

    @Test func authorizationTypeAndHeaderSecretsAndFiles() throws {
        let folder = try Self.folder(["credentials": "c\n", "header": "from-file\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let http = try Self.http("""
                authorization: {type: Token, credentials_file: credentials}
                http_headers:
                  X-B: {files: [header], secrets: [hidden], values: [plain]}
                  X-A: {values: [first]}
            """, in: folder)
        let request = try http.request(url: "http://a/")
        #expect(request.headers.map { "\($0.name): \($0.value)" } == [
            "X-A: first", "X-B: plain", "X-B: hidden", "X-B: from-file", "Authorization: Token c",
        ])
    }

    @Test func aMissingSecretFileFailsTheRequestNotTheLoad() throws {
        let folder = try Self.folder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let http = try Self.http("    basic_auth: {username: u, password_file: missing}\n", in: folder)
        let path = folder.appendingPathComponent("missing").path
        #expect(throws: SecretError(use: "basic auth password", path: path, reason: "No such file or directory")) {
            try http.request(url: "http://a/")
        }
        let bearer = try Self.http("    authorization: {credentials_file: missing}\n", in: folder)
        #expect(throws: SecretError(use: "authorization credentials", path: path, reason: "No such file or directory")) {
            try bearer.request(url: "http://a/")
        }
    }
}
