// Tollgate — promqltest files: durations, numbers, label sets and value sequences.

import Foundation
import Model

/// A problem in a test file, with its line.
struct TestFileError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

enum TestValues {
    /// `1h30m`, `10s53ms`, `0`: units in decreasing order, each once (Prometheus's model.ParseDuration).
    static func duration(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [(String, Int64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
        ]
        var rest = Substring(text)
        var total: Int64 = 0
        var lastUnit = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let index = units.firstIndex(where: { $0.0 == unitText }), index > lastUnit else { return nil }
            lastUnit = index
            total += n * units[index].1
            rest = rest.dropFirst(unitText.count)
        }
        return total
    }

    /// A number as series values take it: decimal with exponent and `_`, Inf/NaN in any case.
    static func number(_ text: String, allowHex: Bool = false) -> Double? {
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        let lower = cleaned.lowercased()
        switch lower {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        if allowHex && (lower.hasPrefix("0x") || lower.hasPrefix("-0x") || lower.hasPrefix("+0x")) {
            let negative = lower.hasPrefix("-")
            guard let v = Int64(lower.drop { $0 == "-" || $0 == "+" }.dropFirst(2), radix: 16) else { return nil }
            return Double(negative ? -v : v)
        }
        guard let first = cleaned.first, first.isNumber || first == "." || first == "-" || first == "+",
            !lower.contains("x"), !lower.contains("p")
        else { return nil }
        return Double(cleaned)
    }

    /// Go's `strconv.Unquote` for "…", '…' and `…` strings.
    static func unquote(_ text: String) -> String? {
        guard let q = text.first, text.count >= 2, text.last == q, q == "\"" || q == "'" || q == "`" else { return nil }
        let body = text.dropFirst().dropLast()
        if q == "`" { return String(body) }
        var out = ""
        var it = body.unicodeScalars.makeIterator()
        while let c = it.next() {
            guard c == "\\" else {
                out.unicodeScalars.append(c)
                continue
            }
            guard let e = it.next() else { return nil }
            switch e {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "\\": out += "\\"
            case "\"": out += "\""
            case "'": out += "'"
            case "a": out += "\u{07}"
            case "b": out += "\u{08}"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            case "x", "u", "U":
                let count = e == "x" ? 2 : e == "u" ? 4 : 8
                var hex = ""
                for _ in 0..<count { if let h = it.next() { hex.unicodeScalars.append(h) } }
                guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { return nil }
                out.unicodeScalars.append(scalar)
            default: return nil
            }
        }
        return out
    }
}

/// One series line: a label set and its expanded values (`nil` for `_`).
struct SeriesLine {
    var labels: Labels
    var values: [Double?]
    /// The line uses the native-histogram notation `{{…}}`.
    var hasHistograms: Bool

    /// Parses `name{l="v"} 1 2+3x4 _ stale {{…}}`.
    static func parse(_ text: String, line: Int) throws(TestFileError) -> SeriesLine {
        var scanner = Array(text.unicodeScalars)[...]
        let labels = try parseLabels(&scanner, line: line)
        var values: [Double?] = []
        var histograms = false
        let rest = String(String.UnicodeScalarView(scanner))
        var tokens: [String] = []
        var current = ""
        var depth = 0
        for c in rest {
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1 }
            if c.isWhitespace && depth == 0 {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        for token in tokens {
            if token.hasPrefix("{{") {
                histograms = true
                if let x = token.range(of: "}}x"), let k = Int(token[x.upperBound...]) {
                    values.append(contentsOf: [Double?](repeating: nil, count: k + 1))
                } else {
                    values.append(nil)
                }
                continue
            }
            guard let expanded = expand(token) else { throw TestFileError(line: line, message: "bad value \"\(token)\"") }
            values.append(contentsOf: expanded)
        }
        return SeriesLine(labels: labels, values: values, hasHistograms: histograms)
    }

    /// One value item: `_`, `_xK`, `stale`, `N`, `NxK`, `N+DxK`, `N-DxK`.
    static func expand(_ token: String) -> [Double?]? {
        if token == "_" { return [nil] }
        if token.hasPrefix("_x"), let k = Int(token.dropFirst(2)) { return [Double?](repeating: nil, count: k) }
        if token == "stale" { return [Double(bitPattern: 0x7FF0_0000_0000_0002)] }
        if let v = TestValues.number(token) { return [v] }
        guard let x = token.lastIndex(of: "x"), let k = Int(token[token.index(after: x)...]) else { return nil }
        let base = token[..<x]
        var splitAt: String.Index?
        var i = base.index(after: base.startIndex)
        while i < base.endIndex {
            let c = base[i], previous = base[base.index(before: i)]
            if (c == "+" || c == "-") && previous != "e" && previous != "E" { splitAt = i }
            i = base.index(after: i)
        }
        let startText = splitAt.map { String(base[..<$0]) } ?? String(base)
        let deltaText = splitAt.map { String(base[$0...]) } ?? "0"
        guard let start = TestValues.number(startText), let delta = TestValues.number(deltaText) else { return nil }
        var out: [Double?] = []
        var v = start
        for _ in 0...k {
            out.append(v)
            v += delta
        }
        return out
    }

    /// `name`, `name{…}`, `{…}`; quoted names and values; a trailing comma.
    static func parseLabels(_ s: inout ArraySlice<Unicode.Scalar>, line: Int) throws(TestFileError) -> Labels {
        func skipSpaces() { while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() } }
        func quoted() throws(TestFileError) -> String {
            guard let q = s.first else { throw TestFileError(line: line, message: "expected a string") }
            var text = String(q)
            s = s.dropFirst()
            var escaped = false
            while let c = s.first {
                s = s.dropFirst()
                text.unicodeScalars.append(c)
                if escaped { escaped = false; continue }
                if c == "\\" && q != "`" { escaped = true; continue }
                if c == q { break }
            }
            guard let value = TestValues.unquote(text) else { throw TestFileError(line: line, message: "bad string \(text)") }
            return value
        }
        func identifier() -> String {
            var name = ""
            while let c = s.first, c == "_" || c == ":" || c.properties.isAlphabetic || ("0"..."9").contains(c) {
                name.unicodeScalars.append(c)
                s = s.dropFirst()
            }
            return name
        }
        skipSpaces()
        var labels: [Label] = []
        let name = identifier()
        if !name.isEmpty { labels.append(Label(metricNameLabel, name)) }
        if s.first == "{" {
            s = s.dropFirst()
            while true {
                skipSpaces()
                if s.first == "}" {
                    s = s.dropFirst()
                    break
                }
                var labelName: String
                if s.first == "\"" || s.first == "'" || s.first == "`" {
                    labelName = try quoted()
                    skipSpaces()
                    if s.first == "," || s.first == "}" {
                        labels.append(Label(metricNameLabel, labelName))
                        if s.first == "," { s = s.dropFirst() }
                        continue
                    }
                } else {
                    labelName = identifier()
                }
                skipSpaces()
                guard s.first == "=" else { throw TestFileError(line: line, message: "expected = after label \(labelName)") }
                s = s.dropFirst()
                skipSpaces()
                labels.append(Label(labelName, try quoted()))
                skipSpaces()
                if s.first == "," { s = s.dropFirst() }
            }
        }
        return Labels(sorting: labels)
    }
}
