// Tollgate — RemoteWrite: a shard's request as it fills, and the series' encoded labels.

import Model
import Storage

/// One shard's request, cut and ready to send: its samples, each with its series' label
/// fields (one `TimeSeries` per sample, as Prometheus sends them), and which steps of the
/// log read they came from (for ``QueueProgress``).
struct ShardBatch: Sendable {
    struct Entry: Sendable {
        var labels: [UInt8]
        var t: Int64
        var v: Double
    }

    var entries: [Entry] = []
    var steps: [(step: Int, count: Int)] = []
    var maxTime = Int64.min

    var count: Int { entries.count }

    /// Removes samples before `cutoff` (`sample_age_limit`); returns how many. The steps keep
    /// their counts: dropped samples are finished too.
    mutating func dropOlder(than cutoff: Int64) -> Int {
        let before = entries.count
        entries.removeAll { $0.t < cutoff }
        return before - entries.count
    }
}

/// A shard's request while the reader fills it, in arrival order.
struct PendingShard {
    private var batch = ShardBatch()
    /// When the oldest sample arrived.
    private var oldest: ContinuousClock.Instant?

    var count: Int { batch.count }

    mutating func append(_ labels: [UInt8], _ t: Int64, _ v: Double, step: Int, now: ContinuousClock.Instant, capacity: Int) {
        if batch.entries.isEmpty { batch.entries.reserveCapacity(capacity) }
        batch.entries.append(ShardBatch.Entry(labels: labels, t: t, v: v))
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
/// series, from the store's label sets. Indexed by reference (the store's are dense small
/// numbers), a dictionary for any beyond; a class: the reader keeps one across runs of shards.
final class SeriesEncodings {
    /// Per dense reference: nil not seen yet, empty dropped (a kept series has at least a name).
    private var dense: [[UInt8]?] = []
    private var sparse: [SeriesRef: [UInt8]] = [:]
    private static let denseLimit: UInt64 = 1 << 26

    /// The label fields of `ref`; nil when dropped or unknown.
    subscript(ref: SeriesRef) -> [UInt8]? {
        let fields = ref.rawValue < Self.denseLimit ? (Int(ref.rawValue) < dense.count ? dense[Int(ref.rawValue)] : nil) : sparse[ref]
        guard let fields, !fields.isEmpty else { return nil }
        return fields
    }

    private func known(_ ref: SeriesRef) -> Bool {
        ref.rawValue < Self.denseLimit ? Int(ref.rawValue) < dense.count && dense[Int(ref.rawValue)] != nil : sparse[ref] != nil
    }

    private func set(_ ref: SeriesRef, _ fields: [UInt8]) {
        guard ref.rawValue < Self.denseLimit else {
            sparse[ref] = fields
            return
        }
        let index = Int(ref.rawValue)
        if index >= dense.count { dense.append(contentsOf: repeatElement(nil, count: index - dense.count + 1)) }
        dense[index] = fields
    }

    /// Looks up the series of `refs` not seen yet and encodes them with `encode`.
    func resolve(_ refs: [SeriesRef], log: any CommitLog, encode: (Labels) -> [UInt8]?) {
        var missing: [SeriesRef] = []
        for ref in refs where !known(ref) { missing.append(ref) }
        guard !missing.isEmpty else { return }
        let labels = log.labels(of: missing)
        for ref in missing { set(ref, labels[ref].flatMap(encode) ?? []) }
    }
}
