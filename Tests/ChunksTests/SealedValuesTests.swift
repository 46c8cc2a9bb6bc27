// Tollgate — values of a chunk being sealed, in block form without printing or deflating.

import Chunks
import Testing

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
}
