// Tollgate — TSDB: one committed batch in the head log.

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
        // Four bytes for the checksum, filled in at the end, then the version.
        var body: [UInt8] = [0, 0, 0, 0, 1]
        body.reserveCapacity(16 + samples.count * 14)
        appendUvarint(UInt64(newSeries.count), &body)
        for series in newSeries {
            appendUvarint(UInt64(series.id), &body)
            appendUvarint(UInt64(series.labels.count), &body)
            body.append(contentsOf: series.labels)
        }
        appendUvarint(UInt64(samples.count), &body)
        var previousID: UInt32 = 0
        var previousT: Int64 = 0
        for sample in samples {
            appendUvarint(UInt64(bitPattern: Int64(sample.id) &- Int64(previousID)).zigzagged, &body)
            appendUvarint(UInt64(bitPattern: sample.t &- previousT).zigzagged, &body)
            let bits = sample.v.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            previousID = sample.id
            previousT = sample.t
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
        guard body.withUnsafeBufferPointer({ Gzip.crc32($0) }) == crc, body[0] == 1 else { return nil }
        var i = 1
        guard let seriesCount = readUvarint(body, &i) else { return nil }
        for _ in 0..<seriesCount {
            guard let id = readUvarint(body, &i), let length = readUvarint(body, &i), i + Int(length) <= body.count else { return nil }
            newSeries.append((UInt32(truncatingIfNeeded: id), Data(body[i..<i + Int(length)])))
            i += Int(length)
        }
        guard let sampleCount = readUvarint(body, &i) else { return nil }
        var id: Int64 = 0, t: Int64 = 0
        samples.reserveCapacity(Int(min(sampleCount, 1 << 20)))
        for _ in 0..<sampleCount {
            guard let dID = readUvarint(body, &i), let dT = readUvarint(body, &i), i + 8 <= body.count else { return nil }
            id &+= Int64(bitPattern: dID.unzigzagged)
            t &+= Int64(bitPattern: dT.unzigzagged)
            var bits: UInt64 = 0
            for k in 0..<8 { bits = bits << 8 | UInt64(body[i + k]) }
            i += 8
            samples.append((UInt32(truncatingIfNeeded: id), t, Double(bitPattern: bits)))
        }
        guard i == body.count else { return nil }
    }

    init() {}
}

private func appendUvarint(_ value: UInt64, _ out: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
        out.append(UInt8(truncatingIfNeeded: v) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}

private func readUvarint(_ bytes: [UInt8], _ i: inout Int) -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while i < bytes.count && shift < 64 {
        let byte = bytes[i]
        i += 1
        value |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return value }
        shift += 7
    }
    return nil
}

extension UInt64 {
    /// Zigzag form of a two's-complement bit pattern.
    fileprivate var zigzagged: UInt64 { (self << 1) ^ UInt64(bitPattern: Int64(bitPattern: self) >> 63) }
    fileprivate var unzigzagged: UInt64 { (self >> 1) ^ (0 &- (self & 1)) }
}
