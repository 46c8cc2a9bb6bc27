// Tollgate — guards in a running server: the guards API, the decision endpoint, `tollgate gate`, reloads.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class GuardsServeTests: Sendable {
    let scratch = TemporaryDirectories()

    static let guardFile = """
        guards:
          - name: checkout-api
            checks:
              - name: error-ratio
                expr: max(error_ratio{service="$service",version="$version"})
                max: 0.01
          - name: checkout-held
            checks:
              - name: error-ratio
                expr: max(error_ratio{service="$service",version="$version"})
                max: 0.01
                for: 1h
        plans:
          - name: blue-green
            stages: [{traffic: 50, watch: 1m}, {traffic: 100, watch: 1m}]
        """

    /// A server with `guards/checkout.yml` and the admin and lifecycle APIs, and its folder.
    func start(guards: String = guardFile) throws -> (RunningServer, URL) {
        let root = try scratch.make("guards")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("guards"), withIntermediateDirectories: true)
        try Data(guards.utf8).write(to: root.appendingPathComponent("guards/checkout.yml"))
        let config = root.appendingPathComponent("tollgate.yml")
        try Data("global: {evaluation_interval: 1s}\nguard_files: ['guards/*.yml']\n".utf8).write(to: config)
        let server = try RunningServer(
            dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-admin-api", "--web.enable-lifecycle", "--config.file", config.path])
        return (server, root)
    }

    static func post(_ server: RunningServer, _ path: String, _ body: String = "") async throws -> (Int, String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(server.port)\(path)"))
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Error ratios now: v2 healthy, v3 breaching.
    @discardableResult
    static func importRatios(_ server: RunningServer) async throws -> Int {
        let now = Int(Date().timeIntervalSince1970)
        let body = """
            # TYPE error_ratio gauge
            error_ratio{service="checkout",version="v2"} 0.001 \(now)
            error_ratio{service="checkout",version="v3"} 0.05 \(now)
            # EOF

            """
        let (status, answer) = try await post(server, "/api/v1/import/openmetrics", body)
        #expect(status == 200, "\(answer)")
        #expect(answer.contains(#""samplesStored":2"#), "\(answer)")
        return now
    }

    static func decision(_ text: String) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(json["data"] as? [String: Any])
    }

    func gate(_ server: RunningServer, _ arguments: [String]) throws -> Binary.Result {
        try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--guard", "checkout-api", "--service", "checkout"] + arguments)
    }

    @Test func healthyIsGoABreachIsNoGoOverHTTPAndThroughGate() async throws {
        let (server, _) = try start()
        try await Self.importRatios(server)

        let (listStatus, list, _) = try await server.get("/api/v1/guards")
        #expect(listStatus == 200)
        #expect(list.contains(#""name":"checkout-api""#) && list.contains(#""name":"blue-green""#) && list.contains(#""max":0.01"#), "\(list)")

        let (goStatus, goBody, contentType) = try await server.get("/api/v1/guards/checkout-api/decision?service=checkout&version=v2&baseline=v1")
        #expect(goStatus == 200)
        #expect(contentType == "application/json")
        #expect(goBody.hasPrefix(#"{"status":"success","data":{"guard":"checkout-api""#), "\(goBody)")
        // What Argo Rollouts' web metric reads with jsonPath "{$.data.decision}".
        let go = try Self.decision(goBody)
        #expect(go["decision"] as? String == "go")
        #expect(go["reason"] as? String == "error-ratio 0.001 ≤ 0.01")
        #expect((go["checks"] as? [[String: Any]])?.first?["verdict"] as? String == "pass")
        #expect(go["evaluated_at"] is String)

        let (noGoStatus, noGoBody, _) = try await server.get("/api/v1/guards/checkout-api/decision?service=checkout&version=v3")
        #expect(noGoStatus == 200)
        let noGo = try Self.decision(noGoBody)
        #expect(noGo["decision"] as? String == "no-go")
        #expect(noGo["reason"] as? String == "error-ratio 0.05 > 0.01", "\(noGoBody)")

        let passed = try gate(server, ["--version", "v2", "--baseline", "v1"])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout.hasPrefix("go: error-ratio 0.001 ≤ 0.01\n  pass      error-ratio"), "\(passed.stdout)")
        let refused = try gate(server, ["--version", "v3"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("no-go: error-ratio 0.05 > 0.01"), "\(refused.stdout)")
        #expect(refused.stdout.contains("  fail      error-ratio 0.05 > 0.01"), "\(refused.stdout)")
        let json = try gate(server, ["--version", "v3", "--output", "json"])
        #expect(json.status == 1)
        #expect(try Self.decision(json.stdout)["decision"] as? String == "no-go")
        #expect(server.stop() == 0)
    }

    /// `for:` across calls: the same question remembers since when its check fails.
    @Test func forIsRememberedPerGuardAndParameters() async throws {
        let (server, _) = try start()
        let now = try await Self.importRatios(server)
        let path = "/api/v1/guards/checkout-held/decision?service=checkout&version=v3"
        let (_, first, _) = try await server.get("\(path)&time=\(now)")
        let firstDecision = try Self.decision(first)
        #expect(firstDecision["decision"] as? String == "pending", "\(first)")
        #expect(((firstDecision["checks"] as? [[String: Any]])?.first?["failing_for_seconds"] as? NSNumber)?.doubleValue == 0)
        let (_, second, _) = try await server.get("\(path)&time=\(now + 30)")
        let secondDecision = try Self.decision(second)
        #expect(secondDecision["decision"] as? String == "pending")
        #expect(secondDecision["reason"] as? String == "error-ratio 0.05 > 0.01 for 30s of 1h", "\(second)")
        #expect(((secondDecision["checks"] as? [[String: Any]])?.first?["failing_for_seconds"] as? NSNumber)?.doubleValue == 30)
        // Another version is another question, with its own state.
        let (_, other, _) = try await server.get("/api/v1/guards/checkout-held/decision?service=checkout&version=v2&time=\(now + 30)")
        #expect(try Self.decision(other)["decision"] as? String == "go")
        let (badTime, _, _) = try await server.get("\(path)&time=yesterday")
        #expect(badTime == 400)
        #expect(server.stop() == 0)
    }

    @Test func unknownGuardsMissingParametersAndNoDataAreAnswered() async throws {
        let (server, _) = try start()
        let (unknown, unknownBody, _) = try await server.get("/api/v1/guards/nope/decision?service=checkout&version=v2")
        #expect(unknown == 404)
        #expect(unknownBody == #"{"status":"error","errorType":"not_found","error":"guard \"nope\" not found"}"#)
        let (missing, missingBody, _) = try await server.get("/api/v1/guards/checkout-api/decision?service=checkout")
        #expect(missing == 400)
        #expect(missingBody.contains(#""errorType":"bad_data","error":"missing parameter 'version'""#), "\(missingBody)")

        // No data: inconclusive, which `gate` keeps asking about until the wait ends.
        let (_, noDataBody, _) = try await server.get("/api/v1/guards/checkout-api/decision?service=checkout&version=v9")
        #expect(try Self.decision(noDataBody)["decision"] as? String == "inconclusive")
        let started = Date()
        let waited = try gate(server, ["--version", "v9", "--wait", "1s", "--interval", "300ms"])
        #expect(waited.status == 2)
        #expect(Date().timeIntervalSince(started) >= 0.9)
        #expect(waited.stdout.contains("inconclusive: error-ratio has no data (no_data: inconclusive)"), "\(waited.stdout)")

        let unknownGate = try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--guard", "nope", "--service", "s", "--version", "v"])
        #expect(unknownGate.status == 3)
        #expect(unknownGate.stderr.contains(#"HTTP 404: guard "nope" not found"#), "\(unknownGate.stderr)")
        #expect(server.stop() == 0)
        let unreachable = try Binary.run(["gate", "--url", "http://127.0.0.1:1", "--guard", "g", "--service", "s", "--version", "v"])
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains("cannot ask"), "\(unreachable.stderr)")
    }

    @Test func aBadGuardFileIsRefusedAtCheckAndReloadAndTheOldGuardsStay() async throws {
        let (server, root) = try start()
        let file = root.appendingPathComponent("guards/checkout.yml")
        try Data(Self.guardFile.replacingOccurrences(of: "max: 0.01", with: "max: lots").utf8).write(to: file)
        let (status, body) = try await Self.post(server, "/-/reload")
        #expect(status == 500)
        #expect(body.contains("checkout.yml:6: guards[0].checks[0].max: invalid number \"lots\""), "\(body)")
        let (_, still, _) = try await server.get("/api/v1/guards/checkout-api/decision?service=checkout&version=v2")
        #expect(try Self.decision(still)["guard"] as? String == "checkout-api")

        let check = try Binary.run(["check", "config", root.appendingPathComponent("tollgate.yml").path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("checkout.yml:6: guards[0].checks[0].max"), "\(check.stderr)")

        try Data(Self.guardFile.replacingOccurrences(of: "checkout-api", with: "payments").utf8).write(to: file)
        let (okStatus, _) = try await Self.post(server, "/-/reload")
        #expect(okStatus == 200)
        let (gone, _, _) = try await server.get("/api/v1/guards/checkout-api/decision?service=checkout&version=v2")
        #expect(gone == 404)
        let (_, list, _) = try await server.get("/api/v1/guards")
        #expect(list.contains(#""name":"payments""#), "\(list)")
        #expect(server.stop() == 0)
    }
}

