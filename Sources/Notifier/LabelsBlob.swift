// Tollgate — Notifier: label sets as compact, exact bytes for the state file.

import Model

/// Label sets stored as bytes: for each label, the name's and the value's UTF-8 lengths
/// (LEB128) and bytes. Exact for any name or value, and cheaper than JSON to read back.
enum LabelsBlob {
    /// The bytes of `labels`.
    static func encode(_ labels: Labels) -> [UInt8] {
        var out: [UInt8] = []
        for label in labels {
            append(label.name, to: &out)
            append(label.value, to: &out)
        }
        return out
    }

    /// The labels in `bytes`, or nil when they are damaged.
    static func decode(_ bytes: [UInt8]) -> Labels? {
        var index = 0, labels: [Label] = []
        while index < bytes.count {
            guard let name = string(bytes, &index), let value = string(bytes, &index) else { return nil }
            labels.append(Label(name, value))
        }
        return Labels(sorting: labels)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var length = UInt64(text.utf8.count)
        repeat {
            let byte = UInt8(length & 0x7F)
            length >>= 7
            out.append(length == 0 ? byte : byte | 0x80)
        } while length != 0
        out.append(contentsOf: text.utf8)
    }

    private static func string(_ bytes: [UInt8], _ index: inout Int) -> String? {
        var length = 0, shift = 0
        while true {
            guard index < bytes.count, shift < 63 else { return nil }
            let byte = bytes[index]
            index += 1
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        guard length >= 0, length <= bytes.count - index else { return nil }
        defer { index += length }
        return String(decoding: bytes[index..<index + length], as: UTF8.self)
    }
}
