// Tollgate — TSDB: appending one batch (one scrape) of samples.

public import Model

/// Collects samples for one batch; ``commit()`` makes them durable at once, or
/// ``rollback()`` drops them. Not safe to share between tasks: one appender per scrape.
///
/// ```swift
/// var appender = tsdb.appender()
/// appender.append(labels, t: 1_700_000_000_000, v: 1)
/// let result = try await appender.commit()   // durable when this returns
/// ```
public struct Appender: Sendable {
    let tsdb: TSDB
    var samples: [(Labels, Int64, Double)] = []
    var referenced: [(SeriesRef, Int64, Double)] = []

    /// Adds a sample to the batch.
    /// - Parameters:
    ///   - labels: the series (a valid label set with `__name__`).
    ///   - t: milliseconds since the epoch.
    ///   - v: the value; every bit pattern is kept (NaN payloads, the stale marker).
    public mutating func append(_ labels: Labels, t: Int64, v: Double) {
        samples.append((labels, t, v))
    }

    /// Adds a sample of a series already stored, by the reference ``TSDB/ref(for:)``
    /// gave; no label set is looked up. Callers cache references, as Prometheus's scrape
    /// loop caches `SeriesRef`s.
    public mutating func append(_ ref: SeriesRef, t: Int64, v: Double) {
        referenced.append((ref, t, v))
    }

    /// Makes room for `count` more samples by reference (a scrape knows its size from the last one).
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
        return try await tsdb.commit(batch, byRef)
    }

    /// Drops the batch.
    public mutating func rollback() {
        samples = []
        referenced = []
    }
}

/// A stored series' stable reference: appends by reference skip the label lookup.
public struct SeriesRef: Sendable, Hashable {
    let id: UInt32
}

/// What a commit stored and what it dropped, by reason (as Prometheus counts them).
public struct CommitResult: Sendable, Equatable {
    /// Samples stored.
    public var appended = 0
    /// Series created by this batch.
    public var newSeries = 0
    /// Samples older than the series' newest sample.
    public var outOfOrder = 0
    /// Samples at the series' newest timestamp with a different value.
    public var duplicate = 0

    /// An empty result.
    public init() {}

    init(appended: Int, newSeries: Int, outOfOrder: Int, duplicate: Int) {
        self.appended = appended
        self.newSeries = newSeries
        self.outOfOrder = outOfOrder
        self.duplicate = duplicate
    }

    /// All dropped samples.
    public var rejected: Int { outOfOrder + duplicate }

    /// Sums two results.
    public static func + (a: CommitResult, b: CommitResult) -> CommitResult {
        CommitResult(appended: a.appended + b.appended, newSeries: a.newSeries + b.newSeries,
                     outOfOrder: a.outOfOrder + b.outOfOrder, duplicate: a.duplicate + b.duplicate)
    }
}
