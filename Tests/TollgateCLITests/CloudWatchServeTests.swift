// Tollgate — `tollgate serve` with a `cloudwatch:` job against moto's server, read back
// through the HTTP API; `check config` on the section; the shipped ALB guard.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.serialized) final class CloudWatchServeTests: Sendable {
    let scratch = TemporaryDirectories()

    static let standIns = Binary.repositoryRoot.appendingPathComponent("Tests/CloudWatchTests/StandIns")

    /// moto on a free port, started as a child and stopped by `stop`.
    final class Moto: @unchecked Sendable {
        let process = Process()
        let port: Int

        init() async throws {
            port = try freeLoopbackPort()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<300 {
                if let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!), !data.isEmpty { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            stop()
            throw CocoaError(.fileReadUnknown)
        }

        func stop() {
            if process.isRunning {
                // SIGKILL: a child spawned from a test thread inherits a signal mask that blocks SIGTERM.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        deinit { stop() }
    }

    @Test func servePollsMotoAndAnswersThroughTheQueryAPI() async throws {
        let moto = try await Moto()
        defer { moto.stop() }
        let now = Int(Date().timeIntervalSince1970) / 60 * 60
        let points = (2...4).map { back in
            #"{"namespace": "AWS/ApplicationELB", "name": "RequestCount", "dimensions": [["LoadBalancer", "app/demo/abc123"]], "time": \#(now - back * 60), "value": \#(100 * back)}"#
        }
        let seeded = try await Binary.runDetached(
            ["python3", Self.standIns.appendingPathComponent("moto_seed.py").path, "http://127.0.0.1:\(moto.port)"],
            stdin: Array("[\(points.joined(separator: ","))]".utf8), executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(seeded.status == 0, "\(seeded.stderr)")

        let dir = try scratch.make("cloudwatch-serve")
        let config = dir.appendingPathComponent("tollgate.yml")
        try """
            cloudwatch:
              - job_name: aws
                regions: [us-east-1]
                endpoint_url: http://127.0.0.1:\(moto.port)
                interval: 60s
                period: 60s
                length: 300s
                access_key_id: testing
                secret_access_key: NOTSHOWNANYWHERE
                static:
                  - namespace: AWS/ApplicationELB
                    dimensions: [{name: LoadBalancer, value: app/demo/abc123}]
                    metrics: [{name: RequestCount, statistics: [Sum]}]
            """.write(to: config, atomically: true, encoding: .utf8)
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--config.file", config.path])
        var answer = ""
        for _ in 0..<100 {
            (_, answer, _) = try await server.get("/api/v1/query?query=aws_applicationelb_request_count_sum")
            if answer.contains("\"200\"") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(answer.contains(#""__name__":"aws_applicationelb_request_count_sum""#), "\(answer)")
        #expect(answer.contains(#""dimension_LoadBalancer":"app/demo/abc123""#))
        #expect(answer.contains(#""job":"aws""#) && answer.contains(#""region":"us-east-1""#))
        #expect(answer.contains("\"200\""), "\(answer)")
        let (_, status, _) = try await server.get("/api/v1/status/config")
        #expect(!status.contains("NOTSHOWNANYWHERE") && status.contains("secret_access_key"), "\(status)")
        let (_, metrics, _) = try await server.get("/metrics")
        #expect(metrics.contains(#"tollgate_cloudwatch_requests_total{job="aws",operation="GetMetricData"}"#), "\(metrics.split(separator: "\n").filter { $0.contains("cloudwatch") })")
        #expect(metrics.contains("tollgate_cloudwatch_last_success_timestamp_seconds{job=\"aws\"}"))
        #expect(server.stop() == 0)
        #expect(!server.startupLog.contains("NOTSHOWNANYWHERE"))
    }

    @Test func checkConfigReportsTheSectionsProblems() async throws {
        let dir = try scratch.make("cloudwatch-check")
        let config = dir.appendingPathComponent("tollgate.yml")
        try """
            cloudwatch:
              - job_name: aws
                regions: [us-east-1]
                secret_access_key: NOTSHOWNANYWHERE
                static:
                  - namespace: AWS/ApplicationELB
                    dimensions: [{name: LoadBalancer, value: x}]
                    metrics: [{name: RequestCount, statistics: [Median], period: 45s}]
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await Binary.runDetached(["check", "config", config.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("tollgate.yml:8: cloudwatch[0].static[0].metrics[0].statistics[0]: unknown statistic \"Median\""), "\(result.stderr)")
        #expect(result.stderr.contains("cloudwatch[0].static[0].metrics[0].period: invalid period 45s"), "\(result.stderr)")
        #expect(result.stderr.contains("access_key_id and secret_access_key must be given together"), "\(result.stderr)")
        #expect(!result.stderr.contains("NOTSHOWNANYWHERE"))
    }

    @Test func theShippedALBGuardChecks() async throws {
        let result = try await Binary.runDetached(["check", "guards", Binary.repositoryRoot.appendingPathComponent("rules/guards/alb.yml").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
