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
/// numbers or short decimals, so a sample takes about 3–5 bytes instead of 10. Versions 5
/// and 6 (the same as 3 and 4 otherwise) may also code a value against the series' first
/// value in the same log file, its base: a counter's growth or an unchanged gauge takes a
/// byte or two, or none. Such a record decodes only after the records before it in its file
/// (``LogValues``); the out-of-order samples of version 6 are always coded alone. Versions 7
/// and 8 (the same as 5 and 6 otherwise) write a sample that follows the one before in id
/// and time as one byte and its payload, that byte saying how the value is coded: an
/// unchanged value, or one a few steps from its base, takes that byte alone.
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

    /// Prometheus's staleness marker: a NaN with this exact bit pattern.
    static let staleBits: UInt64 = 0x7ff0_0000_0000_0002
    /// 10^0 … 10^7, the scales of decimal values.
    static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]

    /// Layout: CRC-32, the version (the samples encoder's: 7, or 5), the new series, then
    /// the sample count and the samples; with `late`, the version after it (8, or 6) and the
    /// out-of-order samples' count and samples after them.
    static func encoded(newSeries: [(id: UInt32, labels: Data)], samples: SampleEncoder, late: SampleEncoder? = nil) -> Data {
        // Four bytes for the checksum, filled in at the end, then the version.
        var body: [UInt8] = [0, 0, 0, 0, samples.version + (late == nil ? 0 : 1)]
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

    /// Decodes a record that needs no earlier record; nil when the checksum fails, the bytes
    /// are malformed, or a value is coded against one of an earlier record.
    init?(_ data: Data) {
        var values = LogValues()
        self.init(data, values: &values)
    }

    /// Decodes the next record of a log file, whose earlier records `values` has seen, and
    /// notes its values there; nil when the checksum fails or the bytes are malformed, or
    /// when a value is coded against a base `values` does not hold. After a nil, `values`
    /// is as before the record: the bases it would have set are unknown, so later values
    /// coded against them fail to decode too.
    init?(_ data: Data, values: inout LogValues) {
        // Moved out, so that it is changed in place (a copy would copy every page).
        var known: LogValues? = values
        values = LogValues()
        var added: [UInt32] = []
        let decoded = Self.decode(data, into: &self, values: &known, added: &added)
        values = known ?? LogValues()
        guard decoded else {
            values.forget(added)
            return nil
        }
    }

    private static func decode(_ data: Data, into record: inout LogRecord, values: inout LogValues?, added: inout [UInt32]) -> Bool {
        let bytes = [UInt8](data)
        guard checksumHolds(bytes) else { return false }
        let body = Array(bytes[4...])
        let version = body[0]
        var reader = VarintReader(bytes: body, position: 1)
        guard let seriesCount = reader.next(), seriesCount >= 0 else { return false }
        for _ in 0..<seriesCount {
            guard let id = reader.next(), let length = reader.next(), length >= 0, length <= body.count - reader.position else { return false }
            record.newSeries.append((UInt32(truncatingIfNeeded: id), Data(body[reader.position..<reader.position + Int(length)])))
            reader.position += Int(length)
        }
        var none: LogValues?
        let sampled: [(id: UInt32, t: Int64, v: Double)]?
        switch version {
        case 1, 2: sampled = samples(&reader, body)
        // Records written before bases set none: a file's bases all come from one process's
        // commits (``HeadLog`` starts a new file for each), which agree with its encoder.
        case 3, 4: sampled = compactSamples(&reader, body, layout: .compact, values: &none, added: &added)
        case 5, 6: sampled = compactSamples(&reader, body, layout: .againstBase, values: &values, added: &added)
        default: sampled = valueByteSamples(&reader, body, values: &values, added: &added)
        }
        guard let sampled else { return false }
        record.samples = sampled
        if version % 2 == 0 {
            var unused: [UInt32] = []
            let late: [(id: UInt32, t: Int64, v: Double)]? = switch version {
            case 2: samples(&reader, body)
            case 4, 6: compactSamples(&reader, body, layout: version == 4 ? .compact : .againstBase, values: &none, added: &unused)
            default: valueByteSamples(&reader, body, values: &none, added: &unused)
            }
            guard let late else { return false }
            record.late = late
        }
        return reader.atEnd
    }

    /// Whether a record's CRC-32 holds and its version is one this build reads (its
    /// samples may still not decode).
    static func checksumHolds(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 5 else { return false }
        let crc = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        return bytes.withUnsafeBufferPointer { Gzip.crc32(UnsafeBufferPointer(rebasing: $0[4...])) } == crc && (1...8).contains(bytes[4])
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

    /// How a record's samples are laid out: versions 3 and 4, or 5 and 6.
    private enum Layout { case compact, againstBase }

    /// A sample count and that many samples as ``SampleEncoder`` writes them (versions 3–6).
    /// With `values`, a series' first value in the file becomes its base there (its id goes
    /// to `added`) and kinds 4–6 read the base; without, those kinds are malformed.
    private static func compactSamples(
        _ reader: inout VarintReader, _ body: [UInt8], layout: Layout, values: inout LogValues?, added: inout [UInt32]
    ) -> [(id: UInt32, t: Int64, v: Double)]? {
        guard let sampleCount = reader.next(), sampleCount >= 0 else { return nil }
        var samples: [(id: UInt32, t: Int64, v: Double)] = []
        var id: Int64 = 0, t: Int64 = 0
        let (shift, timeBit, kindMask): (Int64, Int64, Int64) = layout == .compact ? (3, 4, 3) : (4, 8, 7)
        samples.reserveCapacity(Int(min(sampleCount, 1 << 20)))
        for _ in 0..<sampleCount {
            guard let header = reader.next() else { return nil }
            id &+= header >> shift
            if header & timeBit != 0 {
                guard let dT = reader.next() else { return nil }
                t &+= dT
            }
            let series = UInt32(truncatingIfNeeded: id)
            let v: Double
            switch header & kindMask {
            case 0...3:
                guard let value = valueAlone(header & kindMask, &reader, body) else { return nil }
                v = value
            default:
                guard let base = values?.value(of: series), let value = againstBase(header & kindMask, base, &reader) else { return nil }
                v = value
            }
            if values?.setIfNew(series, v) == true { added.append(series) }
            samples.append((series, t, v))
        }
        return samples
    }

    /// A sample count and that many samples in version 7's layout (see ``SampleEncoder``).
    /// With `values`, a series' first value in the file becomes its base there (its id goes
    /// to `added`) and value bytes 0–95 read the base; without, those are malformed.
    private static func valueByteSamples(
        _ reader: inout VarintReader, _ body: [UInt8], values: inout LogValues?, added: inout [UInt32]
    ) -> [(id: UInt32, t: Int64, v: Double)]? {
        guard let sampleCount = reader.next(), sampleCount >= 0 else { return nil }
        var samples: [(id: UInt32, t: Int64, v: Double)] = []
        var id: Int64 = 0, t: Int64 = 0
        samples.reserveCapacity(Int(min(sampleCount, 1 << 20)))
        for _ in 0..<sampleCount {
            guard reader.position < body.count else { return nil }
            var byte = body[reader.position]
            reader.position += 1
            if byte >= 0x80 {
                var z = UInt64(byte & 63)
                if z == 63 {
                    guard let more = reader.nextUnsigned(), more < UInt64.max - 63 else { return nil }
                    z += more
                }
                id &+= (Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)) &+ 1
                if byte & 0x40 != 0 {
                    guard let dT = reader.next() else { return nil }
                    t &+= dT
                }
                guard reader.position < body.count else { return nil }
                byte = body[reader.position]
                reader.position += 1
            } else {
                id &+= 1
            }
            let series = UInt32(truncatingIfNeeded: id)
            let v: Double
            switch byte {
            case 0..<96:
                guard let base = values?.value(of: series) else { return nil }
                if byte == 0 {
                    v = base
                    break
                }
                var z = UInt64(byte)
                if byte >= 64 {
                    guard let more = reader.nextUnsigned(), more >> 59 == 0 else { return nil }
                    z = z & 31 | more << 5
                }
                guard let value = value(step: Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1), base: base) else { return nil }
                v = value
            case 96...99:
                guard let value = valueAlone(Int64(byte - 96), &reader, body) else { return nil }
                v = value
            default:
                return nil
            }
            if values?.setIfNew(series, v) == true { added.append(series) }
            samples.append((series, t, v))
        }
        return samples
    }

    /// A value coded alone, by kind (versions 3–6; version 7's value bytes 96–99): `0` a
    /// whole number as a varint, `1` its 8 bytes big-endian, `2` the decimal varint
    /// `m << 3 | p`, `3` the staleness marker. Nil when the bytes run out.
    @inline(__always)
    private static func valueAlone(_ kind: Int64, _ reader: inout VarintReader, _ body: [UInt8]) -> Double? {
        switch kind {
        case 0:
            return reader.next().map { Double($0) }
        case 1:
            guard reader.position + 8 <= body.count else { return nil }
            var bits: UInt64 = 0
            for k in 0..<8 { bits = bits << 8 | UInt64(body[reader.position + k]) }
            reader.position += 8
            return Double(bitPattern: bits)
        case 2:
            guard let decimal = reader.next() else { return nil }
            return Double(decimal >> 3) / powersOfTen[Int(decimal & 7)]
        default:
            return Double(bitPattern: staleBits)
        }
    }

    /// A value of kind 4–6 (see ``SampleEncoder``) given the series' base; nil when the
    /// bytes are malformed or the base is not of the kind's form.
    private static func againstBase(_ kind: Int64, _ base: Double, _ reader: inout VarintReader) -> Double? {
        switch kind {
        case 4:
            return base
        case 5:
            guard let step = reader.next(), let before = SampleEncoder.whole(base) else { return nil }
            let (value, overflow) = before.addingReportingOverflow(step)
            guard !overflow, value.magnitude < 9_007_199_254_740_992 else { return nil }
            return Double(value)
        case 6:
            guard let payload = reader.next() else { return nil }
            let scale = powersOfTen[Int(payload & 7)]
            let before = (base * scale).rounded()
            guard before.magnitude < 4_503_599_627_370_496, before / scale == base else { return nil }
            let (m, overflow) = Int64(before).addingReportingOverflow(payload >> 3)
            guard !overflow else { return nil }
            return Double(m) / scale
        default:
            return nil
        }
    }
}
