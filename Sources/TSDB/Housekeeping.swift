// Tollgate — TSDB: the background service that compacts and enforces retention.

import CoreMetrics
public import Logging
public import Model
public import ServiceLifecycle
import Storage
import Synchronization

/// Periodically merges sealed chunks older than one block range into blocks, deletes
/// data older than the time retention, and trims the oldest data beyond the size
/// retention. On graceful shutdown it checkpoints the head so the next start is quick.
///
/// Each round is cheap unless there is work: compaction and time retention get cutoffs
/// aligned to the block range (whole windows, as Prometheus compacts and deletes whole
/// blocks), so they sweep the chunk table once per range, not every round (``SweepMarks``);
/// size retention looks at the files' size before it counts the data; and the store's
/// statistics, a scan of its tables, are recorded after a round that changed something and
/// otherwise every ``statisticsInterval``.
public struct Housekeeping: Service {
    /// Retention and timing.
    public struct Settings: Sendable {
        /// Keep samples this long (milliseconds); 0 keeps everything.
        public var retentionTime: Int64
        /// Keep at most this many bytes of sample data; 0 means no limit.
        public var retentionSize: Int64
        /// How often to run.
        public var interval: Duration

        /// Creates settings.
        public init(retentionTime: Int64, retentionSize: Int64, interval: Duration = .seconds(60)) {
            self.retentionTime = retentionTime
            self.retentionSize = retentionSize
            self.interval = interval
        }
    }

    let tsdb: TSDB
    let settings: Settings
    let logger: Logger
    let clock: any MillisecondClock
    /// When the statistics were last recorded (by `clock`), shared by the copies of the service.
    private let statisticsRecorded = StatisticsMark()

    /// How often the store's statistics are recorded when no round changed anything
    /// (milliseconds): they scan the chunk and series tables.
    public static let statisticsInterval: Int64 = 10 * 60_000

    /// Creates the service.
    /// - Parameters:
    ///   - tsdb: the store.
    ///   - settings: retention and timing.
    ///   - logger: where results and failures are logged.
    ///   - clock: the wall clock that retention counts back from.
    public init(tsdb: TSDB, settings: Settings, logger: Logger, clock: any MillisecondClock = SystemClock()) {
        self.tsdb = tsdb
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        HousekeepingMetrics.register(retentionSize: settings.retentionSize)
        await recordStats()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: settings.interval)
                } catch {
                    break
                }
                await runOnce()
            }
        }
        do {
            try await tsdb.checkpointHead()
            logger.info("storage checkpointed for shutdown")
        } catch {
            logger.error("checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// One round: compaction, idle series out of the head, then time retention, then size retention.
    public func runOnce() async {
        let current = clock.now()
        let started = ContinuousClock.now
        let range = tsdb.options.blockRange
        var changed = false
        do {
            let compacted = try await tsdb.compact(before: Self.windowStart(current - range, range))
            if compacted.blocks > 0 {
                changed = true
                HousekeepingMetrics.compactions.increment()
                HousekeepingMetrics.recordCompaction(ContinuousClock.now - started)
                logger.info("compacted", metadata: ["blocks": "\(compacted.blocks)", "merged_rows": "\(compacted.mergedRows)"])
            }
        } catch {
            HousekeepingMetrics.compactionsFailed.increment()
            report(error, "compaction")
        }
        do {
            let evictionStarted = ContinuousClock.now
            let evicted = try await tsdb.evictIdleSeries()
            if evicted > 0 {
                changed = true
                logger.info("idle series left the head", metadata: ["series": "\(evicted)", "duration": "\(ContinuousClock.now - evictionStarted)"])
            }
        } catch {
            report(error, "moving idle series out of the head")
        }
        do {
            if settings.retentionTime > 0 {
                let deleted = try await tsdb.deleteBefore(Self.windowStart(current - settings.retentionTime, range))
                if deleted > 0 {
                    changed = true
                    HousekeepingMetrics.timeRetentions.increment()
                    logger.info("time retention deleted old data", metadata: ["rows": "\(deleted)"])
                }
            }
            // The files hold at least the data: below the limit, there is nothing to count.
            if settings.retentionSize > 0 && tsdb.fileBytes > settings.retentionSize {
                let deleted = try await tsdb.shrink(toBytes: Int(clamping: settings.retentionSize))
                if deleted > 0 {
                    changed = true
                    HousekeepingMetrics.sizeRetentions.increment()
                    logger.info("size retention deleted old data", metadata: ["rows": "\(deleted)"])
                }
            }
        } catch {
            report(error, "retention")
        }
        let due = statisticsRecorded.time.withLock { last in
            changed || last.map { current - $0 >= Self.statisticsInterval || current < $0 } ?? true
        }
        if due {
            await recordStats()
        } else {
            HousekeepingMetrics.recordHead(maxTime: tsdb.headMaxTime)
        }
    }

    /// The start of the block-range window that holds `time`: compaction and retention cut
    /// at whole windows.
    static func windowStart(_ time: Int64, _ range: Int64) -> Int64 {
        guard range > 0 else { return time }
        let (quotient, remainder) = time.quotientAndRemainder(dividingBy: range)
        return (remainder < 0 ? quotient - 1 : quotient) &* range
    }

    /// Logs a failed round; a full disk goes to the store, which logs each cause once
    /// (housekeeping may run every few seconds) and keeps `/-/ready` at 503 until a write works.
    private func report(_ error: any Error, _ what: String) {
        if TSDB.classify(error, path: tsdb.path).reason == .diskFull {
            tsdb.noteWriteFailure(error, during: what)
        } else {
            logger.error("\(what) failed", metadata: ["error": "\(error)"])
        }
    }

    /// Records the store's size and time range in ``HousekeepingMetrics``.
    private func recordStats() async {
        do {
            HousekeepingMetrics.record(try await tsdb.stats())
            let now = clock.now()
            statisticsRecorded.time.withLock { $0 = now }
        } catch {
            logger.warning("cannot read storage statistics", metadata: ["error": "\(error)"])
        }
    }
}

extension TSDB {
    /// Saves the open head chunks and empties the log.
    public func checkpointHead() async throws {
        try await run { try self.state.withLock { try self.checkpoint(&$0) } }
    }
}

/// When housekeeping last recorded the store's statistics.
private final class StatisticsMark: Sendable {
    let time = Mutex<Int64?>(nil)
}
