// Tollgate — a running `tollgate serve` holding the demo: its metrics imported, the shipped rules
// loaded, two scrape targets (itself, and one that is down), a guard and a rollout with stored decisions.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct DemoServer {
    let server: RunningServer
    let root: URL
    /// The stored rollout of seed-api v2 against v1 (no-go: v2 fails 5 % of requests).
    let rollout: String

    static let guards = """
        guards:
          - name: seed-api
            interval: 1s
            checks:
              - name: error-ratio
                expr: sum(rate(http_requests_total{service="$service",version="$version",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="$service",version="$version"}[5m]))
                max: 0.01
              - name: p99-latency-vs-baseline
                compare: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="$service",version="$$v"}[1m])))
                step: 15s
                direction: increase
                allowed_increase: 1.2
        plans:
          - name: canary
            stages: [{traffic: 10, watch: 1h}, {traffic: 50, watch: 1h}, {traffic: 100, watch: 1h}]
        """

    static let alerts = """
        groups:
          - name: demo
            rules:
              - alert: DemoErrorRatioHigh
                expr: sum by (service, version) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service, version) (rate(http_requests_total[5m])) > 0.02
                labels: {severity: warning}
                annotations: {summary: "{{ $labels.version }} fails too often"}
        """

    /// Starts the server and loads the demo; returns once the rules have recorded and a decision is stored.
    static func start(_ scratch: TemporaryDirectories) async throws -> DemoServer {
        let root = try scratch.make("ui")
        let port = try freeLoopbackPort()
        let repo = Binary.repositoryRoot.path
        try Data(guards.utf8).write(to: root.appendingPathComponent("guards.yml"))
        try Data(alerts.utf8).write(to: root.appendingPathComponent("demo-alerts.yml"))
        let config = """
            global: {evaluation_interval: 1s, scrape_interval: 2s}
            scrape_configs:
              - job_name: tollgate
                static_configs: [{targets: ['127.0.0.1:\(port)']}]
              - job_name: offline
                static_configs: [{targets: ['127.0.0.1:1']}]
            rule_files: [\(["slo", "instances", "node", "database", "cache", "deployment", "business"].map { "'\(repo)/rules/\($0).yml'" }.joined(separator: ", ")), 'demo-alerts.yml']
            guard_files: [guards.yml]
            """
        try Data(config.utf8).write(to: root.appendingPathComponent("tollgate.yml"))
        let server = try RunningServer(
            dataDir: root.appendingPathComponent("data"),
            extra: [
                "--web.listen-address", "127.0.0.1:\(port)", "--web.enable-admin-api", "--web.max-import-size", "64MB", "--config.file",
                root.appendingPathComponent("tollgate.yml").path, "--web.ui.dashboards", "\(repo)/dashboards",
            ])
        // The lowest priority: the demo is big, the suite's timing-sensitive tests run beside it.
        _ = try? await Binary.runDetached(["-n", "19", "-p", "\(server.process.processIdentifier)"], executable: URL(fileURLWithPath: "/usr/bin/renice"))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let (status, answer) = try await post(server, "/api/v1/import/openmetrics", DemoData.openMetrics(end: now))
        #expect(status == 200, "\(answer.prefix(500))")
        // The recording rules of rules/business.yml have evaluated over the imported data.
        _ = try await RulesServeTests.eventually({ try await server.get("/api/v1/query?query=service:seed_syncs:rate5m").1 }) { $0.contains("seed-api") }
        let (created, body) = try await post(
            server, "/api/v1/rollouts", #"{"service":"seed-api","version":"v2","baseline":"v1","guard":"seed-api","plan":"canary"}"#,
            contentType: "application/json")
        #expect(created == 201, "\(body)")
        let id = try #require(try RolloutsServeTests.data(body)["id"] as? String)
        _ = try await server.get("/api/v1/rollouts/\(id)/decision")
        _ = try await RulesServeTests.eventually({ try await server.get("/api/v1/rollouts/\(id)").1 }) { $0.contains("\"event\":\"decision\"") }
        return DemoServer(server: server, root: root, rollout: id)
    }

    static func post(_ server: RunningServer, _ path: String, _ body: String, contentType: String = "text/plain", headers: [String: String] = [:]) async throws -> (Int, String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)\(path)"))
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await noRedirects.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// A query parameter's value, every reserved character percent-encoded (`+` too, which a form reads as a space).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? text
    }
}

/// A session that keeps a 303 as the answer, so a test sees where a form sends the browser.
let noRedirects = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
