// Tollgate — TSDB: compressed, crash-safe time series in one SQLite file.

import Chunks
import CoreMetrics
import Dispatch
import Foundation
import GRDB
public import Logging
public import Model
public import Storage
import Synchronization

/// The time-series store: a head of open chunks in memory, a log of committed
/// batches, and sealed chunks and merged blocks, all in one SQLite file in WAL mode.
///
/// Every operation runs on one serial dispatch queue of its own, so SQLite's long
/// blocking calls never occupy Swift's cooperative pool, and operations never interleave.
/// The one exception is a commit that finds the store idle and due no checkpoint: it
/// runs on the caller's thread, under the same lock (see `commit`).
///
/// ```swift
/// let tsdb = try await TSDB.open(directory: "data", logger: logger)
/// var appender = tsdb.appender()
/// appender.append(labels, t: now, v: 1)
/// _ = try await appender.commit()
/// let series = try await tsdb.select([try LabelMatcher(.equal, "__name__", "up")], minTime: 0, maxTime: now)
/// ```
public final class TSDB: Sendable {
    /// Tuning knobs.
    public struct Options: Sendable {
        /// Samples per head chunk before it is sealed (Prometheus: 120).
        public var chunkSize = 120
        /// Log records between checkpoints of the head, at least.
        public var checkpointInterval = 512
        /// Logged samples per series between checkpoints, at least: a checkpoint rewrites
        /// every open chunk, so its cost grows with the series count, and so does the gap.
        /// Recovery replays at most about this many samples per series, and two chunks more
        /// when the series seal out of step (``TSDB/fullCheckpointSamples``).
        public var checkpointSamplesPerSeries = 64
        /// Time range of a merged block, in milliseconds (2 h).
        public var blockRange: Int64 = 2 * 3_600_000
        /// How far back, in milliseconds, a sample older than its series' newest one is still
        /// taken (Prometheus's `storage.tsdb.out_of_order_time_window`): one at or after the
        /// head's newest time minus this window is stored, an older one is rejected as out of
        /// order. 0 (the default) takes no out-of-order sample at all.
        public var outOfOrderTimeWindow: Int64 = 0
        /// Opens an existing store for reading only: nothing is created or written, a
        /// missing store is an error, and the head is rebuilt in memory (recovery seals,
        /// truncates and checkpoints nothing). Appends fail. For `tsdb dump` and `tsdb stats`.
        public var readOnly = false
        /// How long, in milliseconds, head-log records are kept for a log reader that has
        /// not read them (a remote-write queue whose receiver is down): past this, a
        /// checkpoint drops them whatever the readers (2 h, about what Prometheus's WAL holds).
        public var logRetention: Int64 = 2 * 3_600_000

        /// How long, in milliseconds, a series may go without a sample (counted back from the
        /// head's newest time) before it leaves the head for the disk, where selections still
        /// find it and its next sample brings it back (1 h; 0 keeps every series in memory).
        public var idleSeriesTime: Int64 = 3_600_000

        /// How long, in milliseconds, a series whose newest sample is a staleness marker (its
        /// target or rule stopped giving it) stays in the head, counted back like
        /// ``idleSeriesTime`` (5 min; 0 leaves such series to ``idleSeriesTime``). An ended
        /// series' open chunk never fills, so until it leaves, every checkpoint saves it again.
        public var staleSeriesTime: Int64 = 300_000

        /// The size, in bytes, past which the head log starts a new file (its files are
        /// deleted whole once a checkpoint covers them).
        public var logSegmentBytes = 8 << 20

        /// The defaults.
        public init() {}
    }

