// Tollgate — TSDB: a head-log record's samples, encoded as a commit accepts them.

import Chunks

extension LogRecord {
    /// The samples of a record, encoded as they are accepted (no intermediate array), in the
    /// layout of record version 7 (``LogRecord/encoded(newSeries:samples:late:)`` writes 7,
    /// or 8 with out-of-order samples), or of version 5 for tests of logs older Tollgates
    /// wrote.
    ///
    /// **Version 7.** A sample whose series id is the one before's plus one and whose time
    /// is the one before's (most samples: a scrape's come in id order and share a time) is
    /// one *value byte* `V` and its payload. Any other sample first takes a byte
    /// `0x80 | newTime << 6 | min(z, 63)`, where `z` is the zigzag of the id's difference
    /// from the one before minus one (63: `z - 63` follows as an unsigned varint), then the
    /// timestamp's delta as a varint when `newTime` is set, then its value byte. `V`:
    /// - `0`: the same bits as the series' base (its first value in the file, ``LogValues``);
    /// - `1…63`: the base plus the step whose zigzag is `V`, in the base's own unit: 1 for
    ///   a whole base, `10^-p` for a base that is `m / 10^p` (p = 2, else 6);
    /// - `64…95`: the same with a larger step, its zigzag `V & 31 | u << 5`, where the
    ///   unsigned varint `u` follows;
    /// - `96`: a whole number (|v| < 2^53, not -0) as a varint;
    /// - `97`: the value's 8 bytes, big-endian;
    /// - `98`: a decimal `m / 10^p` (p = 2 or 6) as the varint `m << 3 | p`;
    /// - `99`: the staleness marker.
    /// So an unchanged value, or one from 32 steps below its base to 31 above, takes one byte
    /// in all, where version 5 took two. Steps are taken only where the decoder's arithmetic gives the
    /// same bits back.
    ///
    /// **Version 5.** Each sample starts with one varint, `idDelta << 4 | newTime << 3 | kind`
    /// (the id's difference, whether a timestamp delta follows), then the value by kind:
    /// `0` a whole number as a varint, `1` the 8 bytes, `2` the decimal varint `m << 3 | p`,
    /// `3` the staleness marker, `4` the base's bits, `5` a whole number as the varint of its
    /// difference from a whole base, `6` the varint `(m - m') << 3 | p` against the base
    /// `m' / 10^p`. Versions 3 and 4 wrote kinds 0–3 as `idDelta << 3 | newTime << 2 | kind`.
    struct SampleEncoder {
        private(set) var bytes: [UInt8] = []
        private(set) var count = 0
        /// The record version whose sample layout this writes: 7, or 5.
        let version: UInt8
        private var previousID: Int64 = 0
        private var previousT: Int64 = 0

        init(capacity: Int, version: UInt8 = 7) {
            self.version = version
            bytes.reserveCapacity(capacity * 3)
        }

        /// Appends a sample; `base`, when given, is the series' first value in the file
        /// the record goes to (nil for its first sample there, and for samples coded alone).
        mutating func append(_ id: UInt32, _ t: Int64, _ v: Double, base: Double? = nil) {
            if version == 5 {
                appendVersion5(id, t, v, base: base)
            } else {
                if count == 0 || Int64(id) != previousID &+ 1 || t != previousT {
                    let newTime = count == 0 || t != previousT
                    let z = Self.zigzag(Int64(id) &- previousID &- 1)
                    bytes.append(0x80 | (newTime ? 0x40 : 0) | UInt8(min(z, 63)))
                    if z >= 63 { SampleBlock.appendUnsignedVarint(z - 63, to: &bytes) }
                    if newTime { SampleBlock.appendVarint(t &- previousT, to: &bytes) }
                }
                appendValue(v, base: base)
            }
            previousID = Int64(id)
            previousT = t
            count += 1
        }

        /// A value byte and its payload (version 7). The value's form alone is worked out
        /// only when no one-byte step from the base fits.
        @inline(__always)
        private mutating func appendValue(_ v: Double, base: Double?) {
            var step: UInt64?
            if let base {
                if base.bitPattern == v.bitPattern {
                    bytes.append(0)
                    return
                }
                step = Self.stepFromBase(v, base)
                if let z = step, z < 64 {
                    bytes.append(UInt8(z))
                    return
                }
            }
            let (kind, payload) = Self.kind(v, base: nil)
            if let z = step, 1 + SampleBlock.unsignedVarintLength(z >> 5) <= (kind == 3 ? 1 : kind == 1 ? 9 : 1 + SampleBlock.varintLength(payload)) {
                bytes.append(64 | UInt8(z & 31))
                SampleBlock.appendUnsignedVarint(z >> 5, to: &bytes)
                return
            }
            bytes.append(96 + UInt8(kind))
            switch kind {
            case 1: withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
            case 3: break
            default: SampleBlock.appendVarint(payload, to: &bytes)
            }
        }

