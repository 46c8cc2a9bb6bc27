// Tollgate — Relabel: anchored regexes and Go's `$1` / `${name}` templates.

import Crypto
import Model

/// A relabeling regex: fully anchored, `.` matching newlines, matching code points
/// (RE2's semantics as Prometheus compiles it: `^(?s:re)$`), through Model's ``AnchoredRegex``.
package struct RelabelRegex: Sendable {
    let source: String
    private let regex: AnchoredRegex

    package init(_ source: String) throws(RelabelError) {
        self.source = source
        do {
            regex = try AnchoredRegex(source)
        } catch {
            throw RelabelError(error.description)
        }
    }

    func matches(_ value: String) -> Bool { regex.matches(value) }

    package func match(_ value: String) -> RelabelMatch? {
        regex.match(value).map { RelabelMatch(groups: $0.groups, names: $0.names) }
    }
}

/// One match: its capture groups, to expand a template.
package struct RelabelMatch {
    let groups: [String?]
    let names: [String: Int]

    /// Go's `Regexp.Expand`: `$$` is `$`; `$name` takes the longest run of letters,
    /// digits and `_` (so `$1x` names group "1x", which is empty); `${name}` is explicit;
    /// a number names a group by index; a `$` that starts no name stays as it is.
    package func expand(_ template: String) -> String {
        var out = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                out += "$"
                rest = rest.dropFirst()
                continue
            }
            var name: Substring
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    out += "$"
                    continue
                }
                name = rest[rest.index(after: rest.startIndex)..<close]
                guard !name.isEmpty, name.allSatisfy(Self.isNameCharacter) else {
                    out += "$"
                    continue
                }
                rest = rest[rest.index(after: close)...]
            } else {
                name = rest.prefix(while: Self.isNameCharacter)
                guard !name.isEmpty else {
                    out += "$"
                    continue
                }
                rest = rest.dropFirst(name.count)
            }
            out += group(named: name) ?? ""
        }
        return out + rest
    }

    private func group(named name: Substring) -> String? {
        if name.allSatisfy(\.isASCIIDigit), !(name.first == "0" && name.count > 1), name.count < 9, let index = Int(name) {
            return index < groups.count ? groups[index] : nil
        }
        return names[String(name)].flatMap { groups[$0] }
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The hash `hashmod` uses: the last 8 bytes of the MD5 digest, big-endian.
enum RelabelHash {
    static func md5Tail(_ value: String) -> UInt64 {
        let digest = Array(Insecure.MD5.hash(data: Array(value.utf8)))
        return digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
