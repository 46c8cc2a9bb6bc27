// Tollgate — Notify tests: Alertmanager's matcher syntax (Model's AlertmanagerMatchers).

import Model
import Testing

@Suite struct MatcherTests {
    @Test(arguments: [
        (#"foo="bar""#, LabelMatcher.Kind.equal, "foo", "bar"),
        ("foo=bar", .equal, "foo", "bar"),
        (#"foo!="bar""#, .notEqual, "foo", "bar"),
        (#"foo=~"a|b""#, .regex, "foo", "a|b"),
        ("foo!~[a-z]+", .notRegex, "foo", "[a-z]+"),
        (#"  foo = "with space"  "#, .equal, "foo", "with space"),
        (#"foo="q\"uote\n""#, .equal, "foo", "q\"uote\n"),
        ("foo=", .equal, "foo", ""),
        (#""foo.bar"="🙂""#, .equal, "foo.bar", "🙂"),
    ])
    func parsesOne(input: String, kind: LabelMatcher.Kind, name: String, value: String) throws {
        let matcher = try AlertmanagerMatchers.parseMatcher(input)
        #expect(matcher.kind == kind)
        #expect(matcher.name == name)
        #expect(matcher.value == value)
    }

    @Test func parsesLists() throws {
        let list = try AlertmanagerMatchers.parse(#"{severity="critical", team=~"db|web",}"#)
        #expect(list.map(\.name) == ["severity", "team"])
        #expect(AlertmanagerMatchers.format(list) == #"{severity="critical",team=~"db|web"}"#)
        let quoted = try AlertmanagerMatchers.parse(#"{quote="She said: \"Hi, all\"", b=c}"#)
        #expect(quoted.map(\.value) == [#"She said: "Hi, all""#, "c"])
        #expect(try AlertmanagerMatchers.parse("{}").isEmpty)
        #expect(try AlertmanagerMatchers.parse("").isEmpty)
    }

    @Test(arguments: [
        ("foo", "bad matcher format: foo"),
        ("=b", "bad matcher format: =b"),
        (#"a=""#, #"matcher value contains unescaped double quote: ""#),
        (#"a=b"c"#, #"matcher value contains unescaped double quote: b"c"#),
        ("a=~(", "error parsing regexp: missing closing ): `^(?:()$`"),
    ])
    func classicErrors(input: String, message: String) {
        #expect(throws: AlertmanagerMatcherError(message)) { try AlertmanagerMatchers.parseMatcher(input) }
    }

    @Test(arguments: [
        (",", "0:1: unexpected ,: expected label name"),
        ("{,}", "1:2: unexpected ,: expected label name"),
        ("{", "0:1: end of input: expected close brace"),
        ("}", "0:1: }: expected opening brace"),
        ("foo=bar}", "0:8: }: expected opening brace"),
        ("{foo=bar", "0:8: end of input: expected close brace"),
        (#"{foo=:"bar"}"#, #"6:11: unexpected "bar": expected a comma or close brace"#),
        (#"{foo="bar\w"}"#, #"5:12: "bar\w": invalid input"#),
        (#"{foo=bar\n}"#, #"8:9: \: invalid input: expected a comma or close brace"#),
        (#"{"foo"="\xf0\x9f"}"#, #"7:17: "\xf0\x9f": invalid input"#),
    ])
    func utf8Errors(input: String, message: String) {
        #expect(throws: AlertmanagerMatcherError(message)) { try AlertmanagerMatchers.parseUTF8(input) }
    }

    @Test func utf8ParserTakesQuotedNamesAndEscapes() throws {
        let list = try AlertmanagerMatchers.parseUTF8(#"{"foo"="\U0001f642", bar!~"x\ty"}"#)
        #expect(list.map(\.value) == ["🙂", "x\ty"])
        #expect(list.map(\.kind) == [.equal, .notRegex])
    }

    @Test func regexIsAnchored() throws {
        let matcher = try AlertmanagerMatchers.parseMatcher("job=~api|web")
        #expect(matcher.matches("api"))
        #expect(!matcher.matches("apix"))
        #expect(!matcher.matches("xweb"))
    }

    @Test func sortsAndFormatsAsAlertmanager() throws {
        let list = try AlertmanagerMatchers.parse(#"b="1",a!="2",a="2",a=~"0""#)
        #expect(AlertmanagerMatchers.format(AlertmanagerMatchers.sorted(list)) == #"{a=~"0",a="2",a!="2",b="1"}"#)
        let escaped = try LabelMatcher(.equal, "a", "x\"y\\z\n")
        #expect(AlertmanagerMatchers.format(escaped) == #"a="x\"y\\z\n""#)
        let reserved = try LabelMatcher(.equal, "a b", "v")
        #expect(AlertmanagerMatchers.format(reserved) == #""a b"="v""#)
    }
}
