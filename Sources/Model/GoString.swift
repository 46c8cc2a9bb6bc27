// Tollgate — Model: Go's string quoting, where Prometheus's and Alertmanager's output depends on it.

/// Go's `strconv` string functions.
package enum GoString {
    /// Go's `strconv.Quote` (and `%q`): `"` and `\` escaped, `\a \b \f \n \r \t \v`, other
    /// control bytes as `\x1b`, characters that do not print as `\u00a0` / `\U0001f600`
    /// (lower-case hex, as Go writes them); a U+FFFD (what an invalid byte became) as `\ufffd`.
    package static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F {
                    out += "\\x" + hex(v, width: 2)
                } else if v == 0xFFFD {
                    out += "\\ufffd"
                } else if !isPrint(scalar) {
                    out += v > 0xFFFF ? "\\U" + hex(v, width: 8) : "\\u" + hex(v, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
    /// space; no controls, format characters, other spaces or unassigned code points.
    package static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: false
        case .spaceSeparator: scalar == " "
        default: true
        }
    }

    /// `value` in lower-case hex, zero-padded to `width` digits.
    package static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
