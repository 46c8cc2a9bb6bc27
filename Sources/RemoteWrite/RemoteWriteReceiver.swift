// Tollgate — RemoteWrite: the intake side, `POST /api/v1/write`'s work without HTTP.

import CoreMetrics
import Dispatch
public import Storage

/// What one remote-write request did.
public enum RemoteWriteOutcome: Sendable, Equatable {
    /// Every sample was stored (or was already stored with the same value): 204.
    case stored(CommitResult)
    /// The body was refused before anything was stored: 400 with the reason.
    case rejected(String)
    /// The body was good and its good samples are stored, but the store dropped some as out
    /// of order or as duplicates with another value: 400 with the counts, as Prometheus
    /// answers (a sender drops the request; what was stored stays stored).
    case partlyRejected(CommitResult, String)
}

/// Decodes remote-write 1.0 bodies and commits their samples through the store's own
/// appender, so they follow the store's out-of-order and duplicate rules like a scrape's.
///
/// A body is checked whole before anything is appended (snappy, protobuf, every label
/// set): a bad body stores nothing. Decoding runs on a serial queue of its own, off Swift's
/// cooperative pool.
public struct RemoteWriteReceiver: Sendable {
    let storage: any Appendable
    let maxDecodedBytes: Int
    private let queue = DispatchQueue(label: "tollgate.remote-write.receiver")

    /// A receiver storing into `storage`.
    /// - Parameter maxDecodedBytes: the largest decompressed body accepted.
    public init(storage: any Appendable, maxDecodedBytes: Int) {
        self.storage = storage
        self.maxDecodedBytes = maxDecodedBytes
    }

    /// Decodes `body` (snappy-compressed protobuf) and stores its samples in one commit.
    /// - Throws: only the store's errors (the body is then not stored: a sender retries).
    public func write(_ body: [UInt8]) async throws -> RemoteWriteOutcome {
        let limit = maxDecodedBytes
        let decoded: Result<[RemoteSample], RemoteWriteRejection> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(RemoteWriteRejection) in try WriteRequestCodec.decode(body, maxDecodedBytes: limit) })
            }
        }
        let samples: [RemoteSample]
        switch decoded {
        case .success(let value): samples = value
        case .failure(let rejection):
            Counter(label: "tollgate_remote_write_received_requests_total", dimensions: [("result", "rejected")]).increment()
            return .rejected(rejection.description)
        }
        var appender = storage.appender()
        for sample in samples { appender.append(sample.labels, t: sample.t, v: sample.v) }
        let result = try await appender.commit()
        Counter(label: "tollgate_remote_write_received_samples_total").increment(by: result.appended)
        if result.rejected > 0 {
            Counter(label: "tollgate_remote_write_received_requests_total", dimensions: [("result", "partly_rejected")]).increment()
            let message =
                "out of order sample: \(result.outOfOrder) sample(s) out of order and \(result.duplicate) duplicate timestamp(s) with another value were dropped; \(result.appended) stored"
            return .partlyRejected(result, message)
        }
        Counter(label: "tollgate_remote_write_received_requests_total", dimensions: [("result", "stored")]).increment()
        return .stored(result)
    }
}
