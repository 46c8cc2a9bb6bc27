// Tollgate — label sets: bytewise order, lookups, Prometheus's empty-value rule.

import Model
import TestSupport
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

    /// The byte-order sort and comparisons against the generic bytewise ones they replace,
    /// on random sets short enough for the insertion sort and long enough for the merge sort.
    @Test(arguments: [3, 12, 64, 65, 300])
    func sortAgreesWithTheGenericBytewiseOrder(_ size: Int) {
        var random = SplitMix(seed: UInt64(size))
        let alphabet = ["a", "b", "B", "_", "é", "e\u{301}", "ab", "a\u{0}", "z9", ""]
        for _ in 0..<50 {
            let list = (0..<size).map { i in
                let first = alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                return Label(first + alphabet[Int.random(in: 0..<alphabet.count, using: &random)], "\(i)")
            }
            let expected = list.enumerated().sorted { a, b in
                a.element.name.utf8.elementsEqual(b.element.name.utf8)
                    ? a.offset < b.offset : a.element.name.utf8.lexicographicallyPrecedes(b.element.name.utf8)
            }.map(\.element)
            let labels = Labels(sorting: list)
            #expect(Array(labels) == expected)
            for (x, y) in zip(list, list.reversed()) {
                let generic = x.name.utf8.elementsEqual(y.name.utf8)
                    ? x.value.utf8.lexicographicallyPrecedes(y.value.utf8) : x.name.utf8.lexicographicallyPrecedes(y.name.utf8)
                #expect((x < y) == generic)
            }
        }
    }

    /// The builder against a dictionary, through random sets and deletes from a start with
    /// repeated names and empty values.
    @Test func builderAgreesWithADictionary() {
        var random = SplitMix(seed: 7)
        let names = ["a", "b", "c", "__name__", "job", "é", "e\u{301}"]
        for _ in 0..<200 {
            let start = Labels(sorting: (0..<Int.random(in: 0..<6, using: &random)).map { _ in
                let name = names[Int.random(in: 0..<names.count, using: &random)]
                return Label(name, Int.random(in: 0..<4, using: &random) == 0 ? "" : "\(Int.random(in: 0..<3, using: &random))")
            })
            var model: [[UInt8]: String] = [:]
            for label in start where !label.value.isEmpty { model[Array(label.name.utf8)] = label.value }
            var builder = LabelsBuilder(start)
            for _ in 0..<10 {
                let name = names[Int.random(in: 0..<names.count, using: &random)]
                let value: String? = [nil, "", "x", "y"][Int.random(in: 0..<4, using: &random)]
                builder[name] = value
                model[Array(name.utf8)] = value?.isEmpty == false ? value : nil
                #expect(builder[name] == model[Array(name.utf8)])
            }
            let expected = Labels(sorting: model.map { Label(String(decoding: $0.key, as: UTF8.self), $0.value) })
            #expect(builder.labels == expected)
        }
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

