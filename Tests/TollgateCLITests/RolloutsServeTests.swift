// Tollgate — stored rollouts in a running server: stages, decisions, history across a restart, Flagger, webhooks, DORA.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class RolloutsServeTests: Sendable {
    let scratch = TemporaryDirectories()

    static let guardFile = """
        guards:
          - name: checkout-api
            checks:
              - name: error-ratio
                expr: max(error_ratio{service="$service",version="$version"})
                max: 0.01
          - name: lenient
            flagger_inconclusive: pass
            checks:
              - name: error-ratio
                expr: max(error_ratio{service="$service",version="$version"})
                max: 0.01
        plans:
          - name: quick
            stages: [{traffic: 50, watch: 8s}, {traffic: 100, watch: 8s}]
          - name: slow
            stages: [{traffic: 10, watch: 1h}, {traffic: 100, watch: 1h}]
        """

    /// A server over `root` (created with the guard file and `extra` configuration when new).
    func start(_ root: URL, config extra: String = "") throws -> RunningServer {
        let config = root.appendingPathComponent("tollgate.yml")
        if !FileManager.default.fileExists(atPath: config.path) {
            try Data(Self.guardFile.utf8).write(to: root.appendingPathComponent("guards.yml"))
            try Data("global: {evaluation_interval: 1s}\nguard_files: [guards.yml]\n\(extra)".utf8).write(to: config)
        }
        return try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-admin-api", "--config.file", config.path])
    }

    static func data(_ text: String) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(json["data"] as? [String: Any], "\(text)")
    }

    /// An error answer's `error`.
    static func error(_ text: String) -> String {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["error"] as? String ?? ""
    }

    static func create(_ server: RunningServer, _ body: String) async throws -> String {
        let (status, answer) = try await GuardsServeTests.post(server, "/api/v1/rollouts", body)
        #expect(status == 201, "\(answer)")
        return try #require(try data(answer)["id"] as? String)
    }

    @Test func aRolloutMovesThroughItsStagesAndItsHistorySurvivesARestart() async throws {
        let root = try scratch.make("rollouts")
        var server = try start(root)
        try await GuardsServeTests.importRatios(server)
        let commit = Int(Date().timeIntervalSince1970) - 600
        let good = try await Self.create(
            server, #"{"service":"checkout","version":"v2","baseline":"v1","guard":"checkout-api","plan":"quick","commit_time":\#(commit)}"#)
        #expect(good.hasPrefix("r-"))

        // Inside a stage's watch (an hour, so no stall of a loaded machine ends it): pending,
        // and advancing is refused with the reason.
        let held = try await Self.create(server, #"{"service":"checkout","version":"v2","baseline":"v1","guard":"checkout-api","plan":"slow"}"#)
        let (_, pending, _) = try await server.get("/api/v1/rollouts/\(held)/decision")
        #expect(try Self.data(pending)["decision"] as? String == "pending", "\(pending)")
        let (early, earlyBody) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(held)/advance")
        #expect(early == 409)
        #expect(earlyBody.contains(#""errorType":"conflict""#) && Self.error(earlyBody).contains("cannot advance: the decision is pending: stage 1 of 2"), "\(earlyBody)")

        try await Task.sleep(for: .milliseconds(8100))
        let (_, go, _) = try await server.get("/api/v1/rollouts/\(good)/decision")
        #expect(try Self.data(go)["decision"] as? String == "go", "\(go)")
        let (advanced, advancedBody) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(good)/advance")
        #expect(advanced == 200, "\(advancedBody)")
        #expect(try Self.data(advancedBody)["traffic"] as? Int == 100)
        try await Task.sleep(for: .milliseconds(8100))
        let (_, promotedBody) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(good)/advance")
        #expect(try Self.data(promotedBody)["status"] as? String == "promoted", "\(promotedBody)")
        let gate = try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--rollout", good])
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")

        // A breaching version: no-go at once, even inside its watch; no advance; rolled back.
        let bad = try await Self.create(server, #"{"service":"checkout","version":"v3","guard":"checkout-api","plan":"slow"}"#)
        let (_, noGo, _) = try await server.get("/api/v1/rollouts/\(bad)/decision")
        #expect(try Self.data(noGo)["decision"] as? String == "no-go", "\(noGo)")
        let (refused, refusedBody) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(bad)/advance")
        #expect(refused == 409)
        #expect(Self.error(refusedBody).contains("cannot advance: the decision is no-go: error-ratio 0.05 > 0.01"), "\(refusedBody)")
        let badGate = try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--rollout", bad])
        #expect(badGate.status == 1, "\(badGate.stdout)")
        let (finished, finishedBody) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(bad)/finish", #"{"outcome":"rolled_back"}"#)
        #expect(finished == 200)
        #expect(try Self.data(finishedBody)["traffic"] as? Int == 0)
        let (again, _) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(bad)/finish", #"{"outcome":"promoted"}"#)
        #expect(again == 409)

        // After a restart the history, with the evidence of the no-go, is still there.
        #expect(server.stop() == 0)
        server = try start(root)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("data/rollouts.sqlite").path))
        let (_, detail, _) = try await server.get("/api/v1/rollouts/\(bad)")
        let rollout = try Self.data(detail)
        #expect(rollout["status"] as? String == "rolled_back")
        let history = try #require(rollout["history"] as? [[String: Any]])
        // Started, its decisions (a loaded machine's watcher may store an earlier one, such
        // as pending, before the no-go), rolled back.
        let events = history.map { $0["event"] as? String ?? "" }
        #expect(events.count >= 3 && events.first == "started" && events.last == "rolled_back", "\(detail)")
        #expect(events.dropFirst().dropLast().allSatisfy { $0 == "decision" }, "\(detail)")
        let noGoEvent = try #require(history.last { $0["event"] as? String == "decision" })
        #expect(noGoEvent["decision"] as? String == "no-go", "\(detail)")
        let evidence = try #require(noGoEvent["evidence"] as? [String: Any])
        // "… for 2s" when the watcher saw it first.
        #expect((evidence["reason"] as? String)?.hasPrefix("error-ratio 0.05 > 0.01") == true, "\(evidence)")
        #expect(((evidence["checks"] as? [[String: Any]])?.first?["value"] as? NSNumber)?.doubleValue == 0.05)
        #expect((history.last?["reason"] as? String)?.hasPrefix("error-ratio 0.05 > 0.01") == true)
        let (_, goodDetail, _) = try await server.get("/api/v1/rollouts/\(good)")
        let goodEvents = try #require(try Self.data(goodDetail)["history"] as? [[String: Any]]).map { $0["event"] as? String ?? "" }
        // The watcher may also have stored stage 2's pending before its go.
        #expect(Array(goodEvents.prefix(4)) == ["started", "decision", "decision", "advanced"], "\(goodDetail)")
        #expect(goodEvents.last == "promoted")
        let (_, list, _) = try await server.get("/api/v1/rollouts")
        #expect((try Self.data(list)["rollouts"] as? [[String: Any]])?.count == 3)  // good, held (still active), bad

        // DORA: one promotion, one rollback.
        let (_, dora, _) = try await server.get("/api/v1/dora?window=1d")
        let figures = try #require(try Self.data(dora)["figures"] as? [String: [String: Any]])
        #expect((figures["change_failure_rate"]?["value"] as? NSNumber)?.doubleValue == 0.5, "\(dora)")
        #expect(figures["change_failure_rate"]?["met"] as? Bool == false)
        #expect(((figures["lead_time"]?["value"] as? NSNumber)?.doubleValue ?? 0) >= 600)
        #expect(figures["time_to_restore"]?["value"] is NSNull)
        let cli = try Binary.run(["dora", "--url", "http://127.0.0.1:\(server.port)", "--window", "1d"])
        #expect(cli.status == 1, "\(cli.stdout)\(cli.stderr)")
        #expect(cli.stdout.contains("1 promoted, 1 rolled back") && cli.stdout.contains("change failure rate") && cli.stdout.contains("MISSED"), "\(cli.stdout)")
        try await Task.sleep(for: .seconds(1))
        let (_, metrics, _) = try await server.get("/metrics")
        #expect(metrics.contains("tollgate_dora_change_failure_ratio 0.5"), "\(metrics.split(separator: "\n").filter { $0.contains("dora") })")
        #expect(server.stop() == 0)
    }

    /// Nobody asks: the watcher evaluates the rollout at its guard's interval (1 s here), so
    /// the stored decision turns no-go soon after the data shows the breach. The exact interval
    /// is checked with an injected clock (`RolloutManagerTests.theWatcherEvaluatesAtTheGuardsInterval`);
    /// here the bound only separates "the watcher did it" from "nothing happened" on a loaded machine.
    @Test func aBreachIsStoredAsNoGoWithinOneIntervalWithoutAsking() async throws {
        let root = try scratch.make("breach")
        let server = try start(root)
        try await GuardsServeTests.importRatios(server)
        let id = try await Self.create(server, #"{"service":"checkout","version":"v2","guard":"checkout-api","plan":"slow"}"#)
        let pending = try await RulesServeTests.eventually({ try Self.data(try await server.get("/api/v1/rollouts/\(id)").1) }) {
            $0["decision"] as? String == "pending"
        }
        #expect(pending["decision"] as? String == "pending")
        let body = "# TYPE error_ratio gauge\nerror_ratio{service=\"checkout\",version=\"v2\"} 0.2 \(Int(Date().timeIntervalSince1970))\n# EOF\n"
        let (status, answer) = try await GuardsServeTests.post(server, "/api/v1/import/openmetrics", body)
        #expect(status == 200, "\(answer)")
        let shown = Date()
        let noGo = try await RulesServeTests.eventually({ try Self.data(try await server.get("/api/v1/rollouts/\(id)").1) }) {
            $0["decision"] as? String == "no-go"
        }
        let seconds = Date().timeIntervalSince(shown)
        #expect(noGo["decision"] as? String == "no-go")
        // One interval (1 s) plus the watcher's tick (1 s), with ample room for a loaded machine.
        #expect(seconds < 30, "no-go stored \(seconds) s after the data showed the breach (interval 1 s)")
        #expect((noGo["reason"] as? String)?.hasPrefix("error-ratio 0.2 > 0.01") == true, "\(noGo)")
        #expect(server.stop() == 0)
    }

    @Test func flaggerWebhooksAnswerWithStatusCodes() async throws {
        let root = try scratch.make("flagger")
        let server = try start(root)
        try await GuardsServeTests.importRatios(server)
        func hook(_ name: String, guard guardName: String = "checkout-api", version: String) async throws -> Int {
            let body = #"{"name":"checkout","namespace":"shop","phase":"Progressing","checksum":"abc","metadata":{"guard":"\#(guardName)","version":"\#(version)","baseline":"v1"}}"#
            return try await GuardsServeTests.post(server, "/api/v1/flagger/\(name)", body).0
        }
        #expect(try await hook("gate", version: "v2") == 200)
        #expect(try await hook("gate", version: "v3") == 403)
        #expect(try await hook("gate", version: "v9") == 403)  // inconclusive: no data
        #expect(try await hook("gate", guard: "lenient", version: "v9") == 200)
        #expect(try await hook("rollback", version: "v3") == 200)
        #expect(try await hook("rollback", version: "v2") == 403)
        #expect(try await hook("rollback", version: "v9") == 403)
        // With a stored rollout, its decision answers: pending inside the watch (403 at the gate), no-go at once.
        let held = try await RolloutsServeTests.create(server, #"{"service":"checkout","version":"v2","guard":"checkout-api","plan":"slow"}"#)
        let bad = try await RolloutsServeTests.create(server, #"{"service":"checkout","version":"v3","guard":"checkout-api","plan":"slow"}"#)
        for (id, gate, rollback) in [(held, 403, 403), (bad, 403, 200)] {
            let body = #"{"name":"checkout","namespace":"shop","phase":"Progressing","metadata":{"rollout":"\#(id)"}}"#
            #expect(try await GuardsServeTests.post(server, "/api/v1/flagger/gate", body).0 == gate)
            #expect(try await GuardsServeTests.post(server, "/api/v1/flagger/rollback", body).0 == rollback)
        }
        let (missing, missingBody) = try await GuardsServeTests.post(server, "/api/v1/flagger/gate", #"{"name":"checkout","metadata":{"guard":"checkout-api"}}"#)
        #expect(missing == 400)
        #expect(missingBody.contains("missing field 'metadata.version'"), "\(missingBody)")
        let (unknown, unknownBody) = try await GuardsServeTests.post(server, "/api/v1/flagger/gate", #"{"name":"c","metadata":{"guard":"nope","version":"v2"}}"#)
        #expect(unknown == 400)
        #expect(unknownBody.contains("metadata.guard"), "\(unknownBody)")
        #expect(server.stop() == 0)
    }

    /// The watcher evaluates an active rollout without anyone asking; the no-go reaches the
    /// webhook (after a refused first attempt, retried) within seconds.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "the webhook receiver is a python3 script"))
    func aNoGoIsPushedToTheRolloutWebhooksWithRetries() async throws {
        let root = try scratch.make("webhooks")
        let captured = root.appendingPathComponent("captured")
        try FileManager.default.createDirectory(at: captured, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        receiver.arguments = [Binary.repositoryRoot.appendingPathComponent("scripts/demo/webhook-receiver.py").path, "\(port)", captured.path, "--fail-first"]
        try receiver.run()
        defer {
            kill(receiver.processIdentifier, SIGKILL)  // a child of the test runner inherits its blocked SIGTERM
            receiver.waitUntilExit()
        }
        // The same receiver stands in for an Alertmanager: deployment events reach it as alerts.
        let server = try start(
            root,
            config: "rollout_webhooks:\n  - url: http://127.0.0.1:\(port)/hook\n    max_retries: 3\n"
                + "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:\(port)']}]\n")
        try await GuardsServeTests.importRatios(server)
        let id = try await Self.create(server, #"{"service":"checkout","version":"v3","guard":"checkout-api","plan":"slow"}"#)
        let bodies = try await RulesServeTests.eventually({
            ((try? FileManager.default.contentsOfDirectory(atPath: captured.path)) ?? []).sorted().compactMap {
                try? String(contentsOf: captured.appendingPathComponent($0), encoding: .utf8)
            }
        }) { $0.contains { $0.contains(#""decision":"no-go""#) } }
        let noGo = try #require(bodies.first { $0.contains(#""event":"decision""#) }, "\(bodies)")
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(noGo.utf8)) as? [String: Any])
        #expect((payload["rollout"] as? [String: Any])?["id"] as? String == id)
        let change = try #require(payload["change"] as? [String: Any])
        #expect(change["decision"] as? String == "no-go")
        #expect(((change["evidence"] as? [String: Any])?["reason"] as? String)?.hasPrefix("error-ratio 0.05 > 0.01") == true)
        #expect(bodies.contains { $0.contains(#""event":"started""#) })
        let alerts = try await RulesServeTests.eventually({
            ((try? FileManager.default.contentsOfDirectory(atPath: captured.path)) ?? []).compactMap {
                try? String(contentsOf: captured.appendingPathComponent($0), encoding: .utf8)
            }.filter { $0.hasPrefix("[") }
        }) { $0.contains { $0.contains("RolloutNoGo") } }
        let noGoAlert = try #require(alerts.first { $0.contains("RolloutNoGo") }, "\(alerts)")
        #expect(noGoAlert.contains(#""severity":"warning""#) && noGoAlert.contains(#""rollout":"\#(id)""#), "\(noGoAlert)")
        #expect(server.stop() == 0)
    }
}
