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
/// if let id = cache.find(parser.seriesBytes) { … } else { cache.insert(parser.seriesBytes, id: newID) }
/// ```
public struct SeriesKeyTable: Sendable {
    private struct Slot: Sendable {
        var hash: UInt64
        var offset: Int32
        var length: Int32
        var id: Int32  // -1: empty
    }

    private var slots: [Slot]
    private var arena: [UInt8] = []
    /// The number of keys stored.
    public private(set) var count = 0

    /// Creates a table sized for about `capacity` series.
    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(hash: 0, offset: 0, length: 0, id: -1), count: size)
    }

    /// The id stored for these bytes, or nil.
    /// - Complexity: O(key length) expected; no allocation.
    public func find(_ key: ArraySlice<UInt8>) -> Int? {
        let (index, found) = probe(key, hash: Self.hash(key))
        return found ? Int(slots[index].id) : nil
    }

    /// Stores an id for these bytes (replacing any earlier one).
    /// - Parameters:
    ///   - key: the raw series bytes.
    ///   - id: a non-negative id below `Int32.max`.
    public mutating func insert(_ key: ArraySlice<UInt8>, id: Int) {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(key)
        let (index, found) = probe(key, hash: hash)
        if found {
            slots[index].id = Int32(truncatingIfNeeded: id)
            return
        }
        slots[index] = Slot(hash: hash, offset: Int32(truncatingIfNeeded: arena.count), length: Int32(truncatingIfNeeded: key.count), id: Int32(truncatingIfNeeded: id))
        arena.append(contentsOf: key)
        count += 1
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func probe(_ key: ArraySlice<UInt8>, hash: UInt64) -> (index: Int, found: Bool) {
        key.withUnsafeBytes { k in
            arena.withUnsafeBytes { a in
                slots.withUnsafeBufferPointer { s in
                    let mask = s.count - 1
                    var index = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let slot = s[index]
                        if slot.id < 0 { return (index, false) }
                        if slot.hash == hash && Int(slot.length) == k.count {
                            guard let keyBase = k.baseAddress, let arenaBase = a.baseAddress else { return (index, true) }  // both empty
                            if memcmp(arenaBase + Int(slot.offset), keyBase, k.count) == 0 { return (index, true) }
                        }
                        index = (index + 1) & mask
                    }
                }
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, offset: 0, length: 0, id: -1), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.id >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].id >= 0 { index = (index + 1) & mask }
            slots[index] = slot
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
