// Tollgate — RemoteWrite: one `remote_write` entry: it tails the store's log and sends in shards.

import CoreMetrics
import CurlHTTP
import Foundation
import Logging
import Model
import Relabel
import Storage
import Synchronization
import TollgateConfig

/// One `remote_write` entry at run time. It reads the store's log of committed batches
/// (``CommitLog``) from its own durable position, as Prometheus's queue manager tails its
/// WAL: nothing is written twice, only what the store kept is sent, and a restart or a
/// receiver outage resumes from the position (within the log's retention).
///
/// A reader loop reads the log, relabels each series once (external labels, then
/// `write_relabel_configs`), and spreads samples over shards by series, so each series
/// stays in order in one shard. A shard's request is cut at `max_samples_per_send` samples
/// or when its oldest sample waited `batch_send_deadline`; shards send independently, and
/// the position moves as far as every shard has finished (``QueueProgress``). Reading stops
/// while `capacity` × shards samples are unsent. The shard count doubles when reading was
/// held back by unsent samples (``ShardWindow``) and halves when reads come back short
/// (caught up); changing it drains the shards first, as Prometheus reshards.
final class RemoteQueue: Sendable {
    let config: RemoteWriteConfig
    /// `remote_name` in the metrics: the entry's `name`, else a hash of its URL.
    let name: String
    private let externalLabels: [Label]
    private let log: any CommitLog
    private let sender: RemoteSender
    private let logger: Logger
    private let metrics: RemoteQueueMetrics
    private let live = Mutex(Live())

    private struct Live {
        var shards = 1
        var mostShards = 1
        var progress: QueueProgress?
    }

    /// What the queue holds and how it sends.
    var status: RemoteQueueStatus {
        live.withLock { RemoteQueueStatus(name: name, pendingSamples: $0.progress?.unsent ?? 0, shards: $0.shards, mostShards: $0.mostShards) }
    }

    /// The queue of `config`, reading `log`.
    init(config: RemoteWriteConfig, externalLabels: [String: String], log: any CommitLog, client: HTTPClient, logger: Logger) {
        self.config = config
        let name = config.name.isEmpty ? Self.hashName(config.url) : config.name
        self.name = name
        self.externalLabels = externalLabels.map { Label($0.key, $0.value) }.sorted()
        self.log = log
        self.logger = logger
        let metrics = RemoteQueueMetrics(name: name, url: TollgateConfig.hidingPassword(config.url))
        self.metrics = metrics
        sender = RemoteSender(config: config, name: name, client: client, logger: logger, metrics: metrics)
        metrics.pending.record(0)
        metrics.shards.record(1)
        metrics.shardsMin.record(config.queue.minShards)
        metrics.shardsMax.record(config.queue.maxShards)
        metrics.shardsDesired.record(1)
    }

    /// The name of the log reader: the queue's, so a restart finds its position again.
    var readerName: String { "remote_write/\(name)" }

    /// A stable name from the URL: FNV-1a 64 in hex, as Prometheus names unnamed queues by a hash.
    static func hashName(_ url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(String(hash, radix: 16).prefix(6))
    }

