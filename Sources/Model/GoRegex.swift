// Tollgate — Model: unanchored regular expressions, as Go's `regexp` package searches.

/// A regular expression searched for anywhere in a value, as Go's `regexp.MatchString` and
/// `Regexp.ReplaceAllString` do (Prometheus's template functions `match` and
/// `reReplaceAll`): Go's syntax, `.` not matching a newline unless `(?s)` says so,
/// leftmost-first matches, linear time (RE2, through CRE2).
///
/// ```swift
/// let re = try GoRegex("a(x*)b")
/// re.matches("-ab-")                       // true
/// re.replaceAll(in: "-ab-axxb-", with: "${1}W")  // "-W-xxW-"
/// ```
package struct GoRegex: Sendable {
    /// The pattern as written.
    package let source: String
    private let program: RE2Program

    /// Compiles `source` in Go's syntax.
    /// - Throws: ``AnchoredRegexError`` with Go's error text when it does not compile.
    package init(_ source: String) throws(AnchoredRegexError) {
        self.source = source
        let prepared = try GoRegexSyntax.prepare(source)
        do {
            // CRE2 compiles with `.` matching newlines (Prometheus's label matchers); Go's
            // plain `regexp` does not, so the flag is cleared around the pattern.
            program = try RE2Program("(?-s:" + prepared + ")")
        } catch {
            // The error's text names fragments of the pattern as written: compile it unwrapped.
            do {
                _ = try RE2Program(prepared)
            } catch {
                throw GoRegexSyntax.error(error, source: source, prepared: prepared)
            }
            throw GoRegexSyntax.error(error, source: source, prepared: prepared)
        }
    }

    /// Whether `value` contains a match (Go's `MatchString`).
    /// - Complexity: O(n) in the UTF-8 length of `value`.
    package func matches(_ value: String) -> Bool { program.search(value, from: 0) != nil }

    /// Go's `Regexp.ReplaceAllString`: every non-overlapping match replaced by `template`
    /// expanded as Go's `Regexp.Expand` does (`$1`, `${1}`, `$name`, `${name}`, `$$`).
    /// - Complexity: O(n·m): a search per match.
    package func replaceAll(in value: String, with template: String) -> String {
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        var lastMatchEnd = 0
        var searchPos = 0
        let names = program.groupNames
        while searchPos <= bytes.count, let groups = program.search(value, from: searchPos), let whole = groups[0] {
            out += bytes[lastMatchEnd..<whole.lowerBound]
            // No replacement for an empty match right after the previous match.
            if whole.upperBound > lastMatchEnd || whole.lowerBound == 0 {
                out += Self.expand(template, groups: groups, names: names, in: bytes)
            }
            lastMatchEnd = whole.upperBound
            // Advance past the match, and always by at least one character.
            let width = searchPos < bytes.count ? Self.runeWidth(bytes, at: searchPos) : 0
            if searchPos + width > whole.upperBound {
                searchPos += width
            } else if searchPos + 1 > whole.upperBound {
                searchPos += 1
            } else {
                searchPos = whole.upperBound
            }
        }
        out += bytes[min(lastMatchEnd, bytes.count)...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The first match in `value` with `template` expanded from its groups, as blackbox_exporter
    /// fills a `send` line from the `expect` match before it (Go's `FindSubmatchIndex`, then
    /// `Expand`); nil when nothing matches.
    package func expandFirstMatch(in value: String, with template: String) -> String? {
        guard let groups = program.search(value, from: 0) else { return nil }
        return String(decoding: Self.expand(template, groups: groups, names: program.groupNames, in: Array(value.utf8)), as: UTF8.self)
    }

    /// The byte length of the UTF-8 sequence that starts at `index` (1 for a stray byte).
    private static func runeWidth(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let width = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 1
        return min(width, bytes.count - index)
    }

    /// Go's `Regexp.Expand`: `$$` is `$`; `$name` takes the longest run of letters, digits
    /// and `_`; `${name}` is explicit; a number names a group by index; an unknown group is
    /// empty; a `$` that starts no name stays as written.
    private static func expand(_ template: String, groups: [Range<Int>?], names: [(index: Int, name: String)], in bytes: [UInt8]) -> [UInt8] {
        let t = Array(template.utf8)
        var out: [UInt8] = []
        var i = 0
        func isName(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7a) || c == UInt8(ascii: "_")
        }
        func group(_ name: ArraySlice<UInt8>) -> [UInt8] {
            var index: Int?
            if name.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), name.count < 9 {
                index = Int(String(decoding: name, as: UTF8.self))
            } else {
                let text = String(decoding: name, as: UTF8.self)
                // The first group of that name that took part in the match.
                index = names.first { $0.name == text && groups[$0.index] != nil }?.index ?? names.first { $0.name == text }?.index
            }
            guard let index, index < groups.count, let range = groups[index] else { return [] }
            return Array(bytes[range])
        }
        while i < t.count {
            guard t[i] == UInt8(ascii: "$"), i + 1 < t.count else {
                out.append(t[i])
                i += 1
                continue
            }
            let next = t[i + 1]
            if next == UInt8(ascii: "$") {
                out.append(next)
                i += 2
            } else if next == UInt8(ascii: "{"), let close = t[(i + 2)...].firstIndex(of: UInt8(ascii: "}")),
                close > i + 2, t[(i + 2)..<close].allSatisfy(isName)
            {
                out += group(t[(i + 2)..<close])
                i = close + 1
            } else if isName(next) {
                var end = i + 1
                while end < t.count, isName(t[end]) { end += 1 }
                out += group(t[(i + 1)..<end])
                i = end
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return out
    }
}
