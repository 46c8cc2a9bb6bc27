// Tollgate — every request limit on a real server: over it refused with its status and
// counted in /metrics, under it answered, each cause logged at most once a minute.

import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class LimitsServeTests: Sendable {
    let scratch = TemporaryDirectories()

    /// A request with a body; the status and the answer.
    static func send(
        _ server: RunningServer, _ method: String, _ path: String, _ body: String, type: String = "application/json",
        session: URLSession? = nil
    ) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)\(path)")))
        request.httpMethod = method
        request.httpBody = Data(body.utf8)
        request.setValue(type, forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 300
        let (data, response) = try await (session ?? server.session).data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// `tollgate_http_api_rejected_requests_total{reason}` in /metrics (0 when absent).
    static func rejected(_ server: RunningServer, _ reason: String) async throws -> Int {
        let (_, metrics, _) = try await server.get("/metrics")
        let prefix = "tollgate_http_api_rejected_requests_total{reason=\"\(reason)\"} "
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    static func form(_ query: String) -> String {
        "query=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    @Test func queriesBeyondTheQueueOrTheirTimeoutAreRefusedCountedAndLoggedOnce() async throws {
        let root = try scratch.make("limits")
        // A configuration without rules: nothing but this test's queries takes the engine's one slot.
        let config = root.appendingPathComponent("tollgate.yml")
        try Data("global: {scrape_interval: 1m}\n".utf8).write(to: config)
        let server = try RunningServer(
            dataDir: root.appendingPathComponent("data"),
            extra: [
                "--config.file", config.path, "--query.max-concurrency", "1", "--query.max-queued", "0", "--web.max-form-size", "1KB",
            ])
        // A slow query holds the only slot until its timeout, while cheap queries ask for one
        // until it has answered. How many of them reach the server meanwhile is up to the
        // machine: in a full run this process's threads are shared by the whole suite, and a
        // fresh-clone CI run saw its first refusal only near the end of the 70 s, the next
        // request already answered. So the test counts what it saw, and the server's counter
        // must agree: every refusal counted, logged at most once a minute, and answered as
        // Prometheus does.
        // Finishing the slow query would take minutes (518M subquery steps); it is refused
        // first: it counts its steps against --query.max-samples (the default 50M), reached
        // after 83 s on an idle machine here (about 4.5 GB by then), so its timeout stays below.
        // It goes through its own session, so that no request of this test waits behind it.
        var refused = 0, slowRefused = 0, timeouts = 0
        let started = Date()
        for _ in 0..<3 where refused == 0 {
            let outcome = try await Self.whileSlowQueryRuns(server) { status, body in
                if status == 503 {
                    #expect(body.hasPrefix(#"{"status":"error","errorType":"unavailable","error":"too many queries waiting"#), "\(body)")
                    refused += 1
                } else {
                    #expect(status == 200 && body.contains(#""2"]"#), "\(status) \(body)")
                }
            }
            // A cheap query may hold the slot just when the slow one arrives: then the slow one is
            // refused (and counted), and the next round sends it again.
            if outcome.0 == 503 && outcome.1.contains("too many queries waiting") {
                slowRefused += 1
            } else {
                #expect(outcome.0 == 503 && outcome.1.contains(#""errorType":"timeout""#), "\(outcome.1)")
                timeouts += 1
            }
        }
        #expect(refused > 0, "no cheap query reached the server while the slow one held the slot")
        let minutes = Int(Date().timeIntervalSince(started) / 60)
        let (free, answer, _) = try await server.get("/api/v1/query?query=1%2B1")
        #expect(free == 200 && answer.contains(#""2"]"#), "\(free) \(answer)")

        let (large, refusal) = try await Self.send(server, "POST", "/api/v1/query", Self.form("1+" + String(repeating: "1", count: 2000)), type: "application/x-www-form-urlencoded")
        #expect(large == 413 && refusal == #"{"status":"error","errorType":"bad_data","error":"error parsing form values: http: POST too large"}"#, "\(refusal)")
        let (small, _) = try await Self.send(server, "POST", "/api/v1/query", Self.form("1+1"), type: "application/x-www-form-urlencoded")
        #expect(small == 200)

        #expect(try await Self.rejected(server, "queue_full") == refused + slowRefused)
        #expect(try await Self.rejected(server, "query_timeout") == timeouts)
        #expect(try await Self.rejected(server, "max_form_bytes") == 1)
        let (_, flags, _) = try await server.get("/api/v1/status/flags")
        #expect(flags.contains(#""query.max-queued":"0""#), "\(flags)")

        let log = try await Programs.detached { server.stopAndReadLog() }
        // A line for the first refusal, then at most one a minute, saying how many it left out.
        let lines = log.split(separator: "\n").filter { $0.contains("refused by a limit") && $0.contains("queue_full") }
        let leftOut = lines.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("refused_since_last_line=") }.flatMap { Int($0.drop { $0 != "=" }.dropFirst()) }
        }
        #expect(!lines.isEmpty && lines.count <= 1 + minutes, "\(refused + slowRefused) refusals in \(minutes) whole minutes: \(lines)")
        #expect(leftOut.count < lines.count && lines.count + leftOut.reduce(0, +) <= refused + slowRefused, "\(lines)")
    }

    /// Sends a query that holds the engine's only slot for 70 s, and a cheap query every
    /// 100 ms until the slow one has answered, handing each cheap answer to `seen`; the slow
    /// one's status and answer.
    static func whileSlowQueryRuns(_ server: RunningServer, _ seen: (Int, String) -> Void) async throws -> (Int, String) {
        let answered = Answered()
        let slow = Task {
            defer { answered.flag.withLock { $0 = true } }
            return try await Self.send(
                server, "POST", "/api/v1/query", Self.form("max_over_time(count_over_time(vector(1)[1h:10ms])[60d:1h])") + "&timeout=70s",
                type: "application/x-www-form-urlencoded", session: URLSession(configuration: .ephemeral))
        }
        let deadline = Date().addingTimeInterval(400)
        while !answered.flag.withLock({ $0 }) && Date() < deadline {
            let (status, body, _) = try await server.get("/api/v1/query?query=1%2B1")
            seen(status, body)
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await slow.value
    }

    /// Whether the slow query has answered.
    final class Answered: Sendable {
        let flag = Mutex(false)
    }

    static let guards = """
        guards:
          - name: g
            checks: [{name: c, expr: vector(0), max: 1}]
        plans:
          - name: slow
            stages: [{traffic: 10, watch: 1h}, {traffic: 100, watch: 1h}]
        """

    static func silence(comment: String) -> String {
        let format = ISO8601DateFormatter()
        let now = Date()
        return """
            {"matchers":[{"name":"alertname","value":"a","isRegex":false}],"startsAt":"\(format.string(from: now))",\
            "endsAt":"\(format.string(from: now.addingTimeInterval(3600)))","createdBy":"test","comment":"\(comment)"}
            """
    }

    @Test func samplesBodiesAlertsSilencesAndRolloutsBeyondTheirLimitsAreRefusedAndCounted() async throws {
        let root = try scratch.make("limits")
        try Data(Self.guards.utf8).write(to: root.appendingPathComponent("guards.yml"))
        let config = root.appendingPathComponent("tollgate.yml")
        try Data("guard_files: [guards.yml]\n".utf8).write(to: config)
        let server = try RunningServer(
            dataDir: root.appendingPathComponent("data"),
            extra: [
                "--config.file", config.path, "--web.enable-admin-api", "--web.max-request-size", "2KB", "--web.max-alertmanager-size", "4KB",
                "--alerts.max-per-request", "2", "--silences.max-silences", "1", "--silences.max-silence-size-bytes", "200",
                "--rollouts.max-active", "1", "--query.max-samples", "1000",
            ])
        let big = String(repeating: "x", count: 3000)

        let (tooMany, samples, _) = try await server.get("/api/v1/query?query=count_over_time(vector(1)%5B1h:1s%5D)")
        #expect(tooMany == 422 && samples.contains("too many samples"), "\(samples)")
        let (fewer, _, _) = try await server.get("/api/v1/query?query=count_over_time(vector(1)%5B10m:1s%5D)")
        #expect(fewer == 200)

        // Alerts per request and the API v2's body size.
        let three = #"[{"labels":{"alertname":"a1"}},{"labels":{"alertname":"a2"}},{"labels":{"alertname":"a3"}}]"#
        let (overAlerts, overAlertsBody) = try await Self.send(server, "POST", "/api/v2/alerts", three)
        #expect(overAlerts == 413 && overAlertsBody.contains("too many alerts in one request: 3 (limit: 2"), "\(overAlertsBody)")
        let (twoAlerts, _) = try await Self.send(server, "POST", "/api/v2/alerts", #"[{"labels":{"alertname":"a1"}},{"labels":{"alertname":"a2"}}]"#)
        #expect(twoAlerts == 200)
        let (hugeAlerts, _) = try await Self.send(server, "POST", "/api/v2/alerts", #"[{"labels":{"alertname":"\#(big + big)"}}]"#)
        #expect(hugeAlerts == 413)

        // Silences: size, then count (Alertmanager's messages, 400).
        let (tooBig, tooBigBody) = try await Self.send(server, "POST", "/api/v2/silences", Self.silence(comment: String(repeating: "c", count: 300)))
        #expect(tooBig == 400 && tooBigBody.contains("silence exceeded maximum size"), "\(tooBigBody)")
        let (first, firstBody) = try await Self.send(server, "POST", "/api/v2/silences", Self.silence(comment: "one"))
        #expect(first == 200, "\(firstBody)")
        let (second, secondBody) = try await Self.send(server, "POST", "/api/v2/silences", Self.silence(comment: "two"))
        #expect(second == 400 && secondBody.contains("exceeded maximum number of silences: 1 (limit: 1)"), "\(secondBody)")

        // Rollouts in progress, and the rollouts API's body size.
        let rollout = #"{"service":"s","version":"v2","guard":"g","plan":"slow"}"#
        let (created, createdBody) = try await Self.send(server, "POST", "/api/v1/rollouts", rollout)
        #expect(created == 201, "\(createdBody)")
        let (another, anotherBody) = try await Self.send(server, "POST", "/api/v1/rollouts", rollout)
        #expect(another == 429 && anotherBody.contains(#""errorType":"unavailable""#) && anotherBody.contains("too many rollouts in progress: 1"), "\(anotherBody)")
        let (hugeRollout, _) = try await Self.send(server, "POST", "/api/v1/rollouts", #"{"service":"\#(big)"}"#)
        #expect(hugeRollout == 413)
        let (hugeFlagger, _) = try await Self.send(server, "POST", "/api/v1/flagger/gate", #"{"name":"\#(big)"}"#)
        #expect(hugeFlagger == 413)

        // The admin API's and the UI's forms.
        let (hugeAdmin, _) = try await Self.send(server, "POST", "/api/v1/admin/tsdb/delete_series", "match[]=" + big, type: "application/x-www-form-urlencoded")
        #expect(hugeAdmin == 413)
        let (admin, _) = try await Self.send(server, "POST", "/api/v1/admin/tsdb/delete_series", "match[]=nothing_here", type: "application/x-www-form-urlencoded")
        #expect(admin == 204)
        let (hugeForm, _) = try await Self.send(server, "POST", "/ui/silences", "comment=" + big, type: "application/x-www-form-urlencoded")
        #expect(hugeForm == 413)

        #expect(try await Self.rejected(server, "max_samples") == 1)
        #expect(try await Self.rejected(server, "max_alerts_per_request") == 1)
        #expect(try await Self.rejected(server, "max_alertmanager_body_bytes") == 1)
        #expect(try await Self.rejected(server, "max_silence_bytes") == 1)
        #expect(try await Self.rejected(server, "max_silences") == 1)
        #expect(try await Self.rejected(server, "max_active_rollouts") == 1)
        #expect(try await Self.rejected(server, "max_request_bytes") == 4)
        let (_, flags, _) = try await server.get("/api/v1/status/flags")
        for flag in ["web.max-request-size\":\"2KB", "alerts.max-per-request\":\"2", "silences.max-silences\":\"1", "rollouts.max-active\":\"1"] {
            #expect(flags.contains(flag), "\(flag): \(flags)")
        }
        #expect(server.stop() == 0)
    }

    /// The scrape configuration's limits: a target over one fails (`up` 0) and is counted under
    /// Prometheus's family; a job under its limits scrapes; a failing target is logged once.
    @Test func scrapesOverTheirLimitsFailAreCountedAndLoggedOnce() async throws {
        let root = try scratch.make("limits")
        let port = try freeLoopbackPort()
        let job = { (name: String, limit: String, targets: String) in
            "  - job_name: \(name)\n    \(limit)\n    params: {j: [\(name)]}\n    static_configs: [{targets: [\(targets)]}]\n"
        }
        let own = "'127.0.0.1:\(port)'"
        let config = root.appendingPathComponent("tollgate.yml")
        try Data(
            ("global: {scrape_interval: 1s}\nscrape_configs:\n" + job("samples", "sample_limit: 5", own) + job("labels", "label_limit: 2", own)
                + job("sizes", "body_size_limit: 100B", own) + job("targets", "target_limit: 1", "\(own), 'localhost:\(port)'")
                + job("free", "sample_limit: 0", own)).utf8
        ).write(to: config)
        let server = try RunningServer(
            dataDir: root.appendingPathComponent("data"), extra: ["--config.file", config.path, "--web.listen-address", "127.0.0.1:\(port)"])
        let families = [
            "prometheus_target_scrapes_exceeded_sample_limit_total", "prometheus_target_scrape_pool_exceeded_label_limits_total",
            "prometheus_target_scrapes_exceeded_body_size_limit_total", "prometheus_target_scrape_pool_exceeded_target_limit_total",
            "tollgate_target_scrapes_exceeded_target_limit_total",
        ]
        // Each counted more than twice: every target has failed several scrapes.
        let deadline = Date().addingTimeInterval(60)
        var counts: [String: Double] = [:]
        repeat {
            try await Task.sleep(for: .milliseconds(500))
            let (_, metrics, _) = try await server.get("/metrics")
            for line in metrics.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2, families.contains(String(parts[0])) { counts[String(parts[0])] = Double(parts[1]) }
            }
        } while Date() < deadline && families.dropLast(2).contains { (counts[$0] ?? 0) < 3 }
        for family in families { #expect((counts[family] ?? 0) >= 1, "\(family): \(counts)") }
        let (_, up, _) = try await server.get("/api/v1/query?query=up")
        for name in ["samples", "labels", "sizes", "targets"] {
            #expect(up.range(of: #""job":"\#(name)"\},"value":\[[0-9.]+,"0"\]"#, options: .regularExpression) != nil, "\(name): \(up)")
        }
        #expect(up.range(of: #""job":"free"\},"value":\[[0-9.]+,"1"\]"#, options: .regularExpression) != nil, "\(up)")
        let log = try await Programs.detached { server.stopAndReadLog() }
        // The same cause, logged once. (A scrape while the server stops may fail to connect to
        // its own port, a cause of its own: a line of its own.)
        let failed = log.split(separator: "\n").filter {
            $0.contains("scrape failed") && $0.contains("j=samples") && $0.contains("sample limit exceeded")
        }
        #expect(failed.count == 1, "several failed scrapes, one line: \(failed)")
    }
}