    /// Registers the queue as a reader of the log (or finds its saved position): from then
    /// on, every commit is the queue's to send. Retried until it works or the task is cancelled.
    func open() async {
        while live.withLock({ $0.progress == nil }) && !Task.isCancelled {
            do {
                let position = try await log.openLogReader(readerName)
                live.withLock { $0.progress = QueueProgress(position: position) }
            } catch {
                logger.error("cannot open the store's log for remote write", metadata: ["remote_name": "\(name)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Reads and sends until cancelled; the position is saved every second and at the end.
    func run() async {
        await open()
        guard let progress = live.withLock({ $0.progress }) else { return }
        let reader = LogTail(position: progress.position)
        var shards = max(1, config.queue.minShards)
        while !Task.isCancelled {
            live.withLock {
                $0.shards = shards
                $0.mostShards = max($0.mostShards, shards)
            }
            metrics.shards.record(shards)
            let next = await runShards(shards, progress: progress, reader: reader)
            if next != shards && !Task.isCancelled {
                logger.info("remote write shards changed", metadata: ["remote_name": "\(name)", "from": "\(shards)", "to": "\(next)"])
            }
            shards = next
            metrics.shardsDesired.record(shards)
        }
        await save(progress.position, reader: reader)
    }

    /// Saves the position when it moved.
    private func save(_ position: Int64, reader: LogTail) async {
        guard position > reader.saved else { return }
        do {
            try await log.moveLogReader(readerName, to: position)
            reader.saved = position
        } catch {
            logger.warning("cannot save the remote write position", metadata: ["remote_name": "\(name)", "error": "\(error)"])
        }
    }

    /// One run of `count` shards: reads and sends until cancelled or another count is due,
    /// then drains the shards and returns the count to go on with.
    private func runShards(_ count: Int, progress: QueueProgress, reader: LogTail) async -> Int {
        var continuations: [AsyncStream<ShardBatch>.Continuation] = []
        var streams: [AsyncStream<ShardBatch>] = []
        for _ in 0..<count {
            let (stream, continuation) = AsyncStream.makeStream(of: ShardBatch.self)
            streams.append(stream)
            continuations.append(continuation)
        }
        return await withTaskGroup(of: Void.self) { group in
            for stream in streams {
                group.addTask {
                    for await batch in stream { await self.send(batch, progress: progress) }
                }
            }
            let next = await read(continuations, progress: progress, reader: reader)
            await group.waitForAll()
            await save(progress.position, reader: reader)
            return next
        }
    }

    /// The reader loop of one run of shards; at the end it hands each shard what it has
    /// pending and finishes their streams, and returns the shard count to go on with.
    private func read(_ shards: [AsyncStream<ShardBatch>.Continuation], progress: QueueProgress, reader: LogTail) async -> Int {
        let count = shards.count
        var pending = [PendingShard](repeating: PendingShard(), count: count)
        defer {
            for (index, shard) in shards.enumerated() {
                if pending[index].count > 0 { shard.yield(pending[index].cut()) }
                shard.finish()
            }
        }
        let perSend = max(1, config.queue.maxSamplesPerSend)
        let deadline = Duration.milliseconds(max(1, config.queue.batchSendDeadline.milliseconds))
        let capacity = max(perSend, config.queue.capacity) * count
        let minShards = max(1, config.queue.minShards), maxShards = max(minShards, config.queue.maxShards)
        var window = ShardWindow()
        while !Task.isCancelled {
            let now = ContinuousClock.now
            for index in pending.indices where pending[index].isDue(now, deadline) { shards[index].yield(pending[index].cut()) }
            metrics.pending.record(progress.unsent)
            if now - reader.lastSave >= .seconds(1) {
                reader.lastSave = now
                await save(progress.position, reader: reader)
            }
            if let next = window.decide(now, shards: count, min: minShards, max: maxShards), next != count { return next }
            guard progress.unsent < capacity else {
                try? await Task.sleep(for: .milliseconds(10))
                window.held += ContinuousClock.now - now
                continue
            }
            let read: LoggedSamples
            do {
                read = try await log.readLog(after: reader.through, maxSamples: perSend * count)
            } catch {
                logger.error("cannot read the store's log for remote write", metadata: ["remote_name": "\(name)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard read.through > reader.through else {
                try? await Task.sleep(for: .milliseconds(25))
                continue
            }
            if read.count >= perSend * count { window.fullReads += 1 }
            if read.missedRecords > 0 {
                RemoteQueueMetrics.missedRecords.increment(by: Int(read.missedRecords))
                logger.warning(
                    "remote write fell behind the store's log retention; records were dropped unsent",
                    metadata: ["remote_name": "\(name)", "records": "\(read.missedRecords)"])
            }
            distribute(read, into: &pending, shards, progress: progress, encodings: reader.encodings, perSend: perSend, now: now)
            reader.through = read.through
        }
        return count
    }

    /// Spreads one read over the shards' pending requests, cutting those that fill up.
    private func distribute(
        _ read: LoggedSamples, into pending: inout [PendingShard], _ shards: [AsyncStream<ShardBatch>.Continuation],
        progress: QueueProgress, encodings: SeriesEncodings, perSend: Int, now: ContinuousClock.Instant
    ) {
        encodings.resolve(read.refs, log: log) { labels in self.relabel(labels).map(WriteRequestWriter.labelFields) }
        var kept = 0
        var newest = Int64.min
        for index in 0..<read.count where encodings[read.refs[index]] != nil {
            kept += 1
            newest = max(newest, read.timestamps[index])
        }
        if read.count > kept { metrics.dropped.increment(by: read.count - kept) }
        let step = progress.begin(through: read.through, count: kept)
        guard kept > 0 else { return }
        RemoteQueueMetrics.highestTimestamp.record(Double(newest) / 1000)
        for index in 0..<read.count {
            let ref = read.refs[index]
            guard let fields = encodings[ref] else { continue }
            let shard = Int(ref.rawValue % UInt64(pending.count))
            pending[shard].append(fields, read.timestamps[index], read.values[index], step: step, now: now, capacity: perSend)
            if pending[shard].count >= perSend { shards[shard].yield(pending[shard].cut()) }
        }
    }

    /// External labels the series lacks, then `write_relabel_configs`; nil when dropped.
    private func relabel(_ labels: Labels) -> Labels? {
        var result: Labels? = labels
        if !externalLabels.isEmpty {
            var list = Array(labels)
            for label in externalLabels where labels[label.name] == nil { list.append(label) }
            result = Labels(sorting: list)
        }
        if let current = result, !config.writeRelabelConfigs.isEmpty {
            result = RelabelConfig.process(current, config.writeRelabelConfigs)
            if let kept = result, kept.isEmpty { result = nil }
        }
        return result
    }

    /// Sends one shard's request until it is taken or dropped, then reports it finished;
    /// samples older than `sample_age_limit` are dropped unsent.
    private func send(_ batch: ShardBatch, progress: QueueProgress) async {
        var batch = batch
        let ageLimit = config.queue.sampleAgeLimit.milliseconds
        if ageLimit > 0 {
            let dropped = batch.dropOlder(than: Int64(Date().timeIntervalSince1970 * 1000) - ageLimit)
            if dropped > 0 { metrics.dropped.increment(by: dropped) }
        }
        if batch.count > 0 {
            var writer = WriteRequestWriter(capacity: batch.entries.reduce(0) { $0 + $1.labels.count + 28 })
            for entry in batch.entries { writer.appendSample(labelFields: entry.labels, t: entry.t, v: entry.v) }
            guard await sender.send(writer.bytes, .samples(count: batch.count, maxTime: batch.maxTime)) else { return }
        }
        progress.finish(batch.steps)
    }

    /// Sends metric metadata every `metadata_config.send_interval` until cancelled, as
    /// Prometheus does: requests of metadata only (500 families each), each retried with
    /// backoff until the next interval begins; what is still refused then is counted as failed.
    func runMetadata(_ source: @Sendable () async -> [RemoteMetadata]) async {
        let interval = Duration.milliseconds(max(1_000, config.metadataSendInterval.milliseconds))
        while !Task.isCancelled {
            let next = ContinuousClock.now + interval
            let metadata = await source()
            for (bytes, count) in RemoteMetadata.requests(metadata, perRequest: 500) {
                guard await sender.send(bytes, .metadata(count: count), deadline: next) else { break }
            }
            try? await Task.sleep(until: next)
        }
    }
}

/// The reader loop's own state, kept across runs of shards (used by the reader's task only).
final class LogTail {
    /// The last record read.
    var through: Int64
    /// The position last saved.
    var saved: Int64
    var lastSave = ContinuousClock.now
    var encodings = SeriesEncodings()

    init(position: Int64) {
        through = position
        saved = position
    }
}

/// What the reader saw in the last 10 s, to choose the shard count.
struct ShardWindow {
    var started = ContinuousClock.now
    /// Time reading waited for shards to send.
    var held = Duration.zero
    /// Reads that came back as full as asked.
    var fullReads = 0

    /// Twice the shards as soon as reading was held 2 s of this window, or at the end of 10 s
    /// when it was held a third of the time; half at the end when no read came back full
    /// (caught up); else the same. Nil between decisions.
    mutating func decide(_ now: ContinuousClock.Instant, shards: Int, min: Int, max: Int) -> Int? {
        let length = now - started
        if held >= .seconds(2) && shards < max {
            self = ShardWindow(started: now)
            return Swift.min(max, shards * 2)
        }
        guard length >= .seconds(10) else { return nil }
        defer { self = ShardWindow(started: now) }
        if held * 3 >= length { return Swift.min(max, shards * 2) }
        if fullReads == 0 && held == .zero { return Swift.max(min, shards / 2) }
        return shards
    }
}
