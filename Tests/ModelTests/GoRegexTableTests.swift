// Tollgate — AnchoredRegex against the table of Prometheus's answers, and RE2's linear time.

import Model
import Testing

struct GoRegexTableTests {
    @Test(arguments: GoRegexTable.cases)
    func acceptsAndRefusesAsPrometheus(_ row: GoRegexCase) throws {
        if let expected = row.error {
            let error = #expect(throws: AnchoredRegexError.self) { try AnchoredRegex(row.pattern) }
            #expect(error?.description == expected)
        } else {
            let regex = try AnchoredRegex(row.pattern)
            for value in row.matches {
                #expect(regex.matches(value), "\(row) should match \(value.debugDescription)")
                #expect(regex.match(value)?.groups.first == value)
            }
            for value in row.misses {
                #expect(!regex.matches(value), "\(row) should not match \(value.debugDescription)")
                #expect(regex.match(value) == nil)
            }
        }
    }

    @Test func catastrophicPatternsRunInLinearTime() throws {
        // A backtracking engine takes exponential time here; RE2 answers at once.
        let pattern = String(repeating: "(a*)*", count: 100) + "b"
        let value = String(repeating: "a", count: 10_000)
        let regex = try AnchoredRegex(pattern)
        #expect(!regex.matches(value))
        #expect(regex.match(value) == nil)
        #expect(regex.matches(value + "b"))
        #expect(try !AnchoredRegex("(a|aa)*c").matches(String(repeating: "a", count: 100_000)))
    }

    @Test func namedGroupsFollowGo() throws {
        let match = try #require(try AnchoredRegex("(?P<n>a)?(?P<n>b)").match("b"))
        #expect(match.groups == ["b", nil, "b"])
        #expect(match.names == ["n": 2])  // the first group of that name that took part
        let both = try #require(try AnchoredRegex("(?P<n>a)(?P<n>b)").match("ab"))
        #expect(both.names == ["n": 1])
        let go122 = try #require(try AnchoredRegex("(?<x>a+)(?<y>é)").match("aaé"))
        #expect(go122.groups == ["aaé", "aa", "é"])
        #expect(go122.names == ["x": 1, "y": 2])
    }

    @Test func groupsAreCutAtByteOffsets() throws {
        let match = try #require(try AnchoredRegex(#"(\pL+)-(\p{Greek}*)(x)?"#).match("héllo-αβ"))
        #expect(match.groups == ["héllo-αβ", "héllo", "αβ", nil])
        let empty = try #require(try AnchoredRegex("()(a*)").match(""))
        #expect(empty.groups == ["", "", ""])
    }

    @Test func repairedBytesMatchAsGoReadsThem() throws {
        // Label values are Strings: a bad byte is U+FFFD by now, the rune Go's matcher reads for it.
        let value = String(decoding: [0x61, 0xFF], as: UTF8.self)
        #expect(try AnchoredRegex("a.").matches(value))
        #expect(try AnchoredRegex(#"a\x{FFFD}"#).matches(value))
        #expect(try !AnchoredRegex("a").matches(value))
    }

    @Test(arguments: [("api.*", "api", true), ("api.*", "apiserver\n", true), ("api.*", "ap", false), ("a.b.*", "axb", true)])
    func prefixFastPathAgreesWithRE2(_ pattern: String, _ value: String, _ expected: Bool) throws {
        #expect(try AnchoredRegex(pattern).matches(value) == expected)
        #expect(try AnchoredRegex("(?:" + pattern + ")").matches(value) == expected)
    }
}
