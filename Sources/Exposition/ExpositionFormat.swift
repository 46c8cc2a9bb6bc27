// Tollgate — Exposition: choosing the parser from a Content-Type.

/// The exposition formats Tollgate parses.
public enum ExpositionFormat: String, Sendable, Hashable, CaseIterable {
    /// The Prometheus text format (0.0.4 and 1.0.0): `text/plain`.
    case text
    /// OpenMetrics 1.0 text: `application/openmetrics-text`.
    case openMetrics

    /// The Content-Type a target serves this format with.
    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks the parser for a response's Content-Type, as a Prometheus 3.x scrape does.
    ///
    /// Only the media type counts (parameters, `version` included, are ignored), but
    /// the whole header must parse as a MIME type. A missing, unparsable or
    /// unsupported header fails unless a fallback is given.
    /// - Parameters:
    ///   - contentType: the header value, or nil when the response had none.
    ///   - fallback: the format to use instead of failing (`fallback_scrape_protocol`).
    /// - Returns: the format to parse with.
    /// - Throws: ``ContentTypeError`` when there is no usable format.
    public static func negotiate(
        contentType: String?,
        fallback: ExpositionFormat? = nil
    ) throws(ContentTypeError) -> ExpositionFormat {
        guard let contentType, !contentType.isEmpty else {
            if let fallback { return fallback }
            throw ContentTypeError("blank Content-Type and no fallback_scrape_protocol")
        }
        guard let mediaType = MediaType.parse(contentType) else {
            if let fallback { return fallback }
            throw ContentTypeError("cannot parse Content-Type \"\(contentType)\" and no fallback_scrape_protocol")
        }
        switch mediaType {
        case "text/plain": return .text
        case "application/openmetrics-text": return .openMetrics
        default:
            if let fallback { return fallback }
            if mediaType == "application/vnd.google.protobuf" {
                throw ContentTypeError("the protobuf exposition format is not supported")
            }
            throw ContentTypeError("unsupported Content-Type \"\(contentType)\" and no fallback_scrape_protocol")
        }
    }
}

/// Why no parser could be chosen for a Content-Type.
public struct ContentTypeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the header.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A MIME media-type parser with the acceptance rules of Go's `mime.ParseMediaType`.
enum MediaType {
    /// Returns the lowercased `type/subtype`, or nil when the header does not parse.
    static func parse(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        var i = 0
        let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
        let media = trimmed(bytes[0..<semicolon])
        guard let slash = media.firstIndex(of: UInt8(ascii: "/")) else {
            guard !media.isEmpty, media.allSatisfy(isTokenByte) else { return nil }
            return String(decoding: media, as: UTF8.self).lowercased()
        }
        let major = media[media.startIndex..<slash], minor = media[(slash + 1)...]
        guard !major.isEmpty, !minor.isEmpty, major.allSatisfy(isTokenByte), minor.allSatisfy(isTokenByte) else { return nil }
        i = semicolon
        var seen = Set<String>()
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            if i == bytes.count { break }
            guard let (key, next) = parameter(bytes, from: i) else {
                // Go ignores trailing semicolons and nothing else.
                return trimmed(bytes[i...]).elementsEqual([UInt8(ascii: ";")]) ? String(decoding: media, as: UTF8.self).lowercased() : nil
            }
            guard seen.insert(key).inserted else { return nil }
            i = next
        }
        return String(decoding: media, as: UTF8.self).lowercased()
    }

    /// Parses `; key=value` (value a token or a quoted string) from `i`.
    private static func parameter(_ b: [UInt8], from start: Int) -> (String, Int)? {
        var i = start
        guard i < b.count, b[i] == UInt8(ascii: ";") else { return nil }
        i += 1
        while i < b.count, isSpace(b[i]) { i += 1 }
        let keyStart = i
        while i < b.count, isTokenByte(b[i]) { i += 1 }
        guard i > keyStart else { return nil }
        let key = String(decoding: b[keyStart..<i], as: UTF8.self).lowercased()
        while i < b.count, isSpace(b[i]) { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        while i < b.count, isSpace(b[i]) { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "\"") {
            i += 1
            while i < b.count, b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\") { i += 1 }
                i += 1
            }
            guard i < b.count else { return nil }
            return (key, i + 1)
        }
        let valueStart = i
        while i < b.count, isTokenByte(b[i]) { i += 1 }
        return i > valueStart ? (key, i) : nil
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, isSpace(f) { s = s.dropFirst() }
        while let l = s.last, isSpace(l) { s = s.dropLast() }
        return s
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        guard b > 0x20, b < 0x7F else { return false }
        return !"()<>@,;:\\\"/[]?=".utf8.contains(b)
    }
}