    struct State {
        var series = SeriesTable()
        /// The head's series by their labels (``headID(of:)``).
        var ids = SeriesIDs()
        var postings = Postings()
        /// The label strings of the head's series, one numbered copy each.
        var symbols = SymbolTable()
        /// Series that went idle and left the head (see `TSDB+Eviction`).
        var cold = ColdSeries()
        var nextID: UInt32 = 1
        /// Log records and samples after the last checkpoint's (what recovery would replay).
        var logRecords = 0
        var logSamples = 0
        /// The last record the last checkpoint covered.
        var checkpointSeq: Int64 = 0
        /// Log records after the last checkpoint's before a checkpoint is considered again,
        /// when one was put off to wait for the open chunks to seal (0: none put off).
        var checkpointRecheck = 0
        /// The newest sample time of any series (Prometheus's head max time); `.min` when empty.
        var headMaxTime: Int64 = .min
        /// The out-of-order window in force (from ``Options/outOfOrderTimeWindow``, changed by
        /// ``setOutOfOrderTimeWindow(_:)`` on a configuration reload).
        var outOfOrderTimeWindow: Int64 = 0
        /// The number the next head-log record gets: records are numbered without gaps, and a
        /// number is never given twice (log readers keep positions by number).
        var nextLogSeq: Int64 = 1
        /// The head log's files (see ``HeadLog``).
        var log = HeadLog()
        /// Each log reader's position (see `TSDB+LogReaders`).
        var logReaders: [String: Int64] = [:]
        /// Where the last few reads of the log ended (``LogCursor``), newest last.
        var logCursors: [LogCursor] = []
        /// The last record each recent checkpoint covered, and when: the age of the records
        /// kept for readers. Empty while there is no reader.
        var checkpointMarks: [(seq: Int64, at: ContinuousClock.Instant)] = []
        /// Counts commits, to stamp the series each one changes (``nextBatch()``).
        var batch: UInt32 = 0
        /// What the commit loop's reads ahead saw; kept so that the reads are not optimized away.
        var readAhead = 0
    }

    let pool: DatabasePool
    let logger: Logger
    let options: Options
    /// The database file.
    public let path: String
    private let queue = DispatchQueue(label: "tollgate.tsdb")
    /// Where selections run: many at once, beside the writer (each reads a snapshot).
    private let readQueue = DispatchQueue(label: "tollgate.tsdb.read", attributes: .concurrent)
    /// Held by every operation: the queue's work, and commits run on their caller's thread.
    private let exclusive = StoreLock(())
    let state = StoreLock(State())
    /// Timestamp sets decoded by queries, kept for the next ones.
    let decodedTimestampSets = Mutex(DecodedTimestampSets())
    /// The highest timestamp set id handed out since the store opened: ids are never given
    /// out twice in one process, so a decoded set kept for queries never goes stale.
    let lastTimestampSetID = Mutex<Int64>(0)
    /// Whether writes fail now, and why (see `TSDB+WriteFailures`).
    let writeHealth = Mutex(WriteHealth())
    /// What compaction and time retention last swept (see ``SweepMarks``).
    let sweeps = Mutex(SweepMarks())

    private init(pool: DatabasePool, path: String, logger: Logger, options: Options) {
        self.pool = pool
        self.path = path
        self.logger = logger
        self.options = options
    }

    /// Closes the head log's file (a store dropped without ``close()``, as tests do).
    deinit {
        state.withLock { $0.log.close() }
    }

