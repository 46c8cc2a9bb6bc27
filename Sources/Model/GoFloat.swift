// Tollgate — Model: Go's float text forms, where Prometheus's output depends on them.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Go's `strconv` float behaviour, reproduced where Prometheus's results depend on it.
package enum GoFloat {
    /// Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest round-trip digits,
    /// in `%e` form (`1e+06`, `1.5e-05`) when the decimal exponent is below -4 or
    /// at least 6, else plain (`123456`, `0.0001`); `NaN`, `+Inf`, `-Inf`.
    package static func formatG(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (negative, digits, point) = shortestDigits(value)
        var out = negative ? "-" : ""
        if digits.isEmpty { return out + "0" }
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            out.append(Character(Unicode.Scalar(digits[0])))
            if digits.count > 1 {
                out += "."
                out += String(decoding: digits[1...], as: UTF8.self)
            }
            out += exponent < 0 ? "e-" : "e+"
            let magnitude = abs(exponent)
            out += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
            return out
        }
        return out + plain(digits, point)
    }

    /// Digits `0.d1d2… × 10^point` written without an exponent.
    private static func plain(_ digits: [UInt8], _ point: Int) -> String {
        if point <= 0 {
            return "0." + String(repeating: "0", count: -point) + String(decoding: digits, as: UTF8.self)
        }
        if point >= digits.count {
            return String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: point - digits.count)
        }
        return String(decoding: digits[..<point], as: UTF8.self) + "." + String(decoding: digits[point...], as: UTF8.self)
    }

    /// Go's `strconv.FormatFloat(v, 'e', -1, 64)`: the shortest round-trip digits, always in
    /// exponent form (`1` → `1e+00`, `35.5` → `3.55e+01`), as Prometheus writes alert values.
    package static func formatE(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (negative, digits, point) = shortestDigits(value)
        var out = negative ? "-" : ""
        guard let first = digits.first else { return out + "0e+00" }
        out.append(Character(Unicode.Scalar(first)))
        if digits.count > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
        let exponent = point - 1
        out += exponent < 0 ? "e-" : "e+"
        let magnitude = abs(exponent)
        return out + (magnitude < 10 ? "0\(magnitude)" : "\(magnitude)")
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest round-trip digits, never
    /// in exponent form (`1e+21` → `1000000000000000000000`, `1e-05` → `0.00001`).
    package static func formatF(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (negative, digits, point) = shortestDigits(value)
        let sign = negative ? "-" : ""
        return digits.isEmpty ? sign + "0" : sign + plain(digits, point)
    }

    /// The OpenMetrics float form Prometheus 3.x rewrites `le` and `quantile` label
    /// values to: ``formatG(_:)`` with `.0` appended when it has neither `.` nor
    /// `e`, and every zero as `0.0` (`1` → `1.0`, `1e6` → `1e+06`, `-0` → `0.0`).
    package static func formatOpenMetrics(_ value: Double) -> String {
        if value == 0 { return "0.0" }
        let text = formatG(value)
        if value.isNaN || value.isInfinite { return text }
        return text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: ".") }) ? text : text + ".0"
    }

    /// The shortest round-trip decimal digits of `value` and the position of the
    /// decimal point: value = 0.d1d2d3… × 10^point.
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: [UInt8], point: Int) {
        let negative = value.sign == .minus
        if value == 0 { return (negative, [], 0) }
        // Swift's description is the shortest round-trip form: "1.25", "1e-05", "1.2345e+20".
        let text = Array(abs(value).description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(of: UInt8(ascii: "e")) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { point += 1 }
        }
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (negative, digits, point + exponent)
    }
}

extension GoFloat {
    /// Go's `strconv.ParseFloat(s, 64)` in full: decimal and hex (`0x1p-2`, with a
    /// mandatory `p` exponent), `_` digit separators where Go allows them, `inf`,
    /// `infinity` and `nan` in any case. Nil on a syntax error or on overflow.
    ///
    /// Prometheus uses this wider syntax only to decide whether an `le` or
    /// `quantile` label value is a number (section 6 of the exposition notes).
    package static func parse(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.contains(UInt8(ascii: "_")) {
            guard underscoresAllowed(bytes) else { return nil }
            bytes.removeAll { $0 == UInt8(ascii: "_") }
        }
        var body = bytes[...]
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { body = body.dropFirst() }
        if body.count >= 2, body.first == UInt8(ascii: "0"), body[body.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            return parseHex(bytes)
        }
        return bytes.withUnsafeBufferPointer { SampleValue.parse($0, 0, $0.count) }
    }

    /// Hex floats: `[sign] 0x hexdigits [. hexdigits] p [sign] digits`.
    private static func parseHex(_ bytes: [UInt8]) -> Double? {
        var i = 0
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        i += 2
        var sawDigit = false, sawPoint = false
        while i < bytes.count {
            let c = bytes[i]
            if isHexDigit(c) { sawDigit = true } else if c == UInt8(ascii: "."), !sawPoint { sawPoint = true } else { break }
            i += 1
        }
        guard sawDigit, i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "p") else { return nil }
        i += 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, bytes[i...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let value = bytes.withUnsafeBufferPointer { SampleValue.slowPathHex($0) }
        return value.isInfinite ? nil : value
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
    }

    /// Go's `underscoreOK`: each `_` sits between digits (or after a base prefix).
    private static func underscoresAllowed(_ s: [UInt8]) -> Bool {
        var s = s[...]
        if let first = s.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { s = s.dropFirst() }
        var saw: UInt8 = UInt8(ascii: "^")
        var hex = false
        if s.count >= 2, s.first == UInt8(ascii: "0") {
            let prefix = s[s.startIndex + 1] | 0x20
            if prefix == UInt8(ascii: "b") || prefix == UInt8(ascii: "o") || prefix == UInt8(ascii: "x") {
                s = s.dropFirst(2)
                saw = UInt8(ascii: "0")
                hex = prefix == UInt8(ascii: "x")
            }
        }
        for c in s {
            let lower = c | 0x20
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (hex && lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f")) {
                saw = UInt8(ascii: "0")
                continue
            }
            if c == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
                continue
            }
            if saw == UInt8(ascii: "_") { return false }
            saw = UInt8(ascii: "!")
        }
        return saw != UInt8(ascii: "_")
    }
}

extension SampleValue {
    /// strtod over a whole buffer (it reads C99 hex floats).
    static func slowPathHex(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for k in 0..<bytes.count { buffer[k] = CChar(bitPattern: bytes[k]) }
            buffer[bytes.count] = 0
            guard let base = buffer.baseAddress else { return .infinity }
            return strtod(base, nil)
        }
    }
}
