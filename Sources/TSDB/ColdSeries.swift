// Tollgate — TSDB: series moved out of the head, by id and by the hash of their labels.

import Foundation
import Model

/// The series that went idle and left the head (``TSDB/evictIdleSeries()``): their
/// samples are all sealed, their labels are in the `series` table and their postings in
/// `cold_postings`. What stays in memory is what finds them again, under 100 bytes a series
/// instead of the head's kilobyte: each one's newest time (for out-of-order checks when
/// it comes back, and so queries that start later skip the disk), its base in the head log
/// (see ``Entry``), and the hash of its stored label set (a series that comes back is
/// recognised by its labels, and keeps its id).
///
/// The hash is ``FNV1a`` over the stored bytes, so a restart computes it from the `series`
/// rows without decoding them. A hash names a label set only probably: the caller compares the stored labels of each
/// candidate before taking it.
struct ColdSeries {
    /// What a cold series takes back to the head.
    struct Entry {
        /// Its newest sample time.
        var maxTime: Int64
        /// The head-log file that holds its base, and the base (``HeadSeries/loggedFile``): a
        /// reader of that file keeps the first base it met, so a series that comes back to the
        /// same file must code its values against that one.
        var loggedFile: UInt32 = 0
        var loggedBase: Double = 0
    }

    /// Each cold series' entry.
    private(set) var entries: [UInt32: Entry] = [:]
    /// The first cold series with each hash; ``others`` holds the rare second ones.
    private var byHash: [UInt64: UInt32] = [:]
    private var others: [UInt64: [UInt32]] = [:]
    private var hashes: [UInt32: UInt64] = [:]
    /// The newest sample time of any series ever made cold (it only grows): a selection that
    /// starts after it needs no cold series.
    private(set) var newest: Int64 = .min

    /// The number of cold series.
    var count: Int { entries.count }

    /// Whether series `id` is cold.
    func contains(_ id: UInt32) -> Bool { entries[id] != nil }

    /// Notes series `id` as cold, with its stored labels' bytes.
    mutating func add(_ id: UInt32, labels: Data, _ entry: Entry) {
        let hash = FNV1a.hash(labels)
        entries[id] = entry
        hashes[id] = hash
        newest = max(newest, entry.maxTime)
        if byHash[hash] == nil {
            byHash[hash] = id
        } else {
            others[hash, default: []].append(id)
        }
    }

    /// Forgets series `id` (it came back to the head, or its data is gone).
    mutating func remove(_ id: UInt32) {
        guard entries.removeValue(forKey: id) != nil, let hash = hashes.removeValue(forKey: id) else { return }
        if byHash[hash] == id {
            byHash[hash] = others[hash]?.popLast()
        } else {
            others[hash]?.removeAll { $0 == id }
        }
        if others[hash]?.isEmpty == true { others[hash] = nil }
    }

    /// The cold series whose stored labels hash as `labels` do.
    func candidates(_ labels: Data) -> [UInt32] {
        let hash = FNV1a.hash(labels)
        guard let first = byHash[hash] else { return [] }
        return [first] + (others[hash] ?? [])
    }
}
