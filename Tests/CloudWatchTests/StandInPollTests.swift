// Tollgate — CloudWatch tests: real polls against a stand-in CloudWatch on loopback that
// checks every signature with botocore and answers recorded XML (percentiles, paging,
// throttling, refused credentials, garbage).

import Foundation
import Logging
import Model
import Storage
import TSDB
import Testing
import TestSupport
import TollgateConfig

@testable import CloudWatch

/// A stand-in server in `mode`, its request log, and a job pointed at it.
struct StandIn {
    let server: ChildServer
    let log: URL
    let secret = "standin/secret+key"

    init(mode: String, scratch: TemporaryDirectories) async throws {
        let port = try freeLoopbackPort()
        log = try scratch.make("standin-log").appendingPathComponent("requests.jsonl")
        server = try await ChildServer(
            [standIns.appendingPathComponent("cloudwatch_standin.py").path, "\(port)", mode, secret, log.path], port: port, client: sharedHTTP)
    }

    func job(_ name: String = "aws", secret: String? = nil, token: String? = nil) -> CloudWatchJob {
        var job = CloudWatchJob(jobName: name)
        job.regions = ["us-east-1"]
        job.endpointURL = "http://127.0.0.1:\(server.port)/"
        job.accessKeyID = "AKIDSTANDIN"
        job.secretAccessKey = .inline(secret ?? self.secret)
        job.sessionToken = token.map { .inline($0) }
        job.period = PromDuration(milliseconds: 60_000)
        return job
    }

