// Tollgate — CloudWatch: the service that polls every job's regions and stores the points.

import CoreMetrics
import Foundation
public import Logging
public import Model
public import ServiceLifecycle
public import Storage
public import TollgateConfig

/// What one round of polls did, summed over its jobs and regions.
public struct PollReport: Sendable, Equatable {
    /// API calls made (GetMetricData and ListMetrics, pages and retries' first attempts counted once each).
    public var calls = 0
    /// GetMetricData calls.
    public var getMetricDataCalls = 0
    /// ListMetrics calls.
    public var listMetricsCalls = 0
    /// Metric queries requested (what CloudWatch bills).
    public var metricsRequested = 0
    /// Points appended to the store.
    public var points = 0
    /// The errors, one line each (`job region: …`), secrets never included.
    public var errors: [String] = []

    /// An empty report.
    public init() {}

    static func + (a: PollReport, b: PollReport) -> PollReport {
        var sum = a
        sum.calls += b.calls
        sum.getMetricDataCalls += b.getMetricDataCalls
        sum.listMetricsCalls += b.listMetricsCalls
        sum.metricsRequested += b.metricsRequested
        sum.points += b.points
        sum.errors += b.errors
        return sum
    }
}

/// Polls CloudWatch for each `cloudwatch:` job at its interval and appends the points under
/// YACE's names (``YACENames``): the window and the value follow YACE (contracts §6.5).
///
/// Jobs and regions are polled concurrently, at most `concurrency` at once; each poll
/// batches its queries 500 to a GetMetricData call and follows `NextToken`. `discovery`
/// entries list their namespace with ListMetrics, cached for the job's
/// `list_metrics_cache_ttl`. ``runOnce()`` is one round of every job, for tests.
public struct CloudWatchPoller: Service {
    let state: PollerState
    let client: CloudWatchClient
    let storage: any Appendable
    let logger: Logger
    let clock: any MillisecondClock
    let concurrency: Int
    let environment: [String: String]
    let tick: Duration

    /// Creates the poller.
    /// - Parameters:
    ///   - jobs: the `cloudwatch:` jobs.
    ///   - client: the CloudWatch client.
    ///   - storage: where points are appended.
    ///   - logger: where failed polls are logged (never with a secret).
    ///   - clock: the wall clock windows and sample times come from.
    ///   - concurrency: the most job-region polls at once (YACE's `-cloudwatch-concurrency`, 5).
    ///   - environment: where `AWS_*` credentials are looked up; nil for the process's.
    ///   - tick: how often `run` looks for jobs that are due.
    public init(
        jobs: [CloudWatchJob], client: CloudWatchClient, storage: any Appendable, logger: Logger,
        clock: any MillisecondClock = SystemClock(), concurrency: Int = 5,
        environment: [String: String]? = nil, tick: Duration = .seconds(1)
    ) {
        state = PollerState(jobs: jobs)
        self.client = client
        self.storage = storage
        self.logger = logger
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.environment = environment ?? ProcessInfo.processInfo.environment
        self.tick = tick
    }

