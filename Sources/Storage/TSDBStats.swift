// Tollgate — Storage: what a store holds.

/// What a store holds, for `tollgate tsdb stats` and `/api/v1/status/tsdb`.
public struct TSDBStats: Sendable {
    /// Series in the head (in memory).
    public var series = 0
    /// Series that went idle and left the head: on disk, still selected by queries.
    public var coldSeries = 0
    /// Samples stored (sealed and in the head).
    public var samples = 0
    /// Sealed rows: XOR chunks and merged blocks.
    public var chunks = 0
    public var blocks = 0
    /// Open head chunks and their samples.
    public var headChunks = 0
    public var headSamples = 0
    /// Bytes of sample data (chunk and block payloads, shared timestamp sets).
    public var dataBytes = 0
    /// Bytes of the series index (stored label sets).
    public var indexBytes = 0
    /// Bytes on disk: the database file and its WAL.
    public var fileBytes = 0
    /// Head log records since the last checkpoint.
    public var logRecords = 0
    /// Oldest and newest sample times, if any.
    public var minTime: Int64?
    public var maxTime: Int64?

    /// Nothing held.
    public init() {}
}
