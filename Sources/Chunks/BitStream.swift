// Tollgate — Chunks: bit-level writing and reading.

/// Appends bits, most significant first, to a byte array.
public struct BitWriter: BitSink, Sendable, Equatable {
    /// The bytes written; the last one may be partly filled.
    public private(set) var bytes: [UInt8] = []
    /// How many bits of the last byte are still free (0...7; 0 means a new byte is needed).
    private var free: UInt32 = 0

    /// Creates an empty writer.
    public init() {}

    /// Creates a writer that continues after existing bytes.
    /// - Parameters:
    ///   - bytes: bytes already written.
    ///   - freeBits: how many low bits of the last byte are unused.
    public init(bytes: [UInt8], freeBits: Int) {
        self.bytes = bytes
        self.free = UInt32(truncatingIfNeeded: freeBits & 7)
    }

    /// Unused low bits in the last byte.
    public var freeBits: Int { Int(free) }

    /// Makes room for at least `byteCount` bytes in all, so that writing up to that size
    /// does not move the bytes again.
    public mutating func reserveCapacity(_ byteCount: Int) {
        if byteCount > bytes.capacity { bytes.reserveCapacity(byteCount) }
    }

    /// The number of bits written.
    public var bitCount: Int { bytes.count * 8 - Int(free) }

    /// Writes one bit.
    @inlinable
    public mutating func writeBit(_ bit: Bool) {
        writeBits(bit ? 1 : 0, count: 1)
    }

    /// Writes the low `count` bits of `value` (0...64), most significant first: the free
    /// bits of the last byte first, then whole new bytes and a last partial one. The new
    /// bytes are added at once and written through one buffer pointer, as ``HeadChunk``'s are.
    public mutating func writeBits(_ value: UInt64, count: Int) {
        guard count > 0 else { return }
        let free = Int(self.free)
        let start = bytes.count
        let added = Self.newBytes(writing: count, freeBits: free)
        if added > 0 {
            // Grow by a quarter, not the array's doubling, which leaves a third of the memory
            // unused on average.
            if start + added > bytes.capacity { bytes.reserveCapacity(max(start + added, start + max(16, start / 4))) }
            bytes.append(contentsOf: repeatElement(0, count: added))
        }
        bytes.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            Self.place(value, count: count, at: start, freeBits: free, in: base)
        }
        self.free = Self.freeBits(after: count, freeBits: free)
    }

    /// Writes the low `count` bits of `value` at byte `start` of `base`, the first `freeBits`
    /// of them into the low bits of the byte before; the bytes from `start` on are zero and
    /// there are enough of them.
    @inline(__always)
    static func place(_ value: UInt64, count: Int, at start: Int, freeBits free: Int, in base: UnsafeMutablePointer<UInt8>) {
        var remaining = count
        if free > 0 {
            let take = min(free, remaining)
            let shifted = (value >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1)
            base[start - 1] |= UInt8(truncatingIfNeeded: shifted) << UInt8(free - take)
            remaining -= take
        }
        var index = start
        while remaining >= 8 {
            base[index] = UInt8(truncatingIfNeeded: value >> UInt64(remaining - 8))
            index += 1
            remaining -= 8
        }
        if remaining > 0 { base[index] = UInt8(truncatingIfNeeded: value << UInt64(8 - remaining)) }
    }

    /// The bytes a write of `count` bits adds after a last byte with `free` unused bits.
    @inline(__always)
    static func newBytes(writing count: Int, freeBits free: Int) -> Int { count > free ? (count - free + 7) / 8 : 0 }

    /// The unused bits of the last byte after a write of `count` bits.
    @inline(__always)
    static func freeBits(after count: Int, freeBits free: Int) -> UInt32 {
        let spill = count - free
        return spill > 0 ? UInt32((8 - spill % 8) % 8) : UInt32(-spill)
    }
}

/// Bits gathered in one word before they go to a ``BitWriter``: one write for the dozen or
/// so bits a sample usually takes, instead of one for each of its fields.
public struct PendingBits {
    private var word: UInt64 = 0
    private var count = 0

    /// No bits yet.
    public init() {}

    /// Adds the low `n` bits of `value` (0...64); the word goes to `writer` first when they do not fit.
    @inline(__always)
    public mutating func add<Sink: BitSink>(_ value: UInt64, count n: Int, flushingTo writer: inout Sink) {
        guard n > 0 else { return }
        if count + n > 64 { flush(to: &writer) }
        word = n == 64 ? value : (word << UInt64(n)) | (value & ((1 << UInt64(n)) - 1))
        count += n
    }

    /// Writes the gathered bits to `writer`, and starts again empty.
    @inline(__always)
    public mutating func flush<Sink: BitSink>(to writer: inout Sink) {
        writer.writeBits(word, count: count)
        word = 0
        count = 0
    }
}

/// Reads bits, most significant first, from bytes; returns nil past the end.
public struct BitReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0  // in bits
    private let limit: Int

    /// Creates a reader over `bytes` starting at byte `offset`, reading at most `bitLimit` bits.
    public init(_ bytes: [UInt8], offset: Int = 0, bitLimit: Int? = nil) {
        self.bytes = bytes
        position = offset * 8
        limit = bitLimit.map { offset * 8 + $0 } ?? bytes.count * 8
    }

    /// Bits left to read.
    public var remaining: Int { limit - position }

    /// Reads one bit.
    public mutating func readBit() -> Bool? {
        guard position < limit else { return nil }
        let bit = (bytes[position >> 3] >> UInt8(7 - position & 7)) & 1
        position += 1
        return bit == 1
    }

    /// Reads `count` bits (0...64) as an unsigned integer.
    public mutating func readBits(_ count: Int) -> UInt64? {
        guard count <= limit - position else { return nil }
        var value: UInt64 = 0
        var remaining = count
        while remaining > 0 {
            let byte = bytes[position >> 3]
            let used = position & 7
            let available = 8 - used
            let take = min(available, remaining)
            let bits = (UInt64(byte) >> UInt64(available - take)) & ((1 << UInt64(take)) - 1)
            value = take == 64 ? bits : (value << UInt64(take)) | bits
            position += take
            remaining -= take
        }
        return value
    }
}
