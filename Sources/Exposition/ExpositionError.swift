// Tollgate — Exposition: parse errors with their position.

/// Why an exposition was rejected, and where.
///
/// A Prometheus scrape fails as a whole on any of these. `line` and `column`
/// are 1-based; `column` counts bytes from the start of the line; `offset` is the
/// byte offset into the body.
public struct ExpositionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number of the offending byte.
    public var line: Int
    /// 1-based byte column within that line.
    public var column: Int
    /// 0-based byte offset into the body.
    public var offset: Int
    /// What was expected, and what was found.
    public var message: String

    /// Creates an error.
    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }

    /// Locates `offset` in `bytes` and builds the error.
    static func at(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, _ message: String) -> ExpositionError {
        let offset = max(0, min(offset, bytes.count))
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return ExpositionError(line: line, column: offset - lineStart + 1, offset: offset, message: message)
    }
}

/// Quotes a few bytes of input for an error message, escaping what would not print.
func quoted(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int = 40) -> String {
    let end = min(range.upperBound, range.lowerBound + limit, bytes.count)
    guard range.lowerBound < end else { return "end of input" }
    var text = "\""
    for byte in bytes[range.lowerBound..<end] {
        switch byte {
        case UInt8(ascii: "\n"): text += "\\n"
        case UInt8(ascii: "\t"): text += "\\t"
        case UInt8(ascii: "\r"): text += "\\r"
        case UInt8(ascii: "\""): text += "\\\""
        case UInt8(ascii: "\\"): text += "\\\\"
        case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
        default: text += "\\x" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
        }
    }
    return text + (end < range.upperBound ? "…\"" : "\"")
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
