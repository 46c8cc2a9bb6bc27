// Tollgate — NotifyRender: Go's `mime/quotedprintable` writer and `mime.QEncoding`, as the
// email notifier uses them.

/// The MIME encodings of email bodies and headers, byte for byte as Go writes them.
public enum MIMEEncoding {
    /// Go's `quotedprintable.Writer` (text mode): lines of at most 76 bytes with `=` soft
    /// breaks, line ends as CRLF, `=`, non-ASCII and whitespace before a line end encoded.
    /// - Parameter text: The body.
    /// - Returns: The encoded body.
    public static func quotedPrintable(_ text: String) -> String {
        let maxLine = 76
        var out: [UInt8] = []
        var line: [UInt8] = []
        var cr = false
        let hex = Array("0123456789ABCDEF".utf8)
        func flush() {
            out += line
            line.removeAll(keepingCapacity: true)
        }
        func crlf() {
            line += [0x0D, 0x0A]
            flush()
        }
        func softBreak() {
            line.append(UInt8(ascii: "="))
            crlf()
        }
        func encode(_ b: UInt8) {
            if maxLine - 1 - line.count < 3 { softBreak() }
            line += [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
        }
        func checkLastByte() {
            guard let last = line.last, last == 0x20 || last == 0x09 else { return }
            line.removeLast()
            encode(last)
        }
        func write(_ b: UInt8) {
            if b == 0x0A || b == 0x0D {
                if cr, b == 0x0A {
                    cr = false
                    return
                }
                if b == 0x0D { cr = true }
                checkLastByte()
                crlf()
                return
            }
            if line.count == maxLine - 1 { softBreak() }
            line.append(b)
            cr = false
        }
        for b in text.utf8 {
            if (b >= UInt8(ascii: "!") && b <= UInt8(ascii: "~") && b != UInt8(ascii: "=")) || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                write(b)
            } else {
                encode(b)
            }
        }
        checkLastByte()
        flush()
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `mime.QEncoding.Encode("utf-8", s)`: unchanged when every byte is printable ASCII,
    /// space or tab; else `=?utf-8?q?…?=` encoded words of at most 75 bytes.
    /// - Parameter s: The header value.
    /// - Returns: The encoded value.
    public static func qEncodeHeader(_ s: String) -> String {
        let needs = s.utf8.contains { b in !(b >= 0x20 && b <= 0x7E) && b != 0x09 }
        if !needs { return s }
        let hex = Array("0123456789ABCDEF".utf8)
        let prefix = "=?utf-8?q?", suffix = "?="
        let maxContent = 75 - prefix.count - suffix.count
        var words: [String] = []
        var current: [UInt8] = []
        for character in s.unicodeScalars {
            var encoded: [UInt8] = []
            for b in String(character).utf8 {
                if b == 0x20 {
                    encoded.append(UInt8(ascii: "_"))
                } else if b >= 0x21, b <= 0x7E, b != UInt8(ascii: "="), b != UInt8(ascii: "?"), b != UInt8(ascii: "_") {
                    encoded.append(b)
                } else {
                    encoded += [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                }
            }
            if current.count + encoded.count > maxContent {
                words.append(prefix + String(decoding: current, as: UTF8.self) + suffix)
                current = []
            }
            current += encoded
        }
        words.append(prefix + String(decoding: current, as: UTF8.self) + suffix)
        return words.joined(separator: " ")
    }
}
