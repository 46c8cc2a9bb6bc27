// Tollgate — TSDB: each series' newest logged value, while one head-log file is read.

/// What a reader of one head-log file knows of each series' base value: the first value of
/// the series in that file, which later values of the file may be coded against (see
/// ``LogRecord/SampleEncoder``). A reader starts each file with an empty table and decodes
/// its records in order. A base never changes within a file, so a damaged record loses
/// only the values coded against a base it held, and those fail to decode (they are never
/// read against a wrong base).
///
/// Kept in pages of 4,096 series, made as ids are met: a head's ids are dense, and a damaged
/// record's stray id costs one page, not an array up to it.
struct LogValues {
    private static let pageShift = 12
    private static let pageMask: UInt32 = (1 << 12) - 1

    private struct Page {
        var bits = [UInt64](repeating: 0, count: 1 << LogValues.pageShift)
        /// One bit per series: whether `bits` holds its value.
        var known = [UInt64](repeating: 0, count: (1 << LogValues.pageShift) / 64)
    }

    private var pages: [UInt32: Page] = [:]

    /// The base value of series `id` in this file, or nil when it has none yet.
    func value(of id: UInt32) -> Double? {
        guard let page = pages[id >> Self.pageShift] else { return nil }
        let slot = Int(id & Self.pageMask)
        guard page.known[slot >> 6] & (1 << UInt64(slot & 63)) != 0 else { return nil }
        return Double(bitPattern: page.bits[slot])
    }

    /// Makes `value` the base of series `id` unless it has one; true when it is new.
    @discardableResult
    mutating func setIfNew(_ id: UInt32, _ value: Double) -> Bool {
        let slot = Int(id & Self.pageMask)
        let bit: UInt64 = 1 << UInt64(slot & 63)
        let word = pages[id >> Self.pageShift]?.known[slot >> 6] ?? 0
        guard word & bit == 0 else { return false }
        pages[id >> Self.pageShift, default: Page()].bits[slot] = value.bitPattern
        pages[id >> Self.pageShift, default: Page()].known[slot >> 6] |= bit
        return true
    }

    /// Forgets the bases of `ids` (those a record that turned out damaged had set).
    mutating func forget(_ ids: [UInt32]) {
        for id in ids {
            let slot = Int(id & Self.pageMask)
            pages[id >> Self.pageShift]?.known[slot >> 6] &= ~(1 << UInt64(slot & 63))
        }
    }
}