    /// Opens (creating if needed, unless `options.readOnly`) `DIR/tollgate.db` and recovers
    /// the head: series, the last checkpoint of open chunks, then every committed batch
    /// logged since.
    /// - Throws: ``TSDBError`` when the file cannot be opened as a Tollgate database
    ///   (the file is then left as it was), or, read-only, when there is no store in
    ///   `directory` (`no Tollgate data in DIR`; nothing is created).
    public static func open(directory: String, logger: Logger, options: Options = Options()) async throws -> TSDB {
        let path = (directory as NSString).appendingPathComponent("tollgate.db")
        if options.readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw TSDBError("no Tollgate data in \(directory)") }
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return try await onQueue(DispatchQueue(label: "tollgate.tsdb.open")) {
            try checkReadable(path)
            var configuration = Configuration()
            configuration.label = "tollgate.tsdb"
            configuration.readonly = options.readOnly
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")  // WAL: durable against process crashes
                // Some builds of SQLite (Debian's among them) zero every deleted row and freed
                // page: each checkpoint would rewrite the whole log it empties, and the open
                // chunks it replaces (measured: 250 MB written per checkpoint of 200,000 series
                // instead of 40 MB). Prometheus does not erase deleted data either.
                try db.execute(sql: "PRAGMA secure_delete = OFF")
                // After a large transaction (a checkpoint of the head), the WAL file is cut back
                // to this size once SQLite starts it over, instead of keeping its largest size.
                try db.execute(sql: "PRAGMA journal_size_limit = 33554432")
                // Query readers map the file instead of copying pages through pread (queries
                // read many chunks). The writer does not: its pages would stay mapped, and
                // resident, for the life of the process.
                if db.configuration.readonly { try db.execute(sql: "PRAGMA mmap_size = \(TSDB.readerMapBytes)") }
            }
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
                if options.readOnly {
                    guard try pool.read({ try Schema.migrator.hasCompletedMigrations($0) }) else {
                        throw TSDBError("the schema is older than this Tollgate's; open it once with tollgate serve or tollgate import")
                    }
                } else {
                    try Schema.migrator.migrate(pool)
                }
            } catch {
                throw TSDBError("cannot open \(path): \(error)\(damageHint(error, directory))")
            }
            let tsdb = TSDB(pool: pool, path: path, logger: logger, options: options)
            tsdb.setOutOfOrderTimeWindow(options.outOfOrderTimeWindow)
            do {
                let log = try HeadLog(
                    directory: (directory as NSString).appendingPathComponent("head-log"), segmentBytes: options.logSegmentBytes, readOnly: options.readOnly)
                tsdb.state.withLock { $0.log = log }
                try tsdb.recover()
            } catch let error as DatabaseError where ![.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
                throw TSDBError("cannot open \(path): \(error)")  // a full disk, a failing file system: not damage
            } catch {
                // A store that opens but cannot be read back is damaged: say where and what, never start empty.
                throw TSDBError("\(path) is damaged: \(error)\(damageHint(error, directory, always: true))")
            }
            StorageMetrics.series.record(tsdb.state.withLock { $0.ids.count })
            StorageMetrics.appended.increment(by: 0)
            StorageMetrics.seriesRemoved.increment(by: 0)
            StorageMetrics.outOfOrder.increment(by: 0)
            StorageMetrics.outOfOrderAppended.increment(by: 0)
            StorageMetrics.rejected.increment(by: 0)
            for reason in [StoreWriteFailure.Reason.diskFull, .ioError, .other] { StorageMetrics.writeFailures(reason).increment(by: 0) }
            return tsdb
        }
    }

    /// A fresh appender for one batch.
    public func appender() -> any Appender { TSDBAppender(tsdb: self) }

    func commit(_ batch: [(Labels, Int64, Double)], _ byRef: [(UInt32, Int64, Double)] = []) async throws -> CommitResult {
        try await commitGivingIDs(batch, byRef).0
    }

    /// ``commit(_:_:)``, and the id of each sample's series in `batch`, in order.
    func commitGivingIDs(_ batch: [(Labels, Int64, Double)], _ byRef: [(UInt32, Int64, Double)]) async throws -> (CommitResult, [UInt32]) {
        let (result, ids): (CommitResult, [UInt32])
        if let inline = try commitInline(batch, byRef) {
            (result, ids) = inline
        } else {
            (result, ids) = try await run { try self.commitNowGivingIDs(batch, byRef) }
        }
        StorageMetrics.appended.increment(by: result.appended)
        StorageMetrics.rejected.increment(by: result.rejected)
        if result.outOfOrder > 0 { StorageMetrics.outOfOrder.increment(by: result.outOfOrder) }
        if result.outOfOrderAppended > 0 { StorageMetrics.outOfOrderAppended.increment(by: result.outOfOrderAppended) }
        if result.newSeries > 0 { StorageMetrics.series.record(state.withLock { $0.ids.count }) }
        return (result, ids)
    }

    /// A commit run on the caller's thread, when no other operation holds the store and
    /// the commit does not checkpoint: a scrape's commit takes about a millisecond, and two
    /// thread hops (to the queue and back) cost more than that in scheduling. Nil otherwise.
    private func commitInline(_ batch: [(Labels, Int64, Double)], _ byRef: [(UInt32, Int64, Double)]) throws -> (CommitResult, [UInt32])? {
        let samples = batch.count + byRef.count
        let checkpointDue = state.withLock { s in self.checkpointDue(s, adding: 1, samples: samples) }
        guard !checkpointDue else { return nil }
        return try exclusive.withLockIfAvailable { _ in try commitNowGivingIDs(batch, byRef) }
    }

    /// The reference of a stored series, or nil when it does not exist yet (it does once
    /// a batch with a sample of it has committed).
    public func ref(for labels: Labels) -> SeriesRef? {
        state.withLock { s in s.headID(of: labels).map { SeriesRef(UInt64($0)) } }
    }

    /// The references of many series at once, holding the head once (a first scrape looks
    /// up thousands).
    public func refs(for labels: [Labels]) -> [SeriesRef?] {
        state.withLock { s in labels.map { s.headID(of: $0).map { SeriesRef(UInt64($0)) } } }
    }

    /// Runs blocking reads on the read queue, without holding the store: commits go on
    /// meanwhile, and `work` must read a snapshot (see `select`).
    func read<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await Self.onQueue(readQueue, work)
    }

    /// Runs blocking work on the store's queue, holding the store.
    func run<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await Self.onQueue(queue) { try self.exclusive.withLock { _ in try work() } }
    }

    private static func onQueue<R: Sendable>(_ queue: DispatchQueue, _ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// What to do about a damaged file, for an error that shows damage (or `always`); "" otherwise.
    private static func damageHint(_ error: any Error, _ directory: String, always: Bool = false) -> String {
        let damaged = (error as? DatabaseError).map { [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains($0.resultCode) } ?? false
        guard damaged || always else { return "" }
        return "; `tollgate tsdb check --data-dir \(directory)` lists what is wrong, and `--repair` keeps every readable series and sample"
    }

    /// Refuses files that exist but are not SQLite databases, before SQLite touches them.
    private static func checkReadable(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
            throw TSDBError("cannot open \(path): not a SQLite database (the file was left untouched)")
        }
    }
}

/// A storage failure with its cause.
public struct TSDBError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The store's own metrics, named as Prometheus names its head's.
enum StorageMetrics {
    /// Samples stored by commits (Prometheus 2.4x+ labels them by sample type).
    static let appended = Counter(label: "prometheus_tsdb_head_samples_appended_total", dimensions: [("type", "float")])
    /// Samples older than their series' newest sample, dropped (with a window: older than it allows).
    static let outOfOrder = Counter(label: "prometheus_tsdb_out_of_order_samples_total", dimensions: [("type", "float")])
    /// Samples older than their series' newest sample, stored because the out-of-order window took them.
    static let outOfOrderAppended = Counter(
        label: "prometheus_tsdb_head_out_of_order_samples_appended_total", dimensions: [("type", "float")])
    /// Samples dropped as out of order or duplicate.
    static let rejected = Counter(label: "tollgate_tsdb_samples_rejected_total")
    /// Series in the head.
    static let series = Gauge(label: "prometheus_tsdb_head_series")
    /// Series that went idle and left the head (``TSDB/evictIdleSeries()``).
    static let seriesRemoved = Counter(label: "prometheus_tsdb_head_series_removed_total")
}
