// Tollgate — HTTPAPI: request parameters from the URL query and a form body, merged as Go's `Request.Form`.

/// The parameters of an API request: those of an `application/x-www-form-urlencoded`
/// body first, then those of the URL query, as Go's `Request.ParseForm` merges them
/// (so `FormValue` prefers the body, and `match[]` collects both).
///
/// ```swift
/// let form = APIForm(query: "query=up&time=1700000000", body: [])
/// form["query"]  // "up"
/// ```
public struct APIForm: Sendable, Equatable {
    private var pairs: [(name: String, value: String)]

    /// Decodes a URL query string and a form body.
    /// - Parameters:
    ///   - query: the part of the URL after `?`, undecoded; nil when there is none.
    ///   - body: the body bytes; pass an empty array unless the content type is a URL-encoded form.
    public init(query: String?, body: [UInt8]) {
        pairs = Self.decode(body) + Self.decode(Array((query ?? "").utf8))
    }

    /// The first value of `name`, or nil when it is absent (Go's `FormValue` gives "" then).
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, body values first.
    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The first value of `name`, or "" when absent, as Go's `FormValue`.
    func value(_ name: String) -> String { self[name] ?? "" }

    public static func == (a: APIForm, b: APIForm) -> Bool {
        a.pairs.map(\.name) == b.pairs.map(\.name) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }

    /// Splits `a=1&b=2` on `&` (Go also split on `;` once, and now rejects it; pairs with `;` are skipped).
    private static func decode(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if part.contains(UInt8(ascii: ";")) { continue }
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                name = part[..<equals]
                value = part[(equals + 1)...]
            } else {
                name = part
                value = []
            }
            guard let decodedName = unescape(name), let decodedValue = unescape(value) else { continue }
            result.append((decodedName, decodedValue))
        }
        return result
    }

    /// Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte; a malformed escape drops the pair.
    /// With `plusIsSpace` false it is `url.PathUnescape`.
    static func unescape(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool = true) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+"), plusIsSpace {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard let high = hexValue(bytes, index + 1), let low = hexValue(bytes, index + 2) else { return nil }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ bytes: ArraySlice<UInt8>, _ index: Int) -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return bytes[index] - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return bytes[index] - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return bytes[index] - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
