// Tollgate — Chunks: the values of a chunk as it is sealed, in block form, quickly.

extension SampleBlock {
    /// The decimal exponents tried, in order: whole numbers, then what exporters print with
    /// `%.1f` … `%.6f`.
    private static let sealedScales = 0...6

    /// Encodes the values of a chunk being sealed in the form ``decodeValues(_:count:)``
    /// reads, or nil when some value is not `m / 10^p` for a `p` of at most 6 and an `m` of at
    /// most 2^53 (NaN, the stale marker, ±Inf, -0.0, and values with more digits).
    ///
    /// Unlike ``encodeValues(_:)`` it never prints a value to find its shortest decimal, nor
    /// deflates: it runs in the commit, for every sample, where ``encodeValues(_:)`` runs
    /// only in compaction. Each value is checked at each scale by the decoder's own
    /// arithmetic, so every bit pattern comes back.
    ///
    /// The scale is the one a first pass would find (each value's smallest from the scale so
    /// far) and every value is checked at it, in one pass: a value that needs a larger scale
    /// starts the pass again there, which happens at most six times and mostly at the first
    /// value. Should a value taken at a smaller scale not hold at the larger one, the two
    /// passes decide (``encodeSealedValuesInTwoPasses(_:)``).
    public static func encodeSealedValues(_ values: [Double]) -> [UInt8]? {
        var scale = 0
        var integers: [Int64] = []
        integers.reserveCapacity(values.count)
        // Values before this one were taken at a smaller scale, before the pass started again.
        var checkedBefore = 0
        var i = 0
        while i < values.count {
            let value = values[i]
            if let m = scaled(value, powersOfTen[scale]), decimalValue(m, -scale).bitPattern == value.bitPattern {
                integers.append(m)
                i += 1
                continue
            }
            if i < checkedBefore { return encodeSealedValuesInTwoPasses(values) }
            guard let fit = smallestScale(value, from: scale) else { return nil }
            scale = fit
            checkedBefore = i
            integers.removeAll(keepingCapacity: true)
            i = 0
        }
        return sealedValues(integers, scale: scale)
    }

    /// ``encodeSealedValues(_:)`` as a first pass finding the scale and a second checking
    /// every value at it.
    static func encodeSealedValuesInTwoPasses(_ values: [Double]) -> [UInt8]? {
        var scale = 0
        for value in values {
            guard let fit = smallestScale(value, from: scale) else { return nil }
            scale = fit
        }
        let factor = powersOfTen[scale]
        var integers: [Int64] = []
        integers.reserveCapacity(values.count)
        for value in values {
            // Checked at the common scale too: `m × 10` of a value that fits at a smaller one.
            guard let m = scaled(value, factor), decimalValue(m, -scale).bitPattern == value.bitPattern else { return nil }
            integers.append(m)
        }
        return sealedValues(integers, scale: scale)
    }

    /// The encoded form of values that are these integers over `10^scale`.
    private static func sealedValues(_ integers: [Int64], scale: Int) -> [UInt8] {
        let (kind, encoded) = smallestSteps(integers)
        var out: [UInt8] = [0, kind.rawValue]  // stored as is, not deflated
        out.reserveCapacity(encoded.count + 4)
        appendVarint(Int64(-scale), to: &out)
        out += encoded
        return out
    }

    /// The smallest scale `p` from `start` at which `value` is exactly `m / 10^p`.
    @inline(__always)
    private static func smallestScale(_ value: Double, from start: Int) -> Int? {
        guard value.isFinite, !(value == 0 && value.sign == .minus) else { return nil }
        for p in start...sealedScales.upperBound {
            if let m = scaled(value, powersOfTen[p]), decimalValue(m, -p).bitPattern == value.bitPattern { return p }
        }
        return nil
    }

    /// `value × factor` rounded to an integer, when that is at most 2^53 in magnitude (where
    /// ``decimalValue(_:_:)`` is exact arithmetic).
    @inline(__always)
    private static func scaled(_ value: Double, _ factor: Double) -> Int64? {
        let product = (value * factor).rounded()
        guard product.magnitude <= 9_007_199_254_740_992 else { return nil }
        return Int64(product)
    }
}
