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
