// Tollgate — PromQL engine: where evaluation runs, away from Swift's cooperative pool.

import Dispatch
import Synchronization

/// Runs a query's evaluation on a thread of its own (a serial dispatch queue per query,
/// which gets a thread outside Swift's cooperative pool). A heavy query then competes for
/// the cores with the scheduler's fairness instead of holding one of the pool's few
/// threads: `/-/ready`, small queries and scrapes, which run on the pool, keep answering
/// while it works (the engine's `maxConcurrentQueries` bounds these threads).
enum EvaluationThread {
    /// Runs `work` on a fresh serial queue and returns its result. When the calling task is
    /// cancelled meanwhile (the client went away), `flag` is set for `work` to see.
    static func run<R: Sendable>(
        cancelling flag: CancellationFlag, _ work: @escaping @Sendable () -> Result<R, QueryError>
    ) async throws(QueryError) -> R {
        let queue = DispatchQueue(label: "tollgate.promql.evaluation")
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<R, QueryError>, Never>) in
                queue.async { continuation.resume(returning: work()) }
            }
        } onCancel: {
            flag.set()
        }
        return try result.get()
    }
}

/// Whether a query was cancelled, readable from any thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Not cancelled.
    init() {}

    /// Marks the query cancelled.
    func set() { flag.store(true, ordering: .releasing) }

    /// Whether the query was cancelled.
    var isSet: Bool { flag.load(ordering: .acquiring) }
}
