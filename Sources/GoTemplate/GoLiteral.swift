// Tollgate — GoTemplate: Go's literal syntax (strconv.Unquote, ParseFloat) for template constants.

import Model

/// Go's `strconv` readings of the literals a template may spell.
enum GoLiteral {
    /// Go's `strconv.Unquote` for `"…"` (with Go's escapes) and `` `…` `` (raw).
    /// - Throws: `invalid syntax`, as Go's parser reports it.
    static func unquote(_ text: String) throws(TemplateParseError.Reason) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2, let quote = scalars.first, quote == scalars.last else { throw .syntax }
        let body = scalars[1..<(scalars.count - 1)]
        if quote == "`" {
            guard !body.contains("`") else { throw .syntax }
            return String(String.UnicodeScalarView(body.filter { $0 != "\r" }))
        }
        guard quote == "\"" else { throw .syntax }
        var out = String.UnicodeScalarView()
        var bytes: [UInt8] = []  // pending \x / octal bytes, decoded together as UTF-8
        func flush() {
            if !bytes.isEmpty {
                out.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
                bytes.removeAll()
            }
        }
        var i = body.startIndex
        while i < body.endIndex {
            let c = body[i]
            guard c == "\\" else {
                guard c != "\"", c != "\n" else { throw .syntax }
                flush()
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < body.endIndex else { throw .syntax }
            let e = body[i + 1]
            i += 2
            func hex(_ count: Int) throws(TemplateParseError.Reason) -> UInt32 {
                guard i + count <= body.endIndex else { throw .syntax }
                let digits = String(String.UnicodeScalarView(body[i..<(i + count)]))
                guard let value = UInt32(digits, radix: 16) else { throw .syntax }
                i += count
                return value
            }
            switch e {
            case "a": flush(); out.append("\u{07}")
            case "b": flush(); out.append("\u{08}")
            case "f": flush(); out.append("\u{0C}")
            case "n": flush(); out.append("\n")
            case "r": flush(); out.append("\r")
            case "t": flush(); out.append("\t")
            case "v": flush(); out.append("\u{0B}")
            case "\\": flush(); out.append("\\")
            case "\"": flush(); out.append("\"")
            case "x": bytes.append(UInt8(try hex(2)))
            case "u", "U":
                let value = try hex(e == "u" ? 4 : 8)
                guard let scalar = Unicode.Scalar(value) else { throw .syntax }
                flush()
                out.append(scalar)
            case "0"..."7":
                guard i + 2 <= body.endIndex else { throw .syntax }
                let digits = String(String.UnicodeScalarView([e] + body[i..<(i + 2)]))
                guard let value = UInt32(digits, radix: 8), value < 256 else { throw .syntax }
                i += 2
                bytes.append(UInt8(value))
            default: throw .syntax
            }
        }
        flush()
        return String(out)
    }

    /// The scalar of a Go character constant such as `'a'` or `'\n'`.
    static func unquoteChar(_ text: String) -> Unicode.Scalar? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3, scalars.first == "'", scalars.last == "'" else { return nil }
        if scalars.count == 3 { return scalars[1] == "\\" ? nil : scalars[1] }
        let inner = String(String.UnicodeScalarView(scalars[1..<(scalars.count - 1)])).replacingQuote()
        guard let decoded = try? unquote("\"" + inner + "\""), decoded.unicodeScalars.count == 1 else { return nil }
        return decoded.unicodeScalars.first
    }

    /// Go's `strconv.ParseFloat(s, 64)`.
    static func parseFloat(_ text: String) -> Double? { GoFloat.parse(text) }
}

extension String {
    /// `\'` as `'` and a bare `"` escaped, so a char constant's body reads as a string's.
    fileprivate func replacingQuote() -> String {
        var out = ""
        var escaped = false
        for c in self {
            if escaped {
                out += c == "'" ? "'" : "\\" + String(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out += c == "\"" ? "\\\"" : String(c)
            }
        }
        return out
    }
}
