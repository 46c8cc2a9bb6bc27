// Tollgate — secrets written inline or kept in files.

import Foundation
import Testing

@testable import TollgateConfig

struct SecretTests {
    private static func job(_ lines: String) -> String {
        "scrape_configs:\n  - job_name: a\n" + lines
    }

    @Test(arguments: [
        (job("    basic_auth: {username: u, username_file: f}\n"), 3, "scrape_configs[0].basic_auth",
         "at most one of basic_auth username & username_file must be configured"),
        (job("    basic_auth:\n      password: x\n      password_file: y\n"), 4, "scrape_configs[0].basic_auth",
         "at most one of basic_auth password & password_file must be configured"),
        (job("    authorization: {credentials: x, credentials_file: y}\n"), 3, "scrape_configs[0].authorization",
         "at most one of authorization credentials & credentials_file must be configured"),
        (job("    bearer_token: x\n    bearer_token_file: y\n"), 2, "scrape_configs[0]",
         "at most one of bearer_token & bearer_token_file must be configured"),
        (job("    tls_config: {cert_file: c, key: k, key_file: f}\n"), 3, "scrape_configs[0].tls_config",
         "at most one of key and key_file must be configured"),
        (job("    tls_config: {ca: x, ca_file: y}\n"), 3, "scrape_configs[0].tls_config", "at most one of ca and ca_file must be configured"),
        (job("    tls_config: {cert: x}\n"), 3, "scrape_configs[0].tls_config", "a client certificate needs both a certificate and a key"),
        (job("    basic_auth: {username: u}\n    bearer_token: x\n"), 2, "scrape_configs[0]",
         "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"),
        (job("    authorization: {credentials: x}\n    bearer_token_file: y\n"), 2, "scrape_configs[0]",
         "authorization is not compatible with bearer_token & bearer_token_file"),
        (job("    authorization: {credentials: x}\n    basic_auth: {username: u}\n"), 2, "scrape_configs[0]",
         "at most one of basic_auth, oauth2 & authorization must be configured"),
        (job("    basic_auth: {password: [x]}\n"), 3, "scrape_configs[0].basic_auth.password", "expected a string"),
    ] as [(String, Int, String, String)])
    func bothGivenIsAnErrorWithFileLineAndField(_ yaml: String, _ line: Int, _ field: String, _ message: String) {
        #expect(throws: ConfigError(file: "/etc/p.yml", line: line, field: field, message: message)) {
            try TollgateConfig(yaml: yaml, file: "/etc/p.yml")
        }
    }

    @Test func eachSecretIsInlineOrAFileRelativeToTheConfiguration() throws {
        let yaml = """
            scrape_configs:
              - job_name: basic
                basic_auth: {username_file: user, password: pw}
                tls_config: {cert_file: /c.pem, key_file: k.pem}
                http_headers: {X-Key: {values: [v], secrets: [s], files: [h]}}
              - job_name: bearer
                bearer_token_file: /run/token
                tls_config: {cert: CERT, key: KEY}
              - job_name: empty
                authorization: {credentials: ''}
            """
        let jobs = try TollgateConfig(yaml: yaml, file: "/etc/tollgate/p.yml").scrapeConfigs
        #expect(jobs[0].http.basicAuth == .init(username: .file("/etc/tollgate/user"), password: .inline("pw")))
        #expect(jobs[0].http.tls.certFile == "/c.pem" && jobs[0].http.tls.key == .file("/etc/tollgate/k.pem"))
        #expect(jobs[0].http.headers["X-Key"] == .init(values: ["v"], secrets: [.inline("s")], files: ["/etc/tollgate/h"]))
        #expect(jobs[1].http.authorization == .init(type: "Bearer", credentials: .file("/run/token")))
        #expect(jobs[1].http.tls.cert == "CERT" && jobs[1].http.tls.key == .inline("KEY"))
        #expect(jobs[2].http.authorization == .init(type: "Bearer", credentials: nil), "an empty value is no value")
    }

    @Test func aFileIsReadWhenUsedAndTrimmed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-secret-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SecretError(path: path, reason: "No such file or directory")) { try Secret.file(path).read() }
        try " s3cret\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Secret.file(path).read() == "s3cret")
        try "rotated\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Secret.file(path).read() == "rotated", "read again at each use")
        #expect(try Secret.inline(" as written ").read() == " as written ")
        #expect(SecretError(use: "basic auth password", path: "/x", reason: "No such file or directory").description
            == "unable to read basic auth password: unable to read file /x: No such file or directory")
    }

    @Test func printingTheConfigurationHidesSecrets() throws {
        let yaml = """
            scrape_configs:
              - job_name: a
                basic_auth: {username: user-42, password: hunter2}
                tls_config: {cert: CERT, key: PRIVATE-KEY}
                http_headers: {X-Api-Key: {secrets: [header-secret]}}
              - job_name: b
                bearer_token: bearer-token
            """
        let config = try TollgateConfig(yaml: yaml, file: "p.yml")
        var dumped = ""
        dump(config, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), dumped, "\(config.scrapeConfigs[0].http)"] {
            for secret in ["user-42", "hunter2", "PRIVATE-KEY", "header-secret", "bearer-token"] {
                #expect(!text.contains(secret), "\(secret) shown")
            }
            #expect(text.contains("<secret>"))
        }
        #expect(Secret.file("/run/token").description == "<secret in /run/token>")
    }
}
