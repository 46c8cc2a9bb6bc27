// Tollgate — Chunks: a block's integer steps in whichever of four forms is smallest, and
// the packed forms' reading.
//
// A varint takes at least a byte, yet most steps of a sealed chunk need a few bits: a slow
// counter grows by 0, 1 or 2 a scrape, a histogram's low buckets rarely move, a gauge walks
// within a small band. The packed forms store the steps after the first one or two as
// offsets from their smallest, each in the same number of bits (frame of reference, as
// columnar formats pack integers): on the benchmark's targets about half a byte a sample
// where varints took 1.1.

extension SampleBlock {
    /// The integers' steps (deltas, or delta-of-deltas after the first delta) in the smallest
    /// of four forms, as the kind and the bytes that follow the exponent. Ties keep the
    /// earlier form: deltas, delta-of-deltas, then the packed ones (tried only with `packing`).
    static func smallestSteps(_ integers: [Int64], packing: Bool = true) -> (ValueKind, [UInt8]) {
        let deltas = differences(integers)
        let deltaOfDeltas = [deltas.first ?? 0] + differences(Array(deltas.dropFirst()))
        var best = (kind: ValueKind.decimalDelta, bytes: varintBytes(deltas))
        var others: [(ValueKind, Int)] = [(.decimalDeltaOfDelta, varintBytes(deltaOfDeltas))]
        if packing {
            others.append((.packedDelta, packedBytes(deltas, head: 1)))
            others.append((.packedDeltaOfDelta, packedBytes(deltaOfDeltas, head: 2)))
        }
        for (kind, bytes) in others where bytes < best.bytes { best = (kind, bytes) }
        switch best.kind {
        case .decimalDeltaOfDelta: return (best.kind, varints(deltaOfDeltas))
        case .packedDelta: return (best.kind, packedSteps(deltas, head: 1))
        case .packedDeltaOfDelta: return (best.kind, packedSteps(deltaOfDeltas, head: 2))
        default: return (.decimalDelta, varints(deltas))
        }
    }

    /// How many steps a packed kind writes as varints before the packed ones.
    static func packedHead(_ kind: ValueKind) -> Int { kind == .packedDelta ? 1 : 2 }

    /// Layout: the first `head` steps as varints, then the smallest of the rest as a varint,
    /// one byte for the width `w` (0...64), and each of the rest minus the smallest in `w`
    /// bits, most significant first, the last byte padded with zero bits.
    static func packedSteps(_ steps: [Int64], head: Int) -> [UInt8] {
        let (low, width) = frame(steps.dropFirst(head))
        var out: [UInt8] = []
        out.reserveCapacity(packedBytes(steps, head: head))
        for step in steps.prefix(head) { appendVarint(step, to: &out) }
        appendVarint(low, to: &out)
        out.append(UInt8(width))
        var bits = BitWriter()
        bits.reserveCapacity((steps.count - min(head, steps.count)) * width / 8 + 1)
        for step in steps.dropFirst(head) { bits.writeBits(UInt64(bitPattern: step &- low), count: width) }
        return out + bits.bytes
    }

    /// The size of ``packedSteps(_:head:)``'s output, without writing it.
    static func packedBytes(_ steps: [Int64], head: Int) -> Int {
        let (low, width) = frame(steps.dropFirst(head))
        let packed = steps.count - min(head, steps.count)
        return varintBytes(steps.prefix(head)) + varintLength(low) + 1 + (packed * width + 7) / 8
    }

    /// The smallest step and the bits that the largest one's offset from it takes. Offsets
    /// are taken as unsigned 64-bit differences, exact even where the signed one overflows.
    private static func frame(_ steps: ArraySlice<Int64>) -> (low: Int64, width: Int) {
        guard let low = steps.min(), let high = steps.max() else { return (0, 0) }
        let spread = UInt64(bitPattern: high &- low)
        return (low, spread == 0 ? 0 : 64 - spread.leadingZeroBitCount)
    }

    /// The bytes of the values' zigzag varints, without writing them.
    static func varintBytes<C: Collection<Int64>>(_ values: C) -> Int {
        values.reduce(0) { $0 + varintLength($1) }
    }

    /// Reads the packed part of a packed kind: after the head's varints, the smallest step,
    /// the width and `count` offsets; calls `each` with every step. False when the bytes are
    /// malformed or do not end where the offsets do.
    static func readPacked(_ reader: inout RawVarintReader, count: Int, _ each: (Int64) -> Void) -> Bool {
        guard let low = reader.next(), reader.position < reader.bytes.count else { return false }
        let width = Int(reader.bytes[reader.position])
        reader.position += 1
        let (bitCount, overflow) = count.multipliedReportingOverflow(by: width)
        guard width <= 64, !overflow, bitCount <= (reader.bytes.count - reader.position) * 8,
              reader.bytes.count - reader.position == (bitCount + 7) / 8
        else { return false }
        var position = reader.position * 8
        for _ in 0..<count {
            var field: UInt64 = 0
            var remaining = width
            while remaining > 0 {
                let byte = UInt64(reader.bytes[position >> 3])
                let available = 8 - position & 7
                let take = min(available, remaining)
                field = field << UInt64(take) | (byte >> UInt64(available - take)) & ((1 << UInt64(take)) - 1)
                position += take
                remaining -= take
            }
            each(low &+ Int64(bitPattern: field))
        }
        reader.position = reader.bytes.count
        return true
    }
}
