// Tollgate — TSDB: one committed batch in the head log.

import Chunks
import Foundation
import Gzip

/// The durable form of one committed batch: the series it created and its samples.
///
/// Layout: CRC-32 of the rest (4 bytes, big-endian), then a version byte, the new
/// series (id, stored label bytes) and the samples, integers as varints. Version 2 adds,
/// after them, the out-of-order samples the commit stored: their chunks hold them already,
/// so recovery skips them; they are logged only for the log's readers (remote write),
/// which send every stored sample. A record whose checksum fails or that does not decode
/// marks the end of the usable log.
///
/// Versions 1 and 2 wrote each sample as its series id and timestamp, each a varint delta
/// against the sample before, then the value's 8 bytes. Versions 3 and 4 (the same as 1
/// and 2 otherwise) write what most samples need in fewer bytes (see ``SampleEncoder``):
/// a scrape's samples share one timestamp and come in id order, and most values are whole
/// numbers or short decimals, so a sample takes about 3–5 bytes instead of 10. Each record
/// still decodes alone (no value depends on an earlier record), as log readers need.
struct LogRecord: Equatable {
    var newSeries: [(id: UInt32, labels: Data)] = []
    var samples: [(id: UInt32, t: Int64, v: Double)] = []
    /// Out-of-order samples stored as chunks by the same commit (version 2 only).
    var late: [(id: UInt32, t: Int64, v: Double)] = []

    static func == (a: LogRecord, b: LogRecord) -> Bool {
        func same(_ x: [(id: UInt32, t: Int64, v: Double)], _ y: [(id: UInt32, t: Int64, v: Double)]) -> Bool {
            x.elementsEqual(y) { $0.id == $1.id && $0.t == $1.t && $0.v.bitPattern == $1.v.bitPattern }
        }
        return a.newSeries.elementsEqual(b.newSeries) { $0.id == $1.id && $0.labels == $1.labels }
            && same(a.samples, b.samples) && same(a.late, b.late)
    }

    func encoded() -> Data {
        var encoder = SampleEncoder(capacity: samples.count)
        for sample in samples { encoder.append(sample.id, sample.t, sample.v) }
        var lateEncoder: SampleEncoder?
        if !late.isEmpty {
            var encoder = SampleEncoder(capacity: late.count)
            for sample in late { encoder.append(sample.id, sample.t, sample.v) }
            lateEncoder = encoder
        }
        return Self.encoded(newSeries: newSeries, samples: encoder, late: lateEncoder)
    }

    /// The samples of a record, encoded as they are accepted (no intermediate array).
    ///
    /// Each sample starts with one varint, `idDelta << 3 | newTime << 2 | kind`: the series
    /// id's difference from the sample before, whether a timestamp delta (a varint) follows
    /// (else the time is the sample before's), and how the value is written:
    /// - `0`: a whole number (|v| < 2^53, not -0), as a varint;
    /// - `1`: the 8 bytes of the value's bits, big-endian;
    /// - `2`: a decimal, `m / 10^p` exactly in floating point, as the varint `m << 3 | p`;
    /// - `3`: the staleness marker (no bytes).
    struct SampleEncoder {
        private(set) var bytes: [UInt8] = []
        private(set) var count = 0
        private var previousID: Int64 = 0
        private var previousT: Int64 = 0

        init(capacity: Int) { bytes.reserveCapacity(capacity * 6) }

        mutating func append(_ id: UInt32, _ t: Int64, _ v: Double) {
            let newTime: Int64 = t == previousT && count > 0 ? 0 : 4
            let kind: Int64
            var payload: Int64 = 0
            if let whole = Self.whole(v) {
                kind = 0
                payload = whole
            } else if let decimal = Self.decimal(v) {
                kind = 2
                payload = decimal
            } else if v.bitPattern == LogRecord.staleBits {
                kind = 3
            } else {
                kind = 1
            }
            SampleBlock.appendVarint((Int64(id) &- previousID) << 3 | newTime | kind, to: &bytes)
            if newTime != 0 { SampleBlock.appendVarint(t &- previousT, to: &bytes) }
            switch kind {
            case 1: withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
            case 3: break
            default: SampleBlock.appendVarint(payload, to: &bytes)
            }
            previousID = Int64(id)
            previousT = t
            count += 1
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

    /// Prometheus's staleness marker: a NaN with this exact bit pattern.
    static let staleBits: UInt64 = 0x7ff0_0000_0000_0002
    /// 10^0 … 10^7, the scales of decimal values.
    static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]

