// Tollgate — Scrape: one job's targets and loops.

import CoreMetrics
import Logging
import Model
import TollgateConfig

/// A job: its settings, the target groups its discoverers last gave, and one loop
/// per active target. ``sync(client:storage:logger:)`` reconciles loops with the groups:
/// unchanged targets keep their loop (no gap), new ones start, vanished ones stop
/// with stale markers.
struct ScrapePool {
    var settings: ScrapeSettings
    /// Groups by discoverer: `static`, or `file_sd`.
    var groups: [String: [TargetGroup]] = [:]
    private(set) var loops: [ScrapeTarget: ScrapeLoop] = [:]
    private(set) var order: [ScrapeTarget] = []
    private(set) var dropped: [DroppedTarget] = []
    /// The wall clock the pool's loops scrape by.
    let clock: any MillisecondClock

    init(settings: ScrapeSettings, clock: any MillisecondClock) {
        self.settings = settings
        self.clock = clock
        groups["static"] = settings.config.staticConfigs
    }

    var name: String { settings.config.jobName }

    /// Creates, updates and removes loops to match the groups.
    /// - Returns: the new loops, for the caller to run, and the removed ones, for the caller
    ///   to stop (outside the actor's hot path).
    mutating func sync(logger: Logger) -> (new: [ScrapeLoop], removed: [ScrapeLoop]) {
        var active: [ScrapeTarget] = []
        var seen: Set<ScrapeTarget> = []
        dropped = []
        for key in groups.keys.sorted() {
            for group in groups[key] ?? [] {
                for address in group.targets {
                    switch TargetBuilder.build(address: address, group: group, config: settings.config) {
                    case .active(let target):
                        if seen.insert(target).inserted { active.append(target) }
                    case .dropped(let discovered):
                        dropped.append(DroppedTarget(discoveredLabels: discovered, scrapePool: name))
                    case .invalid(let discovered, let error):
                        logger.warning("target dropped", metadata: ["job": "\(name)", "address": "\(address)", "error": "\(error)"])
                        dropped.append(DroppedTarget(discoveredLabels: discovered, scrapePool: name))
                    }
                }
            }
        }
        let limit = settings.config.limits.targetLimit
        let forced = limit > 0 && active.count > limit
            ? ScrapeError("target_limit exceeded (number of targets: \(active.count), limit: \(limit))") : nil
        if forced != nil { ScrapeMetrics.poolTargetLimit.increment() }
        var next: [ScrapeTarget: ScrapeLoop] = [:]
        var created: [ScrapeLoop] = []
        for target in active {
            if let loop = loops.removeValue(forKey: target) {
                loop.update(settings)
                loop.force(forced)
                next[target] = loop
            } else {
                let loop = ScrapeLoop(target: target, settings: settings, clock: clock)
                loop.force(forced)
                created.append(loop)
                next[target] = loop
            }
        }
        let removed = Array(loops.values)
        loops = next
        order = active
        return (created, removed)
    }

    /// Records the job's active and discovered target counts in ``ScrapeMetrics``.
    func recordTargetCounts() {
        ScrapeMetrics.pool(name, active: loops.count, discovered: loops.count + dropped.count)
    }

    /// Every loop, for shutdown.
    mutating func removeAll() -> [ScrapeLoop] {
        defer {
            loops = [:]
            order = []
        }
        return Array(loops.values)
    }

    /// The active targets in discovery order.
    var activeTargets: [ActiveTarget] {
        order.compactMap { target in
            guard let loop = loops[target] else { return nil }
            return ActiveTarget(
                discoveredLabels: target.discoveredLabels, labels: target.targetLabels, scrapePool: name, scrapeURL: target.url,
                scrapeInterval: target.labels["__scrape_interval__"] ?? "", scrapeTimeout: target.labels["__scrape_timeout__"] ?? "",
                health: loop.status)
        }
    }
}
