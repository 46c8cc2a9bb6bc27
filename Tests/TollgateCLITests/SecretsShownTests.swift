// Tollgate — nothing secret on the status endpoints, the UI or in the logs.

import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestPKI.available, "needs curl (make test installs it)"))
final class SecretsShownTests: Sendable {
    let scratch = TemporaryDirectories()

    @Test func statusPagesAndLogsShowNoPasswordHashTokenOrTokenURL() async throws {
        let dir = try scratch.make("secrets")
        let hash = bcrypt("reader-pw")
        let web = dir.appendingPathComponent("web.yml")
        try "basic_auth_users:\n  reader: \(hash)\n".write(to: web, atomically: true, encoding: .utf8)
        let secrets = ["scrape-pass-1", "bearer-tok-2", "hook-tok-3", "rollout-tok-4", "rw-pass-5", "reader-pw", hash, String(hash.dropFirst(7))]
        let config = dir.appendingPathComponent("tollgate.yml")
        try """
            global: {scrape_interval: 1h}
            scrape_configs:
              - job_name: a
                basic_auth: {username: scraper, password: scrape-pass-1}
                static_configs: [{targets: ['127.0.0.1:9']}]
              - job_name: b
                authorization: {credentials: bearer-tok-2}
                static_configs: [{targets: ['127.0.0.1:9']}]
            remote_write:
              - url: http://writer:rw-pass-5@127.0.0.1:9/api/v1/write
            rollout_webhooks:
              - http://127.0.0.1:9/hooks/rollout-tok-4
            alertmanager:
              route: {receiver: hooks}
              receivers:
                - name: hooks
                  webhook_configs: [{url: 'http://127.0.0.1:9/services/hook-tok-3'}]

            """.write(to: config, atomically: true, encoding: .utf8)
        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("data"), extra: ["--config.file", config.path, "--web.config.file", web.path, "--log.level", "debug"])
        let base = "http://127.0.0.1:\(server.port)"
        var shown: [String: String] = [:]
        for path in ["/api/v1/status/config", "/api/v1/status/flags", "/api/v2/status", "/ui/", "/ui/targets", "/api/v1/targets", "/metrics"] {
            let answer = try await CurlAnswer.fetch(base + path, ["-u", "reader:reader-pw"])
            #expect(answer.status == 200, "\(path): \(answer.status)")
            shown[path] = answer.body
        }
        let status = try JSONSerialization.jsonObject(with: Data((shown["/api/v1/status/config"] ?? "").utf8)) as? [String: Any]
        let yaml = try #require((status?["data"] as? [String: Any])?["yaml"] as? String)
        #expect(yaml.components(separatedBy: "<secret>").count == 6, "secrets are replaced, as Prometheus shows them:\n\(yaml)")
        #expect(yaml.contains("http://writer:<secret>@127.0.0.1:9/api/v1/write"))
        #expect(shown["/api/v1/status/flags"]?.contains(web.path) == true, "the web config's path is shown, not its content")
        // A wrong password is refused and logged without the password.
        #expect(try await CurlAnswer.fetch(base + "/-/ready", ["-u", "reader:scrape-pass-1"]).status == 401)
        shown["log"] = server.startupLog + (try await Binary.detached { server.stopAndReadLog() })
        for (place, text) in shown {
            for secret in secrets where text.contains(secret) {
                let line = text.split(separator: "\n").first { $0.contains(secret) } ?? ""
                Issue.record("\(place) shows \(secret): \(line.prefix(300))")
            }
        }
    }
}
