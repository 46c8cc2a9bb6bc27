// Tollgate — the regex table: what Prometheus (Go's regexp) accepts, refuses and matches.

/// One pattern and Prometheus's answers for it.
struct GoRegexCase: Sendable, CustomStringConvertible {
    /// The pattern as a user writes it (a matcher's or relabel rule's regex).
    let pattern: String
    /// Prometheus 3.x's error (Go 1.22 and later), or nil when it accepts the pattern.
    let error: String?
    /// Values the anchored pattern matches.
    let matches: [String]
    /// Values it does not match.
    let misses: [String]
    /// Debian's Prometheus 2.42 (Go 1.19) where it answers differently: its error, or
    /// `Self.accepts`. Its matchers compile `^(?:re)$` before parsing `re`, so errors that
    /// quote the whole pattern quote it wrapped.
    let prometheus2: String?

    static let accepts = "accepts"

    var description: String { "`\(pattern)`" }

    static func accepted(_ pattern: String, _ matches: [String], misses: [String] = [], prometheus2: String? = nil) -> Self {
        Self(pattern: pattern, error: nil, matches: matches, misses: misses, prometheus2: prometheus2.map { "error parsing regexp: " + $0 })
    }

    static func refused(_ pattern: String, _ error: String, prometheus2: String? = nil) -> Self {
        Self(pattern: pattern, error: "error parsing regexp: " + error, matches: [], misses: [],
             prometheus2: prometheus2.map { $0 == accepts ? $0 : "error parsing regexp: " + $0 })
    }
}

