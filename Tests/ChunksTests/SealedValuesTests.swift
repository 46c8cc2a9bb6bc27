// Tollgate — values of a chunk being sealed, in block form without printing or deflating,
// and the packed forms of a block's steps.

import Testing

@testable import Chunks

struct SealedValuesTests {
    /// Whole numbers and decimals of up to six places come back bit for bit, in fewer bytes
    /// than an XOR chunk's values took (when they change: a value that never does takes a
    /// bit there and a byte here, and the store keeps the XOR chunk).
    @Test func decimalsOfUpToSixPlacesRoundTripInFewBytes() throws {
        let counter = (0..<120).map { i -> Double in Double(1_000_000 + i * 37 + i % 5) }
        let cpu = (0..<120).map { i -> Double in Double(1_234_567 + i * 41) / 100 }
        let mixed = (0..<120).map { i -> Double in i % 3 == 0 ? Double(i) : Double(i) / 1_000_000 + 0.25 }
        for values: [Double] in [counter, cpu, mixed] {
            let encoded = try #require(SampleBlock.encodeSealedValues(values))
            let decoded = try #require(SampleBlock.decodeValues(encoded, count: values.count))
            #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
            var xor = XORChunk()
            for (i, v) in values.enumerated() { xor.append(Int64(i) * 2_000, v) }
            #expect(encoded.count < xor.bytes.count, "\(encoded.count) bytes against the XOR chunk's \(xor.bytes.count)")
        }
        #expect(try #require(SampleBlock.encodeSealedValues(counter)).count <= 3 * 120 / 2, "a counter's step takes about a byte")
    }

    /// A value without such a form leaves the chunk as it is (nil): the special bit patterns,
    /// more than six places, a mantissa past 2^53.
    @Test func valuesWithoutAShortDecimalFormAreRefused() {
        let short: Set<UInt64> = Set([0.0, 1, -1, 0.1, 123_456_789.123].map(\.bitPattern))
        for value in edgeValues {
            let encoded = SampleBlock.encodeSealedValues([1, 2, value, 3])
            #expect((encoded != nil) == short.contains(value.bitPattern), "\(value) (\(value.bitPattern))")
        }
        #expect(SampleBlock.encodeSealedValues([0.1 + 0.2]) == nil)
        #expect(SampleBlock.encodeSealedValues([1.234_567_8]) == nil)
        #expect(SampleBlock.encodeSealedValues([9_007_199_254_740_993.0 * 4]) == nil)
        #expect(SampleBlock.encodeSealedValues([1, 0, -2.5, 1e15]) == nil, "1e15 at one decimal place is past 2^53")
        #expect(SampleBlock.encodeSealedValues([1, 0, -2.5, 1e14]) != nil)
    }

