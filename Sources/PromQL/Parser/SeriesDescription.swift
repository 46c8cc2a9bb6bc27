// Tollgate — PromQL: the series description notation of test files (Prometheus's `parser.ParseSeriesDesc`).

public import Model

/// One series of a test file: a label set and its values, one per step, in the notation
/// promqltest's `load` blocks and promtool's `input_series` share.
///
/// ```swift
/// let series = try SeriesDescription.parse(#"up{job="a"} 1+1x2 _ stale"#)
/// // series.labels: up{job="a"}; series.values: [1, 2, 3, nil, <stale marker>]
/// ```
///
/// Values: a number (decimal, exponent, `_` digit separators, `Inf`/`NaN` in any case);
/// `_` for a missing sample; `stale` for a staleness marker; `a+bxn` / `a-bxn` for the n+1
/// values a, a±b, …, a±n·b; `axn` for n+1 copies of a; `_xn` for n missing samples.
/// Native histograms (`{{…}}`) are recognised and counted as missing samples.
public struct SeriesDescription: Sendable, Equatable {
    /// The series' labels (`__name__` included when a name is given).
    public var labels: Labels
    /// The values, one per step; nil for a missing sample.
    public var values: [Double?]
    /// Whether the line uses the native histogram notation `{{…}}`.
    public var hasHistograms: Bool

    /// The stale marker: a NaN with this bit pattern ends a series.
    public static let staleMarker = SampleValue.staleMarker

    /// The most values one series may expand to (a million steps: two years of one-minute
    /// samples). Prometheus sets no bound, but `1x999999999999` would then take all memory.
    public static let maxValues = 1_000_000

    /// Creates a description.
    public init(labels: Labels, values: [Double?], hasHistograms: Bool = false) {
        self.labels = labels
        self.values = values
        self.hasHistograms = hasHistograms
    }

    /// Parses `name{l="v"} 1 2+3x4 _ stale {{…}}`.
    /// - Parameter text: the series and its values, separated by white space.
    /// - Throws: ``SeriesDescriptionError`` for a malformed label set or value.
    public static func parse(_ text: String) throws(SeriesDescriptionError) -> SeriesDescription {
        var scanner = Array(text.unicodeScalars)[...]
        let labels = try parseLabels(&scanner)
        var values: [Double?] = []
        var histograms = false
        for token in tokens(String(String.UnicodeScalarView(scanner))) {
            if token.hasPrefix("{{") {
                histograms = true
                if let x = token.firstRange(of: "}}x"), let k = Int(token[x.upperBound...]) {
                    guard k >= 0, k < maxValues else { throw SeriesDescriptionError(message: "bad value \"\(token)\"") }
                    values.append(contentsOf: [Double?](repeating: nil, count: k + 1))
                } else {
                    values.append(nil)
                }
            } else {
                guard let expanded = expand(token) else { throw SeriesDescriptionError(message: "bad value \"\(token)\"") }
                values.append(contentsOf: expanded)
            }
            if values.count > maxValues {
                throw SeriesDescriptionError(message: "more than \(maxValues) values in one series")
            }
        }
        return SeriesDescription(labels: labels, values: values, hasHistograms: histograms)
    }

    /// Splits the values part on white space outside `{…}`.
    private static func tokens(_ rest: String) -> [String] {
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
        return tokens
    }

    /// One value item: `_`, `_xK`, `stale`, `N`, `NxK`, `N+DxK`, `N-DxK`.
    /// - Returns: the values it stands for (nil for missing samples), or nil when malformed
    ///   (a negative K, or more than ``maxValues`` values, among them).
    public static func expand(_ token: String) -> [Double?]? {
        if token == "_" { return [nil] }
        if token.hasPrefix("_x"), let k = Int(token.dropFirst(2)) {
            return k >= 0 && k <= maxValues ? [Double?](repeating: nil, count: k) : nil
        }
        if token == "stale" { return [staleMarker] }
        if let v = number(token) { return [v] }
        guard let x = token.lastIndex(of: "x"), let k = Int(token[token.index(after: x)...]), k >= 0, k < maxValues else { return nil }
        let base = token[..<x]
        guard !base.isEmpty else { return nil }
        var splitAt: String.Index?
        var i = base.index(after: base.startIndex)
        while i < base.endIndex {
            let c = base[i], previous = base[base.index(before: i)]
            if (c == "+" || c == "-") && previous != "e" && previous != "E" { splitAt = i }
            i = base.index(after: i)
        }
        let startText = splitAt.map { String(base[..<$0]) } ?? String(base)
        let deltaText = splitAt.map { String(base[$0...]) } ?? "0"
        guard let start = number(startText), let delta = number(deltaText) else { return nil }
        var out: [Double?] = []
        out.reserveCapacity(k + 1)
        var v = start
        for _ in 0...k {
            out.append(v)
            v += delta
        }
        return out
    }

    /// A number as series values take it: decimal with exponent and `_` separators,
    /// `Inf`/`NaN` in any case, hexadecimal integers when `allowHex`.
    public static func number(_ text: String, allowHex: Bool = false) -> Double? {
        let cleaned = String(text.filter { $0 != "_" })
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

    /// Go's `strconv.Unquote` for `"…"`, `'…'` and `` `…` `` strings.
    /// - Returns: the text, or nil when it is not a well-formed quoted string.
    public static func unquote(_ text: String) -> String? {
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

/// A malformed series description.
public struct SeriesDescriptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
