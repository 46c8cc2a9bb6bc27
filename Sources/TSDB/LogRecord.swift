// Tollgate — TSDB: one committed batch in the head log.

import Chunks
import Foundation
import Gzip

/// The durable form of one committed batch: the series it created and its samples.
///
/// Layout: CRC-32 of the rest (4 bytes, big-endian), then a version byte, the new
/// series (id, stored label bytes) and the samples (series id, timestamp, value bits),
/// integers as varints. A record whose checksum fails or that does not decode marks
/// the end of the usable log.
struct LogRecord: Equatable {
    var newSeries: [(id: UInt32, labels: Data)] = []
    var samples: [(id: UInt32, t: Int64, v: Double)] = []

    static func == (a: LogRecord, b: LogRecord) -> Bool {
        a.newSeries.elementsEqual(b.newSeries) { $0.id == $1.id && $0.labels == $1.labels }
            && a.samples.elementsEqual(b.samples) { $0.id == $1.id && $0.t == $1.t && $0.v.bitPattern == $1.v.bitPattern }
    }

    func encoded() -> Data {
        var encoder = SampleEncoder(capacity: samples.count)
        for sample in samples { encoder.append(sample.id, sample.t, sample.v) }
        return Self.encoded(newSeries: newSeries, samples: encoder)
    }

    /// The samples of a record, encoded as they are accepted (no intermediate array).
    struct SampleEncoder {
        private(set) var bytes: [UInt8] = []
        private(set) var count = 0
        private var previousID: Int64 = 0
        private var previousT: Int64 = 0

        init(capacity: Int) { bytes.reserveCapacity(capacity * 12) }

        mutating func append(_ id: UInt32, _ t: Int64, _ v: Double) {
            SampleBlock.appendVarint(Int64(id) &- previousID, to: &bytes)
            SampleBlock.appendVarint(t &- previousT, to: &bytes)
            withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
            previousID = Int64(id)
            previousT = t
            count += 1
        }
    }

    /// Layout: CRC-32, version 1, the new series, then the sample count and the samples.
    static func encoded(newSeries: [(id: UInt32, labels: Data)], samples: SampleEncoder) -> Data {
        // Four bytes for the checksum, filled in at the end, then the version.
        var body: [UInt8] = [0, 0, 0, 0, 1]
        body.reserveCapacity(32 + samples.bytes.count + newSeries.reduce(0) { $0 + 10 + $1.labels.count })
        SampleBlock.appendVarint(Int64(newSeries.count), to: &body)
        for series in newSeries {
            SampleBlock.appendVarint(Int64(series.id), to: &body)
            SampleBlock.appendVarint(Int64(series.labels.count), to: &body)
            body.append(contentsOf: series.labels)
        }
        SampleBlock.appendVarint(Int64(samples.count), to: &body)
        body.append(contentsOf: samples.bytes)
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
        guard body.withUnsafeBufferPointer({ Gzip.crc32($0) }) == crc, body[0] == 1 else { return nil }
        var reader = VarintReader(bytes: body, position: 1)
        guard let seriesCount = reader.next(), seriesCount >= 0 else { return nil }
        for _ in 0..<seriesCount {
            guard let id = reader.next(), let length = reader.next(), length >= 0, length <= body.count - reader.position else { return nil }
            newSeries.append((UInt32(truncatingIfNeeded: id), Data(body[reader.position..<reader.position + Int(length)])))
            reader.position += Int(length)
        }
        guard let sampleCount = reader.next(), sampleCount >= 0 else { return nil }
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
        guard reader.atEnd else { return nil }
    }

    init() {}
}