extension GuardsServeTests {
    /// The server's range queries feed comparisons and its firing alerts feed vetoes.
    @Test func comparisonsUseRangeQueriesAndVetoesTheServersAlerts() async throws {
        let root = try scratch.make("guards")
        try Data(
            """
            guards:
              - name: latency
                window: 2m
                checks:
                  - name: p99
                    compare: latency_seconds{service="$service",version="$$v"}
                    step: 10s
              - name: vetoed
                checks:
                  - name: p99
                    expr: latency_seconds{service="$service",version="$version"}
                    max: 10
                vetoes:
                  - matchers: ['service="$service"', 'severity="critical"']
            """.utf8
        ).write(to: root.appendingPathComponent("guards.yml"))
        try Data(
            """
            groups:
              - name: demo
                interval: 1s
                rules:
                  - alert: CheckoutDown
                    expr: vector(1)
                    labels: {service: checkout, severity: critical}
            """.utf8
        ).write(to: root.appendingPathComponent("rules.yml"))
        let config = root.appendingPathComponent("tollgate.yml")
        try Data("global: {evaluation_interval: 1s}\nrule_files: [rules.yml]\nguard_files: [guards.yml]\n".utf8).write(to: config)
        let server = try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-admin-api", "--config.file", config.path])

        let now = Int(Date().timeIntervalSince1970)
        var body = "# TYPE latency_seconds gauge\n"
        for (index, t) in stride(from: now - 120, through: now, by: 10).enumerated() {
            let jitter = Double(index % 3) * 0.01
            body += "latency_seconds{service=\"checkout\",version=\"v1\"} \(0.2 + jitter) \(t)\n"
            body += "latency_seconds{service=\"checkout\",version=\"v2\"} \(0.5 + jitter) \(t)\n"
        }
        let (status, answer) = try await Self.post(server, "/api/v1/import/openmetrics", body + "# EOF\n")
        #expect(status == 200, "\(answer)")

        let (_, compared, _) = try await server.get("/api/v1/guards/latency/decision?service=checkout&version=v2&baseline=v1&time=\(now)")
        let decision = try Self.decision(compared)
        #expect(decision["decision"] as? String == "no-go", "\(compared)")
        #expect((decision["reason"] as? String)?.hasPrefix("p99 higher on the canary: mean 0.5092 vs 0.2092 (×2.434)") == true, "\(compared)")
        let (_, same, _) = try await server.get("/api/v1/guards/latency/decision?service=checkout&version=v1&baseline=v1&time=\(now)")
        #expect(try Self.decision(same)["decision"] as? String == "go", "\(same)")

        // The alert fires from the first evaluation (no `for`).
        let vetoed = try await RulesServeTests.eventually({
            try Self.decision(try await server.get("/api/v1/guards/vetoed/decision?service=checkout&version=v2").1)
        }) { $0["decision"] as? String == "no-go" }
        #expect(vetoed["decision"] as? String == "no-go")
        #expect((vetoed["reason"] as? String)?.contains("CheckoutDown") == true, "\(vetoed)")
        let (_, otherService, _) = try await server.get("/api/v1/guards/vetoed/decision?service=payments&version=v2")
        #expect(try Self.decision(otherService)["decision"] as? String != "no-go")
        #expect(server.stop() == 0)
    }
}
