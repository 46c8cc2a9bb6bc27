// Tollgate — chunk encodings keep every sample bit for bit.

import Chunks
import Model
import Testing

/// Bit patterns a store must keep exactly.
let edgeValues: [Double] = [
    0, -0.0, 1, -1, .nan, Double(bitPattern: 0x7FF0_0000_0000_0002), Double(bitPattern: 0x7FF8_0000_0000_0001),
    Double(bitPattern: 0xFFF8_0000_DEAD_BEEF), .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
    .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.1, 1e-300, 123_456_789.123, 2.5e-8,
]

func decode(_ chunk: XORChunk) -> [(Int64, UInt64)] {
    var iterator = chunk.makeIterator()
    var out: [(Int64, UInt64)] = []
    while iterator.next() { out.append((iterator.at.t, iterator.at.v.bitPattern)) }
    return out
}

struct XORChunkTests {
    @Test func edgeValuesAndIrregularTimestampsRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        var samples: [(Int64, Double)] = []
        var t: Int64 = -1_000_000
        let gaps: [Int64] = [1, 15_000, 15_001, 14_999, 1, 8192, 8193, -0 + 65_536, 65_537, 524_288, 524_289, 1 << 40, 3, 1 << 50]
        for i in 0..<500 {
            t += gaps[i % gaps.count] + Int64.random(in: 0...3, using: &generator)
            let value = i % 3 == 0 ? edgeValues[i % edgeValues.count] : Double(bitPattern: generator.next())
            samples.append((t, value))
        }
        var chunk = XORChunk()
        for (t, v) in samples { chunk.append(t, v) }
        #expect(chunk.count == samples.count)
        #expect(chunk.minTime == samples.first?.0)
        #expect(chunk.maxTime == samples.last?.0)
        let decoded = decode(chunk)
        #expect(decoded.map(\.0) == samples.map(\.0))
        #expect(decoded.map(\.1) == samples.map { $0.1.bitPattern })
    }

    @Test(arguments: [1, 2, 3, 120])
    func shortChunksAndRestore(_ count: Int) throws {
        var chunk = XORChunk()
        for i in 0..<count { chunk.append(Int64(i) * 15_000 + 1_700_000_000_000, Double(i) * 0.5) }
        let restored = try #require(XORChunk.restore(bytes: chunk.bytes, count: count))
        #expect(restored == chunk)
        var grown = restored
        grown.append(Int64(count) * 15_000 + 1_700_000_000_000, 42)
        #expect(decode(grown).count == count + 1)
        #expect(XORChunk.restore(bytes: Array(chunk.bytes.dropLast()), count: count) == nil || count == 1)
    }

    @Test func seekFindsTheFirstSampleAtOrAfter() {
        var chunk = XORChunk()
        for i in 0..<100 { chunk.append(Int64(i) * 10, Double(i)) }
        var iterator = chunk.makeIterator()
        let first = iterator.seek(55, started: false)
        #expect(first && iterator.at.t == 60)
        let again = iterator.seek(60, started: true)
        #expect(again && iterator.at.t == 60)
        let last = iterator.seek(990, started: true)
        #expect(last && iterator.at.t == 990)
        let past = iterator.seek(991, started: true)
        #expect(!past)
    }

    @Test func regularScrapesCompress() {
        var chunk = XORChunk()
        for i in 0..<120 { chunk.append(1_700_000_000_000 + Int64(i) * 15_000, 1000 + Double(i % 3)) }
        #expect(chunk.bytes.count < 120 * 2)  // well under 2 bytes per sample
    }
}

struct SampleBlockTests {
    @Test func decimalCountersAndGaugesRoundTripAndShrink() throws {
        let counter = (0..<600).map { Double(1_000_000 + $0 * 4096) }
        let gauge = (0..<600).map { Double($0 % 7) * 0.25 + 0.001 }
        let durations = (0..<600).map { 0.000_1 + Double($0 % 13) * 0.000_000_123 }
        for values in [counter, gauge, durations] {
            let encoded = SampleBlock.encodeValues(values)
            let decoded = try #require(SampleBlock.decodeValues(encoded, count: values.count))
            let mismatch = decoded.indices.first { decoded[$0].bitPattern != values[$0].bitPattern }
            #expect(mismatch == nil, "first difference at \(String(describing: mismatch))")
            #expect(encoded.count < values.count * 2, "\(encoded.count) bytes for \(values.count) values")
        }
    }

    @Test func anyBitPatternRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<50 {
            let values = (0..<200).map { i -> Double in
                trial % 2 == 0 ? edgeValues[(i + trial) % edgeValues.count] : Double(bitPattern: generator.next())
            }
            let decoded = try #require(SampleBlock.decodeValues(SampleBlock.encodeValues(values), count: values.count))
            #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
        }
    }

    @Test func timestampsRoundTrip() throws {
        var t: Int64 = 1_795_759_326_494
        var timestamps: [Int64] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<600 {
            timestamps.append(t)
            t += 1000 + Int64.random(in: -5...5, using: &generator)
        }
        timestamps += [t + (1 << 40), t + (1 << 40) + 1]
        let encoded = SampleBlock.encodeTimestamps(timestamps)
        #expect(try #require(SampleBlock.decodeTimestamps(encoded, count: timestamps.count)) == timestamps)
        #expect(SampleBlock.decodeTimestamps(encoded, count: timestamps.count + 1) == nil)
        #expect(SampleBlock.decodeValues([7, 1, 2], count: 1) == nil)
    }
}

