// Tollgate — TSDB: the head's series by the hash of their labels.

import Model

/// Finds a head series by its labels: its id under the hash of its label set
/// (`Labels.hashValue`), the labels compared before an id is taken.
///
/// The head keeps its labels as symbol numbers (``SymbolTable``), not as `Labels`, so a
/// dictionary keyed by `Labels` would hold a second copy of every label set; this holds 12
/// bytes a series. A hash names a label set only probably: ``id(of:matching:)`` compares
/// each candidate's labels.
struct SeriesIDs {
    /// The first series with each hash; ``others`` holds the rare second ones.
    private var byHash: [Int: UInt32] = [:]
    private var others: [Int: [UInt32]] = [:]

    /// The number of series held.
    private(set) var count = 0

    /// Makes room for `capacity` series.
    mutating func reserveCapacity(_ capacity: Int) { byHash.reserveCapacity(capacity) }

    /// Notes series `id`, whose labels hash to `hash`.
    mutating func insert(_ id: UInt32, hash: Int) {
        count += 1
        if byHash[hash] == nil {
            byHash[hash] = id
        } else {
            others[hash, default: []].append(id)
        }
    }

    /// Forgets series `id`, whose labels hash to `hash`.
    mutating func remove(_ id: UInt32, hash: Int) {
        if byHash[hash] == id {
            byHash[hash] = others[hash]?.popLast()
        } else if let index = others[hash]?.firstIndex(of: id) {
            others[hash]?.remove(at: index)
        } else {
            return
        }
        count -= 1
        if others[hash]?.isEmpty == true { others[hash] = nil }
    }

    /// The series with labels hashing to `hash` for which `matching` holds, if any.
    func id(of hash: Int, matching: (UInt32) -> Bool) -> UInt32? {
        guard let first = byHash[hash] else { return nil }
        if matching(first) { return first }
        return others[hash]?.first(where: matching)
    }
}

extension TSDB.State {
    /// The id of the head series with exactly these labels, if any.
    func headID(of labels: Labels) -> UInt32? {
        ids.id(of: labels.hashValue) { id in series[id].map { $0.withLabelSymbols { symbols.matches($0, labels) } } ?? false }
    }

    /// A head series' labels.
    func labels(of series: HeadSeries) -> Labels { series.withLabelSymbols { symbols.labels($0) } }

    /// A new head series with these labels, not yet indexed (see ``index(_:_:)``).
    mutating func makeSeries(_ labels: Labels) -> HeadSeries {
        HeadSeries.make(labelSymbols: symbols.symbols(labels))
    }

    /// Indexes head series `id` by its labels: the registry and the postings.
    mutating func index(_ id: UInt32, _ labels: Labels) {
        ids.insert(id, hash: labels.hashValue)
        postings.add(id, labels)
    }
}
