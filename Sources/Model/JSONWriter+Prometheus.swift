// Tollgate — Model: timestamps and sample values in Prometheus's JSON forms.

extension JSONWriter {
    /// Writes milliseconds as seconds, as Prometheus's `jsonutil.MarshalTimestamp` does:
    /// the fraction always has three digits (`1700000000.100`), and is left out when zero.
    /// - Parameter ms: Milliseconds since the epoch.
    public mutating func timestamp(_ ms: Int64) {
        separate()
        appendTimestamp(ms)
        needsComma = true
    }

    /// Appends a timestamp as ``timestamp(_:)`` writes it, with no comma before it.
    package mutating func appendTimestamp(_ ms: Int64) {
        if ms < 0 { buffer.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { scratch in
            guard let base = scratch.baseAddress else { return }
            buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: Self.writeTimestamp(ms.magnitude, to: base)))
        }
    }

    /// Writes milliseconds (not negative) as ``timestamp(_:)`` does, through a pointer with
    /// 24 bytes of room; the byte count.
    @inlinable
    package static func writeTimestamp(_ ms: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = writeDecimal(ms / 1000, to: p)
        let fraction = ms % 1000
        if fraction != 0 {
            p[n] = UInt8(ascii: ".")
            p[n + 1] = UInt8(ascii: "0") + UInt8(fraction / 100)
            p[n + 2] = UInt8(ascii: "0") + UInt8(fraction / 10 % 10)
            p[n + 3] = UInt8(ascii: "0") + UInt8(fraction % 10)
            n += 4
        }
        return n
    }

    /// Writes the decimal digits of `n` (at most 20), two at a time; the count written.
    @inlinable @inline(__always)
    package static func writeDecimal(_ n: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1, bound: UInt64 = 10
        while digits < 20 && n >= bound {
            digits &+= 1
            bound &*= 10
        }
        var i = digits, rest = n
        while rest >= 100 {
            let q = rest / 100, pair = rest &- q &* 100
            p[i &- 2] = 48 &+ UInt8(truncatingIfNeeded: pair / 10)
            p[i &- 1] = 48 &+ UInt8(truncatingIfNeeded: pair % 10)
            i &-= 2
            rest = q
        }
        if rest >= 10 {
            p[i &- 2] = 48 &+ UInt8(truncatingIfNeeded: rest / 10)
            p[i &- 1] = 48 &+ UInt8(truncatingIfNeeded: rest % 10)
        } else {
            p[i &- 1] = 48 &+ UInt8(truncatingIfNeeded: rest)
        }
        return digits
    }

    /// A sample value as Prometheus's `jsonutil.MarshalFloat` writes it: the shortest digits
    /// (Go's `'f'` format, `'e'` below 1e-6 and from 1e21), `NaN`, `+Inf`, `-Inf`.
    /// - Parameter v: The value.
    /// - Returns: The text, without quotes.
    public static func sampleValue(_ v: Double) -> String {
        let magnitude = abs(v)
        if magnitude != 0, magnitude.isFinite, magnitude < 1e-6 || magnitude >= 1e21 { return GoFloat.formatG(v) }
        return GoFloat.formatF(v)
    }
}
