// Tollgate — Chunks: Gorilla-style chunks (delta-of-delta timestamps, XOR values).
//
// The layout follows Prometheus's XOR chunk (tsdb/chunkenc/xor.go, after Facebook's
// Gorilla paper): the first timestamp as a signed varint and the first value as 64 raw
// bits; then the first delta as an unsigned varint; then delta-of-deltas in 1, 16, 20,
// 24 or 68 bits, and each value XORed with the previous one in 1 bit (same value) or a
// leading-zero/meaningful-bits window. Every bit pattern is kept, NaN payloads and the
// stale marker 0x7ff0000000000002 included.

public import Model

/// An append-only chunk of samples in time order.
public struct XORChunk: Sendable, Equatable {
    private var writer = BitWriter()
    /// The first and last timestamps (undefined when empty).
    public private(set) var minTime: Int64 = 0
    public private(set) var maxTime: Int64 = 0
    private var lastValue: UInt64 = 0
    private var lastDelta: Int64 = 0
    // Small fields last and narrow: a head holds one open chunk per series (56 bytes, not 80).
    private var storedCount: UInt32 = 0
    private var leadingBits: UInt8 = 0xFF
    private var trailingBits: UInt8 = 0

    /// The number of samples.
    public private(set) var count: Int {
        get { Int(storedCount) }
        set { storedCount = UInt32(clamping: newValue) }
    }
    private var leading: Int {
        get { Int(leadingBits) }
        set { leadingBits = UInt8(truncatingIfNeeded: newValue) }
    }
    private var trailing: Int {
        get { Int(trailingBits) }
        set { trailingBits = UInt8(truncatingIfNeeded: newValue) }
    }

    /// An empty chunk.
    public init() {}

    /// An empty chunk that makes room for `byteCount` encoded bytes when its second sample
    /// comes. A head seals the chunks of a scrape's series together, in the commit that adds
    /// each new chunk's first sample: room taken then would be allocated while the sealed
    /// chunks are still held, and the head would need twice its chunks' memory. By the next
    /// sample they are stored and freed, and the new room takes their place.
    public init(reservingCapacityAfterFirstSample byteCount: Int) {
        writer.reserveLater(byteCount)
    }

    /// Makes room for at least `byteCount` encoded bytes in all.
    public mutating func reserveCapacity(_ byteCount: Int) {
        writer.reserveCapacity(byteCount)
    }

    /// Makes room for at least `byteCount` encoded bytes in all when the next sample comes
    /// (a chunk restored at start-up: the room is then taken off the start-up's path).
    public mutating func reserveCapacityAtNextAppend(_ byteCount: Int) {
        writer.reserveLater(byteCount)
    }

    /// The encoded bits (the sample count is kept apart, in ``count``).
    public var bytes: [UInt8] { writer.bytes }

    /// The number of encoded bytes (reads the byte buffer's header, not its contents).
    public var byteCount: Int { writer.bytes.count }

    /// The last encoded byte (0 when empty): the one the next sample's first bits go to. A
    /// head reads it ahead of a batch of appends, so that their cache misses overlap.
    public var lastByte: UInt8 { writer.bytes.last ?? 0 }

    /// Appends a sample; the caller keeps timestamps strictly increasing.
    public mutating func append(_ t: Int64, _ v: Double) {
        let bits = v.bitPattern
        // Room noted for later is made at the second sample (see the initializer), or at the
        // next sample of a chunk given ``reserveCapacityAtNextAppend(_:)``.
        if count > 0 { writer.takeReservedRoom() }
        switch count {
        case 0:
            writeVarint(t)
            writer.writeBits(bits, count: 64)
            minTime = t
        case 1:
            lastDelta = t &- maxTime
            writeUvarint(UInt64(bitPattern: lastDelta))
            var pending = PendingBits()
            writeXOR(bits, into: &pending)
            pending.flush(to: &writer)
        default:
            let delta = t &- maxTime
            let dod = delta &- lastDelta
            // A sample's fields are gathered in one word and written at once.
            var pending = PendingBits()
            switch dod {
            case 0: pending.add(0, count: 1, flushingTo: &writer)
            case -8191...8192: pending.add(0b10 << 14 | UInt64(bitPattern: dod) & 0x3FFF, count: 16, flushingTo: &writer)
            case -65535...65536: pending.add(0b110 << 17 | UInt64(bitPattern: dod) & 0x1FFFF, count: 20, flushingTo: &writer)
            case -524_287...524_288: pending.add(0b1110 << 20 | UInt64(bitPattern: dod) & 0xFFFFF, count: 24, flushingTo: &writer)
            default:
                pending.add(0b1111, count: 4, flushingTo: &writer)
                pending.add(UInt64(bitPattern: dod), count: 64, flushingTo: &writer)
            }
            lastDelta = delta
            writeXOR(bits, into: &pending)
            pending.flush(to: &writer)
        }
        maxTime = t
        lastValue = bits
        count += 1
    }

