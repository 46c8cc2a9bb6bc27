// Tollgate — NotifyRender: html/template's contextual escaping, for the contexts notification
// templates use: HTML text, quoted attributes, and URL attributes (start, path, query).

import Foundation
import GoTemplate

/// Escapes each action's value by the HTML context it lands in, as Go's `html/template` does
/// for the same template: the context is read from the output written so far (values are
/// escaped, so they never change it).
enum HTMLEscaper {
    /// Where an action's value lands.
    enum Context: Equatable {
        case text
        case attribute
        case urlStart, urlPath, urlQuery
    }

    /// The action writer for ``GoTemplate``'s HTML mode.
    static let writer: TemplateActionWriter = { output, value, lastFunction in
        let text: String
        switch value {
        case .nil: text = ""
        default: text = value.goString
        }
        switch context(after: output) {
        case .text:
            output += lastFunction == "safeHtml" || lastFunction == "html" ? text : escape(text)
        case .attribute:
            output += escape(text)
        case .urlStart:
            output += escape(lastFunction == "safeUrl" ? normalizeURL(text) : normalizeURL(filterURL(text)))
        case .urlPath:
            output += escape(normalizeURL(text))
        case .urlQuery:
            output += escape(lastFunction == "urlquery" ? text : escapeURL(text))
        }
    }

    /// The context at the end of `output`.
    static func context(after output: String) -> Context {
        let bytes = Array(output.utf8)
        guard let open = bytes.lastIndex(of: UInt8(ascii: "<")) else { return .text }
        var i = open + 1
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }
        // The tag name.
        while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) || bytes[i] == UInt8(ascii: "/") { i += 1 }
            guard i < bytes.count else { return .attribute }
            if bytes[i] == UInt8(ascii: ">") { return .text }
            let nameStart = i
            while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ">") { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { continue }
            i += 1
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { return attributeContext(name, value: []) }
            let quote = bytes[i]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                let valueStart = i + 1
                guard let close = bytes[valueStart...].firstIndex(of: quote) else {
                    return attributeContext(name, value: Array(bytes[valueStart...]))
                }
                i = close + 1
            } else {
                let valueStart = i
                while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
                if i == bytes.count { return attributeContext(name, value: Array(bytes[valueStart...])) }
            }
        }
        return .attribute
    }

    private static let urlAttributes: Set<String> = [
        "action", "archive", "background", "cite", "classid", "codebase", "data", "formaction", "href", "icon", "longdesc", "manifest",
        "poster", "profile", "src", "usemap", "xmlns",
    ]

    private static func attributeContext(_ name: String, value: [UInt8]) -> Context {
        let local = name.split(separator: ":").last.map(String.init) ?? name
        guard urlAttributes.contains(local) || local.contains("url") || local.contains("uri") else { return .attribute }
        if value.isEmpty { return .urlStart }
        if value.contains(UInt8(ascii: "?")) || value.contains(UInt8(ascii: "#")) { return .urlQuery }
        return .urlPath
    }

    /// html/template's `htmlEscaper`/`attrEscaper` table.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "\0": out += "\u{FFFD}"
            case "\"": out += "&#34;"
            case "&": out += "&amp;"
            case "'": out += "&#39;"
            case "+": out += "&#43;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// html/template's `urlFilter`: a URL with a scheme other than http, https or mailto
    /// becomes `#ZgotmplZ`.
    static func filterURL(_ s: String) -> String {
        guard let colon = s.firstIndex(of: ":"), !s[..<colon].contains("/") else { return s }
        let scheme = s[..<colon].lowercased()
        return ["http", "https", "mailto"].contains(scheme) ? s : "#ZgotmplZ"
    }

    /// html/template's `urlNormalizer`: percent-encodes what may not appear in a URL.
    static func normalizeURL(_ s: String) -> String { processURL(s, normalize: true) }

    /// html/template's `urlEscaper`: percent-encodes all but unreserved characters.
    static func escapeURL(_ s: String) -> String { processURL(s, normalize: false) }

    private static func processURL(_ s: String, normalize: Bool) -> String {
        var out = ""
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "+"),
                UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "?"),
                UInt8(ascii: "@"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "%"):
                if normalize {
                    out.unicodeScalars.append(Unicode.Scalar(b))
                    continue
                }
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                out.unicodeScalars.append(Unicode.Scalar(b))
                continue
            default: break
            }
            out += "%"
            out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
            out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 0xF)]))
        }
        return out
    }

    /// html/template drops HTML comments from template text.
    static func stripComments(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let start = rest.range(of: "<!--") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].range(of: "-->") else { return out }
            rest = rest[end.upperBound...]
        }
        return out + rest
    }
}
