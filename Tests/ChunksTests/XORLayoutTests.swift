// Tollgate — the XOR chunk's bytes follow Prometheus's layout, field by field.

import Chunks
import Testing

/// Prometheus's XOR layout (tsdb/chunkenc/xor.go) written the plain way: one write per
/// field. ``XORChunk`` gathers a sample's fields in a word and writes them at once; both
/// must give the same bytes.
private struct FieldByFieldXOR {
    var writer = BitWriter()
    var count = 0, t: Int64 = 0, delta: Int64 = 0, value: UInt64 = 0, leading = 0xFF, trailing = 0

    mutating func uvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            writer.writeBits(v & 0x7F | 0x80, count: 8)
            v >>= 7
        }
        writer.writeBits(v, count: 8)
    }

    mutating func xor(_ bits: UInt64) {
        let x = bits ^ value
        guard x != 0 else { return writer.writeBit(false) }
        writer.writeBit(true)
        let lead = min(x.leadingZeroBitCount, 31), trail = x.trailingZeroBitCount
        if leading != 0xFF && lead >= leading && trail >= trailing {
            writer.writeBit(false)
            writer.writeBits(x >> UInt64(trailing), count: 64 - leading - trailing)
            return
        }
        (leading, trailing) = (lead, trail)
        writer.writeBit(true)
        writer.writeBits(UInt64(lead), count: 5)
        writer.writeBits(UInt64((64 - lead - trail) & 63), count: 6)
        writer.writeBits(x >> UInt64(trail), count: 64 - lead - trail)
    }

    mutating func append(_ time: Int64, _ v: Double) {
        let bits = v.bitPattern
        if count == 0 {
            uvarint(UInt64(bitPattern: time << 1 ^ time >> 63))
            writer.writeBits(bits, count: 64)
        } else if count == 1 {
            delta = time - t
            uvarint(UInt64(bitPattern: delta))
            xor(bits)
        } else {
            let dod = (time - t) - delta
            let (prefix, prefixBits, width): (UInt64, Int, Int) =
                switch dod {
                case 0: (0, 1, 0)
                case -8191...8192: (0b10, 2, 14)
                case -65535...65536: (0b110, 3, 17)
                case -524_287...524_288: (0b1110, 4, 20)
                default: (0b1111, 4, 64)
                }
            writer.writeBits(prefix, count: prefixBits)
            if width > 0 { writer.writeBits(UInt64(bitPattern: dod) & (width == 64 ? .max : (1 << UInt64(width)) - 1), count: width) }
            delta = time - t
            xor(bits)
        }
        t = time
        value = bits
        count += 1
    }
}

struct XORLayoutTests {
    @Test func samplesWrittenAtOnceGiveTheBytesOfOneWritePerField() {
        var generator = SystemRandomNumberGenerator()
        let gaps: [Int64] = [15_000, 15_000, 15_001, 1, 8192, 8193, 65_536, 65_537, 524_288, 524_289, 1 << 40, 2]
        for trial in 0..<40 {
            var chunk = XORChunk(), plain = FieldByFieldXOR()
            var t = Int64.random(in: -(1 << 45)...(1 << 45), using: &generator)
            var counter = 1e6
            for i in 0..<300 {
                t += trial % 2 == 0 ? 15_000 : gaps[(i + trial) % gaps.count]
                counter += Double(Int.random(in: 0...90, using: &generator))
                let value: Double =
                    switch (i + trial) % 4 {
                    case 0: edgeValues[i % edgeValues.count]
                    case 1: Double(bitPattern: generator.next())
                    default: counter
                    }
                chunk.append(t, value)
                plain.append(t, value)
                if chunk.bytes != plain.writer.bytes {
                    Issue.record("trial \(trial), sample \(i): the bytes differ")
                    return
                }
            }
            #expect(chunk.count == 300)
        }
    }
}
