// Tollgate — Notifier: notification log entries as bytes for the state file.

import Foundation
import Model
import Notify

/// A ``Notify/NotificationLogEntry`` as bytes: its key's four parts and the timestamps as
/// a label-set blob (exact for any text), then the firing and resolved fingerprints.
enum NotificationLogCodec {
    static func encode(_ entry: NotificationLogEntry) -> [UInt8] {
        let head = Labels([
            "g": entry.groupKey, "r": entry.receiver, "i": entry.integration, "x": String(entry.index),
            "t": String(entry.timestamp), "e": String(entry.expiresAt), "f": String(entry.firing.count),
        ])
        var bytes = [UInt8](LabelsCodec.encode(head))
        var out: [UInt8] = []
        for fingerprint in entry.firing + entry.resolved {
            withUnsafeBytes(of: fingerprint.littleEndian) { out.append(contentsOf: $0) }
        }
        // The head's length first, so the fingerprints can be found.
        var length = UInt32(bytes.count).littleEndian
        bytes = withUnsafeBytes(of: &length) { Array($0) } + bytes + out
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> NotificationLogEntry? {
        guard bytes.count >= 4 else { return nil }
        let length = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard length <= bytes.count - 4, (bytes.count - 4 - length) % 8 == 0,
            let head = LabelsCodec.decode(Data(bytes[4..<4 + length])),
            let groupKey = head["g"], let receiver = head["r"], let integration = head["i"],
            let index = head["x"].flatMap({ Int($0) }), let timestamp = head["t"].flatMap({ Int64($0) }),
            let expiresAt = head["e"].flatMap({ Int64($0) }), let firingCount = head["f"].flatMap({ Int($0) })
        else { return nil }
        var fingerprints: [UInt64] = []
        var offset = 4 + length
        while offset + 8 <= bytes.count {
            var value: UInt64 = 0
            for shift in 0..<8 { value |= UInt64(bytes[offset + shift]) << (8 * shift) }
            fingerprints.append(value)
            offset += 8
        }
        guard firingCount <= fingerprints.count else { return nil }
        return NotificationLogEntry(
            key: NotificationLogKey(groupKey: groupKey, receiver: receiver, integration: integration, index: index),
            firing: Array(fingerprints.prefix(firingCount)), resolved: Array(fingerprints.dropFirst(firingCount)),
            timestamp: timestamp, expiresAt: expiresAt)
    }
}
