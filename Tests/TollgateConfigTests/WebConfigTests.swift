// Tollgate — the web configuration file: exporter-toolkit's defaults, names and checks.

import Testing

@testable import TollgateConfig

struct WebConfigTests {
    static let hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi"

    @Test func readsEveryFieldWithExporterToolkitsDefaults() throws {
        let config = try WebConfig(
            yaml: """
                tls_server_config:
                  cert_file: certs/server.crt
                  key_file: /etc/tls/server.key
                  client_ca_file: ca.crt
                  client_auth_type: RequireClientCert
                  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
                  curve_preferences: [X25519]
                http_server_config: {http2: false, headers: {X-Content-Type-Options: nosniff}}
                basic_auth_users: {alice: '\(Self.hash)'}
                basic_auth_write_users: {bot: '\(Self.hash)'}
                """, path: "/etc/tollgate/web.yml")
        let tls = try #require(config.tls)
        #expect(tls.certFile == "/etc/tollgate/certs/server.crt", "relative to the file's folder")
        #expect(tls.keyFile == "/etc/tls/server.key")
        #expect(tls.clientCAFile == "/etc/tollgate/ca.crt")
        #expect(tls.clientAuth == .requireAnyClientCert, "the older name")
        #expect(tls.minVersion == .tls12 && tls.maxVersion == .tls13 && tls.preferServerCipherSuites)
        #expect(tls.cipherSuites == [0xC02F, 0x1301])
        #expect(tls.curvePreferences == [29])
        #expect(!config.http2)
        #expect(config.headers == ["X-Content-Type-Options": "nosniff"])
        #expect(config.basicAuthUsers == ["alice": .inline(Self.hash)])
        #expect("\(config.basicAuthUsers)".contains("<secret>") && !"\(config.basicAuthUsers)".contains(Self.hash))
        #expect(config.basicAuthWriteUsers.keys.sorted() == ["bot"])
    }

    @Test func anEmptyFileOrSectionIsPlainHTTP() throws {
        #expect(try WebConfig(yaml: "", path: "w.yml").tls == nil)
        #expect(try WebConfig(yaml: "tls_server_config: {}\nbasic_auth_users:\n", path: "w.yml") == WebConfig(emptyAt: "w.yml"))
    }

    @Test(arguments: [
        ("tls_server_config: {key_file: k}", "w.yml:1: tls_server_config.cert_file: missing cert_file"),
        ("tls_server_config: {cert_file: c}", "w.yml:1: tls_server_config.key_file: missing key_file"),
        ("tls_server_config: {cert_file: c, key_file: k, client_ca_file: ca}", "client CA's have been configured without a Client Auth Policy"),
        ("tls_server_config: {cert_file: c, key_file: k, min_version: TLS13, max_version: TLS12}", "min_version TLS13 is above max_version TLS12"),
        ("tls_server_config: {cert_file: c, key_file: k, cipher_suites: [RC4]}", "tls_server_config.cipher_suites[0]: unknown cipher: RC4"),
        ("basic_auth_users: {a: '$2x$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi'}", "basic_auth_users.a: not a bcrypt hash"),
        ("basic_auth_users: {a: '$2y$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi'}", "a cost from 04 to 31"),
        ("http_server_config: {headers: {Server: x}}", "HTTP header \"Server\" can not be configured"),
        ("rate_limit: {burst: 1}", "w.yml:1: rate_limit: unknown field"),
    ])
    func refusesWithLineAndField(yaml: String, expected: String) {
        #expect {
            _ = try WebConfig(yaml: yaml, path: "w.yml")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func urlPasswordsAreHidden() {
        #expect(TollgateConfig.hidingPassword("https://u:p@h:1/x?y=1") == "https://u:<secret>@h:1/x?y=1")
        #expect(TollgateConfig.hidingPassword("https://u@h/x") == "https://u@h/x")
        #expect(TollgateConfig.hidingPassword("https://h/x?email=a@b") == "https://h/x?email=a@b")
    }
}
