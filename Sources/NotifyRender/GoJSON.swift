// Tollgate — NotifyRender: JSON as Go's encoding/json writes it (struct fields in declaration
// order, map keys sorted, `<>&` and U+2028/2029 escaped), so bodies match Alertmanager's bytes.

import Model

/// A JSON value written as Go's `json.Encoder.Encode` writes it.
public indirect enum GoJSON: Sendable, Equatable {
    /// A string.
    case string(String)
    /// An integer.
    case int(Int)
    /// A boolean.
    case bool(Bool)
    /// `null`.
    case null
    /// An array.
    case array([GoJSON])
    /// An object with its members in order (a Go struct's field order).
    case object([Member])

    /// One member of an object.
    public struct Member: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: GoJSON

        /// Creates a member.
        /// - Parameters:
        ///   - key: The key.
        ///   - value: The value.
        public init(_ key: String, _ value: GoJSON) {
            self.key = key
            self.value = value
        }
    }

    /// A Go `map[string]string`: keys in byte order.
    /// - Parameter map: The map.
    public static func map(_ map: [String: String]) -> GoJSON {
        .object(map.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { Member($0, .string(map[$0] ?? "")) })
    }

    /// A Go `time.Time` as `MarshalJSON` writes it (RFC 3339 with nanoseconds, trailing zeros
    /// dropped); nil is the zero time `0001-01-01T00:00:00Z`.
    /// - Parameter nanoseconds: Nanoseconds since the epoch, or nil.
    public static func time(_ nanoseconds: Int64?) -> GoJSON {
        guard let nanoseconds else { return .string("0001-01-01T00:00:00Z") }
        let seconds = Timestamp.floorDivide(nanoseconds, 1_000_000_000)
        return .string(Timestamp.rfc3339(seconds: seconds, nanoseconds: nanoseconds - seconds * 1_000_000_000))
    }

    /// The encoding, as `json.NewEncoder(w).Encode(v)` writes it: compact, with a final newline.
    public var encoded: String {
        var out = ""
        write(to: &out)
        return out + "\n"
    }

    /// The member `key` of an object, if any.
    public subscript(key: String) -> GoJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    func write(to out: inout String) {
        switch self {
        case .string(let s): Self.writeString(s, to: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        let hex = Array("0123456789abcdef")
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                let v = Int(c.value)
                out += "\\u" + String([hex[v >> 12 & 0xF], hex[v >> 8 & 0xF], hex[v >> 4 & 0xF], hex[v & 0xF]])
            default:
                if c.value < 0x20 {
                    let v = Int(c.value)
                    out += "\\u00" + String([hex[v >> 4], hex[v & 0xF]])
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }
}
