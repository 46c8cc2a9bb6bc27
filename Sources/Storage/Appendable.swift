// Tollgate — Storage: the write side of the storage contracts.

public import Model

/// Hands out appenders, one per batch (Prometheus's `storage.Appendable`).
///
/// Scrape loops, rule evaluation and backfills depend on this, never on a concrete
/// store, so a store can be the local TSDB, a fan-out to several stores, or an
/// in-memory store in a test.
public protocol Appendable: Sendable {
    /// A fresh appender for one batch.
    func appender() -> any Appender
    /// The reference of a stored series, for appends that skip the label lookup; nil
    /// when the series is not stored yet (it is once a batch with one of its samples
    /// has committed).
    func ref(for labels: Labels) -> SeriesRef?
    /// The references of many series, in order; a store may look them up at once.
    func refs(for labels: [Labels]) -> [SeriesRef?]
}

extension Appendable {
    /// One ``ref(for:)`` per series.
    public func refs(for labels: [Labels]) -> [SeriesRef?] { labels.map { ref(for: $0) } }
}

/// Collects the samples of one batch (one scrape, one rule group evaluation); ``commit()``
/// makes them durable at once, ``rollback()`` drops them (Prometheus's `storage.Appender`).
///
/// An appender is used by one task at a time and then thrown away:
///
/// ```swift
/// var appender = store.appender()
/// appender.append(labels, t: 1_700_000_000_000, v: 1)
/// let result = try await appender.commit()   // durable when this returns
/// ```
public protocol Appender: Sendable {
    /// Adds a sample to the batch.
    /// - Parameters:
    ///   - labels: the series (a valid label set with `__name__`).
    ///   - t: milliseconds since the epoch.
    ///   - v: the value; every bit pattern is kept (NaN payloads, the stale marker).
    mutating func append(_ labels: Labels, t: Int64, v: Double)

    /// Adds a sample of a series already stored, by the reference ``Appendable/ref(for:)``
    /// gave; no label set is looked up. Callers cache references, as Prometheus's scrape
    /// loop caches `SeriesRef`s.
    mutating func append(_ ref: SeriesRef, t: Int64, v: Double)

    /// Makes room for `count` more samples by reference (a scrape knows its size from the last one).
    mutating func reserveCapacity(byReference count: Int)

    /// The number of samples waiting.
    var count: Int { get }

    /// Makes the batch durable: when this returns, a process crash loses none of it.
    /// Out-of-order and duplicate samples are dropped one by one and counted.
    /// The appender is empty afterwards, whatever the outcome.
    mutating func commit() async throws -> CommitResult

    /// Drops the batch.
    mutating func rollback()

    /// The references of the series the last successful ``commit()`` appended to by label
    /// set: one per sample appended by labels, in the order they were appended (nil where
    /// the store gave none). Empty when the store does not tell. A scrape caches them
    /// instead of looking each new label set up again after its first commit. An appender
    /// that passes on only some of its samples must not pass these on.
    var committedReferences: [SeriesRef?] { get }
}

extension Appender {
    /// Does nothing: stores without a use for the hint need not implement it.
    public mutating func reserveCapacity(byReference count: Int) {}

    /// None: callers look references up with ``Appendable/refs(for:)``.
    public var committedReferences: [SeriesRef?] { [] }
}

/// A stored series' stable reference: appends by reference skip the label lookup.
///
/// Only the store that handed a reference out knows what it means; it stays valid for the
/// life of that store.
public struct SeriesRef: Sendable, Hashable {
    /// The store's own number for the series.
    public let rawValue: UInt64

    /// A reference with the store's own number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}