    /// Random decimals at every scale, mixed in one chunk, decode to the same bits.
    @Test func randomDecimalsAtEveryScaleRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let values = (0..<120).map { _ -> Double in
                let scale = Int.random(in: 0...6, using: &generator)
                let m = Int64.random(in: -1_000_000_000...1_000_000_000, using: &generator)
                return scale == 0 ? Double(m) : Double("\(m)e-\(scale)") ?? 0
            }
            let encoded = try #require(SampleBlock.encodeSealedValues(values), "trial \(trial): \(values)")
            #expect(SampleBlock.decodeValues(encoded, count: values.count)?.map(\.bitPattern) == values.map(\.bitPattern), "trial \(trial)")
        }
    }

    /// What most sealed chunks hold: a slow counter (steps of 0–4), a histogram bucket that
    /// rarely moves and a value that never changes pack their steps in 3, 1 and 0 bits, where
    /// a varint takes at least a byte; they read back bit for bit.
    @Test func smallStepsPackIntoFewBits() throws {
        let slow = (0..<120).map { i -> Double in Double(5_000_000 + i * 2 + (i * 7) % 3) }
        let bucket = (0..<120).map { i -> Double in Double(812 + i / 50) }
        let flat = [Double](repeating: 7.25, count: 120)
        for (values, most) in [(slow, 120 * 3 / 8 + 8), (bucket, 120 / 8 + 8), (flat, 8)] {
            let encoded = try #require(SampleBlock.encodeSealedValues(values))
            #expect([SampleBlock.ValueKind.packedDelta.rawValue, SampleBlock.ValueKind.packedDeltaOfDelta.rawValue].contains(encoded[1]))
            #expect(encoded.count <= most, "\(encoded.count) bytes")
            #expect(SampleBlock.decodeValues(encoded, count: values.count)?.map(\.bitPattern) == values.map(\.bitPattern))
            // Compaction's form (which may deflate) reads back too, and is no larger.
            let merged = SampleBlock.encodeValues(values)
            #expect(merged.count <= encoded.count)
            #expect(SampleBlock.decodeValues(merged, count: values.count)?.map(\.bitPattern) == values.map(\.bitPattern))
        }
    }

    /// The one-pass encoder gives the two passes' bytes (a scale found value by value, every
    /// value checked at it), and the one-pass choice of form is the smallest of the four
    /// forms' sizes as each is measured alone, the earlier form on a tie.
    @Test func onePassAgreesWithTwoPassesAndTheSmallestForm() throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<2_000 {
            let count = Int.random(in: 0...130, using: &generator)
            let base = Int64.random(in: -1_000_000...1_000_000, using: &generator)
            let shape = trial % 4
            let values = (0..<count).map { i -> Double in
                // Whole counters, slow counters, gauges at a few scales, and mixed or refused values.
                switch shape {
                case 0: return Double(base + Int64(i) * Int64.random(in: 0...3, using: &generator))
                case 1: return Double(base + Int64(i / 7)) / 100
                case 2: return Double("\(base + Int64.random(in: -50...50, using: &generator))e-\(Int.random(in: 0...7, using: &generator))") ?? 0
                default: return [0.1 + 0.2, -0.0, .nan, 1e300, Double(i), 2.5][Int.random(in: 0...5, using: &generator)]
                }
            }
            #expect(SampleBlock.encodeSealedValues(values) == SampleBlock.encodeSealedValuesInTwoPasses(values), "trial \(trial): \(values)")
            let integers = (0..<count).map { _ in Int64.random(in: -300...300, using: &generator) &* (trial % 3 == 0 ? 1 : 1 << 40) }
            for packing in [true, false] {
                let deltas = SampleBlock.differences(integers)
                let deltasOfDeltas = Array(deltas.prefix(1)) + SampleBlock.differences(Array(deltas.dropFirst()))
                var sizes: [(SampleBlock.ValueKind, Int)] = [(.decimalDelta, SampleBlock.varintBytes(deltas)), (.decimalDeltaOfDelta, SampleBlock.varintBytes(deltasOfDeltas))]
                if packing {
                    sizes += [(.packedDelta, SampleBlock.packedBytes(deltas, head: 1)), (.packedDeltaOfDelta, SampleBlock.packedBytes(deltasOfDeltas, head: 2))]
                }
                let smallest = sizes.min { $0.1 < $1.1 }
                let (kind, bytes) = SampleBlock.smallestSteps(integers, packing: packing)
                #expect(kind == smallest?.0 && bytes.count == smallest?.1, "trial \(trial), packing \(packing)")
                switch kind {
                case .packedDelta: #expect(bytes == SampleBlock.packedSteps(deltas, head: 1))
                case .packedDeltaOfDelta: #expect(bytes == SampleBlock.packedSteps(deltasOfDeltas, head: 2))
                case .decimalDeltaOfDelta: #expect(bytes == SampleBlock.varints(deltasOfDeltas))
                default: #expect(bytes == SampleBlock.varints(deltas))
                }
            }
        }
    }

    /// Steps packed at every width from 0 to 64 bits, the extremes of `Int64` included, after
    /// one or two varints, read back exactly; the size helper agrees with the bytes written.
    @Test func packedStepsRoundTripAtEveryWidth() throws {
        var generator = SystemRandomNumberGenerator()
        for width in 0...64 {
            for head in 1...2 {
                let low = width >= 63 ? Int64.min : Int64.random(in: -1_000_000...1_000_000, using: &generator)
                let top: UInt64 = width == 0 ? 0 : width == 64 ? .max : (1 << UInt64(width)) - 1
                var steps: [Int64] = [Int64.random(in: .min ... .max, using: &generator), 42].prefix(head) + [low, low &+ Int64(bitPattern: top)]
                steps += (0..<37).map { _ in low &+ Int64(bitPattern: UInt64.random(in: 0...top, using: &generator)) }
                let bytes = SampleBlock.packedSteps(steps, head: head)
                #expect(bytes.count == SampleBlock.packedBytes(steps, head: head))
                var decoded: [Int64] = []
                let ok = bytes.withUnsafeBytes { raw -> Bool in
                    var reader = RawVarintReader(bytes: raw)
                    for _ in 0..<head { guard let step = reader.next() else { return false }; decoded.append(step) }
                    return SampleBlock.readPacked(&reader, count: steps.count - head) { decoded.append($0) }
                }
                #expect(ok && decoded == steps, "width \(width), head \(head)")
                #expect(bytes[bytes.count - (((steps.count - head) * width + 7) / 8) - 1] == UInt8(width))
            }
        }
    }

    /// Values far apart take wide steps (55 bits for ±2^52) and still come back; a packed
    /// block cut short, with a byte too many, or with a width past 64 does not decode.
    @Test func wideStepsRoundTripAndMalformedPackingIsRefused() throws {
        let wide = (0..<60).map { i -> Double in i % 2 == 0 ? 4_503_599_627_370_496 : -4_503_599_627_370_496 + Double(i) }
        let encoded = try #require(SampleBlock.encodeSealedValues(wide))
        #expect(SampleBlock.decodeValues(encoded, count: wide.count)?.map(\.bitPattern) == wide.map(\.bitPattern))

        let slow = (0..<120).map { i -> Double in Double(1_000 + i / 3) }
        let packed = try #require(SampleBlock.encodeSealedValues(slow))
        #expect(packed[1] == SampleBlock.ValueKind.packedDelta.rawValue || packed[1] == SampleBlock.ValueKind.packedDeltaOfDelta.rawValue)
        #expect(SampleBlock.decodeValues(packed, count: slow.count) != nil)
        #expect(SampleBlock.decodeValues(Array(packed.dropLast()), count: slow.count) == nil, "cut short")
        #expect(SampleBlock.decodeValues(packed + [0], count: slow.count) == nil, "a byte too many")
        #expect(SampleBlock.decodeValues(packed, count: slow.count + 9) == nil, "more values than bits")
        var tooWide = SampleBlock.packedSteps([1_000, 0, 1], head: 2)
        tooWide[tooWide.count - 1] = 65  // one step after the head: no bits follow the width
        let block: [UInt8] = [0, SampleBlock.ValueKind.packedDeltaOfDelta.rawValue, 0] + tooWide
        #expect(SampleBlock.decodeValues(block, count: 3) == nil, "a width of 65 bits")
        #expect(SampleBlock.decodeValues([0, SampleBlock.ValueKind.packedDeltaOfDelta.rawValue, 0] + SampleBlock.packedSteps([1_000, 0, 1], head: 2), count: 3) == [1_000, 1_000, 1_001])
    }

    /// Blocks damaged anywhere (a byte changed, cut short) and read with any count never
    /// trap: they are refused, or give exactly as many values as asked for.
    @Test func damagedBlocksAreRefusedOrReadWhole() throws {
        var generator = SystemRandomNumberGenerator()
        let sources: [[Double]] = [
            (0..<120).map { Double(5_000_000 + $0 * 2 + ($0 * 7) % 3) },
            (0..<120).map { Double(812 + $0 / 50) / 100 },
            [Double](repeating: 7, count: 120),
            (0..<60).map { $0 % 2 == 0 ? 4_503_599_627_370_496 : -4_503_599_627_370_496 + Double($0) },
        ]
        var blocks: [[UInt8]] = []
        for values in sources {
            blocks.append(try #require(SampleBlock.encodeSealedValues(values)))
            blocks.append(SampleBlock.encodeValues(values))
        }
        var refused = 0
        for trial in 0..<4_000 {
            var bytes = blocks[trial % blocks.count]
            if trial % 3 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            } else {
                for _ in 0...(trial % 3) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            let count = trial % 5 == 0 ? Int.random(in: 0...300, using: &generator) : [120, 60][trial % blocks.count / 6]
            if let values = SampleBlock.decodeValues(bytes, count: count) {
                #expect(values.count == count)
            } else {
                refused += 1
            }
        }
        #expect(refused > 1_000, "most damage is noticed: \(refused) of 4,000 refused")
    }
}
