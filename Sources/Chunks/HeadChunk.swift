// Tollgate — Chunks: a head series' open chunk, in memory of its own.

/// An open XOR chunk whose bytes lie in memory it allocates itself, without an array's
/// 32-byte header: a head holds one per series (docs/performance.md). Its bytes are the
/// ones an ``XORChunk`` given the same samples holds.
///
/// A plain value over a pointer: it has exactly one owner, which calls ``removeAll()``
/// when done with it (a head series does, when it is freed). Readers that keep the
/// samples beyond a change take an ``XORChunk`` copy (``xorChunk``).
public struct HeadChunk {
    private var encoder = XOREncoder()
    private var storage = RawBytes()

    /// An empty chunk.
    public init() {}

    /// The number of samples.
    public var count: Int { encoder.count }
    /// The first and last timestamps (undefined when empty).
    public var minTime: Int64 { encoder.minTime }
    public var maxTime: Int64 { encoder.maxTime }
    /// The last sample's value (undefined when empty).
    public var lastSampleValue: Double { Double(bitPattern: encoder.lastValue) }
    /// The number of encoded bytes.
    public var byteCount: Int { Int(storage.count) }
    /// The bytes of memory held.
    public var capacity: Int { Int(storage.capacity) }
    /// The last encoded byte (0 when empty): the one the next sample's first bits go to. A
    /// head reads it ahead of a batch of appends, so that their cache misses overlap.
    public var lastByte: UInt8 { storage.lastByte }

    /// Appends a sample; the caller keeps timestamps strictly increasing.
    public mutating func append(_ t: Int64, _ v: Double) {
        // Room noted for later (``reserveCapacityAtNextAppend(_:)``) is made now.
        if encoder.count > 0 { storage.takeReservedRoom() }
        encoder.append(t, v, to: &storage)
    }

    /// The encoder state as integers (``XORChunk/encoderState``).
    public var encoderState: [Int64] { encoder.saved(freeBits: Int(storage.free)) }

    /// Runs `body` with the encoded bytes, which it must not keep.
    public func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: Int(storage.count)))
    }

    /// A copy as an ``XORChunk``: to seal, store or read.
    public var xorChunk: XORChunk { XORChunk(bytes: storage.array, freeBits: Int(storage.free), encoder: encoder) }

    /// Takes on `chunk`'s samples and state, in the memory already held when they fit.
    public mutating func replace(with chunk: XORChunk) {
        storage.replace(with: chunk.bytes, freeBits: chunk.freeBits)
        encoder = chunk.encoderValues
    }

    /// Keeps the first `n` samples (``XORChunk/keepFirst(_:)``).
    public mutating func keepFirst(_ n: Int) {
        guard n < count else { return }
        var kept = xorChunk
        kept.keepFirst(n)
        replace(with: kept)
    }

    /// Empties the chunk for the samples that follow a sealed one, keeping its memory unless
    /// the sealed one used less than half of it (a series whose values settled). Freed and
    /// allocated anew, with room to spare, the chunks of a whole scrape took their new room
    /// beside the holes the old ones left; kept, the next chunk fills the same memory, and
    /// grows by an eighth only if it needs more.
    public mutating func startAgain() {
        if storage.count < storage.capacity / 2 {
            storage.deallocate()
        } else {
            storage.clear()
        }
        encoder = XOREncoder()
    }

    /// Makes room for at least `byteCount` encoded bytes in all when the next sample comes.
    public mutating func reserveCapacityAtNextAppend(_ byteCount: Int) {
        storage.reserveLater(byteCount)
    }

    /// Empties the chunk and frees its memory; its owner calls it at least when it is done.
    public mutating func removeAll() {
        storage.deallocate()
        encoder = XOREncoder()
    }
}

/// Bytes in memory of their own, for a ``HeadChunk``: grown by an eighth at a time, each
/// allocation rounded up to the size glibc's allocator gives anyway (16-byte steps with an
/// 8-byte header), so the room it rounds to is used.
struct RawBytes: BitSink {
    private(set) var base: UnsafeMutablePointer<UInt8>?
    private(set) var count: UInt32 = 0
    private(set) var capacity: UInt32 = 0
    /// Room to make at the next ``takeReservedRoom()``, in the allocator's 16-byte steps
    /// (with its 8-byte header, as ``resize(to:)`` rounds), 0 for none: 16 bits keep a head
    /// series' fields within 96 bytes (``reserveLater(_:)`` clamps at 1 MiB).
    private var pending: UInt16 = 0
    /// The unused low bits of the last byte (0...7).
    private(set) var free: UInt8 = 0

    /// The last byte, 0 when there is none.
    var lastByte: UInt8 {
        guard let base, count > 0 else { return 0 }
        return base[Int(count) - 1]
    }

    /// A copy of the bytes.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: Int(count))) }

    mutating func writeBits(_ value: UInt64, count bits: Int) {
        guard bits > 0 else { return }
        let free = Int(self.free), start = Int(count)
        let added = BitWriter.newBytes(writing: bits, freeBits: free)
        if added > 0 {
            if start + added > Int(capacity) { resize(to: Self.grownCapacity(start, needing: added)) }
            guard let base else { return }
            (base + start).initialize(repeating: 0, count: added)
            count = UInt32(truncatingIfNeeded: start + added)
        }
        guard let base else { return }
        BitWriter.place(value, count: bits, at: start, freeBits: free, in: base)
        self.free = UInt8(truncatingIfNeeded: BitWriter.freeBits(after: bits, freeBits: free))
    }

    /// Notes room for `byteCount` bytes in all, made by ``takeReservedRoom()``.
    mutating func reserveLater(_ byteCount: Int) {
        pending = UInt16(clamping: (min(max(byteCount, 0), 1 << 20) + 8 + 15) / 16)
    }

    /// Makes the room noted by ``reserveLater(_:)``, if any.
    mutating func takeReservedRoom() {
        guard pending > 0 else { return }
        let room = Int(pending) * 16 - 8
        if room > Int(capacity) { resize(to: room) }
        pending = 0
    }

    /// Holds these bytes instead, in the memory held when they fit.
    mutating func replace(with bytes: [UInt8], freeBits: Int) {
        count = 0
        if bytes.count > Int(capacity) { resize(to: bytes.count) }
        bytes.withUnsafeBufferPointer { source in
            guard let base, let from = source.baseAddress else { return }
            base.update(from: from, count: source.count)
        }
        count = UInt32(truncatingIfNeeded: bytes.count)
        free = UInt8(truncatingIfNeeded: freeBits & 7)
        pending = 0
    }

    /// Empties the bytes, keeping the memory.
    mutating func clear() {
        count = 0
        free = 0
        pending = 0
    }

    /// Frees the memory; the bytes are empty after.
    mutating func deallocate() {
        base?.deallocate()
        self = RawBytes()
    }

    /// The room for `count` bytes that need `added` more: an eighth more, where an array
    /// grows by a quarter (``BitWriter``). A head's chunk keeps the room it grew to for the
    /// chunks after it (``HeadChunk/startAgain()``), so what a step leaves unused stays
    /// unused; the first chunk of a series grows about five times more for it.
    static func grownCapacity(_ count: Int, needing added: Int) -> Int { max(count + added, count + max(16, count / 8)) }

    /// Moves the bytes to memory for at least `byteCount`.
    private mutating func resize(to byteCount: Int) {
        let size = max(24, (byteCount + 8 + 15) & ~15 - 8)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        if let base {
            grown.initialize(from: base, count: Int(count))
            base.deallocate()
        }
        base = grown
        capacity = UInt32(truncatingIfNeeded: size)
    }
}