    private mutating func writeXOR(_ bits: UInt64, into pending: inout PendingBits) {
        let x = bits ^ lastValue
        if x == 0 {
            pending.add(0, count: 1, flushingTo: &writer)
            return
        }
        var lead = x.leadingZeroBitCount
        let trail = x.trailingZeroBitCount
        if lead >= 32 { lead = 31 }  // 5 bits hold the leading count
        if leading != 0xFF && lead >= leading && trail >= trailing {
            // "10", then the bits inside the previous window.
            pending.add(0b10, count: 2, flushingTo: &writer)
            pending.add(x >> UInt64(trailing), count: 64 - leading - trailing, flushingTo: &writer)
            return
        }
        leading = lead
        trailing = trail
        let significant = 64 - lead - trail
        // "11", the leading count in 5 bits, the significant count in 6 (64 is written as 0).
        pending.add(0b11 << 11 | UInt64(lead) << 6 | UInt64(significant & 63), count: 13, flushingTo: &writer)
        pending.add(x >> UInt64(trail), count: significant, flushingTo: &writer)
    }

    private mutating func writeVarint(_ v: Int64) {
        writeUvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    private mutating func writeUvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            writer.writeBits(UInt64(v & 0x7F) | 0x80, count: 8)
            v >>= 7
        }
        writer.writeBits(v, count: 8)
    }

    /// The state of a chunk at one moment, to undo the appends made after it.
    public struct Mark: Sendable {
        fileprivate let count: Int, minTime: Int64, maxTime: Int64, lastValue: UInt64, lastDelta: Int64
        fileprivate let leading: Int, trailing: Int, byteCount: Int, freeBits: Int, lastByte: UInt8
    }

    /// A mark for ``rollback(to:)``.
    public var mark: Mark {
        Mark(count: count, minTime: minTime, maxTime: maxTime, lastValue: lastValue, lastDelta: lastDelta,
             leading: leading, trailing: trailing, byteCount: writer.bytes.count, freeBits: writer.freeBits,
             lastByte: writer.bytes.last ?? 0)
    }

    /// The encoder state as integers, to save beside ``bytes`` so that
    /// ``init(bytes:encoderState:)`` can continue the chunk without decoding it.
    public var encoderState: [Int64] {
        let m = mark
        return [Int64(m.count), m.minTime, m.maxTime, Int64(bitPattern: m.lastValue), m.lastDelta, Int64(m.leading), Int64(m.trailing), Int64(m.freeBits)]
    }

    /// Rebuilds a chunk from its bytes and saved ``encoderState``; nil when they do not fit together.
    public init?(bytes: [UInt8], encoderState state: [Int64]) {
        guard state.count == 8, (0...Int64(UInt32.max)).contains(state[0]), (0...7).contains(state[7]), state[5] == 0xFF || (0...64).contains(state[5]), (0...64).contains(state[6]),
            state[0] == 0 ? bytes.isEmpty : !bytes.isEmpty
        else { return nil }
        writer = BitWriter(bytes: bytes, freeBits: Int(state[7]))
        count = Int(state[0])
        minTime = state[1]
        maxTime = state[2]
        lastValue = UInt64(bitPattern: state[3])
        lastDelta = state[4]
        leading = Int(state[5])
        trailing = Int(state[6])
    }

    /// The last sample's value (undefined when empty).
    public var lastSampleValue: Double { Double(bitPattern: lastValue) }

    /// Undoes every append made since `mark` was taken.
    public mutating func rollback(to mark: Mark) {
        var bytes = writer.bytes
        bytes.removeSubrange(mark.byteCount...)
        if mark.byteCount > 0 { bytes[mark.byteCount - 1] = mark.lastByte }
        writer = BitWriter(bytes: bytes, freeBits: mark.freeBits)
        count = mark.count
        minTime = mark.minTime
        maxTime = mark.maxTime
        lastValue = mark.lastValue
        lastDelta = mark.lastDelta
        leading = mark.leading
        trailing = mark.trailing
    }

    /// Keeps the first `n` samples and drops the rest, re-encoding the ones kept: slower
    /// than ``rollback(to:)``, but it needs no mark taken in advance (a failed commit's
    /// undo, where taking a mark for every series of every batch cost more than the rare
    /// rebuild).
    public mutating func keepFirst(_ n: Int) {
        guard n < count else { return }
        var kept = XORChunk()
        kept.writer.reserveCapacity(writer.bytes.capacity)
        var iterator = makeIterator()
        while kept.count < n, iterator.next() {
            let (t, v) = iterator.at
            kept.append(t, v)
        }
        self = kept
    }

    /// An iterator over the samples.
    public func makeIterator() -> XORIterator { XORIterator(bytes: writer.bytes, count: count) }

    /// An iterator over stored chunk bytes holding `count` samples.
    public static func iterator(bytes: [UInt8], count: Int) -> XORIterator { XORIterator(bytes: bytes, count: count) }

    /// Rebuilds a chunk from its bytes and sample count (e.g. after a restart) so that
    /// appending can continue.
    /// - Returns: nil when the bytes do not decode to `count` samples.
    public static func restore(bytes: [UInt8], count: Int) -> XORChunk? {
        var chunk = XORChunk()
        var iterator = XORIterator(bytes: bytes, count: count)
        var samples: [(Int64, Double)] = []
        samples.reserveCapacity(count)
        while iterator.next() { samples.append(iterator.at) }
        guard samples.count == count, !iterator.failed else { return nil }
        for (t, v) in samples { chunk.append(t, v) }
        return chunk.bytes == bytes ? chunk : nil
    }
}

