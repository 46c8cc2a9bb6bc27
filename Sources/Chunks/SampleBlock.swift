// Tollgate — Chunks: compact encodings for sealed, merged samples.
//
// Beyond Gorilla (ideas from VictoriaMetrics): most metric values are decimal at heart
// (counters, byte counts, durations printed with a few digits), so each value's
// shortest round-trip decimal `m × 10^e` is rescaled to one exponent per block and the
// integers are stored as their deltas or delta-of-deltas, as zigzag varints or packed in a
// common bit width, whichever is smallest; the result is deflated when that helps. Values
// that are not exactly representable this way (NaN, the stale marker, ±Inf, -0.0, huge
// mantissas) fall back to raw 64-bit patterns, so every bit pattern survives. Timestamps are delta-of-delta
// varints, and a block of timestamps can be shared by every series scraped together.

import Gzip

/// Encodes and decodes the value and timestamp columns of a sealed block.
public enum SampleBlock {
    enum ValueKind: UInt8 {
        case raw = 0, decimalDelta = 1, decimalDeltaOfDelta = 2
        /// Deltas or delta-of-deltas, the first one or two as varints and the rest packed
        /// in a common width (see SampleBlock+Packed.swift).
        case packedDelta = 3, packedDeltaOfDelta = 4
    }

    /// Encodes values; `decodeValues(_:count:)` gives back the same bit patterns.
    public static func encodeValues(_ values: [Double]) -> [UInt8] {
        guard let (exponent, integers) = decimalForm(values) else {
            var body: [UInt8] = [ValueKind.raw.rawValue]
            for value in values {
                let bits = value.bitPattern
                for shift in stride(from: 56, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            }
            return packed(body)
        }
        func framed(_ steps: (ValueKind, [UInt8])) -> [UInt8] {
            var body = [steps.0.rawValue]
            appendVarint(Int64(exponent), to: &body)
            return packed(body + steps.1)
        }
        let smallest = smallestSteps(integers)
        guard smallest.0 == .packedDelta || smallest.0 == .packedDeltaOfDelta else { return framed(smallest) }
        // Varints may deflate smaller than packed steps do.
        let byPacking = framed(smallest), byVarints = framed(smallestSteps(integers, packing: false))
        return byVarints.count < byPacking.count ? byVarints : byPacking
    }

    /// Decodes `count` values; nil when the bytes are malformed.
    public static func decodeValues(_ bytes: [UInt8], count: Int) -> [Double]? {
        var values: [Double] = []
        let ok = bytes.withUnsafeBytes { decodeValues($0, count: count, appendingTo: &values) }
        return ok ? values : nil
    }

    /// Decodes `count` values from a stored payload where it lies (a deflated one is
    /// inflated first) and appends them to `out`; false, with `out` unchanged, when the
    /// bytes are malformed.
    public static func decodeValues(_ bytes: UnsafeRawBufferPointer, count: Int, appendingTo out: inout [Double]) -> Bool {
        let before = out.count
        let ok = withUnpacked(bytes) { body -> Bool in
            guard let first = body.first, let kind = ValueKind(rawValue: first) else { return false }
            out.reserveCapacity(before + count)
            switch kind {
            case .raw:
                guard body.count == 1 + count * 8 else { return false }
                for i in 0..<count {
                    var bits: UInt64 = 0
                    for k in 0..<8 { bits = bits << 8 | UInt64(body[1 + i * 8 + k]) }
                    out.append(Double(bitPattern: bits))
                }
                return true
            case .decimalDelta, .decimalDeltaOfDelta, .packedDelta, .packedDeltaOfDelta:
                var reader = RawVarintReader(bytes: UnsafeRawBufferPointer(rebasing: body[1...]))
                guard let exponent = reader.next(), let e = Int(exactly: exponent) else { return false }
                let byDelta = kind == .decimalDelta || kind == .packedDelta
                var value: Int64 = 0, delta: Int64 = 0, i = 0
                func add(_ step: Int64) {
                    if byDelta || i <= 1 {
                        delta = step
                    } else {
                        delta &+= step
                    }
                    value &+= delta
                    out.append(decimalValue(value, e))
                    i += 1
                }
                let varintCount = kind == .decimalDelta || kind == .decimalDeltaOfDelta ? count : min(count, packedHead(kind))
                for _ in 0..<varintCount {
                    guard let step = reader.next() else { return false }
                    add(step)
                }
                guard kind == .packedDelta || kind == .packedDeltaOfDelta else { return reader.atEnd }
                return readPacked(&reader, count: count - varintCount, add)
            }
        } ?? false
        if !ok { out.removeSubrange(before...) }
        return ok
    }

    /// Encodes strictly increasing timestamps.
    public static func encodeTimestamps(_ timestamps: [Int64]) -> [UInt8] {
        let deltas = differences(timestamps)
        let deltaOfDeltas = [deltas.first ?? 0] + differences(Array(deltas.dropFirst()))
        return packed(varints(deltaOfDeltas))
    }

    /// Decodes `count` timestamps; nil when malformed.
    public static func decodeTimestamps(_ bytes: [UInt8], count: Int) -> [Int64]? {
        bytes.withUnsafeBytes { decodeTimestamps($0, count: count) }
    }

    /// Decodes `count` timestamps from a stored payload where it lies; nil when malformed.
    public static func decodeTimestamps(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Int64]? {
        withUnpacked(bytes) { body -> [Int64]? in
            var reader = RawVarintReader(bytes: body)
            var result: [Int64] = []
            result.reserveCapacity(count)
            var t: Int64 = 0, delta: Int64 = 0
            for i in 0..<count {
                guard let step = reader.next() else { return nil }
                if i <= 1 { delta = step } else { delta &+= step }
                t &+= delta
                result.append(t)
            }
            return reader.atEnd ? result : nil
        } ?? nil
    }

    // MARK: Decimal form

    /// One exponent and integers such that every value is exactly `integer × 10^exponent`
    /// (decoded bit for bit), or nil.
    static func decimalForm(_ values: [Double]) -> (Int, [Int64])? {
        var parts: [(Int64, Int)] = []
        parts.reserveCapacity(values.count)
        for value in values {
            guard value.isFinite, !(value == 0 && value.sign == .minus), let part = shortestDecimal(value) else { return nil }
            parts.append(part)
        }
        guard let exponent = parts.map(\.1).min() else { return (0, []) }
        var integers: [Int64] = []
        integers.reserveCapacity(parts.count)
        for (index, (mantissa, e)) in parts.enumerated() {
            var m = mantissa
            for _ in 0..<(e - exponent) {
                let (product, overflow) = m.multipliedReportingOverflow(by: 10)
                guard !overflow, abs(product) < 1 << 62 else { return nil }
                m = product
            }
            guard decimalValue(m, exponent).bitPattern == values[index].bitPattern else { return nil }
            integers.append(m)
        }
        return (exponent, integers)
    }

    /// The shortest round-trip decimal of a finite value as (mantissa, exponent).
    static func shortestDecimal(_ value: Double) -> (Int64, Int)? {
        let text = value.description  // shortest round-trip: "12.5", "1e-05", "-3.0e+20"
        var mantissa: Int64 = 0
        var exponent = 0
        var negative = false
        var afterPoint = false
        var digits = 0
        var iterator = text.utf8.makeIterator()
        while let c = iterator.next() {
            switch c {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): afterPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 18 else { return nil }
                mantissa = mantissa * 10 + Int64(c - UInt8(ascii: "0"))
                if afterPoint { exponent -= 1 }
            case UInt8(ascii: "e"):
                var rest = ""
                while let d = iterator.next() { rest.unicodeScalars.append(Unicode.Scalar(d)) }
                guard let e = Int(rest) else { return nil }
                exponent += e
            default: return nil
            }
        }
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        return (negative ? -mantissa : mantissa, exponent)
    }

