// Tollgate — Rollouts: the background service that evaluates active rollouts and records the DORA series.

public import Logging
public import ServiceLifecycle

/// Evaluates every active rollout at its guard's interval (``RolloutManager/evaluateDue(at:)``:
/// a changed decision is stored, pushed to the webhooks and notified, so a no-go reaches a
/// rollout engine without anyone asking), and records the DORA figures as series.
public struct RolloutWatcher: Service {
    let manager: RolloutManager
    let tick: Duration
    let logger: Logger

    /// A watcher over `manager`, looking for due rollouts every `tick`.
    public init(manager: RolloutManager, tick: Duration = .seconds(1), logger: Logger) {
        self.manager = manager
        self.tick = tick
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        let manager = manager, tick = tick, logger = logger
        await cancelWhenGracefulShutdown {
            var ticks = 0
            while !Task.isCancelled {
                let (_, errors) = await manager.evaluateDue()
                for error in errors { logger.warning("rollout not evaluated", metadata: ["error": "\(error)"]) }
                if ticks % 5 == 0 { DoraMetrics.record(await manager.doraReport()) }
                ticks += 1
                do {
                    try await Task.sleep(for: tick)
                } catch {
                    break
                }
            }
        }
    }
}
