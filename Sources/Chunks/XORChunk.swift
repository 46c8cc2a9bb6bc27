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
    private var encoder = XOREncoder()

    /// The first and last timestamps (undefined when empty).
    public var minTime: Int64 { encoder.minTime }
    public var maxTime: Int64 { encoder.maxTime }
    /// The number of samples.
    public var count: Int { encoder.count }

    /// An empty chunk.
    public init() {}

    /// A chunk of these bytes, written by `encoder` (a ``HeadChunk``'s copy).
    init(bytes: [UInt8], freeBits: Int, encoder: XOREncoder) {
        writer = BitWriter(bytes: bytes, freeBits: freeBits)
        self.encoder = encoder
    }

    /// Makes room for at least `byteCount` encoded bytes in all.
    public mutating func reserveCapacity(_ byteCount: Int) {
        writer.reserveCapacity(byteCount)
    }

    /// The encoded bits (the sample count is kept apart, in ``count``).
    public var bytes: [UInt8] { writer.bytes }

    /// The number of encoded bytes (reads the byte buffer's header, not its contents).
    public var byteCount: Int { writer.bytes.count }

    /// The unused low bits of the last byte.
    var freeBits: Int { writer.freeBits }

    /// The encoder's state (a ``HeadChunk`` takes it over).
    var encoderValues: XOREncoder { encoder }

    /// Appends a sample; the caller keeps timestamps strictly increasing.
    public mutating func append(_ t: Int64, _ v: Double) {
        encoder.append(t, v, to: &writer)
    }

    /// The state of a chunk at one moment, to undo the appends made after it.
    public struct Mark: Sendable {
        fileprivate let encoder: XOREncoder
        fileprivate let byteCount: Int, freeBits: Int, lastByte: UInt8
    }

    /// A mark for ``rollback(to:)``.
    public var mark: Mark {
        Mark(encoder: encoder, byteCount: writer.bytes.count, freeBits: writer.freeBits, lastByte: writer.bytes.last ?? 0)
    }

    /// The encoder state as integers, to save beside ``bytes`` so that
    /// ``init(bytes:encoderState:)`` can continue the chunk without decoding it.
    public var encoderState: [Int64] { encoder.saved(freeBits: writer.freeBits) }

    /// Rebuilds a chunk from its bytes and saved ``encoderState``; nil when they do not fit together.
    public init?(bytes: [UInt8], encoderState state: [Int64]) {
        guard let encoder = XOREncoder(saved: state, bytesAreEmpty: bytes.isEmpty) else { return nil }
        self.init(bytes: bytes, freeBits: Int(state[7]), encoder: encoder)
    }

    /// The last sample's value (undefined when empty).
    public var lastSampleValue: Double { Double(bitPattern: encoder.lastValue) }

    /// Undoes every append made since `mark` was taken.
    public mutating func rollback(to mark: Mark) {
        var bytes = writer.bytes
        bytes.removeSubrange(mark.byteCount...)
        if mark.byteCount > 0 { bytes[mark.byteCount - 1] = mark.lastByte }
        writer = BitWriter(bytes: bytes, freeBits: mark.freeBits)
        encoder = mark.encoder
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
