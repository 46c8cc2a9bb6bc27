// Tollgate — NotifySend: envelope addresses from `to` and `from` (Go's `mail.ParseAddressList`,
// for the forms people write).

/// The addresses of an address list such as `Ops <ops@example.com>, "Doe, Jane" <jd@example.com>, x@y.z`.
enum MailAddress {
    /// The bare addresses, in order; nil when the list is empty or an entry is not an address.
    /// - Parameter text: Comma-separated entries: `addr`, `Name <addr>`, `"Quoted, Name" <addr>`.
    static func list(_ text: String) -> [String]? {
        var entries: [String] = []
        var current = ""
        var quoted = false, angle = false, escaped = false
        var comment = 0
        for character in text {
            if escaped {
                escaped = false
                current.append(character)
                continue
            }
            switch character {
            case "\\" where quoted: escaped = true
            case "\"" where !angle && comment == 0: quoted.toggle()
            case "(" where !quoted && !angle: comment += 1
            case ")" where !quoted && !angle && comment > 0: comment -= 1
            case "<" where !quoted && comment == 0: angle = true
            case ">" where !quoted && comment == 0: angle = false
            case "," where !quoted && !angle && comment == 0:
                entries.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        guard !quoted, !angle, comment == 0 else { return nil }
        entries.append(current)
        var addresses: [String] = []
        for entry in entries {
            guard let address = address(entry) else { return nil }
            addresses.append(address)
        }
        return addresses.isEmpty ? nil : addresses
    }

    /// The address of one entry: inside the angle brackets if any, else the entry itself.
    private static func address(_ entry: String) -> String? {
        var candidate = entry.trimmingSpaces
        if let open = candidate.lastIndex(of: "<"), let close = candidate[open...].firstIndex(of: ">") {
            candidate = String(candidate[candidate.index(after: open)..<close]).trimmingSpaces
        }
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }),
            !candidate.contains(where: { $0 == " " || $0 == "\t" || $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" })
        else { return nil }
        return candidate
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
