// Tollgate — Storage: what a commit did.

/// What a commit stored and what it dropped, by reason (as Prometheus counts them).
public struct CommitResult: Sendable, Equatable {
    /// Samples stored.
    public var appended = 0
    /// Series created by this batch.
    public var newSeries = 0
    /// Samples older than the series' newest sample, dropped (with an out-of-order window,
    /// those older than the window allows).
    public var outOfOrder = 0
    /// Samples at the series' newest timestamp with a different value.
    public var duplicate = 0
    /// Of the samples stored (`appended`), those older than their series' newest sample,
    /// taken because they fell inside the store's out-of-order time window.
    public var outOfOrderAppended = 0

    /// An empty result.
    public init() {}

    /// A result with the given counts.
    public init(appended: Int, newSeries: Int = 0, outOfOrder: Int = 0, duplicate: Int = 0, outOfOrderAppended: Int = 0) {
        self.appended = appended
        self.newSeries = newSeries
        self.outOfOrder = outOfOrder
        self.duplicate = duplicate
        self.outOfOrderAppended = outOfOrderAppended
    }

    /// All dropped samples.
    public var rejected: Int { outOfOrder + duplicate }

    /// Sums two results.
    public static func + (a: CommitResult, b: CommitResult) -> CommitResult {
        CommitResult(appended: a.appended + b.appended, newSeries: a.newSeries + b.newSeries,
                     outOfOrder: a.outOfOrder + b.outOfOrder, duplicate: a.duplicate + b.duplicate,
                     outOfOrderAppended: a.outOfOrderAppended + b.outOfOrderAppended)
    }
}