    /// Replaces the jobs (a reload): new jobs are polled at once, dropped ones stop, the
    /// ListMetrics cache is emptied.
    public func apply(_ jobs: [CloudWatchJob]) async { await state.replace(jobs) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = clock.now()
                let due = await state.takeDue(at: now)
                if !due.isEmpty { _ = await poll(due, at: now) }
                do {
                    try await Task.sleep(for: tick)
                } catch {
                    break
                }
            }
        }
    }

    /// One round: every job, every region, now.
    @discardableResult
    public func runOnce() async -> PollReport {
        let now = clock.now()
        return await poll(await state.jobs, at: now)
    }

    /// Polls `jobs` at `now`, at most ``concurrency`` job-regions at once.
    func poll(_ jobs: [CloudWatchJob], at now: Int64) async -> PollReport {
        let units = jobs.flatMap { job in job.regions.map { (job, $0) } }
        var report = PollReport()
        await withTaskGroup(of: PollReport.self) { group in
            var next = 0
            while next < units.count, next < concurrency {
                let (job, region) = units[next]
                group.addTask { await pollRegion(job, region: region, now: now) }
                next += 1
            }
            while let done = await group.next() {
                report = report + done
                if next < units.count {
                    let (job, region) = units[next]
                    group.addTask { await pollRegion(job, region: region, now: now) }
                    next += 1
                }
            }
        }
        return report
    }

    /// One query with what its points become.
    struct Planned {
        var query: MetricQuery
        var labels: Labels
        var metric: CloudWatchMetric
    }

    /// Polls one job in one region and appends what came back.
    func pollRegion(_ job: CloudWatchJob, region: String, now: Int64) async -> PollReport {
        var report = PollReport()
        let endpoint = CloudWatchEndpoint(region: region, endpointURL: job.endpointURL)
        let credentials: AWSCredentials
        do {
            credentials = try CredentialChain.resolve(job, environment: environment)
        } catch {
            Counter(label: "tollgate_cloudwatch_errors_total", dimensions: [("job", job.jobName), ("operation", "credentials"), ("code", error.code)]).increment()
            fail(error, job: job, region: region, report: &report)
            return report
        }
        var planned: [Planned] = []
        for target in job.staticTargets {
            let dimensions = target.dimensions.map { MetricQuery.Dimension(name: $0.name, value: $0.value) }
            plan(namespace: target.namespace, dimensions: dimensions, metrics: target.metrics, job: job, region: region, into: &planned)
        }
        for target in job.discovery {
            do {
                let listed = try await discover(target, job: job, region: region, endpoint: endpoint, credentials: credentials, now: now, report: &report)
                for (metric, dimensionSets) in listed {
                    for dimensions in dimensionSets {
                        plan(namespace: target.namespace, dimensions: dimensions, metrics: [metric], job: job, region: region, into: &planned)
                    }
                }
            } catch {
                fail(error, job: job, region: region, report: &report)
            }
        }
        // One window per (period, length): YACE's window, batches of at most 500 queries.
        var groups: [[Int64]: [Planned]] = [:]
        for item in planned { groups[[item.metric.period, item.metric.length], default: []].append(item) }
        var appender = storage.appender()
        var appended = 0
        for (key, items) in groups.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let (start, end) = Self.window(now: now, period: key[0], length: key[1], delay: job.delay.milliseconds / 1000)
            for batchStart in stride(from: 0, to: items.count, by: QueryProtocol.maxQueriesPerCall) {
                let batch = Array(items[batchStart..<min(items.count, batchStart + QueryProtocol.maxQueriesPerCall)])
                var byID: [String: Planned] = [:]
                var queries: [MetricQuery] = []
                for (index, var item) in batch.enumerated() {
                    item.query.id = "m\(index)"
                    byID[item.query.id] = item
                    queries.append(item.query)
                }
                do {
                    let results = try await getMetricData(queries, start: start, end: end, job: job, endpoint: endpoint, credentials: credentials, report: &report)
                    for (id, points) in results {
                        guard let item = byID[id] else { continue }
                        for (t, v) in await samples(for: item, points: points, now: now) {
                            appender.append(item.labels, t: t, v: v)
                            appended += 1
                        }
                    }
                    // Queries CloudWatch answered nothing for still get YACE's NaN / zero.
                    for id in Set(byID.keys).subtracting(results.keys) {
                        guard let item = byID[id] else { continue }
                        for (t, v) in await samples(for: item, points: [], now: now) {
                            appender.append(item.labels, t: t, v: v)
                            appended += 1
                        }
                    }
                } catch {
                    fail(error, job: job, region: region, report: &report)
                }
            }
        }
        do {
            _ = try await appender.commit()
            report.points += appended
        } catch {
            report.errors.append("\(job.jobName) \(region): storing the points failed: \(error)")
            // A store that cannot write (a full disk) logs that once itself.
            logger.log(
                level: error is StoreWriteFailure ? .debug : .error, "cloudwatch points not stored",
                metadata: ["job": "\(job.jobName)", "region": "\(region)", "error": "\(error)"])
        }
        if report.errors.isEmpty {
            Gauge(label: "tollgate_cloudwatch_last_success_timestamp_seconds", dimensions: [("job", job.jobName)]).record(Double(now) / 1000)
        }
        return report
    }

    /// Queries for each metric and statistic over one dimension set.
    func plan(
        namespace: String, dimensions: [MetricQuery.Dimension], metrics: [CloudWatchMetric], job: CloudWatchJob, region: String,
        into planned: inout [Planned]
    ) {
        for metric in metrics {
            for statistic in metric.statistics {
                var labels: [String: String] = ["job": job.jobName, "region": region]
                for dimension in dimensions { labels[YACENames.dimensionLabel(dimension.name)] = dimension.value }
                labels["__name__"] = YACENames.metricName(namespace: namespace, metric: metric.name, statistic: statistic)
                let query = MetricQuery(
                    id: "", namespace: namespace, metricName: metric.name, dimensions: dimensions, period: metric.period, statistic: statistic)
                planned.append(Planned(query: query, labels: Labels(labels), metric: metric))
            }
        }
    }

    /// YACE's window: now − period/2 rounded to the period, start = that − (length + delay),
    /// end = that − delay. Seconds in, milliseconds out.
    public static func window(now: Int64, period: Int64, length: Int64, delay: Int64) -> (start: Int64, end: Int64) {
        let step = period * 1000
        let shifted = now - step / 2
        let rounded = (shifted + step / 2).dividedRoundingDown(by: step) * step
        return (rounded - (length + delay) * 1000, rounded - delay * 1000)
    }

    /// The points of one query as YACE exports them (contracts §6.5).
    func samples(for item: Planned, points: [(Int64, Double)], now: Int64) async -> [(Int64, Double)] {
        let sorted = points.sorted { $0.0 > $1.0 }
        let metric = item.metric
        if metric.exportAllDataPoints {
            let last = await state.lastExported(item.labels)
            let fresh = sorted.filter { $0.0 > (last ?? Int64.min) }.reversed()
            if let newest = fresh.last { await state.setLastExported(item.labels, newest.0) }
            return Array(fresh)
        }
        guard let newest = sorted.first else {
            if metric.addCloudwatchTimestamp { return [] }
            return [(now, metric.nilToZero ? 0 : .nan)]
        }
        guard metric.addCloudwatchTimestamp else { return [(now, newest.1)] }
        if let last = await state.lastExported(item.labels), last >= newest.0 { return [] }
        await state.setLastExported(item.labels, newest.0)
        return [newest]
    }

    /// GetMetricData over every page; points by query id.
    func getMetricData(
        _ queries: [MetricQuery], start: Int64, end: Int64, job: CloudWatchJob, endpoint: CloudWatchEndpoint, credentials: AWSCredentials,
        report: inout PollReport
    ) async throws -> [String: [(Int64, Double)]] {
        var points: [String: [(Int64, Double)]] = [:]
        var token: String?
        var pages = 0
        repeat {
            let parameters = QueryProtocol.getMetricData(queries, start: start, end: end, nextToken: token)
            report.calls += 1
            report.getMetricDataCalls += 1
            report.metricsRequested += queries.count
            Counter(label: "tollgate_cloudwatch_metrics_requested_total", dimensions: [("job", job.jobName)]).increment(by: queries.count)
            let root = try await client.call(
                "GetMetricData", parameters, endpoint: endpoint, credentials: credentials,
                timeoutMilliseconds: Int(job.timeout.milliseconds), job: job.jobName)
            let (results, next) = try QueryProtocol.parseGetMetricData(root)
            for result in results { points[result.id, default: []] += zip(result.timestamps, result.values).map { ($0, $1) } }
            token = next
            pages += 1
        } while token != nil && pages < 1000
        return points
    }

    /// The dimension sets of each metric of `target` that ListMetrics finds and the filters
    /// accept, duplicates dropped; ListMetrics' pages are cached for the job's TTL.
    func discover(
        _ target: CloudWatchDiscoveryTarget, job: CloudWatchJob, region: String, endpoint: CloudWatchEndpoint, credentials: AWSCredentials,
        now: Int64, report: inout PollReport
    ) async throws -> [(CloudWatchMetric, [[MetricQuery.Dimension]])] {
        let names = target.dimensionFilters.map(\.name)
        let key = "\(job.jobName)\u{0}\(region)\u{0}\(target.namespace)\u{0}\(names.joined(separator: "\u{0}"))"
        var listed: [ListedMetric]
        if let cached = await state.cachedList(key, now: now, ttl: job.listMetricsCacheTTL.milliseconds) {
            listed = cached
        } else {
            listed = []
            var token: String?
            var pages = 0
            repeat {
                report.calls += 1
                report.listMetricsCalls += 1
                let root = try await client.call(
                    "ListMetrics", QueryProtocol.listMetrics(namespace: target.namespace, metricName: nil, dimensionNames: names, nextToken: token),
                    endpoint: endpoint, credentials: credentials, timeoutMilliseconds: Int(job.timeout.milliseconds), job: job.jobName)
                let (metrics, next) = try QueryProtocol.parseListMetrics(root)
                listed += metrics
                token = next
                pages += 1
            } while token != nil && pages < 1000
            await state.storeList(key, listed, at: now)
        }
        let filters = target.dimensionFilters.compactMap { filter in (try? AnchoredRegex(filter.value)).map { (filter.name, $0) } }
        var out: [(CloudWatchMetric, [[MetricQuery.Dimension]])] = []
        for metric in target.metrics {
            var seen: Set<[MetricQuery.Dimension]> = []
            var sets: [[MetricQuery.Dimension]] = []
            for entry in listed where entry.metricName == metric.name && entry.namespace == target.namespace {
                let matches = filters.allSatisfy { name, regex in
                    entry.dimensions.contains { $0.name == name && regex.matches($0.value) }
                }
                guard matches else { continue }
                let dimensions = entry.dimensions.sorted { $0.name < $1.name }
                if seen.insert(dimensions).inserted { sets.append(dimensions) }
            }
            out.append((metric, sets))
        }
        return out
    }

    /// Logs a failed call naming the job; authentication failures say so plainly.
    func fail(_ error: any Error, job: CloudWatchJob, region: String, report: inout PollReport) {
        report.errors.append("\(job.jobName) \(region): \(error)")
        let metadata: Logger.Metadata = ["job": "\(job.jobName)", "region": "\(region)", "error": "\(error)"]
        if let error = error as? CloudWatchError, error.isAuthentication {
            logger.error("cloudwatch refused the credentials of job \(job.jobName); the next poll tries again", metadata: metadata)
        } else {
            logger.error("cloudwatch poll of job \(job.jobName) failed", metadata: metadata)
        }
    }
}

