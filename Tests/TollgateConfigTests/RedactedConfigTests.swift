// Tollgate — a configuration shown with its secrets hidden.

import Foundation
import Testing

@testable import TollgateConfig

struct RedactedConfigTests {
    @Test func shownConfigurationHidesInlineSecretsOnly() throws {
        let yaml = """
            # a comment
            scrape_configs:
              - job_name: a
                basic_auth: {username: scraper, password: hunter2}
                tls_config: {cert_file: c.pem, key: PRIVATE-KEY}
                http_headers: {X-Api-Key: {values: [shown], secrets: [header-secret]}}
                static_configs: [{targets: ['h:1'], labels: {key: visible}}]
              - job_name: b
                bearer_token: bearer-token
              - job_name: c
                authorization: {credentials_file: /run/token}
            """
        let shown = TollgateConfig.redactingSecrets(yaml)
        for secret in ["hunter2", "PRIVATE-KEY", "header-secret", "bearer-token"] { #expect(!shown.contains(secret), "\(shown)") }
        for kept in ["scraper", "c.pem", "shown", "visible", "/run/token"] { #expect(shown.contains(kept), "\(shown)") }
        #expect(shown.components(separatedBy: "<secret>").count == 5, "\(shown)")
        #expect(TollgateConfig.redactingSecrets("a: [1") == "", "unparsable text shows nothing")
    }
}
