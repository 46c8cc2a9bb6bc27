// Tollgate — TSDB: appending one batch (one scrape) of samples.

public import Model
public import Storage

/// The store's ``Storage/Appender``: collects one batch's samples and commits them in one
/// SQLite transaction. Not safe to share between tasks: one appender per batch.
///
/// ```swift
/// var appender = tsdb.appender()
/// appender.append(labels, t: 1_700_000_000_000, v: 1)
/// let result = try await appender.commit()   // durable when this returns
/// ```
public struct TSDBAppender: Appender {
    let tsdb: TSDB
    var samples: [(Labels, Int64, Double)] = []
    var referenced: [(UInt32, Int64, Double)] = []
    /// The series of the last commit's samples by labels, in order.
    var committedIDs: [UInt32] = []

    /// Adds a sample to the batch; every bit pattern of `v` is kept.
    public mutating func append(_ labels: Labels, t: Int64, v: Double) {
        samples.append((labels, t, v))
    }

    /// Adds a sample of a series this store handed a reference for (``TSDB/ref(for:)``).
    public mutating func append(_ ref: SeriesRef, t: Int64, v: Double) {
        referenced.append((UInt32(truncatingIfNeeded: ref.rawValue), t, v))
    }

    /// Makes room for `count` more samples by reference.
    public mutating func reserveCapacity(byReference count: Int) {
        referenced.reserveCapacity(referenced.count + count)
    }

    /// The number of samples waiting.
    public var count: Int { samples.count + referenced.count }

    /// Makes the batch durable: when this returns, a process crash loses none of it.
    /// Out-of-order and duplicate samples are dropped one by one and counted.
    public mutating func commit() async throws -> CommitResult {
        let batch = samples, byRef = referenced
        samples = []
        referenced = []
        committedIDs = []
        let (result, ids) = try await tsdb.commitGivingIDs(batch, byRef)
        committedIDs = ids
        return result
    }

    /// The references of the series the last commit appended to by labels, in order.
    public var committedReferences: [SeriesRef?] { committedIDs.map { SeriesRef(UInt64($0)) } }

    /// Drops the batch.
    public mutating func rollback() {
        samples = []
        referenced = []
    }
}
