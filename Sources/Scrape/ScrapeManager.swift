// Tollgate — Scrape: every job, reloaded as a whole.

import CurlHTTP
import Exposition
import CoreMetrics
public import Logging
public import Model
public import ServiceLifecycle
public import Storage
public import TollgateConfig

/// Runs the scrape jobs of a configuration: one pool per job, one loop per target,
/// file-based discovery polled in the background.
///
/// ```swift
/// let manager = try ScrapeManager(storage: tsdb, logger: logger)
/// await manager.apply(config)        // at start and on every reload
/// // in the ServiceGroup: stops every loop on graceful shutdown
/// ```
public actor ScrapeManager: Service {
    /// Settings that are not part of the configuration file.
    public struct Options: Sendable {
        /// Sent as `User-Agent`.
        public var userAgent = "Tollgate"
        /// How often file_sd files are checked for changes.
        public var fileCheckInterval = Duration.seconds(5)
        /// Defaults.
        public init() {}
    }

    private let storage: any Appendable
    private let client: HTTPClient
    private let logger: Logger
    private let options: Options
    private let clock: any MillisecondClock
    private var pools: [String: ScrapePool] = [:]
    private var jobOrder: [String] = []
    private var discoveries: [String: ChildTask] = [:]
    /// Work for ``run()``'s task group: every scrape loop and discovery runs as its child.
    private let work: AsyncStream<@Sendable () async -> Void>
    private let newWork: AsyncStream<@Sendable () async -> Void>.Continuation
    private var stopped = false

    /// Creates a manager with no jobs.
    /// - Parameters:
    ///   - storage: where scraped samples are appended.
    ///   - logger: where scrape failures and reloads are logged.
    ///   - options: settings that are not part of the configuration file.
    ///   - clock: the wall clock that stamps scrapes and schedules them.
    /// - Throws: ``CurlHTTP/HTTPClientError`` when the HTTP client cannot start.
    public init(storage: any Appendable, logger: Logger, options: Options = Options(), clock: any MillisecondClock = SystemClock()) throws {
        self.storage = storage
        self.logger = logger
        self.options = options
        self.clock = clock
        ScrapeMetrics.register()
        client = try HTTPClient()
        (work, newWork) = AsyncStream.makeStream()
    }

    /// Makes the running jobs those of `config`: new jobs start, removed jobs stop
    /// (their series get stale markers), changed jobs keep the loops of unchanged targets.
    /// New loops begin once ``run()`` runs (at start, `apply` comes first).
    public func apply(_ config: TollgateConfig) async {
        var stopping: [ScrapeLoop] = []
        var stoppingDiscoveries: [ChildTask] = []
        let names = Set(config.scrapeConfigs.map(\.jobName))
        for name in jobOrder where !names.contains(name) {
            if let discovery = discoveries.removeValue(forKey: name) { stoppingDiscoveries.append(discovery) }
            if var pool = pools.removeValue(forKey: name) { stopping += pool.removeAll() }
            ScrapeMetrics.pool(name, active: 0, discovered: 0)
        }
        for job in config.scrapeConfigs {
            let settings = ScrapeSettings(config: job, userAgent: options.userAgent)
            if pools[job.jobName] == nil { ScrapeMetrics.poolsCreated.increment() }
            var pool = pools[job.jobName] ?? ScrapePool(settings: settings, clock: clock)
            let discoveryChanged = pool.settings.config.fileSDConfigs != job.fileSDConfigs
            pool.settings = settings
            pool.groups["static"] = job.staticConfigs
            if discoveryChanged || discoveries[job.jobName] == nil {
                if let discovery = discoveries.removeValue(forKey: job.jobName) { stoppingDiscoveries.append(discovery) }
                pool.groups["file_sd"] = nil
                if !job.fileSDConfigs.isEmpty {
                    var discovery = FileDiscovery(configs: job.fileSDConfigs)
                    pool.groups["file_sd"] = discovery.poll(logger: logger, force: true) ?? []
                    discoveries[job.jobName] = watch(discovery, job: job.jobName)
                }
            }
            stopping += start(pool.sync(logger: logger))
            pool.recordTargetCounts()
            pools[job.jobName] = pool
        }
        jobOrder = config.scrapeConfigs.map(\.jobName)
        for discovery in stoppingDiscoveries { await discovery.stop() }
        await Self.stop(stopping, .removed)
        logger.info("scrape configuration applied", metadata: ["jobs": "\(jobOrder.count)", "targets": "\(pools.values.reduce(0) { $0 + $1.loops.count })"])
    }

    /// Hands new loops to ``run()``'s task group; returns the removed ones.
    private func start(_ changes: (new: [ScrapeLoop], removed: [ScrapeLoop])) -> [ScrapeLoop] {
        let client = client, storage = storage, logger = logger
        for loop in changes.new { newWork.yield { await loop.run(client: client, storage: storage, logger: logger) } }
        return changes.removed
    }

    /// Polls a job's discovery files every `fileCheckInterval`, as a child of ``run()``'s group.
    private func watch(_ start: FileDiscovery, job: String) -> ChildTask {
        let interval = options.fileCheckInterval
        let logger = logger
        let child = ChildTask()
        newWork.yield { [weak self] in
            await child.run { [weak self] in
                var discovery = start
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    guard let groups = discovery.poll(logger: logger) else { continue }
                    await self?.update(job: job, fileGroups: groups)
                }
            }
        }
        return child
    }

    private func update(job: String, fileGroups: [TargetGroup]) async {
        guard var pool = pools[job] else { return }
        pool.groups["file_sd"] = fileGroups
        let stopping = start(pool.sync(logger: logger))
        pool.recordTargetCounts()
        pools[job] = pool
        logger.info("file_sd targets changed", metadata: ["job": "\(job)", "targets": "\(pool.loops.count)"])
        await Self.stop(stopping, .removed)
    }

    private static func stop(_ loops: [ScrapeLoop], _ reason: ScrapeLoop.StopReason) async {
        await withDiscardingTaskGroup { group in
            for loop in loops { group.addTask { await loop.stop(reason) } }
        }
    }

    /// Runs every scrape loop and discovery as a child task of one task group, until
    /// graceful shutdown or ``stop()``, then stops them all (without stale markers, as
    /// Prometheus does) and returns once every child has ended.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for await job in work.cancelOnGracefulShutdown() {
                group.addTask { await job() }
            }
            await stop()
        }
    }

    /// Stops every loop and discovery and ends ``run()``; series are left as they are, as on
    /// shutdown. The manager scrapes no more afterwards.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        newWork.finish()
        let children = Array(discoveries.values)
        discoveries = [:]
        for child in children { await child.stop() }
        var loops: [ScrapeLoop] = []
        for name in jobOrder { loops += pools[name]?.removeAll() ?? [] }
        await Self.stop(loops, .shutdown)
        client.shutdown()
    }

    /// Active targets, job by job, optionally of one job.
    public func activeTargets(pool: String? = nil) -> [ActiveTarget] {
        jobOrder.filter { pool == nil || $0 == pool }.flatMap { pools[$0]?.activeTargets ?? [] }
    }

    /// Targets relabeling dropped, optionally of one job.
    public func droppedTargets(pool: String? = nil) -> [DroppedTarget] {
        jobOrder.filter { pool == nil || $0 == pool }.flatMap { pools[$0]?.dropped ?? [] }
    }

    /// Per job, how many targets were dropped.
    public func droppedTargetCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for name in jobOrder { counts[name] = pools[name]?.dropped.count ?? 0 }
        return counts
    }

    /// The job names, in configuration order.
    public var scrapePools: [String] { jobOrder }

    /// Metric metadata of the targets matching `matchers`, optionally of one metric.
    public func targetMetadata(matching matchers: [LabelMatcher], metric: String?, limit: Int?) -> [TargetMetadata] {
        var results: [TargetMetadata] = []
        for name in jobOrder {
            guard let pool = pools[name] else { continue }
            for target in pool.order {
                let labels = target.targetLabels
                guard matchers.allSatisfy({ $0.matches(labels[$0.name] ?? "") }), let loop = pool.loops[target] else { continue }
                let families = loop.metadata.families
                for family in families.keys.sorted() where metric == nil || family == metric {
                    guard let entry = families[family] else { continue }
                    results.append(TargetMetadata(target: labels, metric: family, type: entry.type.rawValue, help: entry.help, unit: entry.unit))
                    if let limit, limit >= 0, results.count >= limit { return results }
                }
            }
        }
        return results
    }
}
