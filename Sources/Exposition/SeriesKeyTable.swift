// Tollgate — Exposition: a series cache keyed by raw exposition bytes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps the raw bytes of a series (``ExpositionParser/seriesBytes``) to a small
/// integer, without allocating on a hit.
///
/// A scrape loop keeps one per target: a hit skips building the label set; a
/// miss builds it once and inserts. Keys live in one growing byte arena; the
/// table is open addressing with linear probing.
///
/// ```swift
/// var cache = SeriesKeyTable()
/// let id = cache.find(parser.seriesBytes) ?? cache.insert(parser.seriesBytes)
/// ```
public struct SeriesKeyTable: Sendable {
    /// 8 bytes: a table of 200,000 keys at most half full took 24 bytes a slot, 48 to 96 a key.
    private struct Slot: Sendable {
        /// The hash's high half: most keys of other bytes differ here, so few are compared.
        var tag: UInt32
        var id: Int32  // -1: empty
    }

    private var slots: [Slot]
    private var arena: [UInt8] = []
    /// Where each id's key lies in the arena (ids are given in order from 0).
    private var ranges: [(offset: Int32, length: Int32)] = []
    /// The number of keys stored.
    public var count: Int { ranges.count }

    private static let empty = Slot(tag: 0, id: -1)

    /// Creates a table sized for about `capacity` series.
    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Self.empty, count: size)
    }

    /// The id stored for these bytes, or nil.
    /// - Complexity: O(key length) expected; no allocation.
    public func find(_ key: ArraySlice<UInt8>) -> Int? {
        let (index, found) = probe(key, hash: Self.hash(key))
        return found ? Int(slots[index].id) : nil
    }

    /// The id of these bytes: the one they have, or the next one (the number of keys
    /// stored before), which they get.
    @discardableResult
    public mutating func insert(_ key: ArraySlice<UInt8>) -> Int {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(key)
        let (index, found) = probe(key, hash: hash)
        if found { return Int(slots[index].id) }
        let id = ranges.count
        slots[index] = Slot(tag: UInt32(truncatingIfNeeded: hash >> 32), id: Int32(truncatingIfNeeded: id))
        ranges.append((Int32(truncatingIfNeeded: arena.count), Int32(truncatingIfNeeded: key.count)))
        arena.append(contentsOf: key)
        return id
    }

    /// Gives back the room the keys' bytes and places grew into beyond an eighth more than
    /// they hold. An array doubles as it grows: a target's 2,000 keys of 70 bytes filled
    /// 140,000 bytes of an arena of 262,144, about 60 bytes a series kept for nothing. A
    /// scrape that added keys calls this; one that added few leaves the room alone.
    public mutating func shrinkToFit() {
        if arena.capacity > arena.count + arena.count / 8 + 64 { arena = arena.withUnsafeBufferPointer { Array($0) } }
        if ranges.capacity > ranges.count + ranges.count / 8 + 8 { ranges = ranges.withUnsafeBufferPointer { Array($0) } }
    }

    /// The bytes of room the table holds for keys' bytes and places (for tests).
    var keyCapacity: Int { arena.capacity + ranges.capacity * MemoryLayout<(offset: Int32, length: Int32)>.stride }

    /// A table of the keys of `ids` only, each under its position among those kept: a scrape
    /// cache drops the series a target no longer exposes. Ids not stored are skipped.
    public func keeping(_ ids: [Int]) -> SeriesKeyTable {
        var kept = SeriesKeyTable(capacity: ids.count)
        for id in ids where id >= 0 && id < ranges.count { kept.insert(key(id)) }
        return kept
    }

    /// The key of `id`, which must be stored.
    private func key(_ id: Int) -> ArraySlice<UInt8> {
        let range = ranges[id]
        return arena[Int(range.offset)..<Int(range.offset + range.length)]
    }

    /// Whether `key` is the key stored for `id`: one comparison, no hashing. A scrape checks
    /// the series that followed the last one in the previous scrape first, since targets
    /// usually expose series in the same order every time.
    /// - Complexity: O(key length); false for ids not stored.
    public func key(of id: Int, equals key: ArraySlice<UInt8>) -> Bool {
        guard id >= 0, id < ranges.count else { return false }
        let range = ranges[id]
        guard Int(range.length) == key.count else { return false }
        return key.withUnsafeBytes { k in
            arena.withUnsafeBytes { a in
                guard let keyBase = k.baseAddress, let arenaBase = a.baseAddress else { return true }
                return memcmp(arenaBase + Int(range.offset), keyBase, k.count) == 0
            }
        }
    }

    /// Where the series part of a text-format line ends, when the line at `start` begins
    /// with exactly the key of `id` followed by a blank (and, after a bare metric name, no
    /// `{`): that line has the series bytes of `id`. Nil otherwise.
    func matches(_ id: Int, _ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        guard id >= 0, id < ranges.count else { return nil }
        let range = ranges[id], length = Int(range.length)
        // The body ends with a line feed, so a match leaves room for the blank after it.
        guard length > 0, start + length < b.count, let base = b.baseAddress else { return nil }
        let equal = arena.withUnsafeBytes { a in
            a.baseAddress.map { memcmp($0 + Int(range.offset), base + start, length) == 0 } ?? false
        }
        let end = start + length
        guard equal, b[end] == UInt8(ascii: " ") || b[end] == UInt8(ascii: "\t") else { return nil }
        if b[end - 1] != UInt8(ascii: "}") {
            var k = end
            while b[k] == UInt8(ascii: " ") || b[k] == UInt8(ascii: "\t") { k += 1 }
            if b[k] == UInt8(ascii: "{") { return nil }
        }
        return end
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func probe(_ key: ArraySlice<UInt8>, hash: UInt64) -> (index: Int, found: Bool) {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        return key.withUnsafeBytes { k in
            arena.withUnsafeBytes { a in
                slots.withUnsafeBufferPointer { s in
                    let mask = s.count - 1
                    var index = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let slot = s[index]
                        if slot.id < 0 { return (index, false) }
                        if slot.tag == tag {
                            let range = ranges[Int(slot.id)]
                            if Int(range.length) == k.count {
                                guard let keyBase = k.baseAddress, let arenaBase = a.baseAddress else { return (index, true) }  // both empty
                                if memcmp(arenaBase + Int(range.offset), keyBase, k.count) == 0 { return (index, true) }
                            }
                        }
                        index = (index + 1) & mask
                    }
                }
            }
        }
    }

    /// Doubles the slots; each key's hash is worked out again from its bytes (a slot keeps
    /// only half of it), once per doubling.
    private mutating func grow() {
        slots = Array(repeating: Self.empty, count: slots.count * 2)
        let mask = slots.count - 1
        for id in ranges.indices {
            let hash = Self.hash(key(id))
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index].id >= 0 { index = (index + 1) & mask }
            slots[index] = Slot(tag: UInt32(truncatingIfNeeded: hash >> 32), id: Int32(truncatingIfNeeded: id))
        }
    }

    /// FNV-1a over 8-byte words, then a final mix; stable across runs.
    private static func hash(_ key: ArraySlice<UInt8>) -> UInt64 {
        key.withUnsafeBytes { raw -> UInt64 in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            var i = 0
            let n = raw.count
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                i += 8
            }
            while i < n {
                h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3
                i += 1
            }
            h ^= h >> 33
            h = h &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            return h
        }
    }
}
