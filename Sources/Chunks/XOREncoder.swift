// Tollgate — Chunks: the XOR encoder, apart from where its bytes go.

/// Where encoded bits go: a ``BitWriter``'s array, or the memory of a head's open chunk
/// (``HeadChunk``).
public protocol BitSink {
    /// Writes the low `count` bits of `value` (0...64), most significant first.
    mutating func writeBits(_ value: UInt64, count: Int)
}

/// What the next sample of an XOR chunk is coded against: the last time, delta and value,
/// the value window, and the sample count. ``XORChunk`` and ``HeadChunk`` share it and
/// differ only in where the bytes are kept.
struct XOREncoder: Sendable, Equatable {
    /// The first and last timestamps (undefined when empty).
    var minTime: Int64 = 0
    var maxTime: Int64 = 0
    var lastValue: UInt64 = 0
    var lastDelta: Int64 = 0
    // Small fields last and narrow: a head holds one open chunk per series.
    private var storedCount: UInt32 = 0
    private var leadingBits: UInt8 = 0xFF
    private var trailingBits: UInt8 = 0

    /// The number of samples.
    var count: Int {
        get { Int(storedCount) }
        set { storedCount = UInt32(clamping: newValue) }
    }
    var leading: Int {
        get { Int(leadingBits) }
        set { leadingBits = UInt8(truncatingIfNeeded: newValue) }
    }
    var trailing: Int {
        get { Int(trailingBits) }
        set { trailingBits = UInt8(truncatingIfNeeded: newValue) }
    }

    /// Codes a sample to `sink`; the caller keeps timestamps strictly increasing.
    mutating func append<Sink: BitSink>(_ t: Int64, _ v: Double, to sink: inout Sink) {
        let bits = v.bitPattern
        switch count {
        case 0:
            writeVarint(t, to: &sink)
            sink.writeBits(bits, count: 64)
            minTime = t
        case 1:
            lastDelta = t &- maxTime
            writeUvarint(UInt64(bitPattern: lastDelta), to: &sink)
            var pending = PendingBits()
            writeXOR(bits, into: &pending, sink: &sink)
            pending.flush(to: &sink)
        default:
            let delta = t &- maxTime
            let dod = delta &- lastDelta
            // A sample's fields are gathered in one word and written at once.
            var pending = PendingBits()
            switch dod {
            case 0: pending.add(0, count: 1, flushingTo: &sink)
            case -8191...8192: pending.add(0b10 << 14 | UInt64(bitPattern: dod) & 0x3FFF, count: 16, flushingTo: &sink)
            case -65535...65536: pending.add(0b110 << 17 | UInt64(bitPattern: dod) & 0x1FFFF, count: 20, flushingTo: &sink)
            case -524_287...524_288: pending.add(0b1110 << 20 | UInt64(bitPattern: dod) & 0xFFFFF, count: 24, flushingTo: &sink)
            default:
                pending.add(0b1111, count: 4, flushingTo: &sink)
                pending.add(UInt64(bitPattern: dod), count: 64, flushingTo: &sink)
            }
            lastDelta = delta
            writeXOR(bits, into: &pending, sink: &sink)
            pending.flush(to: &sink)
        }
        maxTime = t
        lastValue = bits
        count += 1
    }

    private mutating func writeXOR<Sink: BitSink>(_ bits: UInt64, into pending: inout PendingBits, sink: inout Sink) {
        let x = bits ^ lastValue
        if x == 0 {
            pending.add(0, count: 1, flushingTo: &sink)
            return
        }
        var lead = x.leadingZeroBitCount
        let trail = x.trailingZeroBitCount
        if lead >= 32 { lead = 31 }  // 5 bits hold the leading count
        if leading != 0xFF && lead >= leading && trail >= trailing {
            // "10", then the bits inside the previous window.
            pending.add(0b10, count: 2, flushingTo: &sink)
            pending.add(x >> UInt64(trailing), count: 64 - leading - trailing, flushingTo: &sink)
            return
        }
        leading = lead
        trailing = trail
        let significant = 64 - lead - trail
        // "11", the leading count in 5 bits, the significant count in 6 (64 is written as 0).
        pending.add(0b11 << 11 | UInt64(lead) << 6 | UInt64(significant & 63), count: 13, flushingTo: &sink)
        pending.add(x >> UInt64(trail), count: significant, flushingTo: &sink)
    }

    private func writeVarint<Sink: BitSink>(_ v: Int64, to sink: inout Sink) {
        writeUvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)), to: &sink)
    }

    private func writeUvarint<Sink: BitSink>(_ v: UInt64, to sink: inout Sink) {
        var v = v
        while v >= 0x80 {
            sink.writeBits(UInt64(v & 0x7F) | 0x80, count: 8)
            v >>= 7
        }
        sink.writeBits(v, count: 8)
    }

    /// The state as integers, with the writer's free bits: ``XORChunk/encoderState``.
    func saved(freeBits: Int) -> [Int64] {
        [Int64(count), minTime, maxTime, Int64(bitPattern: lastValue), lastDelta, Int64(leading), Int64(trailing), Int64(freeBits)]
    }

    /// The state saved by ``saved(freeBits:)``, checked against the bytes' emptiness; nil
    /// when they do not fit together.
    init?(saved state: [Int64], bytesAreEmpty: Bool) {
        guard state.count == 8, (0...Int64(UInt32.max)).contains(state[0]), (0...7).contains(state[7]), state[5] == 0xFF || (0...64).contains(state[5]), (0...64).contains(state[6]),
            state[0] == 0 ? bytesAreEmpty : !bytesAreEmpty
        else { return nil }
        count = Int(state[0])
        minTime = state[1]
        maxTime = state[2]
        lastValue = UInt64(bitPattern: state[3])
        lastDelta = state[4]
        leading = Int(state[5])
        trailing = Int(state[6])
    }

    /// A new encoder.
    init() {}
}
