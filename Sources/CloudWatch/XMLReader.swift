// Tollgate — CloudWatch: a small XML reader for the AWS Query protocol's answers.

/// One XML element: its local name (prefix dropped), its text and its child elements.
///
/// The AWS Query answers are small, namespaced, attribute-free trees; this reader keeps
/// exactly that. It is written by hand rather than on FoundationXML's `XMLParser` so that
/// the limits on nesting and size are ours, it never resolves external entities or DTDs,
/// and it allocates one tree per answer (see docs/cloudwatch.md).
public struct XMLElement: Sendable, Equatable {
    /// The local name (`GetMetricDataResult`).
    public var name: String
    /// The character data directly inside the element, entities decoded.
    public var text: String
    /// The child elements, in order.
    public var children: [XMLElement]

    /// The first child named `name`.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`.
    public func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The element at the end of a path of child names.
    public func path(_ names: String...) -> XMLElement? {
        var element: XMLElement? = self
        for name in names { element = element?.child(name) }
        return element
    }
}

/// Why an XML answer could not be read.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, and at which byte.
    public var description: String
}

/// Reads an XML document into ``XMLElement``s.
public enum XMLReader {
    /// Nesting deeper than this is refused (the AWS answers are at most 7 deep).
    public static let maxDepth = 64
    /// Documents larger than this are refused (64 MiB).
    public static let maxBytes = 64 << 20

    /// Reads `bytes` as one XML document.
    /// - Throws: ``XMLReadError`` for anything that is not well-formed enough to read,
    ///   nesting beyond ``maxDepth`` or a document beyond ``maxBytes``.
    public static func read(_ bytes: [UInt8]) throws(XMLReadError) -> XMLElement {
        guard bytes.count <= maxBytes else { throw XMLReadError(description: "XML answer of \(bytes.count) bytes is too large") }
        var reader = Cursor(bytes: bytes)
        return try reader.document()
    }

    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        mutating func fail(_ message: String) -> XMLReadError {
            XMLReadError(description: "invalid XML at byte \(index): \(message)")
        }

        func starts(with text: String) -> Bool {
            var position = index
            for byte in text.utf8 {
                guard position < bytes.count, bytes[position] == byte else { return false }
                position += 1
            }
            return true
        }

        /// Moves past `terminator`; throws when it never comes.
        mutating func skip(past terminator: String) throws(XMLReadError) {
            while index < bytes.count {
                if starts(with: terminator) {
                    index += terminator.utf8.count
                    return
                }
                index += 1
            }
            throw fail("unterminated construct, expected \(terminator)")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Skips the prolog, comments, processing instructions and a DOCTYPE (never read).
        mutating func skipMisc() throws(XMLReadError) {
            while true {
                skipSpace()
                if starts(with: "<?") {
                    try skip(past: "?>")
                } else if starts(with: "<!--") {
                    try skip(past: "-->")
                } else if starts(with: "<!DOCTYPE") {
                    throw fail("DOCTYPE is not accepted")
                } else {
                    return
                }
            }
        }

        mutating func document() throws(XMLReadError) -> XMLElement {
            if starts(with: "\u{FEFF}") { index += 3 }
            try skipMisc()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("expected an element") }
            let root = try element(depth: 1)
            try skipMisc()
            guard index == bytes.count else { throw fail("content after the root element") }
            return root
        }

        mutating func name() throws(XMLReadError) -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                    || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<")
                {
                    break
                }
                index += 1
            }
            guard index > start else { throw fail("expected a name") }
            let full = String(decoding: bytes[start..<index], as: UTF8.self)
            if let colon = full.lastIndex(of: ":") { return String(full[full.index(after: colon)...]) }
            return full
        }

        /// An element starting at `<`.
        mutating func element(depth: Int) throws(XMLReadError) -> XMLElement {
            guard depth <= XMLReader.maxDepth else { throw fail("elements nested deeper than \(XMLReader.maxDepth)") }
            index += 1  // <
            let tag = try name()
            // Attributes: read and dropped.
            while true {
                skipSpace()
                guard index < bytes.count else { throw fail("unterminated start tag <\(tag)>") }
                if bytes[index] == UInt8(ascii: "/") {
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { throw fail("expected /> in <\(tag)>") }
                    index += 2
                    return XMLElement(name: tag, text: "", children: [])
                }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                _ = try name()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("expected = in an attribute of <\(tag)>") }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw fail("expected a quoted attribute value in <\(tag)>")
                }
                let quote = bytes[index]
                index += 1
                while index < bytes.count, bytes[index] != quote { index += 1 }
                guard index < bytes.count else { throw fail("unterminated attribute value in <\(tag)>") }
                index += 1
            }
            var text: [UInt8] = []
            var children: [XMLElement] = []
            while true {
                guard index < bytes.count else { throw fail("element <\(tag)> is not closed") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "<") {
                    if starts(with: "</") {
                        index += 2
                        let closing = try name()
                        skipSpace()
                        guard closing == tag, index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                            throw fail("</\(closing)> does not close <\(tag)>")
                        }
                        index += 1
                        return XMLElement(name: tag, text: String(decoding: text, as: UTF8.self), children: children)
                    } else if starts(with: "<!--") {
                        try skip(past: "-->")
                    } else if starts(with: "<![CDATA[") {
                        index += 9
                        let start = index
                        try skip(past: "]]>")
                        text += bytes[start..<(index - 3)]
                    } else if starts(with: "<?") {
                        try skip(past: "?>")
                    } else if starts(with: "<!") {
                        throw fail("declarations are not accepted inside elements")
                    } else {
                        children.append(try element(depth: depth + 1))
                    }
                } else if byte == UInt8(ascii: "&") {
                    text += try entity()
                } else {
                    text.append(byte)
                    index += 1
                }
            }
        }

        /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xN;`.
        mutating func entity() throws(XMLReadError) -> [UInt8] {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ";"), index - start < 12 { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else { throw fail("unterminated entity") }
            let body = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
            index += 1
            switch body {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [UInt8(ascii: "\"")]
            case "apos": return [UInt8(ascii: "'")]
            default:
                var number: UInt32?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    number = UInt32(body.dropFirst(2), radix: 16)
                } else if body.hasPrefix("#") {
                    number = UInt32(body.dropFirst(), radix: 10)
                }
                guard let number, let scalar = Unicode.Scalar(number) else { throw fail("unknown entity &\(body);") }
                return Array(String(Character(scalar)).utf8)
            }
        }
    }
}