        /// The zigzag of `v`'s step from `base` in the base's unit (``LogRecord/value(step:base:)``).
        /// The decoder's arithmetic is the encoder's: a whole base plus a whole step, or
        /// `Double(m) / 10^p` for the `m` and `p` that ``decimal(_:)`` found for `v` (where it
        /// checked that this gives `v` back), so every step it returns reads back exactly.
        @inline(__always)
        static func stepFromBase(_ v: Double, _ base: Double) -> UInt64? {
            let step: Int64
            if let before = whole(base) {
                guard let now = whole(v) else { return nil }
                step = now &- before  // both under 2^53: no overflow
            } else {
                guard let before = decimal(base), let now = decimal(v), now & 7 == before & 7 else { return nil }
                step = (now >> 3) &- (before >> 3)
            }
            return zigzag(step)
        }

        @inline(__always)
        static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

        /// Version 5's layout (see the type).
        private mutating func appendVersion5(_ id: UInt32, _ t: Int64, _ v: Double, base: Double?) {
            let newTime: Int64 = t == previousT && count > 0 ? 0 : 8
            let (kind, payload) = Self.kind(v, base: base)
            SampleBlock.appendVarint((Int64(id) &- previousID) << 4 | newTime | kind, to: &bytes)
            if newTime != 0 { SampleBlock.appendVarint(t &- previousT, to: &bytes) }
            switch kind {
            case 1: withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
            case 3, 4: break
            default: SampleBlock.appendVarint(payload, to: &bytes)
            }
        }

        /// Version 5's kind and the varint to write for it; with no base, kinds 0–3 (which
        /// version 7 writes as value bytes 96–99).
        @inline(__always)
        private static func kind(_ v: Double, base: Double?) -> (Int64, Int64) {
            if let base, base.bitPattern == v.bitPattern { return (4, 0) }
            if let whole = Self.whole(v) {
                if let base, let before = Self.whole(base), (whole &- before).magnitude < whole.magnitude { return (5, whole &- before) }
                return (0, whole)
            }
            if let decimal = Self.decimal(v) {
                if let base, let before = Self.decimal(base), before & 7 == decimal & 7 {
                    let step = (decimal >> 3) &- (before >> 3)
                    if step.magnitude < (decimal >> 3).magnitude { return (6, step << 3 | decimal & 7) }
                }
                return (2, decimal)
            }
            return (v.bitPattern == LogRecord.staleBits ? 3 : 1, 0)
        }

        /// The value as a whole number, when it is one that converts back exactly.
        @inline(__always)
        static func whole(_ v: Double) -> Int64? {
            guard v.magnitude < 9_007_199_254_740_992, v.rounded(.towardZero) == v, v != 0 || v.sign == .plus else { return nil }
            return Int64(v)
        }

        /// `m << 3 | p` for a value that is exactly `Double(m) / 10^p` with p = 2 or 6 (what
        /// exporters print most: cents-like gauges and `%.6f` sums); nil otherwise.
        @inline(__always)
        static func decimal(_ v: Double) -> Int64? {
            // Zero is a whole number or -0, whose sign a decimal would lose.
            guard v.isFinite, v != 0, v.magnitude < 1e9 else { return nil }
            if let m = scaled(v, by: 100) { return m << 3 | 2 }
            if let m = scaled(v, by: 1_000_000) { return m << 3 | 6 }
            return nil
        }

        @inline(__always)
        private static func scaled(_ v: Double, by scale: Double) -> Int64? {
            let m = (v * scale).rounded()
            return m.magnitude < 4_503_599_627_370_496 && m / scale == v ? Int64(m) : nil
        }
    }

    /// The base plus `step` in the base's unit (version 7's value bytes 1–95): 1 for a whole
    /// base, `10^-p` for a decimal one; nil when the base has neither form or the result
    /// leaves the range where the arithmetic is exact.
    @inline(__always)
    static func value(step: Int64, base: Double) -> Double? {
        if let before = SampleEncoder.whole(base) {
            let (value, overflow) = before.addingReportingOverflow(step)
            guard !overflow, value.magnitude < 9_007_199_254_740_992 else { return nil }
            return Double(value)
        }
        guard let before = SampleEncoder.decimal(base) else { return nil }
        let (m, overflow) = (before >> 3).addingReportingOverflow(step)
        guard !overflow, m.magnitude < 4_503_599_627_370_496 else { return nil }
        return Double(m) / powersOfTen[Int(before & 7)]
    }
}
