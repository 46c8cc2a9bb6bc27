// Tollgate — CloudWatch tests: a real job against moto's server (contracts §6.6), seeded
// with PutMetricData through boto3, read back from the store.

import Foundation
import Model
import Storage
import TSDB
import Testing
import TestSupport
import TollgateConfig

@testable import CloudWatch

/// moto's server on a free loopback port.
func startMoto() async throws -> ChildServer {
    let port = try freeLoopbackPort()
    return try await ChildServer(["-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"], port: port, client: sharedHTTP)
}

struct SeedPoint: Encodable {
    var namespace: String
    var name: String
    var dimensions: [[String]]
    var time: Int64
    var value: Double
}

@Suite(.serialized) struct MotoPollTests {
    /// The issue's configuration (percentiles left out: moto answers them with 500) polls moto
    /// and stores the points under YACE's names.
    @Test func issueConfigurationAgainstMoto() async throws {
        let moto = try await startMoto()
        defer { moto.stop() }
        // Whole minutes, a few minutes back, inside the window of a poll now.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let minute = now / 60_000 * 60_000
        var points: [SeedPoint] = []
        for back in 2...4 {
            let time = (minute - Int64(back) * 60_000) / 1000
            points.append(SeedPoint(namespace: "AWS/ApplicationELB", name: "RequestCount", dimensions: [["LoadBalancer", "app/demo/abc123"]], time: time, value: Double(100 * back)))
            points.append(SeedPoint(namespace: "AWS/ApplicationELB", name: "TargetResponseTime", dimensions: [["LoadBalancer", "app/demo/abc123"]], time: time, value: 0.25))
            points.append(SeedPoint(namespace: "AWS/ApplicationELB", name: "TargetResponseTime", dimensions: [["LoadBalancer", "app/demo/abc123"]], time: time, value: 0.75))
            for (instance, connections) in [("demo-1", 10.0), ("demo-2", 20.0), ("other-1", 30.0)] {
                points.append(SeedPoint(namespace: "AWS/RDS", name: "DatabaseConnections", dimensions: [["DBInstanceIdentifier", instance]], time: time, value: connections + Double(back)))
            }
        }
        let seeded = try await runPython(
            [standIns.appendingPathComponent("moto_seed.py").path, "http://127.0.0.1:\(moto.port)"], stdin: Array(try JSONEncoder().encode(points)))
        #expect(String(decoding: seeded, as: UTF8.self).contains("seeded 18"))

        let yaml = """
            cloudwatch:
              - job_name: aws
                regions: [us-east-1]
                endpoint_url: http://127.0.0.1:\(moto.port)
                interval: 60s
                period: 60s
                length: 300s
                delay: 0s
                access_key_id: testing
                secret_access_key: testing
                static:
                  - namespace: AWS/ApplicationELB
                    dimensions: [{name: LoadBalancer, value: app/demo/abc123}]
                    metrics: [{name: RequestCount, statistics: [Sum]}, {name: TargetResponseTime, statistics: [Average, Maximum, SampleCount]}]
                discovery:
                  - namespace: AWS/RDS
                    dimension_filters: [{name: DBInstanceIdentifier, value: "demo-.*"}]
                    metrics: [{name: DatabaseConnections, statistics: [Average, Maximum]}]
            """
        let config = try TollgateConfig(yaml: yaml, file: "tollgate.yml")
        let scratch = TemporaryDirectories()
        let store = try await temporaryStore(scratch)
        let clock = ManualClock(now)
        let report = await poller(config.cloudwatch, store: store, clock: clock).runOnce()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.getMetricDataCalls == 1)
        #expect(report.listMetricsCalls == 1)
        #expect(report.metricsRequested == 8)
        let series = try await stored(store)
        let alb = "dimension_LoadBalancer=\"app/demo/abc123\", job=\"aws\", region=\"us-east-1\"}"
        // The newest datapoint (two minutes back) at poll time.
        #expect(series["aws_applicationelb_request_count_sum{\(alb)"]?.values == [200])
        #expect(series["aws_applicationelb_request_count_sum{\(alb)"]?.timestamps == [now])
        #expect(series["aws_applicationelb_target_response_time_average{\(alb)"]?.values == [0.5])
        #expect(series["aws_applicationelb_target_response_time_maximum{\(alb)"]?.values == [0.75])
        #expect(series["aws_applicationelb_target_response_time_sample_count{\(alb)"]?.values == [2])
        #expect(series["aws_rds_database_connections_average{dimension_DBInstanceIdentifier=\"demo-1\", job=\"aws\", region=\"us-east-1\"}"]?.values == [12])
        #expect(series["aws_rds_database_connections_maximum{dimension_DBInstanceIdentifier=\"demo-2\", job=\"aws\", region=\"us-east-1\"}"]?.values == [22])
        #expect(!series.keys.contains { $0.contains("other-1") })
        #expect(series.count == 8)
    }
}
