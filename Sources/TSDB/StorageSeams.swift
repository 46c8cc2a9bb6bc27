// Tollgate — TSDB: the narrow seams other parts depend on.

public import Model

/// Hands out appenders, one per batch (Prometheus's `storage.Appendable`).
/// Scrape loops and rule evaluation depend on this, not on the store.
public protocol Appendable: Sendable {
    /// A fresh appender for one batch.
    func appender() -> Appender
    /// The reference of a stored series, for appends that skip the label lookup; nil when not stored.
    func ref(for labels: Labels) -> SeriesRef?
}

/// Answers series selections and label queries (Prometheus's `storage.Queryable`).
/// The query engine and the HTTP API depend on this, not on the store.
public protocol Queryable: Sendable {
    /// Series selected by every matcher, with their samples in `[minTime, maxTime]`, in label order.
    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples]
    /// The label sets of the selected series with a sample in `[minTime, maxTime]`, without
    /// reading the samples (what `/api/v1/series` and metric browsing need).
    func series(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [Labels]
    /// Label names, optionally only of the selected series.
    func labelNames(matching matchers: [LabelMatcher]) -> [String]
    /// Values of one label, optionally only over the selected series.
    func labelValues(_ name: String, matching matchers: [LabelMatcher]) -> [String]
}

extension Queryable {
    /// Through `select`, for stores without a cheaper way.
    public func series(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [Labels] {
        try await select(matchers, minTime: minTime, maxTime: maxTime).map(\.labels)
    }
}

extension TSDB: Appendable, Queryable {}
