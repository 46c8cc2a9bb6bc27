// Tollgate — Rules: every group, each on its own schedule, reloaded as a whole.

public import Logging
public import Model
public import ServiceLifecycle

/// Runs the rule groups: each as a child task of one task group, on its own interval
/// with its own offset (``RuleGroup/evaluationTimestamp(atOrBefore:)``), skipping and
/// counting the ticks an overrunning evaluation misses.
///
/// ```swift
/// let manager = RuleManager(environment: environment, logger: logger)
/// await manager.apply(try loader.load(patterns: config.ruleFiles))   // at start and on every reload
/// // in the ServiceGroup: stops every group on graceful shutdown
/// ```
public actor RuleManager: Service {
    private var environment: RuleEnvironment
    private let logger: Logger
    private let clock: any MillisecondClock
    private var groups: [RuleGroup] = []
    private var loops: [String: ChildTask] = [:]
    private let work: AsyncStream<@Sendable () async -> Void>
    private let newWork: AsyncStream<@Sendable () async -> Void>.Continuation
    private var stopped = false

    /// Creates a manager with no groups.
    /// - Parameters:
    ///   - environment: what the groups evaluate against and notify.
    ///   - logger: where reloads are logged.
    ///   - clock: the wall clock that schedules and stamps evaluations.
    public init(environment: RuleEnvironment, logger: Logger, clock: any MillisecondClock = SystemClock()) {
        self.environment = environment
        self.logger = logger
        self.clock = clock
        (work, newWork) = AsyncStream.makeStream()
    }

    /// The groups, in file and group order.
    public var ruleGroups: [RuleGroup] { groups }

    /// Makes `newGroups` the running groups. A group that was running under the same file and
    /// name takes over its predecessor's alerts and written series; removed groups write
    /// stale markers for their series. `environment` replaces the current one when given
    /// (external labels and URL may change on reload).
    public func apply(_ newGroups: [RuleGroup], environment newEnvironment: RuleEnvironment? = nil) async {
        if let newEnvironment { environment = newEnvironment }
        let old = Dictionary(groups.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var stopping: [(RuleGroup, ChildTask?)] = []
        let newKeys = Set(newGroups.map(\.key))
        for group in groups where !newKeys.contains(group.key) { stopping.append((group, loops.removeValue(forKey: group.key))) }
        for group in newGroups {
            if let previous = old[group.key] {
                await loops.removeValue(forKey: group.key)?.stop()
                await group.copyState(from: previous)
            }
            RuleMetrics.register(group.key, interval: group.interval, rules: await group.rules.count)
            loops[group.key] = start(group)
        }
        groups = newGroups
        for (group, loop) in stopping {
            await loop?.stop()
            await group.markStale(at: clock.now(), environment: environment)
            RuleMetrics.unregister(group.key)
        }
        logger.info("rules applied", metadata: ["groups": "\(groups.count)"])
    }

    /// Hands a group's loop to ``run()``'s task group.
    private func start(_ group: RuleGroup) -> ChildTask {
        let child = ChildTask()
        let clock = clock
        newWork.yield { [weak self] in
            await child.run { [weak self] in
                await Self.loop(group, clock: clock) { [weak self] in await self?.currentEnvironment }
            }
        }
        return child
    }

    private var currentEnvironment: RuleEnvironment { environment }

    /// Evaluates `group` at each of its ticks until cancelled; a run that overruns skips the
    /// ticks it covered, and counts them.
    static func loop(_ group: RuleGroup, clock: any MillisecondClock, environment: @Sendable () async -> RuleEnvironment?) async {
        var next = group.evaluationTimestamp(atOrBefore: clock.now()) + group.interval
        while !Task.isCancelled {
            let wait = next - clock.now()
            if wait > 0 {
                do { try await Task.sleep(for: .milliseconds(wait)) } catch { return }
            }
            guard let environment = await environment() else { return }
            await group.evaluate(at: next, environment: environment)
            let now = clock.now()
            var following = next + group.interval
            if following <= now {
                let missed = (now - next) / group.interval
                RuleMetrics.countMissed(group.key, missed)
                following = next + (missed + 1) * group.interval
            }
            next = following
        }
    }

    /// Runs every group's loop as a child of one task group until graceful shutdown or
    /// ``stop()``, then stops them all (without stale markers, as Prometheus does).
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for await job in work.cancelOnGracefulShutdown() {
                group.addTask { await job() }
            }
            await stop()
        }
    }

    /// Stops every group; no more evaluations afterwards.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        newWork.finish()
        let children = Array(loops.values)
        loops = [:]
        for child in children { await child.stop() }
    }
}
