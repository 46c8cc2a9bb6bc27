// Tollgate — Model: the stored form of a label set (the series key in the sample store, alerts in the notifier's).

package import Foundation

/// Label sets as bytes: for each label (in order) a varint length and the name, then
/// a varint length and the value. Equal label sets give equal bytes, so the bytes are
/// the series' unique key in SQLite.
package enum LabelsCodec {
    /// The bytes of `labels`.
    package static func encode(_ labels: Labels) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for label in labels {
            append(label.name, to: &out)
            append(label.value, to: &out)
        }
        return Data(out)
    }

    /// The labels in `data`, or nil when the bytes are damaged.
    package static func decode(_ data: Data) -> Labels? {
        decode(data) { $0 }
    }

    /// The labels in `data`, each name and value passed through `intern` (which may hand
    /// back a copy it already holds), or nil when the bytes are damaged.
    package static func decode(_ data: Data, intern: (String) -> String) -> Labels? {
        data.withUnsafeBytes { raw -> Labels? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            var labels: [Label] = []
            labels.reserveCapacity(8)
            while i < bytes.count {
                guard let name = string(bytes, &i), let value = string(bytes, &i) else { return nil }
                labels.append(Label(intern(name), intern(value)))
            }
            return Labels(sorting: labels)
        }
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var length = UInt64(text.utf8.count)
        while length >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        out.append(UInt8(length))
        out.append(contentsOf: text.utf8)
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> String? {
        var length = 0
        var shift = 0
        while true {
            guard i < bytes.count, shift < 35 else { return nil }
            let byte = bytes[i]
            i += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard i + length <= bytes.count else { return nil }
        defer { i += length }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<i + length]), as: UTF8.self)
    }
}