/// Decodes an ``XORChunk``: `next()` moves to the next sample, `seek(_:)` to the first
/// at or after a time; `at` is the current sample.
public struct XORIterator: SampleIterator {
    private var reader: BitReader
    private let total: Int
    private var read = 0
    private var t: Int64 = 0
    private var bits: UInt64 = 0
    private var delta: Int64 = 0
    private var leading = 0
    private var trailing = 0
    /// Whether the bytes ended early or were malformed.
    public private(set) var failed = false

    init(bytes: [UInt8], count: Int) {
        reader = BitReader(bytes)
        total = count
    }

    public var at: (t: Int64, v: Double) { (t, Double(bitPattern: bits)) }

    public mutating func next() -> Bool {
        guard read < total, !failed else { return false }
        guard decode() else {
            failed = true
            return false
        }
        read += 1
        return true
    }

    private mutating func decode() -> Bool {
        switch read {
        case 0:
            guard let zig = readUvarint(), let v = reader.readBits(64) else { return false }
            t = Int64(bitPattern: (zig >> 1)) ^ -Int64(bitPattern: zig & 1)
            bits = v
            return true
        case 1:
            guard let d = readUvarint() else { return false }
            delta = Int64(bitPattern: d)
            t &+= delta
            return readXOR()
        default:
            var prefix = 0
            while prefix < 4 {
                guard let bit = reader.readBit() else { return false }
                if !bit { break }
                prefix += 1
            }
            var dod: Int64 = 0
            let width = [0, 14, 17, 20, 64][prefix]
            if width == 64 {
                guard let raw = reader.readBits(64) else { return false }
                dod = Int64(bitPattern: raw)
            } else if width > 0 {
                guard let raw = reader.readBits(width) else { return false }
                // The ranges are -(2^(w-1)-1)...2^(w-1), so 2^(w-1) itself is positive.
                dod = Int64(raw)
                if dod > 1 << Int64(width - 1) { dod -= 1 << Int64(width) }
            }
            delta &+= dod
            t &+= delta
            return readXOR()
        }
    }

    private mutating func readXOR() -> Bool {
        guard let changed = reader.readBit() else { return false }
        if !changed { return true }
        guard let newWindow = reader.readBit() else { return false }
        if newWindow {
            guard let lead = reader.readBits(5), let sig = reader.readBits(6) else { return false }
            leading = Int(lead)
            let significant = sig == 0 ? 64 : Int(sig)
            trailing = 64 - leading - significant
            guard trailing >= 0 else { return false }
        }
        let significant = 64 - leading - trailing
        guard let x = reader.readBits(significant) else { return false }
        bits ^= trailing == 64 ? 0 : x << UInt64(trailing)
        return true
    }

    private mutating func readUvarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            guard let byte = reader.readBits(8) else { return nil }
            value |= (byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
