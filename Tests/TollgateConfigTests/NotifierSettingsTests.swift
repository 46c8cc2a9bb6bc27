// Tollgate — tollgate.yml's `alertmanager:` section: a file named, or alertmanager.yml's keys inline.

import Foundation
import Model
import TestSupport
import Testing
import TollgateConfig

struct NotifierSettingsTests {
    @Test func inlineKeysAreAlertmanagerYAML() throws {
        let config = try TollgateConfig(
            yaml: """
                global: {scrape_interval: 15s}
                alertmanager:
                  global: {resolve_timeout: 2m}
                  route: {receiver: team, group_by: [alertname]}
                  receivers:
                    - name: team
                      pagerduty_configs: [{routing_key: 0123456789abcdef0123456789abcdef}]
                """, file: "tollgate.yml")
        let file = try #require(config.alertmanager?.file)
        #expect(file.receivers.map(\.name) == ["team"])
        #expect(file.global.resolveTimeout.milliseconds == 120_000)
        #expect(file.route.receiver == "team")
        // The key is a secret: the text the status API shows hides it.
        #expect(!TollgateConfig.redactingSecrets(file.original).contains("0123456789abcdef"))
    }

    @Test func aProblemInlineNamesTollgateYMLAndItsLine() {
        #expect {
            try TollgateConfig(yaml: "alertmanager:\n  route: {receiver: nobody}\n  receivers: [{name: team}]\n", file: "tollgate.yml")
        } throws: { error in
            "\(error)".contains(#"tollgate.yml:2: route.receiver: undefined receiver "nobody" used in route"#)
        }
    }

    @Test func configFileIsReadRelativeToTollgateYML() async throws {
        try await withTemporaryDirectory("notifier-settings") { directory in
            try "route: {receiver: a}\nreceivers: [{name: a}]\n".write(to: directory.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
            let path = directory.appendingPathComponent("tollgate.yml").path
            let config = try TollgateConfig(yaml: "alertmanager:\n  config_file: am.yml\n", file: path)
            #expect(config.alertmanager?.file.receivers.map(\.name) == ["a"])
            #expect(throws: ConfigError.self) {
                try TollgateConfig(yaml: "alertmanager:\n  config_file: am.yml\n  route: {receiver: a}\n", file: path)
            }
            #expect(throws: ConfigError.self) { try TollgateConfig(yaml: "alertmanager:\n  config_file: missing.yml\n", file: path) }
        }
    }
}