/// The poller's mutable state: the jobs, when each is next due, ListMetrics' cache, and the
/// newest CloudWatch time exported per series (so no point is stored twice).
actor PollerState {
    private(set) var jobs: [CloudWatchJob]
    private var nextDue: [String: Int64] = [:]
    private var lists: [String: (at: Int64, metrics: [ListedMetric])] = [:]
    private var exported: [Labels: Int64] = [:]

    init(jobs: [CloudWatchJob]) { self.jobs = jobs }

    func replace(_ jobs: [CloudWatchJob]) {
        let old = Dictionary(self.jobs.map { ($0.jobName, $0) }, uniquingKeysWith: { a, _ in a })
        self.jobs = jobs
        lists = [:]
        // A job that changed is polled at once; an unchanged one keeps its schedule.
        nextDue = nextDue.filter { name, _ in jobs.contains { $0.jobName == name && old[name] == $0 } }
    }

    /// The jobs due at `now`, each scheduled one interval on.
    func takeDue(at now: Int64) -> [CloudWatchJob] {
        var due: [CloudWatchJob] = []
        for job in jobs where (nextDue[job.jobName] ?? Int64.min) <= now {
            due.append(job)
            nextDue[job.jobName] = now + job.interval.milliseconds
        }
        return due
    }

    func cachedList(_ key: String, now: Int64, ttl: Int64) -> [ListedMetric]? {
        guard ttl > 0, let entry = lists[key], now - entry.at < ttl else { return nil }
        return entry.metrics
    }

    func storeList(_ key: String, _ metrics: [ListedMetric], at now: Int64) { lists[key] = (now, metrics) }

    func lastExported(_ labels: Labels) -> Int64? { exported[labels] }

    func setLastExported(_ labels: Labels, _ time: Int64) {
        exported[labels] = time
        if exported.count > 100_000 {
            // Forget series not seen for a day.
            exported = exported.filter { $0.value > time - 86_400_000 }
        }
    }
}
