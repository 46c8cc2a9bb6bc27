// Tollgate — TSDB: samples older than their series' newest one, inside the out-of-order window.

import Chunks
import Foundation
import GRDB
import Synchronization

/// Out-of-order samples (``TSDB/Options/outOfOrderTimeWindow``).
///
/// A sample older than its series' newest one is taken when it is at or after the head's
/// newest time (of any series, as this commit began; Prometheus's `headMaxt`) minus the
/// window. It never enters the head: the commit's transaction writes each series' taken
/// samples as one chunk of their own (encoding 3, an XOR chunk whose samples may overlap
/// other chunks of the series), beside the batch's log record and sealed chunks. So it is
/// durable when the commit returns, a failed commit leaves nothing of it, and recovery has
/// nothing to replay for it. Readers merge overlapping chunks by time (`ChunkReader`,
/// `select`), compaction merges them into blocks once the head has moved past them, and
/// retention deletes them like any chunk.
///
/// A sample at a timestamp the series already holds (head, sealed chunk, block, or earlier in
/// the batch) is dropped: silently when its value is bit for bit the stored one, else
/// counted as a duplicate. Every timestamp is therefore stored once per series, which also
/// keeps `(series_id, min_time)` unique without replacing anything.
extension TSDB {
    /// The encoding of a chunk of out-of-order samples: XOR, like encoding 1, but its range
    /// may overlap other chunks, and recovery does not take it for a sealed head chunk.
    static let outOfOrderEncoding = 3

    /// One out-of-order sample the window took, waiting for its commit's transaction.
    struct OutOfOrderSample {
        var id: UInt32
        var t: Int64
        var v: Double
    }

    /// One series' out-of-order samples in a batch, sorted by time (batch order among equal
    /// times), with its head chunk as the batch's in-order samples left it.
    struct OutOfOrderGroup {
        let id: UInt32
        let head: XORChunk
        var samples: [(t: Int64, v: Double)]
    }

    /// What the out-of-order part of a commit stored and dropped.
    struct OutOfOrderCounts {
        var appended = 0
        var duplicate = 0
        /// The samples stored, when asked for (for the log's readers).
        var samples: [(id: UInt32, t: Int64, v: Double)] = []
    }

    /// Whether `t` is at or after `reference - window` (a window reaching past the
    /// smallest time takes everything).
    static func isInsideWindow(_ t: Int64, reference: Int64, window: Int64) -> Bool {
        let (lowest, overflow) = reference.subtractingReportingOverflow(window)
        return overflow || t >= lowest
    }

    /// The samples by series, each series' sorted by time; equal times keep batch order.
    static func group(_ samples: [OutOfOrderSample], _ table: SeriesTable) -> [OutOfOrderGroup] {
        let order = samples.indices.sorted { a, b in
            let x = samples[a], y = samples[b]
            if x.id != y.id { return x.id < y.id }
            if x.t != y.t { return x.t < y.t }
            return a < b
        }
        var groups: [OutOfOrderGroup] = []
        for index in order {
            let sample = samples[index]
            if groups.last?.id != sample.id {
                guard let series = table[sample.id] else { continue }
                groups.append(OutOfOrderGroup(id: sample.id, head: series.chunk.xorChunk, samples: []))
            }
            groups[groups.count - 1].samples.append((sample.t, sample.v))
        }
        return groups
    }

    /// Checks each group against what its series holds in the group's time range (in this
    /// transaction, so with the batch's sealed chunks, and in the head) and writes the
    /// samples left as one chunk per series.
    /// - Complexity: one indexed read of the series' chunks in the range per group, and
    ///   O(samples held in that range) to check it.
    func storeOutOfOrder(_ groups: [OutOfOrderGroup], _ db: Database, keepingSamples: Bool = false) throws -> OutOfOrderCounts {
        var counts = OutOfOrderCounts()
        var reader = try ChunkReader(db, store: self)
        var windows = ChunkWindows.Written()
        let insert = try db.cachedStatement(
            sql: "INSERT INTO chunks (series_id, min_time, max_time, count, encoding, timestamps_id, data) VALUES (?, ?, ?, ?, ?, NULL, ?)")
        for group in groups {
            guard let low = group.samples.first?.t, let high = group.samples.last?.t else { continue }
            var timestamps: [Int64] = []
            var values: [Double] = []
            try reader.read(group.id, low, high, &timestamps, &values)
            Self.decodeXOR(group.head.bytes, count: group.head.count, low, high, &timestamps, &values)
            var held: [Int64: UInt64] = [:]
            held.reserveCapacity(timestamps.count)
            for (t, v) in zip(timestamps, values) where held[t] == nil { held[t] = v.bitPattern }
            var chunk = XORChunk()
            var last: (t: Int64, bits: UInt64)?
            for (t, v) in group.samples {
                let existing = held[t] ?? (last?.t == t ? last?.bits : nil)
                if let existing {
                    // The same sample again is ignored; another value at a held time is a duplicate.
                    if existing != v.bitPattern { counts.duplicate += 1 }
                    continue
                }
                chunk.append(t, v)
                last = (t, v.bitPattern)
                if keepingSamples { counts.samples.append((group.id, t, v)) }
            }
            guard chunk.count > 0 else { continue }
            // A plain INSERT: a chunk starting where another does would fail the commit, never replace it.
            try insert.execute(arguments: [Int64(group.id), chunk.minTime, chunk.maxTime, chunk.count, Self.outOfOrderEncoding, Data(chunk.bytes)])
            windows.note(chunk.minTime, chunk.maxTime)
            sweeps.withLock { $0.wrote(maxTime: chunk.maxTime, merges: true) }
            counts.appended += chunk.count
        }
        try windows.save(db)
        return counts
    }