/// The table. Every row was checked against Debian's Prometheus 2.42 (`GoRegexOracleTests`
/// repeats that when it is installed); rows where 3.x answers differently say so.
enum GoRegexTable {
    static let cases: [GoRegexCase] = [
        // Unicode classes, which Swift's Regex refused.
        .accepted(#"\pL+"#, ["héllo", "αβγ", "漢字"], misses: ["", "a1", "a b"]),
        .accepted(#"\p{Greek}+"#, ["αβγ"], misses: ["abc", "αb"]),
        .accepted(#"\p{^Greek}"#, ["a"], misses: ["α"]),
        .accepted(#"\PL"#, ["1"], misses: ["é"]),
        .accepted(#"\pN+"#, ["123", "١٢٣"], misses: ["x"]),
        .accepted(#"\p{Han}+"#, ["漢字"], misses: ["kanji"]),
        .accepted(#"\p{Lu}\p{Ll}+"#, ["Élan"], misses: ["élan"]),
        // Unicode 14 (Go 1.21+, so Prometheus 3.x; libre2 2022 has it too).
        .accepted(#"\p{Vithkuqi}"#, ["\u{10570}"], misses: ["a"], prometheus2: "invalid character class range: `\\p{Vithkuqi}`"),
        // POSIX and Perl classes are ASCII, as in Go.
        .accepted(#"[[:alpha:]]+"#, ["abcXYZ"], misses: ["ab1", "é"]),
        .accepted(#"[[:^alpha:]]"#, ["1"], misses: ["a"]),
        .accepted(#"[[:word:]]+"#, ["a_1"], misses: ["a-1"]),
        .accepted(#"\d+"#, ["123"], misses: ["١٢٣"]),
        .accepted(#"\w+"#, ["a_1"], misses: ["é"]),
        .accepted(#"[\d-z]+"#, ["5-z"], misses: ["a"]),
        // Flags and anchors.
        .accepted(#"(?i)abc"#, ["ABC", "abc", "aBc"], misses: ["abd"]),
        .accepted(#"(?i)k"#, ["k", "K", "\u{212A}"], misses: ["x"]),  // Kelvin sign folds to k
        .accepted(".", ["\n", "x", "é"], misses: ["", "ab"]),  // `(?s)`: `.` takes a newline
        .accepted(#"a.c"#, ["a\nc", "abc"], misses: ["ac"]),
        .accepted(#"(?-s:.)"#, ["x"], misses: ["\n"]),
        .accepted(#"(?m)^a$"#, ["a"], misses: ["a\n"]),
        .accepted(#"(?U)a+"#, ["aaa"], misses: [""]),
        .accepted(#"a\z"#, ["a"], misses: ["a\n"]),
        .accepted(#"\z"#, [""], misses: ["a"]),
        .accepted(#"a\b"#, ["a"], misses: []),
        .accepted("", [""], misses: ["a", " "]),
        // Escapes and literals.
        .accepted(#"\Q.*\E"#, [".*"], misses: ["ab"]),
        .accepted(#"\12"#, ["\n"], misses: ["12"]),  // octal
        .accepted(#"\x{1F600}"#, ["😀"], misses: ["x"]),
        .accepted(#"[]a]+"#, ["]a"], misses: ["b"]),
        .accepted(#"a{,3}"#, ["a{,3}"], misses: ["aaa"]),  // not a repeat: literal
        .accepted(#"e."#, ["e\u{301}"], misses: ["é"]),  // code points, not grapheme clusters
        .accepted(#"[^a]"#, ["\n", "é"], misses: ["a"]),
        // Groups.
        .accepted(#"(?P<name>a)"#, ["a"], misses: ["b"]),
        .accepted(#"(?P<n>a)(?P<n>b)"#, ["ab"], misses: ["a"]),  // Go allows a repeated name
        .accepted(#"(?<n>a)"#, ["a"], misses: ["b"], prometheus2: "invalid or unsupported Perl syntax: `(?<`"),
        .accepted(#"(a*)*b"#, ["aab", "b"], misses: ["aaaa"]),
        .accepted("x{1000}", [String(repeating: "x", count: 1000)], misses: ["x"]),

        // Refused: Perl syntax RE2 leaves out.
        .refused(#"a++"#, "invalid nested repetition operator: `++`"),
        .refused(#"a**"#, "invalid nested repetition operator: `**`"),
        .refused(#"a*?+"#, "invalid nested repetition operator: `*?+`"),
        .refused(#"x*{2}"#, "invalid nested repetition operator: `*{2}`"),
        .refused(#"(a)\1"#, "invalid escape sequence: `\\1`"),
        .refused(#"\8"#, "invalid escape sequence: `\\8`"),
        .refused(#"\Z"#, "invalid escape sequence: `\\Z`"),
        .refused(#"\C"#, "invalid escape sequence: `\\C`"),
        .refused(#"[\C]"#, "invalid escape sequence: `\\C`"),
        .refused(#"\X"#, "invalid escape sequence: `\\X`"),
        .refused(#"\E"#, "invalid escape sequence: `\\E`"),
        .refused(#"\x{110000}"#, "invalid escape sequence: `\\x{110000`"),
        .refused(#"[a-\d]"#, "invalid escape sequence: `\\d`"),
        .refused(#"(?=x)"#, "invalid or unsupported Perl syntax: `(?=`"),
        .refused(#"(?!x)"#, "invalid or unsupported Perl syntax: `(?!`"),
        .refused(#"(?<=x)"#, "invalid named capture: `(?<=x)`", prometheus2: "invalid or unsupported Perl syntax: `(?<`"),
        .refused(#"(?<!x)"#, "invalid named capture: `(?<!x)`", prometheus2: "invalid or unsupported Perl syntax: `(?<`"),
        .refused(#"(?#c)"#, "invalid or unsupported Perl syntax: `(?#`"),
        .refused(#"(?P=n)"#, "invalid or unsupported Perl syntax: `(?P`"),
        .refused(#"(?z)"#, "invalid or unsupported Perl syntax: `(?z`"),
        // Repeat counts: at most 1000, also when nested.
        .refused(#"x{1001}"#, "invalid repeat count: `{1001}`"),
        .refused(#"x{2,1}"#, "invalid repeat count: `{2,1}`"),
        .refused(#"(x{1000}){1000}"#, "invalid repeat count: `{1000}`"),
        // Structure.
        .refused(#"a("#, "missing closing ): `a(`", prometheus2: "missing closing ): `^(?:a()$`"),
        .refused(#"a)"#, "unexpected ): `a)`", prometheus2: "unexpected ): `^(?:a))$`"),
        .refused(#"a)|(b"#, "unexpected ): `a)|(b`"),
        .refused(#"[a"#, "missing closing ]: `[a`", prometheus2: "missing closing ]: `[a)$`"),
        .refused(#"*a"#, "missing argument to repetition operator: `*`"),
        .refused(#"a\"#, "trailing backslash at end of expression: ``", prometheus2: "missing closing ): `^(?:a\\)$`"),
        .refused(#"[z-a]"#, "invalid character class range: `z-a`"),
        .refused(#"\p{Foo}"#, "invalid character class range: `\\p{Foo}`"),
        .refused(#"[[:foo:]]"#, "invalid character class range: `[:foo:]`"),
        // Group names: ASCII letters, digits and `_`.
        .refused(#"(?P<n!>a)"#, "invalid named capture: `(?P<n!>`"),
        .refused(#"(?P<é>x)"#, "invalid named capture: `(?P<é>`"),
        .refused(#"(?P<>a)"#, "invalid named capture: `(?P<>`"),
    ]
}
