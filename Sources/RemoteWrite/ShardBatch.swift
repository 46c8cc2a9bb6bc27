// Tollgate — RemoteWrite: a shard's request as it fills, and the series' encoded labels.

import Model
import Storage

/// One shard's request, cut and ready to send: its series with their samples, and which
/// steps of the log read its samples came from (for ``QueueProgress``).
struct ShardBatch: Sendable {
    struct Series: Sendable {
        var labels: [UInt8]
        var timestamps: [Int64] = []
        var values: [Double] = []
    }

    var series: [Series] = []
    var steps: [(step: Int, count: Int)] = []
    var count = 0
    var maxTime = Int64.min

    /// Removes samples before `cutoff` (`sample_age_limit`); returns how many. The steps keep
    /// their counts: dropped samples are finished too.
    mutating func dropOlder(than cutoff: Int64) -> Int {
        var dropped = 0
        for index in series.indices {
            let keep = series[index].timestamps.indices.filter { series[index].timestamps[$0] >= cutoff }
            guard keep.count < series[index].timestamps.count else { continue }
            dropped += series[index].timestamps.count - keep.count
            series[index].values = keep.map { series[index].values[$0] }
            series[index].timestamps = keep.map { series[index].timestamps[$0] }
        }
        series.removeAll { $0.timestamps.isEmpty }
        count -= dropped
        return dropped
    }
}

/// A shard's request while the reader fills it: samples grouped by series in arrival order.
struct PendingShard {
    private var batch = ShardBatch()
    private var index: [SeriesRef: Int] = [:]
    /// When the oldest sample arrived.
    private var oldest: ContinuousClock.Instant?

    var count: Int { batch.count }

    mutating func append(_ ref: SeriesRef, _ labels: [UInt8], _ t: Int64, _ v: Double, step: Int, now: ContinuousClock.Instant) {
        let position: Int
        if let known = index[ref] {
            position = known
        } else {
            position = batch.series.count
            index[ref] = position
            batch.series.append(ShardBatch.Series(labels: labels))
        }
        batch.series[position].timestamps.append(t)
        batch.series[position].values.append(v)
        batch.count += 1
        batch.maxTime = max(batch.maxTime, t)
        if batch.steps.last?.step == step {
            batch.steps[batch.steps.count - 1].count += 1
        } else {
            batch.steps.append((step, 1))
        }
        if oldest == nil { oldest = now }
    }

    /// Whether the oldest sample has waited `deadline`.
    func isDue(_ now: ContinuousClock.Instant, _ deadline: Duration) -> Bool {
        guard let oldest else { return false }
        return now - oldest >= deadline
    }

    /// The request so far; the shard starts empty again.
    mutating func cut() -> ShardBatch {
        defer { self = PendingShard() }
        return batch
    }
}

/// Each series' label fields as the queue sends them (after external labels and
/// `write_relabel_configs`), or nil for a series the relabeling drops: worked out once per
/// series, from the store's label sets. A class: the reader keeps one across runs of shards.
final class SeriesEncodings {
    private var fields: [SeriesRef: [UInt8]?] = [:]

    /// The label fields of `ref`; nil when dropped or unknown.
    subscript(ref: SeriesRef) -> [UInt8]? { fields[ref] ?? nil }

    /// Looks up the series of `refs` not seen yet and encodes them with `encode`.
    func resolve(_ refs: [SeriesRef], log: any CommitLog, encode: (Labels) -> [UInt8]?) {
        var missing = Set<SeriesRef>()
        for ref in refs where fields[ref] == nil { missing.insert(ref) }
        guard !missing.isEmpty else { return }
        if fields.count + missing.count > 2_000_000 { fields.removeAll(keepingCapacity: true) }
        let labels = log.labels(of: missing)
        for ref in missing { fields[ref] = labels[ref].flatMap(encode) }
    }
}
