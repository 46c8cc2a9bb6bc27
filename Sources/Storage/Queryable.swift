// Tollgate — Storage: the read side of the storage contracts.

public import Model

/// Answers series selections and label queries (Prometheus's `storage.Queryable`).
///
/// The query engine, the HTTP API, rules and rollout guards depend on this, never on a
/// concrete store. A selection sees a consistent view: every sample committed before it
/// began, each exactly once, whatever commits run meanwhile.
public protocol Queryable: Sendable {
    /// Series selected by every matcher, with their samples in `[minTime, maxTime]`, in label order.
    /// Series with no sample in the range are left out.
    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples]
    /// The label sets of the selected series with a sample in `[minTime, maxTime]`, without
    /// reading the samples (what `/api/v1/series` and metric browsing need).
    func series(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [Labels]
    /// Label names, sorted bytewise, optionally only of the selected series.
    func labelNames(matching matchers: [LabelMatcher]) -> [String]
    /// Values of one label, sorted bytewise, optionally only over the selected series.
    func labelValues(_ name: String, matching matchers: [LabelMatcher]) -> [String]
}

extension Queryable {
    /// Through `select`, for stores without a cheaper way.
    public func series(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [Labels] {
        try await select(matchers, minTime: minTime, maxTime: maxTime).map(\.labels)
    }
}

/// Storage statistics for `/api/v1/status/tsdb` and `tollgate tsdb stats`.
public protocol StorageStatusSource: Sendable {
    /// Series, samples and the time range held.
    func stats() async throws -> TSDBStats
    /// The top `limit` entries of each cardinality statistic.
    func cardinality(limit: Int) -> TSDBCardinality
    /// How many series are held; cheaper than ``stats()`` where the store can count them alone.
    func seriesCount() async throws -> Int
}

extension StorageStatusSource {
    public func seriesCount() async throws -> Int { try await stats().series }
}
