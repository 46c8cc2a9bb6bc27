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
    ///
    /// One pass finds every form's size (a seal encodes 200,000 chunks at once, and a pass
    /// per form and per size took half of its time); only the smallest form is written.
    static func smallestSteps(_ integers: [Int64], packing: Bool = true) -> (ValueKind, [UInt8]) {
        var deltas: [Int64] = []
        deltas.reserveCapacity(integers.count)
        var deltaBytes = 0, deltaOfDeltaBytes = 0
        // The range of the steps each packed form packs: deltas after the first, delta-of-deltas after the second.
        var deltaRange = StepRange(), deltaOfDeltaRange = StepRange()
        var previous: Int64 = 0, previousDelta: Int64 = 0
        for (i, integer) in integers.enumerated() {
            let delta = integer &- previous
            // The first two steps of the delta-of-delta form are the first two deltas.
            let deltaOfDelta = i < 2 ? delta : delta &- previousDelta
            previous = integer
            previousDelta = delta
            deltas.append(delta)
            deltaBytes += varintLength(delta)
            deltaOfDeltaBytes += varintLength(deltaOfDelta)
            if i >= 1 { deltaRange.take(delta) }
            if i >= 2 { deltaOfDeltaRange.take(deltaOfDelta) }
        }
        var best = (kind: ValueKind.decimalDelta, bytes: deltaBytes)
        var others: [(ValueKind, Int)] = [(.decimalDeltaOfDelta, deltaOfDeltaBytes)]
        if packing {
            // The head steps' varints: the first delta, then the first two (both deltas).
            others.append((.packedDelta, varintBytes(deltas.prefix(1)) + deltaRange.packedBytes))
            others.append((.packedDeltaOfDelta, varintBytes(deltas.prefix(2)) + deltaOfDeltaRange.packedBytes))
        }
        for (kind, bytes) in others where bytes < best.bytes { best = (kind, bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(best.bytes)
        let deltasOfDeltas = deltas.indices.lazy.map { i in i < 2 ? deltas[i] : deltas[i] &- deltas[i - 1] }
        switch best.kind {
        case .decimalDeltaOfDelta: for step in deltasOfDeltas { appendVarint(step, to: &out) }
        case .packedDelta: appendPacked(deltas, head: 1, deltaRange, to: &out)
        case .packedDeltaOfDelta: appendPacked(deltasOfDeltas, head: 2, deltaOfDeltaRange, to: &out)
        default: for step in deltas { appendVarint(step, to: &out) }
        }
        return (best.kind, out)
    }

    /// How many steps a packed kind writes as varints before the packed ones.
    static func packedHead(_ kind: ValueKind) -> Int { kind == .packedDelta ? 1 : 2 }

    /// Layout: the first `head` steps as varints, then the smallest of the rest as a varint,
    /// one byte for the width `w` (0...64), and each of the rest minus the smallest in `w`
    /// bits, most significant first, the last byte padded with zero bits.
    static func packedSteps(_ steps: [Int64], head: Int) -> [UInt8] {
        let range = StepRange(steps.dropFirst(head))
        var out: [UInt8] = []
        out.reserveCapacity(packedBytes(steps, head: head))
        appendPacked(steps, head: head, range, to: &out)
        return out
    }

    /// Appends ``packedSteps(_:head:)``'s bytes, given the range of the steps after the head.
    private static func appendPacked<Steps: Collection<Int64>>(_ steps: Steps, head: Int, _ range: StepRange, to out: inout [UInt8]) {
        for step in steps.prefix(head) { appendVarint(step, to: &out) }
        let (low, width) = range.frame
        appendVarint(low, to: &out)
        out.append(UInt8(width))
        var bits = BitWriter()
        bits.reserveCapacity((steps.count - min(head, steps.count)) * width / 8 + 1)
        for step in steps.dropFirst(head) { bits.writeBits(UInt64(bitPattern: step &- low), count: width) }
        out.append(contentsOf: bits.bytes)
    }

    /// The size of ``packedSteps(_:head:)``'s output, without writing it.
    static func packedBytes(_ steps: [Int64], head: Int) -> Int {
        varintBytes(steps.prefix(head)) + StepRange(steps.dropFirst(head)).packedBytes
    }

    /// The smallest and largest of the steps a packed form packs, and how many, taken one at a time.
    private struct StepRange {
        var low = Int64.max, high = Int64.min, count = 0

        init() {}

        init(_ steps: some Sequence<Int64>) {
            for step in steps { take(step) }
        }

        mutating func take(_ step: Int64) {
            low = Swift.min(low, step)
            high = Swift.max(high, step)
            count += 1
        }

        /// The smallest step and the bits that the largest one's offset from it takes.
        /// Offsets are taken as unsigned 64-bit differences, exact even where the signed one
        /// overflows.
        var frame: (low: Int64, width: Int) {
            guard count > 0 else { return (0, 0) }
            let spread = UInt64(bitPattern: high &- low)
            return (low, spread == 0 ? 0 : 64 - spread.leadingZeroBitCount)
        }

        /// The bytes of the smallest step, the width and the offsets.
        var packedBytes: Int {
            let (low, width) = frame
            return varintLength(low) + 1 + (count * width + 7) / 8
        }
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
