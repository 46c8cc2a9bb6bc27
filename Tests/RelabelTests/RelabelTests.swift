// Tollgate — relabeling, on the cases of Prometheus's documentation and its relabel tests.

import Model
import Relabel
import Testing

func labels(_ pairs: [String: String]) -> Labels { Labels(pairs) }

struct RelabelTests {
    let base = labels(["a": "foo", "b": "bar", "c": "baz"])

    @Test func replaceExpandsGroups() throws {
        let rule = try RelabelConfig(sourceLabels: ["a"], regex: "f(.*)", targetLabel: "d", replacement: "ch${1}-ch${1}")
        #expect(rule.apply(to: base) == labels(["a": "foo", "b": "bar", "c": "baz", "d": "choo-choo"]))
    }

    @Test func replaceJoinsSourcesWithTheSeparator() throws {
        let rule = try RelabelConfig(sourceLabels: ["a", "b"], regex: "f(.*);(.*)r", targetLabel: "a", replacement: "b${1}${2}m")
        #expect(rule.apply(to: base) == labels(["a": "boobam", "b": "bar", "c": "baz"]))
        let custom = try RelabelConfig(sourceLabels: ["a", "b"], separator: "|", regex: "foo\\|bar", targetLabel: "x", replacement: "hit")
        #expect(custom.apply(to: base)?["x"] == "hit")
    }

    @Test func noMatchMeansNoChangeAndTheRegexIsAnchored() throws {
        let rule = try RelabelConfig(sourceLabels: ["a"], regex: "o+", targetLabel: "d", replacement: "x")
        #expect(rule.apply(to: base) == base)
    }

    @Test func goTemplateRules() throws {
        // `$1x` names the group "1x", which does not exist: the result is empty and the label is deleted.
        let gotcha = try RelabelConfig(sourceLabels: ["a"], regex: "(.*)", targetLabel: "a", replacement: "$1x")
        #expect(gotcha.apply(to: base)?["a"] == nil)
        let braces = try RelabelConfig(sourceLabels: ["a"], regex: "(?<word>.*)", targetLabel: "d", replacement: "${word}x $$1 $ $")
        #expect(braces.apply(to: base)?["d"] == "foox $1 $ $")
        let target = try RelabelConfig(sourceLabels: ["a"], regex: "(.*)", targetLabel: "name_$1", replacement: "v")
        #expect(target.apply(to: base)?["name_foo"] == "v")
    }

    @Test func staticLabelFastPathAndEmptyResultDeletes() throws {
        let set = try RelabelConfig(targetLabel: "env", replacement: "prod")
        #expect(set.apply(to: base)?["env"] == "prod")
        let delete = try RelabelConfig(sourceLabels: ["a"], regex: "foo", targetLabel: "b", replacement: "")
        #expect(delete.apply(to: base)?["b"] == nil)
    }

    @Test func keepAndDrop() throws {
        #expect(try RelabelConfig(sourceLabels: ["a"], regex: "f.*", action: .drop).apply(to: base) == nil)
        #expect(try RelabelConfig(sourceLabels: ["a"], regex: "b.*", action: .drop).apply(to: base) == base)
        #expect(try RelabelConfig(sourceLabels: ["a"], regex: "f.*", action: .keep).apply(to: base) == base)
        #expect(try RelabelConfig(sourceLabels: ["missing"], regex: ".+", action: .keep).apply(to: base) == nil)
        #expect(try RelabelConfig(sourceLabels: ["missing"], regex: "", action: .keep).apply(to: base) == base)
    }

    @Test func keepEqualAndDropEqual() throws {
        let same = labels(["a": "x", "b": "x"])
        #expect(try RelabelConfig(sourceLabels: ["a"], targetLabel: "b", action: .keepequal).apply(to: same) == same)
        #expect(try RelabelConfig(sourceLabels: ["a"], targetLabel: "b", action: .keepequal).apply(to: base) == nil)
        #expect(try RelabelConfig(sourceLabels: ["a"], targetLabel: "b", action: .dropequal).apply(to: same) == nil)
    }

    @Test func hashmodUsesTheLastEightBytesOfMD5() throws {
        // Prometheus's relabel test: c="baz" with modulus 1000 gives 976.
        let rule = try RelabelConfig(sourceLabels: ["c"], modulus: 1000, targetLabel: "d", action: .hashmod)
        #expect(rule.apply(to: base)?["d"] == "976")
    }

    @Test func labelMapDropAndKeep() throws {
        let meta = labels(["__meta_kubernetes_pod_label_app": "web", "__meta_kubernetes_pod_label_tier": "front", "job": "k"])
        let map = try RelabelConfig(regex: "__meta_kubernetes_pod_label_(.+)", replacement: "$1", action: .labelmap)
        #expect(map.apply(to: meta) == labels(["__meta_kubernetes_pod_label_app": "web", "__meta_kubernetes_pod_label_tier": "front", "job": "k", "app": "web", "tier": "front"]))
        #expect(try RelabelConfig(regex: "__meta_.*", action: .labeldrop).apply(to: meta) == labels(["job": "k"]))
        #expect(try RelabelConfig(regex: "job", action: .labelkeep).apply(to: meta) == labels(["job": "k"]))
    }

    @Test func caseActions() throws {
        let mixed = labels(["a": "MiXeD"])
        #expect(try RelabelConfig(sourceLabels: ["a"], targetLabel: "l", action: .lowercase).apply(to: mixed)?["l"] == "mixed")
        #expect(try RelabelConfig(sourceLabels: ["a"], targetLabel: "u", action: .uppercase).apply(to: mixed)?["u"] == "MIXED")
    }

    @Test func rulesRunInOrderAndStopAtADrop() throws {
        let rules = [
            try RelabelConfig(sourceLabels: ["__address__"], regex: "(.*):\\d+", targetLabel: "host", replacement: "$1"),
            try RelabelConfig(sourceLabels: ["host"], regex: "db-.*", action: .drop),
        ]
        #expect(RelabelConfig.process(labels(["__address__": "web-1:9100"]), rules)?["host"] == "web-1")
        #expect(RelabelConfig.process(labels(["__address__": "db-1:9100"]), rules) == nil)
    }

    @Test func regexesAreGos() throws {
        // Unicode classes and named groups, as Go's RE2 reads them.
        let rule = try RelabelConfig(sourceLabels: ["a"], regex: #"(?P<word>\pL+)-(\d+)"#, targetLabel: "d", replacement: "${word}_$2")
        #expect(rule.apply(to: labels(["a": "héllo-42"]))?["d"] == "héllo_42")
        let error = #expect(throws: RelabelError.self) { try RelabelConfig(regex: "a++", action: .keep) }
        #expect(error?.description.contains("error parsing regexp: invalid nested repetition operator: `++`") == true)
    }

    @Test func invalidRulesAreErrors() {
        #expect(throws: RelabelError.self) { try RelabelConfig(sourceLabels: ["a"], action: .replace) }
        #expect(throws: RelabelError.self) { try RelabelConfig(sourceLabels: ["a"], targetLabel: "d", action: .hashmod) }
        #expect(throws: RelabelError.self) { try RelabelConfig(regex: "(", action: .keep) }
        #expect(throws: RelabelError.self) { try RelabelConfig(sourceLabels: ["a"], regex: "x", action: .labeldrop) }
    }
}
