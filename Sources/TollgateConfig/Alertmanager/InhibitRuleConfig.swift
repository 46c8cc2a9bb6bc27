// Tollgate — TollgateConfig: an `inhibit_rules` entry of alertmanager.yml.

public import Model
import Yams

/// One `inhibit_rules` entry: while a firing alert matches the source side, alerts that
/// match the target side and agree on every `equal` label are muted.
public struct InhibitRuleConfig: Sendable {
    /// `name` (optional).
    public var name = ""
    /// `source_matchers`, with the legacy `source_match` / `source_match_re` added.
    public var sourceMatchers: [LabelMatcher] = []
    /// `target_matchers`, with the legacy `target_match` / `target_match_re` added.
    public var targetMatchers: [LabelMatcher] = []
    /// `equal`: labels whose values must agree (a missing label counts as "").
    public var equal: [String] = []

    /// A rule from matchers.
    public init(source: [LabelMatcher], target: [LabelMatcher], equal: [String]) {
        sourceMatchers = source
        targetMatchers = target
        self.equal = equal
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var source: [LabelMatcher] = [], target: [LabelMatcher] = []
        var sourceLegacy: [LabelMatcher] = [], targetLegacy: [LabelMatcher] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "source_matchers": source = try reader.matcherList(value, field: path)
            case "target_matchers": target = try reader.matcherList(value, field: path)
            case "source_match": sourceLegacy += try reader.legacyMatchers(value, field: path, regex: false)
            case "source_match_re": sourceLegacy += try reader.legacyMatchers(value, field: path, regex: true)
            case "target_match": targetLegacy += try reader.legacyMatchers(value, field: path, regex: false)
            case "target_match_re": targetLegacy += try reader.legacyMatchers(value, field: path, regex: true)
            case "equal":
                equal = try reader.strings(value, field: path)
                for label in equal where label.isEmpty {
                    throw reader.error(value, field: path, "invalid label name \"\(label)\" in equal list")
                }
            default: return false
            }
            return true
        }
        sourceMatchers = AlertmanagerMatchers.sorted(sourceLegacy) + source
        targetMatchers = AlertmanagerMatchers.sorted(targetLegacy) + target
    }
}
