// Tollgate — a head's open chunk writes the bytes of an XOR chunk, in memory of its own.

import Chunks
import Testing

struct HeadChunkTests {
    /// Samples of every kind the encoder codes differently: regular and irregular gaps, edge
    /// values, random bit patterns and a counter.
    private static func samples(_ trial: Int, count: Int) -> [(Int64, Double)] {
        var generator = SystemRandomNumberGenerator()
        let gaps: [Int64] = [15_000, 15_000, 15_001, 1, 8192, 8193, 65_536, 65_537, 524_288, 524_289, 1 << 40, 2]
        var t = Int64.random(in: -(1 << 45)...(1 << 45), using: &generator)
        var counter = 1e6
        return (0..<count).map { i in
            t += trial % 2 == 0 ? 15_000 : gaps[(i + trial) % gaps.count]
            counter += Double(Int.random(in: 0...90, using: &generator))
            switch (i + trial) % 4 {
            case 0: return (t, edgeValues[i % edgeValues.count])
            case 1: return (t, Double(bitPattern: generator.next()))
            default: return (t, counter)
            }
        }
    }

    @Test func givesTheBytesAndStateOfAnXORChunkAfterEverySample() {
        for trial in 0..<20 {
            var head = HeadChunk(), chunk = XORChunk()
            defer { head.removeAll() }
            for (i, (t, v)) in Self.samples(trial, count: 300).enumerated() {
                head.append(t, v)
                chunk.append(t, v)
                guard head.xorChunk == chunk, head.lastByte == chunk.bytes.last, head.byteCount == chunk.byteCount else {
                    Issue.record("trial \(trial), sample \(i): the chunks differ")
                    return
                }
            }
            #expect(head.count == 300)
            #expect(head.minTime == chunk.minTime && head.maxTime == chunk.maxTime)
            #expect(head.lastSampleValue.bitPattern == chunk.lastSampleValue.bitPattern)
            #expect(head.capacity >= head.byteCount)
            #expect(head.encoderState == chunk.encoderState)
            #expect(head.withUnsafeBytes { Array($0) } == chunk.bytes)
        }
    }

    @Test func continuesAChunkItTookOverAndCutsItBack() {
        let samples = Self.samples(1, count: 200)
        var whole = XORChunk(), first = XORChunk()
        for (i, (t, v)) in samples.enumerated() {
            whole.append(t, v)
            if i < 120 { first.append(t, v) }
        }
        var head = HeadChunk()
        defer { head.removeAll() }
        head.append(1, 1)  // replaced below, with its memory where it fits
        head.replace(with: first)
        for (t, v) in samples[120...] { head.append(t, v) }
        #expect(head.xorChunk == whole)
        head.keepFirst(120)
        #expect(head.xorChunk == first)
        head.keepFirst(500)  // more than it holds: nothing changes
        #expect(head.count == 120)
        head.removeAll()
        #expect(head.count == 0 && head.byteCount == 0 && head.capacity == 0 && head.lastByte == 0)
    }

    /// Room noted for a chunk restored part-full is made at its next sample, rounded to what
    /// glibc's allocator gives (16-byte steps less its 8-byte header).
    @Test func takesTheRoomNotedAtItsNextSample() {
        var head = HeadChunk()
        defer { head.removeAll() }
        head.append(1000, 1)
        head.reserveCapacityAtNextAppend(300)
        #expect(head.capacity < 300)
        head.append(2000, 2)
        #expect(head.capacity >= 300 && head.capacity % 16 == 8)
        let room = head.capacity
        for i in 3...100 { head.append(Int64(i) * 1000, Double(i)) }
        #expect(head.capacity == room)
        // Room is noted in steps of 16 bytes: the largest a head notes (a chunk of 2^16
        // samples' bytes and an eighth) is made whole.
        var large = HeadChunk()
        defer { large.removeAll() }
        large.append(1000, 1)
        large.reserveCapacityAtNextAppend(73_731)
        large.append(2000, 2)
        #expect(large.capacity >= 73_731 && large.capacity < 73_731 + 32)
    }

    /// A chunk that starts again after a seal keeps its memory, and writes the bytes of a new
    /// chunk there; one that used less than half of its memory gives it back.
    @Test func startsAgainInItsMemory() {
        var head = HeadChunk()
        defer { head.removeAll() }
        for (t, v) in Self.samples(1, count: 120) { head.append(t, v) }
        let room = head.capacity
        head.startAgain()
        var fresh = XORChunk()
        for (t, v) in Self.samples(2, count: 10) {
            head.append(t, v)
            fresh.append(t, v)
        }
        #expect(head.xorChunk == fresh)
        #expect(head.capacity == room)
        head.startAgain()  // 10 samples used less than half of it
        #expect(head.capacity == 0 && head.count == 0)
        head.append(1000, 1)
        #expect(head.count == 1 && head.capacity < room)
    }

    /// A chunk that grows as it fills grows by an eighth at a time, not doubling.
    @Test func growsByAnEighth() {
        var head = HeadChunk()
        defer { head.removeAll() }
        for (t, v) in Self.samples(3, count: 400) {
            let before = head.capacity
            head.append(t, v)
            if head.capacity != before {
                #expect(head.capacity <= max(before + max(16, before / 8), head.byteCount) + 16)
            }
        }
    }
}
