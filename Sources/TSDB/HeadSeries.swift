// Tollgate — TSDB: one series in the head.

import Chunks
import Model

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

    func takeUndo() -> Undo { Undo(chunk: chunk.takeMark(), hasSamples: hasSamples, maxTime: maxTime, lastValue: lastValue) }

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
