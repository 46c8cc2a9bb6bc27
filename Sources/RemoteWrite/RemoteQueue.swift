// Tollgate — RemoteWrite: one `remote_write` entry: its durable queue and its sender loop.

import CoreMetrics
import CurlHTTP
import Foundation
import Logging
import Model
import Relabel
import SwiftProtobuf
import TollgateConfig

/// One `remote_write` entry at run time: samples in (external labels, then
/// `write_relabel_configs`, then the durable queue), requests out, one at a time in queue
/// order, retried with backoff until the receiver takes them.
///
/// Shards: a window of the queue is split by series into one request per shard, sent at
/// once (see ``run()``), so a receiver sees each series in order, as Prometheus gets from
/// hashing series to shards.
actor RemoteQueue {
    let config: RemoteWriteConfig
    /// `remote_name` in the metrics: the entry's `name`, else a hash of its URL.
    nonisolated let name: String
    private let externalLabels: [Label]
    private let store: WriteQueueStore
    private let client: HTTPClient
    private let logger: Logger
    private let metrics: RemoteQueueMetrics
    /// Relabeling results by series (nil: dropped), so each series is relabeled once.
    private var relabeled: [Labels: Labels?] = [:]
    /// Samples in the queue file.
    private var pending: Int
    /// When the oldest sample in the queue was enqueued (for `batch_send_deadline`).
    private var oldestEnqueued: ContinuousClock.Instant?
    /// Requests sent at once now, and the most since the queue started.
    private(set) var shards = 1
    private(set) var mostShards = 1

    /// What the queue holds and how it sends.
    var status: RemoteQueueStatus { RemoteQueueStatus(name: name, pendingSamples: pending, shards: shards, mostShards: mostShards) }

    /// The queue of `config`, its file in `directory`.
    init(config: RemoteWriteConfig, externalLabels: [String: String], directory: String, client: HTTPClient, logger: Logger) throws {
        self.config = config
        let name = config.name.isEmpty ? Self.hashName(config.url) : config.name
        self.name = name
        self.externalLabels = externalLabels.map { Label($0.key, $0.value) }.sorted()
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        let store = try WriteQueueStore(path: (directory as NSString).appendingPathComponent("\(safe).sqlite"))
        self.store = store
        self.client = client
        self.logger = logger
        let queued = try store.pendingSamples()
        pending = queued
        oldestEnqueued = queued > 0 ? .now : nil
        let metrics = RemoteQueueMetrics(name: name, url: TollgateConfig.hidingPassword(config.url))
        self.metrics = metrics
        metrics.pending.record(queued)
        metrics.shards.record(1)
        metrics.shardsMin.record(config.queue.minShards)
        metrics.shardsMax.record(config.queue.maxShards)
        metrics.shardsDesired.record(1)
    }

    /// The queue file's path.
    nonisolated var path: String { store.path }

    /// A stable name from the URL: FNV-1a 64 in hex, as Prometheus names unnamed queues by a hash.
    static func hashName(_ url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(String(hash, radix: 16).prefix(6))
    }

    /// Queues samples a commit stored, durably: when this returns, a restart sends them.
    func enqueue(_ samples: [RemoteSample]) async {
        var kept: [RemoteSample] = []
        kept.reserveCapacity(samples.count)
        var dropped = 0
        for sample in samples {
            if let labels = relabel(sample.labels) {
                kept.append(RemoteSample(labels: labels, t: sample.t, v: sample.v))
            } else {
                dropped += 1
            }
        }
        if dropped > 0 { metrics.dropped.increment(by: dropped) }
        guard !kept.isEmpty else { return }
        let perRow = max(1, config.queue.maxSamplesPerSend)
        var rows: [(data: [UInt8], count: Int, maxTime: Int64)] = []
        var start = 0
        while start < kept.count {
            let slice = kept[start..<min(start + perRow, kept.count)]
            rows.append((WriteRequestCodec.encodeProtobuf(slice), slice.count, slice.map(\.t).max() ?? 0))
            start += perRow
        }
        do {
            try await store.append(rows)
        } catch {
            metrics.failed.increment(by: kept.count)
            logger.error("cannot queue samples for remote write", metadata: ["remote_name": "\(name)", "error": "\(error)"])
            return
        }
        if pending == 0 { oldestEnqueued = .now }
        pending += kept.count
        metrics.pending.record(pending)
        if let newest = kept.map(\.t).max() { RemoteQueueMetrics.highestTimestamp.record(Double(newest) / 1000) }
    }

    /// External labels the series lacks, then `write_relabel_configs`; nil when dropped.
    private func relabel(_ labels: Labels) -> Labels? {
        if let cached = relabeled[labels] { return cached }
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
        if relabeled.count > 1_000_000 { relabeled.removeAll(keepingCapacity: true) }
        relabeled[labels] = result
        return result
    }

    /// Sends until cancelled, a window of queued batches at a time, once the queue has
    /// `max_samples_per_send` samples or its oldest waited `batch_send_deadline`.
    ///
    /// With one shard a window is one request (the batches' bytes joined). With more, the
    /// window holds up to `shards × max_samples_per_send` samples and its series are split
    /// by a hash of their labels into one request per shard, sent at once; every series is in
    /// one request of a window and windows go one after the other, so a receiver still sees
    /// each series in order. The window is deleted from the queue once every request of it
    /// was taken or dropped. Shards double while the backlog is more than the current shards
    /// send in one round and halve when it is under a quarter of that, between `min_shards`
    /// and `max_shards`.
    func run() async {
        let deadline = Duration.milliseconds(config.queue.batchSendDeadline.milliseconds)
        let perSend = max(1, config.queue.maxSamplesPerSend)
        let minShards = max(1, config.queue.minShards), maxShards = max(minShards, config.queue.maxShards)
        shards = minShards
        while !Task.isCancelled {
            let due = pending >= config.queue.maxSamplesPerSend || (pending > 0 && (oldestEnqueued.map { ContinuousClock.now - $0 >= deadline } ?? true))
            guard due else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let batches: [WriteQueueStore.Batch]
            do {
                batches = try await store.head(maxSamples: perSend * shards)
            } catch {
                logger.error("cannot read the remote write queue", metadata: ["remote_name": "\(name)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let last = batches.last else {
                pending = 0
                oldestEnqueued = nil
                metrics.pending.record(0)
                continue
            }
            // `sample_age_limit`: batches whose newest sample is older are dropped unsent.
            let ageLimit = config.queue.sampleAgeLimit.milliseconds
            let cutoff = ageLimit > 0 ? Int64(Date().timeIntervalSince1970 * 1000) - ageLimit : .min
            let fresh = batches.filter { $0.maxTime >= cutoff }
            if fresh.count < batches.count { metrics.dropped.increment(by: batches.reduce(0) { $0 + ($1.maxTime < cutoff ? $1.count : 0) }) }
            if !fresh.isEmpty {
                guard await sendWindow(fresh, shards: shards) else { return }
            }
            do {
                try await store.remove(through: last.seq)
            } catch {
                logger.error("cannot advance the remote write queue", metadata: ["remote_name": "\(name)", "error": "\(error)"])
            }
            let count = batches.reduce(0) { $0 + $1.count }
            pending = max(0, pending - count)
            oldestEnqueued = pending > 0 ? (oldestEnqueued ?? .now) : nil
            metrics.pending.record(pending)
            if pending > perSend * shards {
                shards = min(maxShards, shards * 2)
            } else if pending < perSend * shards / 4 {
                shards = max(minShards, shards / 2)
            }
            mostShards = max(mostShards, shards)
            metrics.shards.record(shards)
            metrics.shardsDesired.record(shards)
        }
    }

    /// Sends one window: one request, or one per shard (see ``run()``); false when cancelled first.
    private func sendWindow(_ batches: [WriteQueueStore.Batch], shards: Int) async -> Bool {
        var raw: [UInt8] = []
        raw.reserveCapacity(batches.reduce(0) { $0 + $1.data.count })
        for batch in batches { raw.append(contentsOf: batch.data) }
        let count = batches.reduce(0) { $0 + $1.count }
        let maxTime = batches.map(\.maxTime).max() ?? 0
        guard shards > 1, count > config.queue.maxSamplesPerSend,
            let request = try? Prometheus_WriteRequest(serializedBytes: raw)
        else { return await send(raw: raw, count: count, maxTime: maxTime) }
        var parts = [Prometheus_WriteRequest](repeating: Prometheus_WriteRequest(), count: shards)
        for series in request.timeseries {
            var hasher = Hasher()
            for label in series.labels {
                hasher.combine(label.name)
                hasher.combine(label.value)
            }
            parts[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards))].timeseries.append(series)
        }
        return await withTaskGroup(of: Bool.self) { group in
            for part in parts where !part.timeseries.isEmpty {
                let count = part.timeseries.reduce(0) { $0 + $1.samples.count }
                let maxTime = part.timeseries.lazy.compactMap { $0.samples.last?.timestamp }.max() ?? 0
                let bytes: [UInt8] = (try? part.serializedBytes()) ?? []
                group.addTask { await self.send(raw: bytes, count: count, maxTime: maxTime) }
            }
            var all = true
            for await sent in group where !sent { all = false }
            return all
        }
    }

    /// Sends metric metadata every `metadata_config.send_interval` until cancelled, as
    /// Prometheus does: requests of metadata only (500 families each), each tried once per
    /// interval; a failure is counted and logged, and the next interval sends it all again.
    func runMetadata(_ source: @Sendable () async -> [RemoteMetadata]) async {
        let interval = Duration.milliseconds(max(1_000, config.metadataSendInterval.milliseconds))
        while !Task.isCancelled {
            let metadata = await source()
            if !metadata.isEmpty {
                for (bytes, count) in RemoteMetadata.requests(metadata, perRequest: 500) {
                    if await sendOnce(raw: bytes) {
                        metrics.metadataSent.increment(by: count)
                    } else {
                        metrics.metadataFailed.increment(by: count)
                    }
                }
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One attempt at a request; true when the receiver answered 2xx.
    private func sendOnce(raw: [UInt8]) async -> Bool {
        do {
            var request = try config.http.request(url: config.url)
            request.method = "POST"
            request.body = Snappy.compress(raw)
            request.acceptEncoding = nil
            request.timeoutMilliseconds = Int(max(1, config.remoteTimeout.milliseconds))
            request.headers.append(contentsOf: WriteRequestCodec.headers)
            request.headers.append(("User-Agent", "Tollgate"))
            for (header, value) in config.headers.sorted(by: { $0.key < $1.key }) { request.headers.append((header, value)) }
            let response = try await client.execute(request)
            guard (200..<300).contains(response.status) else {
                logger.warning("remote write of metadata failed", metadata: ["remote_name": "\(name)", "status": "\(response.status)"])
                return false
            }
            return true
        } catch {
            logger.warning("remote write of metadata failed", metadata: ["remote_name": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// Sends one serialized `WriteRequest` of `count` samples until it is taken or dropped;
    /// false when cancelled first.
    private func send(raw: [UInt8], count: Int, maxTime: Int64) async -> Bool {
        let body = Snappy.compress(raw)
        var backoff = max(1, config.queue.minBackoff.milliseconds)
        let maxBackoff = max(backoff, config.queue.maxBackoff.milliseconds)
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            let verdict: Verdict
            do {
                var request = try config.http.request(url: config.url)
                request.method = "POST"
                request.body = body
                request.acceptEncoding = nil
                request.timeoutMilliseconds = Int(max(1, config.remoteTimeout.milliseconds))
                request.headers.append(contentsOf: WriteRequestCodec.headers)
                request.headers.append(("User-Agent", "Tollgate"))
                for (header, value) in config.headers.sorted(by: { $0.key < $1.key }) { request.headers.append((header, value)) }
                let started = ContinuousClock.now
                let response = try await client.execute(request)
                metrics.duration.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                verdict = Self.verdict(status: response.status, retryOn429: config.queue.retryOnRateLimit)
                if verdict == .drop || (verdict == .retry && attempt % 10 == 1) {
                    let text = String(decoding: response.body.prefix(512), as: UTF8.self)
                    logger.warning(
                        verdict == .retry ? "remote write failed, retrying" : "remote write refused, dropping the samples",
                        metadata: ["remote_name": "\(name)", "url": "\(TollgateConfig.hidingPassword(config.url))", "status": "\(response.status)", "body": "\(text)"])
                }
            } catch {
                verdict = .retry
                // The first failure of a request and every tenth after it, not every retry.
                if attempt % 10 == 1 {
                    logger.warning(
                        "remote write failed, retrying", metadata: ["remote_name": "\(name)", "url": "\(TollgateConfig.hidingPassword(config.url))", "attempt": "\(attempt)", "error": "\(error)"])
                }
            }
            switch verdict {
            case .sent:
                metrics.sent.increment(by: count)
                metrics.bytes.increment(by: body.count)
                metrics.highestSent.record(Double(maxTime) / 1000)
                return true
            case .drop:
                metrics.failed.increment(by: count)
                return true
            case .retry:
                metrics.retried.increment(by: count)
                try? await Task.sleep(for: .milliseconds(backoff))
                backoff = min(maxBackoff, backoff * 2)
            }
        }
        return false
    }

    enum Verdict: Equatable { case sent, retry, drop }

    /// 2xx sent; 5xx (and 429 with `retry_on_http_429`) retried; any other status dropped.
    static func verdict(status: Int, retryOn429: Bool) -> Verdict {
        switch status {
        case 200..<300: .sent
        case 500..<600: .retry
        case 429: retryOn429 ? .retry : .drop
        default: .drop
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ attoseconds / 1_000_000_000
    }
}
