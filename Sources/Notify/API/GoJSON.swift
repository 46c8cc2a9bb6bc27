// Tollgate — Notify: JSON read as Go's `encoding/json` Decoder reads a request body.

/// A JSON value as Go's decoder sees it before it is stored into a type: numbers kept as
/// written, objects keeping their members in input order (duplicates included).
public indirect enum GoJSON: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as written.
    case number(String)
    /// A string (invalid UTF-8 and lone surrogates replaced by U+FFFD, as Go does).
    case string(String)
    /// An array.
    case array([GoJSON])
    /// An object's members in input order.
    case object([(String, GoJSON)])

    /// The word Go's `UnmarshalTypeError` uses for this kind of value.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public static func == (a: GoJSON, b: GoJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: false
        }
    }

    /// The deepest nesting accepted (Go allows 10000; a request body needs a handful).
    public static let maxDepth = 1000

    /// Reads the first JSON value of `bytes`, as `json.NewDecoder(body).Decode` does: what
    /// follows that value is not read.
    /// - Returns: the value, or Go's error text (`invalid character 'g' looking for beginning
    ///   of value`, `unexpected EOF`, `EOF` for a body of only white space).
    public static func parse(_ bytes: [UInt8]) -> Result<GoJSON, GoJSONError> {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        if reader.index == bytes.count { return .failure(GoJSONError("EOF")) }
        do {
            return .success(try reader.value(depth: 0))
        } catch {
            return .failure(error)
        }
    }

    /// Go's `quoteChar`: a byte as the scanner's error messages show it.
    static func quoteChar(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): return #"'\''"#
        case UInt8(ascii: "\""): return #"'"'"#
        case 0x07: return #"'\a'"#
        case 0x08: return #"'\b'"#
        case 0x0C: return #"'\f'"#
        case 0x0A: return #"'\n'"#
        case 0x0D: return #"'\r'"#
        case 0x09: return #"'\t'"#
        case 0x0B: return #"'\v'"#
        case 0x5C: return #"'\\'"#
        case 0..<0x20, 0x7F: return "'\\x" + hex2(byte) + "'"
        case 0x80...0xA0, 0xAD: return "'\\u00" + hex2(byte) + "'"
        default: return "'" + String(Character(Unicode.Scalar(byte))) + "'"
        }
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }

    /// A recursive-descent reader with the scanner's messages.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func bad(_ context: String) -> GoJSONError {
            index < bytes.count ? GoJSONError("invalid character \(GoJSON.quoteChar(bytes[index])) \(context)") : GoJSONError("unexpected EOF")
        }

        mutating func value(depth: Int) throws(GoJSONError) -> GoJSON {
            skipSpace()
            guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard depth < GoJSON.maxDepth else { throw bad("exceeded max depth") }
                index += 1
                return try object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < GoJSON.maxDepth else { throw bad("exceeded max depth") }
                index += 1
                return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw bad("looking for beginning of value")
            }
        }

        mutating func object(depth: Int) throws(GoJSONError) -> GoJSON {
            var members: [(String, GoJSON)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw bad("looking for beginning of object key string") }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw bad("after object key") }
                index += 1
                members.append((key, try value(depth: depth)))
                skipSpace()
                guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { throw bad("after object key:value pair") }
                index += 1
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(GoJSONError) -> GoJSON {
            var elements: [GoJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try value(depth: depth))
                skipSpace()
                guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw bad("after array element") }
                index += 1
                return .array(elements)
            }
        }

        mutating func literal(_ word: String) throws(GoJSONError) {
            for expected in word.utf8 {
                guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
                guard bytes[index] == expected else {
                    throw bad("in literal \(word) (expecting \(GoJSON.quoteChar(expected)))")
                }
                index += 1
            }
        }

        mutating func number() throws(GoJSONError) -> String {
            let start = index
            func digit() -> Bool { index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
            if bytes[index] == UInt8(ascii: "-") {
                index += 1
                guard digit() else { throw index < bytes.count ? bad("in numeric literal") : GoJSONError("unexpected EOF") }
            }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else { while digit() { index += 1 } }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digit() else { throw index < bytes.count ? bad("after decimal point in numeric literal") : GoJSONError("unexpected EOF") }
                while digit() { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digit() else { throw index < bytes.count ? bad("in exponent of numeric literal") : GoJSONError("unexpected EOF") }
                while digit() { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A string from its opening quote; invalid UTF-8 becomes U+FFFD, as in Go.
        mutating func string() throws(GoJSONError) -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            let saved = index
                            index += 2
                            let low = try hex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = saved
                                scalar = 0xFFFD
                            }
                        }
                        let decoded = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(Character(decoded)).utf8))
                    default:
                        index -= 1
                        throw bad("in string escape code")
                    }
                case 0..<0x20: throw bad("in string literal")
                default:
                    out.append(byte)
                    index += 1
                }
            }
        }

        mutating func hex4() throws(GoJSONError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count else { throw GoJSONError("unexpected EOF") }
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw bad("in \\u hexadecimal character escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}

/// Why a body is not JSON, in Go's words.
public struct GoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message.
    public var description: String
    init(_ description: String) { self.description = description }
}
