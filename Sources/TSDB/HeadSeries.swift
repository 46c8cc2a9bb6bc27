// Tollgate — TSDB: one series in the head.

import Chunks
public import Model

/// A series' in-memory state: its labels, its open chunk, and its newest sample.
///
/// A class, so the append path reaches it through one reference and grows its chunk in
/// place; it is only touched under the store's lock.
final class HeadSeries {
    let labels: Labels
    /// The commit that last changed this series (to take one undo record per batch).
    var batch: UInt64 = 0
    var chunk = XORChunk()
    /// Whether any sample (head or sealed) is known; `maxTime` is meaningful only then.
    var hasSamples = false
    var maxTime: Int64 = 0
    /// The newest value, when known (after a restart it may not be, until the next sample).
    var lastValue: Double?

    init(labels: Labels) { self.labels = labels }

    /// What to restore if the batch that is about to change this series fails to commit.
    struct Undo {
        let chunk: XORChunk.Mark
        let hasSamples: Bool
        let maxTime: Int64
        let lastValue: Double?
    }

    var undo: Undo { Undo(chunk: chunk.mark, hasSamples: hasSamples, maxTime: maxTime, lastValue: lastValue) }

    /// Restores the state of `undo`; `firstSealed` is the chunk this batch sealed first, if any.
    func restore(_ undo: Undo, firstSealed: XORChunk?) {
        if let firstSealed { chunk = firstSealed }
        chunk.rollback(to: undo.chunk)
        hasSamples = undo.hasSamples
        maxTime = undo.maxTime
        lastValue = undo.lastValue
    }

    /// Appends a sample; a full chunk is handed to `sealed` first.
    func append(_ t: Int64, _ v: Double, chunkSize: Int, sealed: (XORChunk) -> Void) {
        if chunk.count >= chunkSize {
            sealed(chunk)
            chunk = XORChunk()
        }
        chunk.append(t, v)
        hasSamples = true
        maxTime = t
        lastValue = v
    }
}

/// Samples of one series over a time range.
public struct SeriesSamples: Sendable, Equatable {
    /// The series.
    public let labels: Labels
    /// Timestamps (milliseconds) in increasing order.
    public let timestamps: [Int64]
    /// Values, one per timestamp, with their exact bit patterns.
    public let values: [Double]

    public static func == (a: SeriesSamples, b: SeriesSamples) -> Bool {
        a.labels == b.labels && a.timestamps == b.timestamps && a.values.map(\.bitPattern) == b.values.map(\.bitPattern)
    }
}

/// What the store holds, for `tollgate tsdb stats`.
public struct TSDBStats: Sendable {
    /// Series known.
    public var series = 0
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
}