    /// `integer × 10^exponent`, correctly rounded.
    @inline(__always)
    static func decimalValue(_ integer: Int64, _ exponent: Int) -> Double {
        if integer.magnitude <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let m = Double(integer)
            return exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
        }
        return Double("\(integer)e\(exponent)") ?? .nan
    }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var p = 1.0
        for _ in 0..<exponent { p *= 10 }
        return p
    }

    // MARK: Varints and packing

    static func differences(_ values: [Int64]) -> [Int64] {
        var previous: Int64 = 0
        return values.map { value in
            defer { previous = value }
            return value &- previous
        }
    }

    static func varints(_ values: [Int64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 2)
        for value in values { appendVarint(value, to: &out) }
        return out
    }

    package static func appendVarint(_ value: Int64, to out: inout [UInt8]) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        out.append(UInt8(zigzag))
    }

    /// Appends `value` as an unsigned LEB128 varint (no zigzag).
    package static func appendUnsignedVarint(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    /// The bytes ``appendUnsignedVarint(_:to:)`` writes for `value`.
    @inline(__always)
    package static func unsignedVarintLength(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    /// The bytes ``appendVarint(_:to:)`` writes for `value`.
    @inline(__always)
    package static func varintLength(_ value: Int64) -> Int {
        unsignedVarintLength(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A leading byte: 0 = stored as is, 1 = raw deflate.
    private static func packed(_ body: [UInt8]) -> [UInt8] {
        if body.count > 32, let deflated = try? Gzip.deflateRaw(body), deflated.count + 1 < body.count + 1 {
            return [1] + deflated
        }
        return [0] + body
    }

    /// Runs `body` over the unpacked payload: the bytes after the flag where they lie, or
    /// their inflation; nil when the flag is unknown or the deflated data is corrupt.
    private static func withUnpacked<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let flag = bytes.first else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[1...])
        switch flag {
        case 0: return body(rest)
        case 1:
            guard let inflated = try? Gzip.inflateRaw(Array(rest), limit: 1 << 26) else { return nil }
            return inflated.withUnsafeBytes(body)
        default: return nil
        }
    }
}

/// Reads zigzag varints from memory the caller keeps alive.
struct RawVarintReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var atEnd: Bool { position == bytes.count }

    @inline(__always)
    mutating func next() -> Int64? {
        guard let value = nextUnsigned() else { return nil }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    /// The next unsigned varint (no zigzag).
    @inline(__always)
    mutating func nextUnsigned() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count && shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}

/// Reads zigzag varints.
package struct VarintReader {
    let bytes: [UInt8]
    /// The next byte to read.
    package var position: Int

    package init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    package var atEnd: Bool { position == bytes.count }

    package mutating func next() -> Int64? {
        bytes.withUnsafeBytes { raw in
            var reader = RawVarintReader(bytes: raw, position: position)
            defer { position = reader.position }
            return reader.next()
        }
    }

    /// The next unsigned varint (no zigzag).
    package mutating func nextUnsigned() -> UInt64? {
        bytes.withUnsafeBytes { raw in
            var reader = RawVarintReader(bytes: raw, position: position)
            defer { position = reader.position }
            return reader.nextUnsigned()
        }
    }
}
