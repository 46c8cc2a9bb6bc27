// Tollgate — TSDB: the head's series by the hash of their labels.

import Model

/// Finds a head series by its labels: its id under the hash of its label set
/// (`Labels.hashValue`), the labels compared before an id is taken.
///
/// The head keeps its labels as symbol numbers (``SymbolTable``), not as `Labels`, so a
/// dictionary keyed by `Labels` would hold a second copy of every label set. This is an
/// open-addressing table of 8-byte slots (the hash's low half and the id), at most seven
/// eighths full: 2 MiB for 200,000 series, where a `[Int: UInt32]` dictionary, at most
/// three quarters full, took 6 MiB (31 bytes a series). A hash names a label set only
/// probably: ``id(of:matching:)`` compares each candidate's labels. Lookups come only with
/// new series (a scrape's samples go by reference), so the probes of a full table cost
/// little.
struct SeriesIDs {
    private struct Slot {
        /// The hash's low 32 bits; the slot a series belongs in is these bits under the mask.
        var tag: UInt32
        /// The series id; 0 for an empty slot (ids start at 1).
        var id: UInt32
    }

    private static let empty = Slot(tag: 0, id: 0)
    private var slots: [Slot] = []

    /// The number of series held.
    private(set) var count = 0

    /// Makes room for `capacity` series.
    mutating func reserveCapacity(_ capacity: Int) {
        let size = Self.size(for: capacity)
        if size > slots.count { rehash(size) }
    }

    /// Notes series `id` (from 1), whose labels hash to `hash`.
    mutating func insert(_ id: UInt32, hash: Int) {
        guard id != 0 else { return }
        reserveCapacity(count + 1)
        place(Slot(tag: UInt32(truncatingIfNeeded: hash), id: id))
        count += 1
    }

    /// Forgets series `id`, whose labels hash to `hash`. The slots after it that belong
    /// before it move back, so that no lookup stops early at the hole.
    mutating func remove(_ id: UInt32, hash: Int) {
        guard !slots.isEmpty else { return }
        let tag = UInt32(truncatingIfNeeded: hash), mask = slots.count - 1
        var hole = Int(tag) & mask
        while slots[hole].id != id || slots[hole].tag != tag {
            if slots[hole].id == 0 { return }
            hole = (hole + 1) & mask
        }
        count -= 1
        var next = hole
        while true {
            next = (next + 1) & mask
            let slot = slots[next]
            if slot.id == 0 { break }
            // The slot may fill the hole when its own place is not after the hole.
            let home = Int(slot.tag) & mask
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slot
                hole = next
            }
        }
        slots[hole] = Self.empty
    }

    /// The series with labels hashing to `hash` for which `matching` holds, if any.
    func id(of hash: Int, matching: (UInt32) -> Bool) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        let tag = UInt32(truncatingIfNeeded: hash), mask = slots.count - 1
        var index = Int(tag) & mask
        while slots[index].id != 0 {
            if slots[index].tag == tag && matching(slots[index].id) { return slots[index].id }
            index = (index + 1) & mask
        }
        return nil
    }

    /// The slots for `count` series: a power of two, at most seven eighths full.
    private static func size(for count: Int) -> Int {
        var size = 16
        while size - size / 8 < count { size <<= 1 }
        return size
    }

    /// Places every series again in `size` slots.
    private mutating func rehash(_ size: Int) {
        let old = slots
        slots = Array(repeating: Self.empty, count: size)
        for slot in old where slot.id != 0 { place(slot) }
    }

    /// Puts `slot` in the first empty slot from its place on (there is one: the table is
    /// never full).
    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var index = Int(slot.tag) & mask
        while slots[index].id != 0 { index = (index + 1) & mask }
        slots[index] = slot
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
