// Tollgate — PromQL: Go-compatible formatting of strings and floats.

/// Quotes a string the way Go's `%q` / `strconv.Quote` does.
package func goQuote(_ text: String) -> String {
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
            } else if !isPrintable(scalar) {
                out += v > 0xFFFF ? "\\U" + hex(v, width: 8) : "\\u" + hex(v, width: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

private func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: false
    case .spaceSeparator: scalar == " "
    default: true
    }
}

/// Formats a float like Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits,
/// never an exponent; `+Inf`, `-Inf`, `NaN`.
func goFormatFloat(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    var text = "\(value)"
    var negative = false
    if text.hasPrefix("-") {
        negative = true
        text.removeFirst()
    }
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    var intPart = text, fracPart = ""
    if let dot = text.firstIndex(of: ".") {
        intPart = String(text[..<dot])
        fracPart = String(text[text.index(after: dot)...])
    }
    var digits = intPart + fracPart
    var pointIndex = intPart.count + exponent
    // Strip leading zeros, keeping the point position consistent.
    while digits.count > 1, digits.first == "0", pointIndex > 1 {
        digits.removeFirst()
        pointIndex -= 1
    }
    if pointIndex <= 0 {
        digits = String(repeating: "0", count: -pointIndex + 1) + digits
        pointIndex = 1
    }
    if pointIndex > digits.count {
        digits += String(repeating: "0", count: pointIndex - digits.count)
    }
    var whole = String(digits.prefix(pointIndex))
    var fraction = String(digits.dropFirst(pointIndex))
    while fraction.last == "0" { fraction.removeLast() }
    while whole.count > 1, whole.first == "0" { whole.removeFirst() }
    let body = fraction.isEmpty ? whole : whole + "." + fraction
    return negative && body != "0" ? "-" + body : (negative ? "-0" : body)
}