    /// The logged requests: action, query count, ids, whether the signature checked out.
    func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

let pollNow: Int64 = 1_796_400_000_000 + 170_000  // 2026-12-04T16:02:50Z

func poller(_ jobs: [CloudWatchJob], store: TSDB, clock: ManualClock, logger: Logger = Logger(label: "test"), retries: Int = 5) -> CloudWatchPoller {
    let client = CloudWatchClient(http: sharedHTTP, retry: RetryPolicy(maxAttempts: retries, base: .milliseconds(10), cap: .milliseconds(50)), clock: clock)
    return CloudWatchPoller(jobs: jobs, client: client, storage: store, logger: logger, clock: clock, environment: [:])
}

@Suite(.serialized) struct StandInPollTests {
    /// Percentiles, both pages of GetMetricData, YACE's names and the newest point at poll time.
    @Test func percentilesPagingAndNames() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "ok", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job(token: "FwoGZXIvYXdzEJr//session")
        job.staticTargets = [CloudWatchStaticTarget(
            namespace: "AWS/ApplicationELB", dimensions: [CloudWatchDimension(name: "LoadBalancer", value: "app/demo/abc123")],
            metrics: [
                CloudWatchMetric(name: "RequestCount", statistics: ["Sum"], period: 60),
                CloudWatchMetric(name: "TargetResponseTime", statistics: ["Average", "p99", "p99.9"], period: 60),
            ])]
        let store = try await temporaryStore(scratch)
        let clock = ManualClock(pollNow)
        let report = await poller([job], store: store, clock: clock).runOnce()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.getMetricDataCalls == 2)  // one batch, two pages
        #expect(report.metricsRequested == 8)
        let series = try await stored(store)
        let labels = "dimension_LoadBalancer=\"app/demo/abc123\", job=\"aws\", region=\"us-east-1\"}"
        #expect(series["aws_applicationelb_request_count_sum{\(labels)"]?.values == [10])
        #expect(series["aws_applicationelb_target_response_time_average{\(labels)"]?.values == [5])
        #expect(series["aws_applicationelb_target_response_time_p99{\(labels)"]?.values == [99])
        #expect(series["aws_applicationelb_target_response_time_p99_9{\(labels)"]?.values == [99.9])
        #expect(series["aws_applicationelb_request_count_sum{\(labels)"]?.timestamps == [pollNow])
        let requests = try standIn.requests()
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0["signature_ok"] as? Bool == true && $0["security_token"] as? Bool == true })
        #expect(requests.last?["next_token"] as? String == "page-2")
        #expect((requests.first?["ids"] as? [String])?.allSatisfy { $0.first!.isLowercase } == true)
    }

    /// 600 queries: two GetMetricData calls of 500 and 100 (each paged twice); ids lower-case and unique per call.
    @Test func batchesOfFiveHundred() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "ok", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.staticTargets = (0..<300).map { index in
            CloudWatchStaticTarget(
                namespace: "AWS/ApplicationELB", dimensions: [CloudWatchDimension(name: "LoadBalancer", value: "app/lb-\(index)/x")],
                metrics: [CloudWatchMetric(name: "RequestCount", statistics: ["Sum", "p90"], period: 60)])
        }
        let store = try await temporaryStore(scratch)
        let report = await poller([job], store: store, clock: ManualClock(pollNow)).runOnce()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.getMetricDataCalls == 4)
        #expect(report.metricsRequested == 1200)
        #expect(report.points == 600)
        let requests = try standIn.requests()
        #expect(requests.map { $0["queries"] as? Int } == [500, 500, 100, 100])
        for request in requests {
            let ids = request["ids"] as? [String] ?? []
            #expect(Set(ids).count == ids.count)
            #expect(ids.allSatisfy { $0.first!.isLowercase })
        }
        #expect(try await stored(store).count == 600)
    }

    /// Discovery: ListMetrics paged, duplicates dropped, anchored filters, and the list cached.
    @Test func discoveryWithPagingFiltersAndCache() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "ok", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job("rds")
        job.discovery = [CloudWatchDiscoveryTarget(
            namespace: "AWS/RDS", dimensionFilters: [CloudWatchDimension(name: "DBInstanceIdentifier", value: "demo-.*")],
            metrics: [CloudWatchMetric(name: "DatabaseConnections", statistics: ["Average", "Maximum"], period: 60)])]
        let store = try await temporaryStore(scratch)
        let clock = ManualClock(pollNow)
        let poller = poller([job], store: store, clock: clock)
        let first = await poller.runOnce()
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(first.listMetricsCalls == 3)
        let names = try await stored(store).keys.sorted()
        #expect(names == [
            "aws_rds_database_connections_average{dimension_DBInstanceIdentifier=\"demo-1\", job=\"rds\", region=\"us-east-1\"}",
            "aws_rds_database_connections_average{dimension_DBInstanceIdentifier=\"demo-2\", job=\"rds\", region=\"us-east-1\"}",
            "aws_rds_database_connections_maximum{dimension_DBInstanceIdentifier=\"demo-1\", job=\"rds\", region=\"us-east-1\"}",
            "aws_rds_database_connections_maximum{dimension_DBInstanceIdentifier=\"demo-2\", job=\"rds\", region=\"us-east-1\"}",
        ])
        clock.advance(by: 60_000)
        let second = await poller.runOnce()
        #expect(second.listMetricsCalls == 0)  // cached for 10m
        clock.advance(by: 600_000)
        #expect(await poller.runOnce().listMetricsCalls == 3)
    }

    /// exportAllDataPoints: every point at its own time, none twice across polls;
    /// addCloudwatchTimestamp keeps CloudWatch's time.
    @Test func exportAllDataPointsWithoutDuplicates() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "ok", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.staticTargets = [CloudWatchStaticTarget(
            namespace: "AWS/ElastiCache", dimensions: [CloudWatchDimension(name: "CacheClusterId", value: "demo-001")],
            metrics: [
                CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60, length: 300, addCloudwatchTimestamp: true, exportAllDataPoints: true),
                CloudWatchMetric(name: "CurrConnections", statistics: ["Maximum"], period: 60, length: 300, addCloudwatchTimestamp: true),
            ])]
        let store = try await temporaryStore(scratch)
        let clock = ManualClock(pollNow)
        let poller = poller([job], store: store, clock: clock)
        #expect(await poller.runOnce().errors.isEmpty)
        #expect(await poller.runOnce().points == 0)  // the same window again: nothing new
        clock.advance(by: 60_000)
        #expect(await poller.runOnce().points == 2)  // one new minute for each
        let series = try await stored(store)
        let end: Int64 = 1_796_400_000_000  // the first window's end, 16:02:00 rounded
        let cpu = try #require(series["aws_elasticache_cpuutilization_average{dimension_CacheClusterId=\"demo-001\", job=\"aws\", region=\"us-east-1\"}"])
        #expect(cpu.timestamps == [end + 60_000, end + 120_000, end + 180_000].map { $0 - 120_000 } + [end + 120_000])
        #expect(cpu.values == [3, 4, 5, 5])
        let connections = try #require(series["aws_elasticache_curr_connections_maximum{dimension_CacheClusterId=\"demo-001\", job=\"aws\", region=\"us-east-1\"}"])
        #expect(connections.timestamps == [end + 60_000, end + 120_000])
    }

    /// Throttling twice: retried with backoff, counted, then stored.
    @Test func throttlingIsRetried() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "throttle", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.staticTargets = [CloudWatchStaticTarget(namespace: "AWS/EC2", dimensions: [CloudWatchDimension(name: "InstanceId", value: "i-1")],
                                                    metrics: [CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60)])]
        let store = try await temporaryStore(scratch)
        let report = await poller([job], store: store, clock: ManualClock(pollNow)).runOnce()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(try standIn.requests().map { $0["status"] as? Int } == [400, 400, 200, 200])
        #expect(try await stored(store).count == 1)
    }

    /// A 503 without XML is retried too.
    @Test func serverErrorIsRetried() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "unavailable", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.staticTargets = [CloudWatchStaticTarget(namespace: "AWS/EC2", dimensions: [],
                                                    metrics: [CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60)])]
        let store = try await temporaryStore(scratch)
        let report = await poller([job], store: store, clock: ManualClock(pollNow)).runOnce()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(try standIn.requests().first?["status"] as? Int == 503)
    }

    /// A wrong secret and refused credentials: a clear error naming the job, never the secret; the next poll tries again.
    @Test func authenticationErrorsNameTheJob() async throws {
        let scratch = TemporaryDirectories()
        for (mode, secret, code) in [("ok", "wrong/secret", "SignatureDoesNotMatch"), ("auth", nil, "InvalidClientTokenId")] {
            let standIn = try await StandIn(mode: mode, scratch: scratch)
            defer { standIn.server.stop() }
            var job = standIn.job("billing-aws", secret: secret, token: "SESSIONTOKENVALUE")
            job.staticTargets = [CloudWatchStaticTarget(namespace: "AWS/EC2", dimensions: [],
                                                        metrics: [CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60)])]
            let store = try await temporaryStore(scratch)
            let log = CapturedLog()
            let poller = poller([job], store: store, clock: ManualClock(pollNow), logger: log.logger)
            let report = await poller.runOnce()
            #expect(report.errors.count == 1)
            #expect(report.errors.first?.contains(code) == true, "\(report.errors)")
            #expect(log.text.contains("cloudwatch refused the credentials of job billing-aws"), "\(log.text)")
            for secretText in ["wrong/secret", standIn.secret, "SESSIONTOKENVALUE"] {
                #expect(!log.text.contains(secretText) && !report.errors.joined().contains(secretText))
            }
            #expect(try standIn.requests().count == 1)  // not retried
            _ = await poller.runOnce()
            #expect(try standIn.requests().count == 2)  // the next poll tries again
        }
    }

    /// Garbage from the server: an error for the poll, nothing stored, no crash.
    @Test func garbageAnswers() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "garbage", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.staticTargets = [CloudWatchStaticTarget(namespace: "AWS/EC2", dimensions: [],
                                                    metrics: [CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60)])]
        let store = try await temporaryStore(scratch)
        let report = await poller([job], store: store, clock: ManualClock(pollNow)).runOnce()
        #expect(report.errors.first?.contains("invalid XML") == true, "\(report.errors)")
        #expect(try await stored(store).isEmpty)
    }

    /// The service's own loop polls a job when due and stops when cancelled.
    @Test func runLoopPollsUntilCancelled() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "single", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.interval = PromDuration(milliseconds: 60_000)
        job.staticTargets = [CloudWatchStaticTarget(namespace: "AWS/EC2", dimensions: [CloudWatchDimension(name: "InstanceId", value: "i-1")],
                                                    metrics: [CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60)])]
        let store = try await temporaryStore(scratch)
        let clock = ManualClock(pollNow)
        let client = CloudWatchClient(http: sharedHTTP, clock: clock)
        let poller = CloudWatchPoller(jobs: [job], client: client, storage: store, logger: Logger(label: "test"), clock: clock, environment: [:], tick: .milliseconds(10))
        let running = Task { try await poller.run() }
        for _ in 0..<500 where try await stored(store).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await stored(store).count == 1)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try standIn.requests().count == 1)  // not due again until the clock moves
        clock.advance(by: 60_000)
        for _ in 0..<500 where try standIn.requests().count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try standIn.requests().count == 2)
        running.cancel()
        _ = try? await running.value
    }

    /// Polls of different jobs and regions run at once, never more than the limit.
    @Test func concurrencyLimit() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "slow", scratch: scratch)
        defer { standIn.server.stop() }
        var one = standIn.job("one")
        one.regions = ["us-east-1", "eu-west-1", "ap-south-1"]
        one.staticTargets = [CloudWatchStaticTarget(namespace: "AWS/EC2", dimensions: [],
                                                    metrics: [CloudWatchMetric(name: "CPUUtilization", statistics: ["Average"], period: 60)])]
        var two = one
        two.jobName = "two"
        let store = try await temporaryStore(scratch)
        let clock = ManualClock(pollNow)
        let client = CloudWatchClient(http: sharedHTTP, clock: clock)
        let poller = CloudWatchPoller(jobs: [one, two], client: client, storage: store, logger: Logger(label: "test"), clock: clock, concurrency: 2, environment: [:])
        let report = await poller.runOnce()
        #expect(report.errors.isEmpty, "\(report.errors)")
        let requests = try standIn.requests()
        #expect(requests.count == 6)
        #expect(Set(requests.compactMap { $0["region"] as? String }) == ["us-east-1", "eu-west-1", "ap-south-1"])
        let most = requests.compactMap { $0["inflight"] as? Int }.max() ?? 0
        // Never more than the limit (two at once is what an unloaded machine shows).
        #expect((1...2).contains(most), "\(requests.map { $0["inflight"] ?? 0 })")
        #expect(try await stored(store).count == 6)
    }

    /// No data: NaN by default, 0 with nilToZero, nothing with addCloudwatchTimestamp (YACE's rules).
    @Test func missingValuesAsYACE() async throws {
        let scratch = TemporaryDirectories()
        let poller = poller([], store: try await temporaryStore(scratch), clock: ManualClock(pollNow))
        func planned(_ metric: CloudWatchMetric) -> CloudWatchPoller.Planned {
            CloudWatchPoller.Planned(query: MetricQuery(id: "m0", namespace: "N", metricName: "M", dimensions: [], period: 60, statistic: "Sum"),
                                     labels: Labels(["__name__": "x"]), metric: metric)
        }
        let nan = await poller.samples(for: planned(CloudWatchMetric(name: "M", statistics: ["Sum"])), points: [], now: pollNow)
        #expect(nan.count == 1 && nan[0].1.isNaN && nan[0].0 == pollNow)
        let zero = await poller.samples(for: planned(CloudWatchMetric(name: "M", statistics: ["Sum"], nilToZero: true)), points: [], now: pollNow)
        #expect(zero.count == 1 && zero[0].1 == 0)
        let none = await poller.samples(for: planned(CloudWatchMetric(name: "M", statistics: ["Sum"], addCloudwatchTimestamp: true)), points: [], now: pollNow)
        #expect(none.isEmpty)
    }
}

