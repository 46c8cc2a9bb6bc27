// Tollgate — TSDB: one series in the head.

import Chunks
import Model

/// A series' in-memory state: its labels (as symbol numbers), its open chunk, and its newest sample.
///
/// A class, so the append path reaches it through one reference and grows its chunk in
/// place; it is only touched under the store's lock. Its labels' numbers are allocated
/// with it, after its fields (``ManagedBuffer``): an array of its own took 32 bytes of
/// header and an allocation of its own, 48 bytes a series (docs/performance.md). The fields
/// take 96 bytes: with a six-label series' seven numbers (``SymbolTable``), 140 bytes, which
/// glibc's allocator gives 160 for (one field of 8 bytes more would take 176). Its
/// fields (``Fields``) are read and changed in place as its own (`series.maxTime`).
@dynamicMemberLookup
final class HeadSeries: ManagedBuffer<HeadSeries.Fields, UInt32> {
    /// The series' state, kept in the object's header.
    struct Fields {
        /// The open chunk; its bytes are freed with the series.
        var chunk = HeadChunk()
        /// Whether any sample (head or sealed) is known (here, where the chunk leaves room).
        var hasSamples = false
        /// The head-log file (``HeadLog/nextFile``) that holds this series' base, 0 for none.
        var loggedFile: UInt32 = 0
        /// How many label numbers follow the fields.
        var symbolCount: UInt32
        /// The commit that last changed this series (to take one undo record per batch), in
        /// 32 bits so the fields fit 96 bytes: the store starts the count again from 1, and
        /// clears this in every series, when it would wrap (``TSDB/State/nextBatch()``).
        var batch: UInt32 = 0
        /// The head-log record that holds the open chunk's first sample (0 when not known,
        /// as for a chunk restored from a checkpoint): records before it are not needed to
        /// rebuild the chunk (see ``TSDB/sealAlignedCut(_:last:)``).
        var chunkStartSeq: Int64 = 0
        /// The series' first value logged to ``loggedFile``, which later samples logged to
        /// the same file are coded against (``LogValues``).
        var loggedBase: Double = 0
        /// The newest sample's time; meaningful only when ``hasSamples``.
        var maxTime: Int64 = 0
    }

    deinit { header.chunk.removeAll() }