struct XORChunkRollbackTests {
    @Test func rollbackUndoesAppendsExactly() {
        var generator = SystemRandomNumberGenerator()
        for split in [0, 1, 2, 7, 50] {
            var chunk = XORChunk()
            for i in 0..<split { chunk.append(Int64(i) * 1000 + Int64.random(in: 0...9, using: &generator), Double(bitPattern: generator.next())) }
            let before = chunk
            let mark = chunk.mark
            for i in split..<(split + 20) { chunk.append(Int64(i) * 1000 + 500, Double(i)) }
            chunk.rollback(to: mark)
            #expect(chunk == before)
            chunk.append(Int64(split) * 1000 + 700, 1.5)
            var reference = before
            reference.append(Int64(split) * 1000 + 700, 1.5)
            #expect(chunk == reference)
        }
    }
}

struct XORChunkKeepFirstTests {
    /// A chunk cut back to its first n samples is the chunk of those samples, and appends
    /// after the cut encode as they would have.
    @Test func keepFirstIsTheChunkOfTheFirstSamples() {
        var generator = SystemRandomNumberGenerator()
        for split in [1, 2, 3, 7, 119] {
            var chunk = XORChunk()
            for i in 0..<split { chunk.append(Int64(i) * 1000 + Int64.random(in: 0...9, using: &generator), Double(bitPattern: generator.next())) }
            let before = chunk
            for i in split..<(split + 20) { chunk.append(Int64(i) * 1000 + 500, Double(i) * 0.5) }
            chunk.keepFirst(split)
            #expect(chunk == before)
            #expect(chunk.count == split && chunk.maxTime == before.maxTime)
            chunk.append(Int64(split) * 1000 + 700, 1.5)
            var reference = before
            reference.append(Int64(split) * 1000 + 700, 1.5)
            #expect(chunk == reference)
        }
        var short = XORChunk()
        short.append(1, 1)
        short.keepFirst(5)
        #expect(short.count == 1, "keeping more samples than the chunk holds keeps them all")
    }
}

struct XORChunkStateTests {
    @Test func savedEncoderStateContinuesTheChunkExactly() throws {
        for count in [0, 1, 2, 3, 119] {
            var chunk = XORChunk()
            for i in 0..<count { chunk.append(Int64(i) * 15_000 + Int64(i % 3), Double(i) * 1.25) }
            let restored = try #require(XORChunk(bytes: chunk.bytes, encoderState: chunk.encoderState))
            #expect(restored == chunk)
            var a = chunk, b = restored
            a.append(Int64(count) * 15_000 + 9, 7.5)
            b.append(Int64(count) * 15_000 + 9, 7.5)
            #expect(a == b)
        }
        var chunk = XORChunk()
        chunk.append(1, 1)
        #expect(XORChunk(bytes: chunk.bytes, encoderState: [1, 2]) == nil)
        #expect(XORChunk(bytes: [], encoderState: chunk.encoderState) == nil)
    }
}

struct XORChunkCapacityTests {
    /// The head holds one open chunk per series, inline in the series' object: its encoder
    /// and its memory's place, count and room.
    @Test func anOpenChunkTakesSixtyTwoBytes() {
        #expect(MemoryLayout<HeadChunk>.size <= 62)
    }

    private func baseAddress(_ chunk: XORChunk) -> UInt? {
        chunk.bytes.withUnsafeBufferPointer { $0.baseAddress.map { UInt(bitPattern: $0) } }
    }

    /// A chunk given room up front (``XORChunk/keepFirst(_:)`` keeps the room of the chunk it
    /// cuts back) fills it without moving, and its encoding is the same as without.
    @Test func aChunkWithReservedRoomFillsWithoutMoving() {
        var generator = SystemRandomNumberGenerator()
        let samples = (0..<120).map { (Int64($0) * 15_000 + Int64.random(in: 0...20, using: &generator), Double(Int.random(in: 0...1_000_000, using: &generator)) / 7) }
        var reference = XORChunk()
        for (t, v) in samples { reference.append(t, v) }
        var chunk = XORChunk()
        chunk.reserveCapacity(reference.byteCount)
        chunk.append(samples[0].0, samples[0].1)
        let first = baseAddress(chunk)
        var moves = 0
        for (t, v) in samples.dropFirst() {
            chunk.append(t, v)
            if baseAddress(chunk) != first { moves += 1 }
        }
        #expect(first != nil)
        #expect(moves == 0)
        #expect(chunk == reference)
        #expect(decode(chunk).map(\.1) == samples.map(\.1.bitPattern))
    }
}
