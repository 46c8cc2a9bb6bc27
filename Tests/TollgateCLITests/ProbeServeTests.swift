// Tollgate — `serve` answering blackbox_exporter's /probe: a blackbox scrape job pointed at
// Tollgate itself, a rule on probe_success, reloads of the modules, and `check config`.

import Foundation
import TestSupport
import Testing

final class ProbeServeTests: Sendable {
    let scratch = TemporaryDirectories()

    static func config(port: Int, modules: String) -> String {
        """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        rule_files: [rules.yml]
        probe_modules:
        \(modules)
        scrape_configs:
          - job_name: blackbox
            metrics_path: /probe
            params: {module: [http_2xx]}
            static_configs: [{targets: ['http://127.0.0.1:\(port)/-/ready', 'http://127.0.0.1:1/']}]
            relabel_configs:
              - {source_labels: [__address__], target_label: __param_target}
              - {source_labels: [__param_target], target_label: instance}
              - {target_label: __address__, replacement: '127.0.0.1:\(port)'}

        """
    }

    /// The usual blackbox job (targets relabelled into `__param_target`) scrapes Tollgate's own
    /// /probe: the up endpoint's probe_success is 1, the closed port's 0, and an alert on
    /// probe_success fires for the closed port only. A reload that drops the module makes /probe
    /// refuse it, as blackbox_exporter refuses an unknown module.
    @Test func blackboxScrapeJobPointedAtTollgateWorks() async throws {
        let dir = try scratch.make("probe-serve")
        let port = try freeLoopbackPort()
        let file = dir.appendingPathComponent("tollgate.yml")
        try Self.config(port: port, modules: "  http_2xx: {prober: http, timeout: 2s}").write(to: file, atomically: true, encoding: .utf8)
        try "groups:\n  - name: probes\n    interval: 1s\n    rules:\n      - alert: EndpointDown\n        expr: probe_success == 0\n"
            .write(to: dir.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("data"),
            extra: ["--config.file", file.path, "--web.listen-address", "127.0.0.1:\(port)", "--web.enable-lifecycle"])
        defer { _ = server.stop() }

        var values: [String: String] = [:]
        for _ in 0..<60 where values.count < 2 {
            try await Task.sleep(for: .milliseconds(250))
            let (_, body, _) = await StarvationTests.request(port, "/api/v1/query?query=probe_success")
            values = Self.instanceValues(body)
        }
        #expect(values["http://127.0.0.1:\(port)/-/ready"] == "1", "\(values)")
        #expect(values["http://127.0.0.1:1/"] == "0", "\(values)")

        var alerts = ""
        for _ in 0..<40 where !alerts.contains("EndpointDown") {
            try await Task.sleep(for: .milliseconds(250))
            alerts = await StarvationTests.request(port, "/api/v1/alerts").1
        }
        #expect(alerts.contains(#""instance":"http://127.0.0.1:1/""#), "\(alerts)")
        #expect(!alerts.contains(#""instance":"http://127.0.0.1:\#(port)/-/ready""#), "\(alerts)")

        try Self.config(port: port, modules: "  tcp_connect: {prober: tcp}").write(to: file, atomically: true, encoding: .utf8)
        let (reloadStatus, reloadBody, _) = await StarvationTests.request(port, "/-/reload", form: "")
        #expect(reloadStatus == 200, "\(reloadBody)")
        let (status, body, _) = await StarvationTests.request(port, "/probe?module=http_2xx&target=127.0.0.1:1")
        #expect(status == 400)
        #expect(body == "Unknown module \"http_2xx\"\n")
        let (tcpStatus, tcpBody, _) = await StarvationTests.request(port, "/probe?module=tcp_connect&target=127.0.0.1:\(port)")
        #expect(tcpStatus == 200)
        #expect(tcpBody.contains("\nprobe_success 1\n"), "\(tcpBody)")
    }

    /// `check config` names the file, line and field of each bad module.
    @Test func checkConfigNamesEachBadModule() async throws {
        let dir = try scratch.make("probe-check")
        let file = dir.appendingPathComponent("tollgate.yml")
        try """
            probe_modules:
              broken_regex: {prober: http, http: {fail_if_body_matches_regexp: ["(unclosed"]}}
              no_such: {prober: smtp}
              both_ssl: {prober: http, http: {fail_if_ssl: true, fail_if_not_ssl: true}}
              misspelt: {prober: tcp, tcp: {query_reponse: []}}

            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try await Binary.runDetached(["check", "config", file.path])
        #expect(result.status != 0)
        let output = result.stdout + result.stderr
        for expected in [
            "tollgate.yml:2", "probe_modules.broken_regex.http.fail_if_body_matches_regexp[0]", "missing closing )",
            "tollgate.yml:3", "probe_modules.no_such.prober", "unknown prober \"smtp\"",
            "tollgate.yml:4", "fail_if_ssl and fail_if_not_ssl cannot both be true",
            "tollgate.yml:5", "probe_modules.misspelt.tcp.query_reponse", "unknown field",
        ] {
            #expect(output.contains(expected), "missing \(expected) in:\n\(output)")
        }
    }

    /// `instance` → value of each series in a `/api/v1/query` answer.
    static func instanceValues(_ body: String) -> [String: String] {
        guard let data = body.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]]
        else { return [:] }
        var values: [String: String] = [:]
        for series in result {
            guard let instance = (series["metric"] as? [String: String])?["instance"], let value = (series["value"] as? [Any])?.last as? String else { continue }
            values[instance] = value
        }
        return values
    }
}