    /// Layout: CRC-32, version 3, the new series, then the sample count and the samples;
    /// with `late`, version 4 and the out-of-order samples' count and samples after them.
    static func encoded(newSeries: [(id: UInt32, labels: Data)], samples: SampleEncoder, late: SampleEncoder? = nil) -> Data {
        // Four bytes for the checksum, filled in at the end, then the version.
        var body: [UInt8] = [0, 0, 0, 0, late == nil ? 3 : 4]
        body.reserveCapacity(32 + samples.bytes.count + newSeries.reduce(0) { $0 + 10 + $1.labels.count })
        SampleBlock.appendVarint(Int64(newSeries.count), to: &body)
        for series in newSeries {
            SampleBlock.appendVarint(Int64(series.id), to: &body)
            SampleBlock.appendVarint(Int64(series.labels.count), to: &body)
            body.append(contentsOf: series.labels)
        }
        SampleBlock.appendVarint(Int64(samples.count), to: &body)
        body.append(contentsOf: samples.bytes)
        if let late {
            SampleBlock.appendVarint(Int64(late.count), to: &body)
            body.append(contentsOf: late.bytes)
        }
        let crc = body.withUnsafeBufferPointer { Gzip.crc32(UnsafeBufferPointer(rebasing: $0[4...])) }
        body[0] = UInt8(crc >> 24)
        body[1] = UInt8(truncatingIfNeeded: crc >> 16)
        body[2] = UInt8(truncatingIfNeeded: crc >> 8)
        body[3] = UInt8(truncatingIfNeeded: crc)
        return Data(body)
    }

    /// Decodes a record; nil when the checksum fails or the bytes are malformed.
    init?(_ data: Data) {
        let bytes = [UInt8](data)
        guard bytes.count >= 5 else { return nil }
        let crc = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        let body = Array(bytes[4...])
        guard body.withUnsafeBufferPointer({ Gzip.crc32($0) }) == crc, (1...4).contains(body[0]) else { return nil }
        let compact = body[0] >= 3
        var reader = VarintReader(bytes: body, position: 1)
        guard let seriesCount = reader.next(), seriesCount >= 0 else { return nil }
        for _ in 0..<seriesCount {
            guard let id = reader.next(), let length = reader.next(), length >= 0, length <= body.count - reader.position else { return nil }
            newSeries.append((UInt32(truncatingIfNeeded: id), Data(body[reader.position..<reader.position + Int(length)])))
            reader.position += Int(length)
        }
        guard let sampled = compact ? Self.compactSamples(&reader, body) : Self.samples(&reader, body) else { return nil }
        samples = sampled
        if body[0] == 2 || body[0] == 4 {
            guard let late = compact ? Self.compactSamples(&reader, body) : Self.samples(&reader, body) else { return nil }
            self.late = late
        }
        guard reader.atEnd else { return nil }
    }

    init() {}

    /// A sample count and that many samples, each delta-coded against the one before.
    private static func samples(_ reader: inout VarintReader, _ body: [UInt8]) -> [(id: UInt32, t: Int64, v: Double)]? {
        guard let sampleCount = reader.next(), sampleCount >= 0 else { return nil }
        var samples: [(id: UInt32, t: Int64, v: Double)] = []
        var id: Int64 = 0, t: Int64 = 0
        samples.reserveCapacity(Int(min(sampleCount, 1 << 20)))
        for _ in 0..<sampleCount {
            guard let dID = reader.next(), let dT = reader.next(), reader.position + 8 <= body.count else { return nil }
            id &+= dID
            t &+= dT
            var bits: UInt64 = 0
            for k in 0..<8 { bits = bits << 8 | UInt64(body[reader.position + k]) }
            reader.position += 8
            samples.append((UInt32(truncatingIfNeeded: id), t, Double(bitPattern: bits)))
        }
        return samples
    }

    /// A sample count and that many samples as ``SampleEncoder`` writes them (versions 3, 4).
    private static func compactSamples(_ reader: inout VarintReader, _ body: [UInt8]) -> [(id: UInt32, t: Int64, v: Double)]? {
        guard let sampleCount = reader.next(), sampleCount >= 0 else { return nil }
        var samples: [(id: UInt32, t: Int64, v: Double)] = []
        var id: Int64 = 0, t: Int64 = 0
        samples.reserveCapacity(Int(min(sampleCount, 1 << 20)))
        for _ in 0..<sampleCount {
            guard let header = reader.next() else { return nil }
            id &+= header >> 3
            if header & 4 != 0 {
                guard let dT = reader.next() else { return nil }
                t &+= dT
            }
            let v: Double
            switch header & 3 {
            case 0:
                guard let whole = reader.next() else { return nil }
                v = Double(whole)
            case 1:
                guard reader.position + 8 <= body.count else { return nil }
                var bits: UInt64 = 0
                for k in 0..<8 { bits = bits << 8 | UInt64(body[reader.position + k]) }
                reader.position += 8
                v = Double(bitPattern: bits)
            case 2:
                guard let decimal = reader.next() else { return nil }
                v = Double(decimal >> 3) / powersOfTen[Int(decimal & 7)]
            default:
                v = Double(bitPattern: staleBits)
            }
            samples.append((UInt32(truncatingIfNeeded: id), t, v))
        }
        return samples
    }
}
