// Tollgate — RemoteWrite: one request to a remote-write receiver, tried until taken or dropped.

import CoreMetrics
import CurlHTTP
import Foundation
import Logging
import Model
import TollgateConfig

/// Sends serialized `WriteRequest`s to one `remote_write` entry's URL: snappy-compressed,
/// with remote write 1.0's headers and the entry's own, retried with exponential backoff
/// (`min_backoff` to `max_backoff`) on 5xx, 429 (with `retry_on_http_429`) and transport
/// errors, dropped and counted on any other status.
struct RemoteSender: Sendable {
    let config: RemoteWriteConfig
    let name: String
    let client: HTTPClient
    let logger: Logger
    let metrics: RemoteQueueMetrics

    /// What a request carries, for the counters.
    enum Payload {
        /// `count` samples, the newest at `maxTime`.
        case samples(count: Int, maxTime: Int64)
        /// `count` metric families' metadata.
        case metadata(count: Int)
    }

    /// Sends `raw` until it is taken or dropped; false when cancelled first, or, with a
    /// `deadline`, when it passes first (the request is then counted as failed).
    func send(_ raw: [UInt8], _ payload: Payload, deadline: ContinuousClock.Instant? = nil) async -> Bool {
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
                // The first failure of a request and every tenth after it, not every retry.
                if verdict == .drop || (verdict == .retry && attempt % 10 == 1) {
                    let text = String(decoding: response.body.prefix(512), as: UTF8.self)
                    logger.warning(
                        verdict == .retry ? "remote write failed, retrying" : "remote write refused, dropping the request",
                        metadata: ["remote_name": "\(name)", "url": "\(TollgateConfig.hidingPassword(config.url))", "status": "\(response.status)", "body": "\(text)"])
                }
            } catch {
                verdict = .retry
                if attempt % 10 == 1 {
                    logger.warning(
                        "remote write failed, retrying", metadata: ["remote_name": "\(name)", "url": "\(TollgateConfig.hidingPassword(config.url))", "attempt": "\(attempt)", "error": "\(error)"])
                }
            }
            switch verdict {
            case .sent:
                metrics.bytes.increment(by: body.count)
                switch payload {
                case .samples(let count, let maxTime):
                    metrics.sent.increment(by: count)
                    metrics.highestSent.record(Double(maxTime) / 1000)
                case .metadata(let count):
                    metrics.metadataSent.increment(by: count)
                }
                return true
            case .drop:
                count(failed: payload)
                return true
            case .retry:
                if case .samples(let count, _) = payload { metrics.retried.increment(by: count) }
                if let deadline, ContinuousClock.now + .milliseconds(backoff) >= deadline {
                    count(failed: payload)
                    return false
                }
                try? await Task.sleep(for: .milliseconds(backoff))
                backoff = min(maxBackoff, backoff * 2)
            }
        }
        return false
    }

    private func count(failed payload: Payload) {
        switch payload {
        case .samples(let count, _): metrics.failed.increment(by: count)
        case .metadata(let count): metrics.metadataFailed.increment(by: count)
        }
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
