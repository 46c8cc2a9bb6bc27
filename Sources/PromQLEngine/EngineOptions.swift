// Tollgate — PromQL engine: settings and limits.

public import PromQL

/// How queries are evaluated, and the limits that keep one query from taking the process down.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for a sample (Prometheus: 5m).
    public var lookbackDelta: Int64 = 300_000
    /// The step of a subquery written without one (`[5m:]`), in milliseconds.
    public var defaultSubqueryStep: Int64 = 60_000
    /// Most samples a query may hold in memory at once.
    public var maxSamples = 50_000_000
    /// Longest a query may run.
    public var timeout: Duration = .seconds(120)
    /// Most queries evaluated at once; more wait their turn.
    public var maxConcurrentQueries = 20
    /// Keep `__name__` until the end of evaluation (Prometheus's `promql-delayed-name-removal`).
    public var delayedNameRemoval = false
    /// Parser switches (experimental functions, duration expressions, …).
    public var parser = ParserOptions()

    public init() {}
}