    /// A series whose labels are these numbers of the head's ``SymbolTable`` (its names'
    /// shape, then its values in the labels' order: ``SymbolTable/symbols(_:)``).
    static func make(labelSymbols: [UInt32]) -> HeadSeries {
        let buffer = create(minimumCapacity: labelSymbols.count) { _ in Fields(symbolCount: UInt32(truncatingIfNeeded: labelSymbols.count)) }
        buffer.withUnsafeMutablePointerToElements { elements in
            labelSymbols.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                elements.initialize(from: base, count: source.count)
            }
        }
        return unsafeDowncast(buffer, to: HeadSeries.self)
    }

    /// Runs `body` with its labels as numbers of the head's ``SymbolTable``;
    /// ``TSDB/State/labels(of:)`` gives them back as `Labels`.
    func withLabelSymbols<R>(_ body: (UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
        let count = Int(header.symbolCount)
        return try withUnsafeMutablePointerToElements { try body(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// A field, read or changed in place (the open chunk grows where it is).
    subscript<Value>(dynamicMember field: WritableKeyPath<Fields, Value>) -> Value {
        _read { yield header[keyPath: field] }
        _modify { yield &header[keyPath: field] }
    }

    /// The newest value, when known: the open chunk's last sample's, when that is the newest
    /// sample (after a restart it may not be, until the next sample). Not stored: each field
    /// more takes 8 bytes a series of the allocator, or 16.
    var lastValue: Double? { header.chunk.count > 0 && header.chunk.maxTime == header.maxTime ? header.chunk.lastSampleValue : nil }

    /// Whether a staleness marker is the newest sample, as far as ``lastValue`` knows: its
    /// target or rule stopped giving it, and its open chunk will not fill.
    var ended: Bool { lastValue.map(SampleValue.isStaleMarker) == true }

    /// What to restore if the batch that is about to change this series fails to commit.
    ///
    /// 24 bytes: the chunk's sample count and first record, and the log file of the series'
    /// base, before the batch. The rest follows from the chunk cut back to that count (its
    /// newest sample gives `maxTime` and `lastValue`). A chunk still empty before the batch
    /// has no such sample, so that rare case keeps the whole state (``Restore``).
    struct Undo {
        let id: UInt32
        let count: UInt32
        let chunkStartSeq: Int64
        /// The log file of the series' base before the batch (the base changes only with it).
        let loggedFile: UInt32
    }

    /// The whole state, for a series whose chunk was empty before the batch.
    struct Restore {
        let id: UInt32
        let chunkStartSeq: Int64
        let hasSamples: Bool
        let maxTime: Int64
        let loggedFile: UInt32
    }

    /// Notes this series' state before a batch changes it: in `undo`, or in `restore`
    /// when its chunk is empty.
    func noteUndo(_ id: UInt32, _ undo: inout [Undo], _ restore: inout [Restore]) {
        if header.chunk.count > 0 {
            undo.append(Undo(id: id, count: UInt32(clamping: header.chunk.count), chunkStartSeq: header.chunkStartSeq, loggedFile: header.loggedFile))
        } else {
            restore.append(Restore(id: id, chunkStartSeq: header.chunkStartSeq, hasSamples: header.hasSamples, maxTime: header.maxTime, loggedFile: header.loggedFile))
        }
    }

    /// Restores the state before the batch; `firstSealed` is the chunk this batch sealed
    /// first, if any (the chunk `undo` counted).
    func restore(_ undo: Undo, firstSealed: XORChunk?) {
        if let firstSealed { header.chunk.replace(with: firstSealed) }
        header.chunk.keepFirst(Int(undo.count))
        header.chunkStartSeq = undo.chunkStartSeq
        header.loggedFile = undo.loggedFile
        header.hasSamples = true
        header.maxTime = header.chunk.maxTime
    }

    /// Restores the state of a series whose chunk was empty before the batch.
    func restore(_ state: Restore) {
        header.chunk.removeAll()
        header.chunkStartSeq = state.chunkStartSeq
        header.loggedFile = state.loggedFile
        header.hasSamples = state.hasSamples
        header.maxTime = state.maxTime
    }

    /// Appends a sample that head-log record `seq` holds; a full chunk is handed to
    /// `sealed` first.
    ///
    /// The chunk that follows a sealed one keeps the sealed one's memory (the sealed chunk
    /// goes to the store as a copy; ``HeadChunk/startAgain()``). Every series of a scrape
    /// fills its chunk at the same pace, so growing them as they fill moved the memory of the
    /// whole head in steps, in unison, and the process's size rose and fell with the age of
    /// its open chunks; with the room kept, it stays level from one chunk to the next.
    func append(_ t: Int64, _ v: Double, seq: Int64, chunkSize: Int, sealed: (XORChunk) -> Void) {
        if header.chunk.count >= chunkSize {
            sealed(header.chunk.xorChunk)
            header.chunk.startAgain()
        }
        if header.chunk.count == 0 { header.chunkStartSeq = seq }
        header.chunk.append(t, v)
        header.hasSamples = true
        header.maxTime = t
    }

    /// Gives a chunk restored part-full at start-up the room it will need when full,
    /// estimated from its bytes per sample so far (once it has enough samples to tell), at
    /// its next sample: made at start-up, the room for a million series took a second
    /// before the store was ready.
    func reserveFullChunk(chunkSize: Int) {
        let count = header.chunk.count
        guard count >= 8, count < chunkSize else { return }
        let estimate = min(header.chunk.byteCount * min(chunkSize, 1 << 16) / count, 1 << 16)
        header.chunk.reserveCapacityAtNextAppend(estimate + estimate / 8)
    }
}
