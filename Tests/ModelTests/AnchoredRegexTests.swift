// Tollgate — anchored regexes: whole-value matching, fast paths and the slow path agree.

import Model
import Testing

struct AnchoredRegexTests {
    @Test(arguments: [
        ("api|web", "api", true), ("api|web", "apix", false), ("api|web", "", false),
        ("a.c", "a\nc", true), ("ab", "ab", true), ("ab", "xab", false), ("", "", true), ("", "a", false),
        (".*", "", true), (".*", "a\nb", true), (".+", "", false), (".+", "x", true),
        ("a|", "", true), ("(a|b)+", "abab", true), ("(a|b)+", "abc", false), ("é", "e\u{301}", false),
        ("e.", "e\u{301}", true),
    ])
    func matchesTheWholeValue(_ pattern: String, _ value: String, _ expected: Bool) throws {
        #expect(try AnchoredRegex(pattern).matches(value) == expected)
        // The same pattern wrapped in a group skips the fast paths: both agree.
        #expect(try AnchoredRegex("(?:" + pattern + ")").matches(value) == expected)
    }

    @Test func matchGivesGroups() throws {
        let match = try #require(try AnchoredRegex("(a+)-(?P<n>b)?(c)?").match("aa-b"))
        #expect(match.groups == ["aa-b", "aa", "b", nil])
        #expect(match.names == ["n": 2])
        #expect(try AnchoredRegex("a|b").match("b")?.groups == ["b"])
        #expect(try AnchoredRegex("a|b").match("c") == nil)
    }

    @Test func badPatternsGetGoErrors() {
        let error = #expect(throws: AnchoredRegexError.self) { try AnchoredRegex("a(") }
        #expect(error?.description == "error parsing regexp: missing closing ): `a(`")
    }
}
