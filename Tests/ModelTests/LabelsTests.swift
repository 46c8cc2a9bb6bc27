// Tollgate — label sets: bytewise order, lookups, Prometheus's empty-value rule.

import Model
import Testing

struct LabelsTests {
    @Test func sortsBytewiseAndStably() {
        let labels = Labels(sorting: [Label("b", "1"), Label("B", "2"), Label("a", "x"), Label("b", "0"), Label("é", "e"), Label("z", "z")])
        #expect(labels.map(\.name) == ["B", "a", "b", "b", "z", "é"])
        #expect(labels.map(\.value) == ["2", "x", "1", "0", "z", "e"])
        #expect(labels.duplicateName == "b")
        #expect(labels["b"] == "1")
        #expect(labels["nope"] == nil)
    }

    @Test func equalityIsBytewise() {
        let composed = Labels(["n": "\u{E9}"]), decomposed = Labels(["n": "e\u{301}"])
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
    }

    @Test func emptyValuesRemoveEveryLabelOfThatName() {
        let labels = Labels(sorting: [Label("__name__", "d"), Label("b", "1"), Label("b", ""), Label("c", "")])
        #expect(labels.removingEmptyValues() == Labels(["__name__": "d"]))
    }

    @Test(arguments: [
        (["__name__": "up"], "up"),
        (["__name__": "up", "job": "a", "instance": "b"], "up{instance=\"b\",job=\"a\"}"),
        (["__name__": "my.name", "a": "b"], "{\"my.name\",a=\"b\"}"),
        (["__name__": "x", "a-b": "q\"\\\n"], "x{\"a-b\"=\"q\\\"\\\\\\n\"}"),
        (["job": "a"], "{job=\"a\"}"),
        (["__name__": "1up"], "{\"1up\"}"),
        (["__name__": "a:b"], "a:b"),
        (["__name__": "x", "a:b": "1"], "x{\"a:b\"=\"1\"}"),
    ] as [([String: String], String)])
    func textForm(_ labels: [String: String], _ text: String) {
        #expect(SeriesText.format(Labels(labels)) == text)
    }

    @Test func valueForms() {
        #expect(SeriesText.formatValue(.nan) == "NaN")
        #expect(SeriesText.formatValue(.infinity) == "+Inf")
        #expect(SeriesText.formatValue(-.infinity) == "-Inf")
        #expect(SeriesText.formatValue(1) == "1.0")
        #expect(SeriesText.formatValue(0.1) == "0.1")
        #expect(SeriesText.formatValue(1e20) == "1e+20")
        #expect(SeriesText.formatValue(-0.0) == "-0.0")
    }
}

struct LabelMatcherTests {
    @Test(arguments: [
        (LabelMatcher.Kind.equal, "a", "a", true), (.equal, "a", "b", false), (.equal, "", "", true),
        (.notEqual, "a", "b", true), (.notEqual, "a", "a", false),
        (.regex, "a|b", "b", true), (.regex, "a|b", "ab", false), (.regex, "a.*", "abc", true), (.regex, "b", "abc", false),
        (.regex, ".*", "", true), (.regex, ".+", "", false), (.regex, "a.c", "a\nc", true), (.regex, "x(y|z)+", "xyzy", true),
        (.regex, "é.", "éa", true), (.regex, "(?i)ABC", "abc", true), (.regex, "[0-9]{2,3}", "1234", false),
        (.notRegex, "a|b", "c", true), (.notRegex, "a|b", "a", false), (.notRegex, ".*", "", false), (.notRegex, "a", "", true),
    ] as [(LabelMatcher.Kind, String, String, Bool)])
    func semantics(_ kind: LabelMatcher.Kind, _ pattern: String, _ value: String, _ expected: Bool) throws {
        #expect(try LabelMatcher(kind, "l", pattern).matches(value) == expected)
    }

    @Test func emptyMatchingSelectsSeriesWithoutTheLabel() throws {
        let withLabel = Labels(["__name__": "up", "env": "prod"]), without = Labels(["__name__": "up"])
        let noEnv = try LabelMatcher(.equal, "env", "")
        #expect(noEnv.matchesEmpty)
        #expect(without.matches([noEnv]))
        #expect(!withLabel.matches([noEnv]))
        let maybeProd = try LabelMatcher(.regex, "env", "prod|")
        #expect(without.matches([maybeProd]) && withLabel.matches([maybeProd]))
        let notProd = try LabelMatcher(.notEqual, "env", "prod")
        #expect(without.matches([notProd]) && !withLabel.matches([notProd]))
    }

    @Test func badRegexIsAnError() {
        #expect(throws: LabelMatcherError.self) { try LabelMatcher(.regex, "l", "a(") }
    }

    @Test func printsAsPromQL() throws {
        #expect(try LabelMatcher(.notRegex, "job", "a\"b").description == "job!~\"a\\\"b\"")
        #expect(try LabelMatcher(.equal, "odd.name", "x").description == "\"odd.name\"=\"x\"")
    }
}