    /// Puts `timestamps[from...]` (and their values) in time order and keeps the first of
    /// samples with equal times: what reading overlapping chunks in `min_time` order needs.
    /// - Complexity: O(n log n) in the samples from `from`.
    static func sortByTime(_ timestamps: inout [Int64], _ values: inout [Double], from start: Int) {
        let order = (start..<timestamps.count).sorted { a, b in
            timestamps[a] != timestamps[b] ? timestamps[a] < timestamps[b] : a < b
        }
        var ts: [Int64] = []
        var vs: [Double] = []
        ts.reserveCapacity(order.count)
        vs.reserveCapacity(order.count)
        for index in order where ts.last != timestamps[index] {
            ts.append(timestamps[index])
            vs.append(values[index])
        }
        timestamps.replaceSubrange(start..., with: ts)
        values.replaceSubrange(start..., with: vs)
    }

    /// Appends the head's samples in `[minTime, maxTime]` to the sealed samples read before
    /// them (sorted): all of them when the head starts after the last sealed one (in-order
    /// data, the usual case), else merged into the sealed samples' tail by time, the sealed
    /// sample kept at equal times (a chunk sealed since the head was copied, or out-of-order
    /// chunks inside the head's range).
    /// - Complexity: O(head samples) plus, when they overlap, O(sealed samples they overlap).
    static func appendHead(_ head: XORChunk, _ minTime: Int64, _ maxTime: Int64, _ timestamps: inout [Int64], _ values: inout [Double]) {
        guard head.count > 0 else { return }
        guard let last = timestamps.last, head.minTime <= last else {
            decodeXOR(head.bytes, count: head.count, minTime, maxTime, &timestamps, &values)
            return
        }
        var headTimes: [Int64] = []
        var headValues: [Double] = []
        decodeXOR(head.bytes, count: head.count, minTime, maxTime, &headTimes, &headValues)
        guard let first = headTimes.first else { return }
        var low = 0, high = timestamps.count
        while low < high {
            let mid = (low + high) / 2
            if timestamps[mid] < first { low = mid + 1 } else { high = mid }
        }
        var mergedTimes: [Int64] = []
        var mergedValues: [Double] = []
        mergedTimes.reserveCapacity(timestamps.count - low + headTimes.count)
        mergedValues.reserveCapacity(timestamps.count - low + headTimes.count)
        var i = low, j = 0
        while i < timestamps.count || j < headTimes.count {
            if j == headTimes.count || (i < timestamps.count && timestamps[i] <= headTimes[j]) {
                if j < headTimes.count && timestamps[i] == headTimes[j] { j += 1 }  // read twice: keep the sealed one
                mergedTimes.append(timestamps[i])
                mergedValues.append(values[i])
                i += 1
            } else {
                mergedTimes.append(headTimes[j])
                mergedValues.append(headValues[j])
                j += 1
            }
        }
        timestamps.replaceSubrange(low..., with: mergedTimes)
        values.replaceSubrange(low..., with: mergedValues)
    }
}

extension TSDB {
    /// Sets the out-of-order window (milliseconds; 0 refuses every out-of-order sample) for
    /// the commits that begin from now on: `storage.tsdb.out_of_order_time_window`, applied at
    /// start and on every reload, as Prometheus applies it.
    public func setOutOfOrderTimeWindow(_ milliseconds: Int64) {
        state.withLock { $0.outOfOrderTimeWindow = max(0, milliseconds) }
    }
}