/// The cost figure of issue 16: 2,000 metrics × 2 statistics in one poll.
@Suite(.serialized) struct CloudWatchCostTests {
    @Test func twoThousandMetricsTimesTwoStatistics() async throws {
        let scratch = TemporaryDirectories()
        let standIn = try await StandIn(mode: "single", scratch: scratch)
        defer { standIn.server.stop() }
        var job = standIn.job()
        job.staticTargets = (0..<2000).map { index in
            CloudWatchStaticTarget(
                namespace: "AWS/ApplicationELB", dimensions: [CloudWatchDimension(name: "LoadBalancer", value: "app/lb-\(index)/x")],
                metrics: [CloudWatchMetric(name: "RequestCount", statistics: ["Sum", "p99"], period: 60)])
        }
        let store = try await temporaryStore(scratch)
        let cpuBefore = processCPUSeconds()
        let started = ContinuousClock.now
        let report = await poller([job], store: store, clock: ManualClock(pollNow)).runOnce()
        let elapsed = ContinuousClock.now - started
        let cpu = processCPUSeconds() - cpuBefore
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.getMetricDataCalls == 8)  // ceil(4000 / 500), as YACE
        #expect(report.metricsRequested == 4000)
        #expect(report.points == 4000)
        #expect(try standIn.requests().map { $0["queries"] as? Int } == Array(repeating: 500, count: 8))
        print("cloudwatch cost: 2000 metrics × 2 statistics: \(report.getMetricDataCalls) GetMetricData calls, \(report.metricsRequested) metrics requested, \(report.points) points stored, \(elapsed) wall, \(String(format: "%.1f", cpu / Double(report.points) * 1e6)) µs CPU per point (whole test process)")
    }
}

/// This process's CPU time (user + system), in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
