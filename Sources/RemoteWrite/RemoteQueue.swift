// Tollgate — RemoteWrite: one `remote_write` entry: its durable queue and its sender loop.

import CoreMetrics
import CurlHTTP
import Foundation
import Logging
import Model
import Relabel
import TollgateConfig

/// One `remote_write` entry at run time: samples in (external labels, then
/// `write_relabel_configs`, then the durable queue), requests out, one at a time in queue
/// order, retried with backoff until the receiver takes them.
///
/// One shard: requests go out in order, so a receiver never sees a series' samples out of
/// order (Prometheus gets the same from hashing series to shards); `min_shards` and
/// `max_shards` are accepted and reported, not used.
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
        let metrics = RemoteQueueMetrics(name: name, url: config.url)
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

    /// Sends until cancelled: whole batches in queue order, each request once the queue has
    /// `max_samples_per_send` samples or its oldest waited `batch_send_deadline`.
    func run() async {
        let deadline = Duration.milliseconds(config.queue.batchSendDeadline.milliseconds)
        while !Task.isCancelled {
            let due = pending >= config.queue.maxSamplesPerSend || (pending > 0 && (oldestEnqueued.map { ContinuousClock.now - $0 >= deadline } ?? true))
            guard due else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let batches: [WriteQueueStore.Batch]
            do {
                batches = try await store.head(maxSamples: config.queue.maxSamplesPerSend)
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
                guard await send(fresh) else { return }
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
        }
    }

    /// Sends `batches` as one request until it is taken or dropped; false when cancelled first.
    private func send(_ batches: [WriteQueueStore.Batch]) async -> Bool {
        var raw: [UInt8] = []
        raw.reserveCapacity(batches.reduce(0) { $0 + $1.data.count })
        for batch in batches { raw.append(contentsOf: batch.data) }
        let body = Snappy.compress(raw)
        let count = batches.reduce(0) { $0 + $1.count }
        let maxTime = batches.map(\.maxTime).max() ?? 0
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
                        metadata: ["remote_name": "\(name)", "url": "\(config.url)", "status": "\(response.status)", "body": "\(text)"])
                }
            } catch {
                verdict = .retry
                // The first failure of a request and every tenth after it, not every retry.
                if attempt % 10 == 1 {
                    logger.warning(
                        "remote write failed, retrying", metadata: ["remote_name": "\(name)", "url": "\(config.url)", "attempt": "\(attempt)", "error": "\(error)"])
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
