// Tollgate — TSDB: the head's series, indexed by id.

/// Head series in an array indexed by id (ids are dense, from 1), so the append path
/// reaches a series without hashing.
struct SeriesTable {
    private var slots: [HeadSeries?] = []

    /// The number of series.
    private(set) var count = 0

    subscript(id: UInt32) -> HeadSeries? {
        get { Int(id) >= 1 && Int(id) <= slots.count ? slots[Int(id) - 1] : nil }
        set {
            let index = Int(id) - 1
            guard index >= 0 else { return }
            if index >= slots.count { slots.append(contentsOf: repeatElement(nil, count: index - slots.count + 1)) }
            count += (newValue != nil ? 1 : 0) - (slots[index] != nil ? 1 : 0)
            slots[index] = newValue
        }
    }

    /// Series `id`, if any, not retained: a commit reaches each series of a batch three
    /// times, and each retain and release is an atomic write to the series' object
    /// (`perf record`: 1.4 % of a steady scrape's CPU). The table keeps the series alive;
    /// the caller uses it only while the table is not changed (`_withUnsafeGuaranteedRef`).
    func unretained(_ id: UInt32) -> Unmanaged<HeadSeries>? {
        let index = Int(id) - 1
        guard index >= 0, index < slots.count else { return nil }
        // An optional class reference is the object's address, or zero for none.
        return slots.withUnsafeBytes { raw in
            raw.load(fromByteOffset: index * MemoryLayout<HeadSeries?>.stride, as: UnsafeRawPointer?.self).map { Unmanaged.fromOpaque($0) }
        }
    }

    /// Makes room for ids up to `highest` without growing the table step by step.
    mutating func reserveCapacity(_ highest: Int) { slots.reserveCapacity(highest) }

    /// Every series with its id.
    var all: some Sequence<(UInt32, HeadSeries)> {
        slots.enumerated().lazy.compactMap { index, series in series.map { (UInt32(index + 1), $0) } }
    }
}
