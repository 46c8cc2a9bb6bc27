// Tollgate — RemoteWrite: remote write 1.0 requests written straight from the log's samples.

import Model

/// A serialized `prometheus.WriteRequest`, written field by field.
///
/// The sender builds a request per shard batch from series whose label fields it encoded
/// once (``labelFields(_:)``): no message objects per sample, no label strings copied per
/// request. The bytes are exactly protobuf's wire format, so any receiver's decoder (and
/// swift-protobuf's, in the tests) reads them.
struct WriteRequestWriter {
    /// The request so far.
    private(set) var bytes: [UInt8] = []

    /// An empty request with room for about `capacity` bytes.
    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// A series' labels as `TimeSeries.labels` fields (field 1, one `Label` each), in
    /// label order, ready to be written into every request that carries the series.
    static func labelFields(_ labels: Labels) -> [UInt8] {
        var fields: [UInt8] = []
        for label in labels {
            let name = label.name.utf8, value = label.value.utf8
            let length = 1 + varintSize(UInt64(name.count)) + name.count + 1 + varintSize(UInt64(value.count)) + value.count
            fields.append(0x0A)
            appendVarint(UInt64(length), to: &fields)
            fields.append(0x0A)
            appendVarint(UInt64(name.count), to: &fields)
            fields.append(contentsOf: name)
            fields.append(0x12)
            appendVarint(UInt64(value.count), to: &fields)
            fields.append(contentsOf: value)
        }
        return fields
    }

    /// Appends one `TimeSeries` (field 1 of the request): the label fields, then each sample
    /// (field 2: `Sample{value = 1, timestamp = 2}`).
    mutating func appendSeries(labelFields: [UInt8], timestamps: [Int64], values: [Double]) {
        var length = labelFields.count
        for t in timestamps { length += 2 + Self.sampleSize(t) }
        bytes.append(0x0A)
        Self.appendVarint(UInt64(length), to: &bytes)
        bytes.append(contentsOf: labelFields)
        for (t, v) in zip(timestamps, values) { appendSampleField(t, v) }
    }

    /// Appends a `TimeSeries` of one sample: what the sender writes for each sample, as
    /// Prometheus does (a series rarely has two samples in one request).
    mutating func appendSample(labelFields: [UInt8], t: Int64, v: Double) {
        bytes.append(0x0A)
        Self.appendVarint(UInt64(labelFields.count + 2 + Self.sampleSize(t)), to: &bytes)
        bytes.append(contentsOf: labelFields)
        appendSampleField(t, v)
    }

    /// One `Sample` as field 2 of a `TimeSeries`.
    private mutating func appendSampleField(_ t: Int64, _ v: Double) {
        bytes.append(0x12)
        bytes.append(UInt8(Self.sampleSize(t)))
        bytes.append(0x09)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(0x10)
        Self.appendVarint(UInt64(bitPattern: t), to: &bytes)
    }

    /// A `Sample`'s encoded size: a tagged double and a tagged int64 varint (at most 20 bytes).
    private static func sampleSize(_ t: Int64) -> Int { 1 + 8 + 1 + varintSize(UInt64(bitPattern: t)) }

    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
