// Tollgate — Model: sample values as a Prometheus scrape reads them.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float parsing with the grammar a Prometheus scrape accepts.
///
/// ```
/// value := [+|-] ( DIGITS ["." [DIGITS]] | "." DIGITS ) [ (e|E) [+|-] DIGITS ]
///        | [+|-] ( "inf" | "infinity" )        ; case-insensitive
///        | "nan"                               ; case-insensitive, no sign
/// ```
/// Hex, underscores and `p` exponents are rejected; magnitude overflow is an
/// error; underflow rounds to zero or a subnormal. NaN comes back as the
/// canonical bits `0x7ff8000000000001`, so parsed data never carries the
/// stale-marker bits.
package enum SampleValue {
    /// The NaN bit pattern every parsed NaN gets (Prometheus's `value.NormalNaN`).
    package static let normalNaN = Double(bitPattern: 0x7FF8_0000_0000_0001)

    /// The staleness marker (Prometheus's `value.StaleNaN`): a NaN with these bits, written
    /// when a series ends (its target or rule stopped giving it), ends the series for queries.
    package static let staleMarker = Double(bitPattern: staleMarkerBits)

    /// The bits of ``staleMarker``; a NaN from a scrape never has them.
    package static let staleMarkerBits: UInt64 = 0x7FF0_0000_0000_0002

    /// Whether `value` is the staleness marker (compared by bits: NaN equals nothing).
    package static func isStaleMarker(_ value: Double) -> Bool { value.bitPattern == staleMarkerBits }

    /// Parses `bytes[start..<end]`; nil when it is not a valid value.
    /// - Complexity: O(n) in the token length; no heap allocation.
    @inlinable
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        guard start < end else { return nil }
        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
            guard i < end else { return nil }
        }
        let first = bytes[i] | 0x20
        if first == UInt8(ascii: "i") || first == UInt8(ascii: "n") {
            return special(bytes, i, end, signed: i > start, negative: negative)
        }

        var mantissa: UInt64 = 0
        var significant = 0  // digits accumulated into `mantissa`
        var dropped = 0  // significant digits beyond 19, before the point
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        var truncated = false
        while i < end {
            let c = bytes[i]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                sawDigit = true
                if significant < 19 {
                    if significant > 0 || c != UInt8(ascii: "0") {
                        mantissa = mantissa &* 10 &+ UInt64(c &- UInt8(ascii: "0"))
                        significant += 1
                    }
                    if sawPoint { fractionDigits += 1 }
                } else {
                    truncated = truncated || c != UInt8(ascii: "0")
                    if !sawPoint { dropped += 1 }
                }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if i < end {
            guard bytes[i] | 0x20 == UInt8(ascii: "e") else { return nil }
            i += 1
            var expNegative = false
            if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end else { return nil }
            while i < end {
                let c = bytes[i]
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
                if exponent < 100_000 { exponent = exponent * 10 + Int(c - UInt8(ascii: "0")) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        if mantissa == 0 && !truncated { return negative ? -0.0 : 0.0 }
        let power = exponent - fractionDigits + dropped
        if !truncated && mantissa <= 1 << 53 && power >= -22 && power <= 22 {
            // Both operands are exact, so one IEEE operation rounds correctly (Clinger's fast path).
            let m = Double(mantissa)
            let value = power < 0 ? m / powersOfTen[-power] : m * powersOfTen[power]
            return negative ? -value : value
        }
        return slowPath(bytes, start, end)
    }

    /// `inf`, `infinity` (any case, optional sign) and `nan` (any case, no sign).
    @usableFromInline
    static func special(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, signed: Bool, negative: Bool) -> Double? {
        if matchesIgnoringCase(bytes, i, end, "inf") || matchesIgnoringCase(bytes, i, end, "infinity") {
            return negative ? -.infinity : .infinity
        }
        if !signed && matchesIgnoringCase(bytes, i, end, "nan") { return normalNaN }
        return nil
    }

    @usableFromInline
    static func matchesIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, _ word: StaticString) -> Bool {
        guard end - i == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(end - i) where bytes[i + k] | 0x20 != w[k] { return false }
        return true
    }

    /// Correctly rounded conversion through the C library for long or extreme decimals.
    @usableFromInline
    static func slowPath(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let count = end - start
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> Double in
            for k in 0..<count { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[count] = 0
            guard let base = buffer.baseAddress else { return .infinity }
            return strtod(base, nil)
        }
        return value.isInfinite ? nil : value
    }

    @usableFromInline
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a string with ``parse(_:_:_:)``.
    package static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0, 0, $0.count) }
    }
}
