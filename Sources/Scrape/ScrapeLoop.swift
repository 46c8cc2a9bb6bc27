// Tollgate — Scrape: the loop that scrapes one target on its interval.

import CurlHTTP
import Exposition
public import Foundation
import CoreMetrics
import Logging
import Model
import Synchronization
import Storage

/// Scrapes one target every interval, from a start offset spread by the target's
/// hash, until stopped. Each scrape is one appender batch: the samples, stale
/// markers for vanished series, and the synthetic series (`up`, …).
///
/// The series cache lives in the loop's task; other tasks see only ``status`` and
/// may swap the job's settings with ``update(_:)`` (used from the next scrape on).
final class ScrapeLoop: Sendable {
    /// Why a loop stops.
    enum StopReason: Sendable {
        /// The target is gone: its series get stale markers.
        case removed
        /// The process is shutting down: series are left as they are, as Prometheus does.
        case shutdown
    }

    private struct Shared: Sendable {
        var settings: ScrapeSettings
        var forcedError: ScrapeError?
        var stopReason = StopReason.shutdown
        var status = TargetHealth()
        var metadata = ExpositionMetadata()
    }

    let target: ScrapeTarget
    private let clock: any MillisecondClock
    private let shared: Mutex<Shared>
    /// The loop's place in the manager's task group.
    private let child = ChildTask()

    init(target: ScrapeTarget, settings: ScrapeSettings, clock: any MillisecondClock) {
        self.target = target
        self.clock = clock
        shared = Mutex(Shared(settings: settings))
    }

    /// The latest health.
    var status: TargetHealth { shared.withLock { $0.status } }
    /// The HELP, TYPE and UNIT lines of the last successful scrape.
    var metadata: ExpositionMetadata { shared.withLock { $0.metadata } }
    /// Replaces the job's settings from the next scrape on.
    func update(_ settings: ScrapeSettings) { shared.withLock { $0.settings = settings } }

    /// Makes every scrape fail with `error` (the job's `target_limit` is exceeded), or lifts it.
    func force(_ error: ScrapeError?) { shared.withLock { $0.forcedError = error } }

    /// Scrapes until ``stop(_:)`` or until the calling task (a child of the manager's task
    /// group) is cancelled; returns at once if stopped before it began.
    func run(client: HTTPClient, storage: any Appendable, logger: Logger) async {
        await child.run { [self] in await scrapeUntilCancelled(client: client, storage: storage, logger: logger) }
    }

    /// Stops the loop and waits for it; a removed target's series get stale markers.
    func stop(_ reason: StopReason) async {
        shared.withLock { $0.stopReason = reason }
        await child.stop()
    }

    /// The first scrape time: the target's fixed offset within the interval, as Prometheus spreads them.
    private func firstScrape(after now: Int64) -> Int64 {
        let interval = target.interval
        let base = interval - now % interval
        var next = base + Int64(target.offsetHash % UInt64(interval))
        if next > interval { next -= interval }
        return now + next
    }

    /// The timestamp a scrape that started at `start` stores: its scheduled time when it started
    /// at most the tolerance after it, as Prometheus aligns them (the smaller of 2 ms and 1 % of
    /// the interval: none below 100 ms). The loop's timer wakes a millisecond late about one
    /// time in four; without this, a chunk stores each such timestamp's delta-of-delta in 16 bits
    /// instead of 1. A scrape never starts before its schedule, but by an injected clock.
    static func timestamp(_ start: Int64, scheduled: Int64, interval: Int64) -> Int64 {
        let late = start - scheduled
        return late >= 0 && late <= min(2, interval / 100) ? scheduled : start
    }

    private func scrapeUntilCancelled(client: HTTPClient, storage: some Appendable, logger: Logger) async {
        var cache = ScrapeCache()
        var settings = shared.withLock { $0.settings }
        var scraper = Scraper(target: target, client: client)
        var next = firstScrape(after: clock.now())
        let intervalLength = ScrapeMetrics.intervalLength(PromDuration(milliseconds: target.interval).description)
        var lastStart: Int64?
        while !Task.isCancelled {
            let wait = next - clock.now()
            if wait > 0 {
                do { try await Task.sleep(for: .milliseconds(wait)) } catch { break }
            }
            let (current, forced) = shared.withLock { ($0.settings, $0.forcedError) }
            if !current.keepsSeriesCache(settings) { cache.reset() }
            settings = current
            let start = clock.now()
            if let lastStart, start > lastStart { intervalLength.recordMilliseconds(start - lastStart) }
            lastStart = start
            let outcome = await scraper.scrape(
                at: Self.timestamp(start, scheduled: next, interval: target.interval), settings: settings, forced: forced, cache: &cache,
                storage: storage, logger: logger)
            if Task.isCancelled && outcome.cancelled { break }
            let previous = shared.withLock {
                let previous = $0.status.lastError
                $0.status = outcome.health
                if outcome.health.lastError.isEmpty { $0.metadata = cache.metadata }
                return previous
            }
            // Log when a target starts failing, fails differently, or recovers; not every failed scrape.
            if outcome.health.lastError != previous {
                if outcome.health.lastError.isEmpty {
                    logger.info("scrape recovered", metadata: ["target": "\(target.url)"])
                } else {
                    logger.warning("scrape failed", metadata: ["target": "\(target.url)", "error": "\(outcome.health.lastError)"])
                }
            }
            next += target.interval
            let now = clock.now()
            if next <= now { next += ((now - next) / target.interval + 1) * target.interval }
        }
        guard shared.withLock({ $0.stopReason }) == .removed else { return }
        var appender = storage.appender()
        cache.appendStaleMarkers(at: clock.now(), into: &appender)
        await scraper.appendStaleReport(at: clock.now(), into: &appender)
        do {
            _ = try await appender.commit()
        } catch {
            logger.warning("cannot store stale markers", metadata: ["target": "\(target.url)", "error": "\(error)"])
        }
    }
}

/// A target's health as `/api/v1/targets` reports it.
public struct TargetHealth: Sendable, Equatable {
    /// `up`, `down` or `unknown` (not scraped yet).
    public var health = "unknown"
    /// The last scrape's error, or "".
    public var lastError = ""
    /// When the last scrape started.
    public var lastScrape: Date?
    /// How long the last scrape took, in seconds.
    public var lastScrapeDuration = 0.0
}
