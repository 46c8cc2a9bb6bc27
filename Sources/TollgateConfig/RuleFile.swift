// Tollgate — TollgateConfig: Prometheus rule files, as written (the Rules module builds rules from them).

public import Model
import Foundation
import Yams

/// A Prometheus rule file (`groups:` of recording and alerting rules), read strictly:
/// an unknown key, a bad duration or a missing field is an error naming the file, line,
/// group and rule. PromQL and templates are checked by the rules engine, which has the
/// parsers; each rule keeps its position for those errors.
public struct RuleFile: CheckedFile, Equatable {
    /// The file's path.
    public var path: String
    /// The groups, in file order; names unique in the file.
    public var groups: [RuleGroupSpec] = []

    /// ``read(path:)`` for a file's text.
    public static func read(yaml: String, path: String) -> (RuleFile, [ConfigError]) {
        var file = RuleFile(emptyAt: path)
        var names: Set<String> = []
        let problems = problems(reading: yaml, path: path) { (root, reader) throws(ConfigError) in
            try reader.fields(root, field: "") { (key, value, _) throws(ConfigError) -> Bool in
                guard key.name == "groups" else { return false }
                for (index, item) in try reader.sequence(value, field: "groups").enumerated() {
                    guard let group = reader.attempt({ () throws(ConfigError) in try RuleGroupSpec(item, reader: reader, index: index) }) else { continue }
                    guard names.insert(group.name).inserted else {
                        reader.record(reader.error(item, field: "groups[\(index)].name", "groupname: \"\(group.name)\" is repeated in the same file"))
                        continue
                    }
                    file.groups.append(group)
                }
                return true
            }
        }
        return (file, problems)
    }

    /// An empty file at `path`.
    public init(emptyAt path: String) { self.path = path }
}

/// One group of a rule file.
public struct RuleGroupSpec: Sendable, Equatable {
    /// `name`.
    public var name: String
    /// `interval`; nil takes `global.evaluation_interval`.
    public var interval: PromDuration?
    /// `query_offset`; nil takes `global.rule_query_offset`.
    public var queryOffset: PromDuration?
    /// `limit`: most series or alerts per rule (0: no limit).
    public var limit = 0
    /// `labels`: added to every rule's output (a rule's own label wins).
    public var labels: [String: String] = [:]
    /// `rules`, in order.
    public var rules: [RuleSpec] = []
    /// The group's line in its file.
    public var line: Int?

    init(_ node: Node, reader: NodeReader, index: Int) throws(ConfigError) {
        let field = "groups[\(index)]"
        name = ""
        line = node.mark?.line
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "interval": interval = try reader.duration(value, field: path)
            case "query_offset": queryOffset = try reader.duration(value, field: path)
            case "limit": limit = try reader.count(value, field: path)
            case "labels": labels = try reader.stringMap(value, field: path)
            case "rules":
                for (ruleIndex, item) in try reader.sequence(value, field: path).enumerated() {
                    if let rule = reader.attempt({ () throws(ConfigError) in try RuleSpec(item, reader: reader, field: "\(path)[\(ruleIndex)]") }) {
                        rules.append(rule)
                    }
                }
            default: return false
            }
            return true
        }
        guard !name.isEmpty else { throw reader.error(node, field: "\(field).name", "group name should not be empty") }
        if let interval, interval.milliseconds <= 0 { throw reader.error(node, field: "\(field).interval", "group \"\(name)\": interval must be positive") }
    }
}

/// One rule: `record` or `alert`, as written.
public struct RuleSpec: Sendable, Equatable {
    /// Recording or alerting.
    public enum Kind: Sendable, Equatable {
        /// `record: NAME`.
        case recording(String)
        /// `alert: NAME`.
        case alerting(String)
    }

    /// What the rule is.
    public var kind: Kind
    /// `expr`: the PromQL text.
    public var expr: String
    /// `for` (alerting).
    public var holdDuration = PromDuration(milliseconds: 0)
    /// `keep_firing_for` (alerting).
    public var keepFiringFor = PromDuration(milliseconds: 0)
    /// `labels`: templates for alerting rules, plain values for recording rules.
    public var labels: [String: String] = [:]
    /// `annotations` (alerting): templates.
    public var annotations: [String: String] = [:]
    /// Where the rule is: its file, line and dotted field path.
    public var file: String
    /// The rule's line.
    public var line: Int?
    /// The line of its `expr` (where PromQL errors point).
    public var exprLine: Int?
    /// The rule's dotted path in its file, e.g. `groups[0].rules[2]`.
    public var field: String

    /// The rule's name (`record` or `alert`).
    public var name: String {
        switch kind {
        case .recording(let name), .alerting(let name): name
        }
    }

    /// An error about this rule, naming its file, line and field.
    public func error(_ message: String, field suffix: String? = nil) -> ConfigError {
        ConfigError(file: file, line: suffix == "expr" ? exprLine ?? line : line, field: suffix.map { "\(field).\($0)" } ?? field, message: message)
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        self.field = field
        file = reader.file
        line = node.mark?.line
        var record: String?, alert: String?, exprText: String?
        var given: [String: Node] = [:]
        var hold = PromDuration(milliseconds: 0), keep = PromDuration(milliseconds: 0)
        var exprAt: Int?
        var labelTexts: [String: String] = [:], annotationTexts: [String: String] = [:]
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            given[key.name] = key.node
            switch key.name {
            case "record": record = try reader.string(value, field: path)
            case "alert": alert = try reader.string(value, field: path)
            case "expr":
                exprText = try reader.string(value, field: path)
                exprAt = value.mark?.line
            case "for": hold = try reader.duration(value, field: path)
            case "keep_firing_for": keep = try reader.duration(value, field: path)
            case "labels": labelTexts = try reader.stringMap(value, field: path)
            case "annotations": annotationTexts = try reader.stringMap(value, field: path)
            default: return false
            }
            return true
        }
        expr = exprText ?? ""
        exprLine = exprAt
        holdDuration = hold
        keepFiringFor = keep
        labels = labelTexts
        annotations = annotationTexts
        switch (record, alert) {
        case (nil, nil): throw reader.error(node, field: field, "one of 'record' or 'alert' must be set")
        case (.some, .some): throw reader.error(node, field: field, "only one of 'record' and 'alert' must be set")
        case (let name?, nil):
            kind = .recording(name)
            guard !name.isEmpty else { throw reader.error(node, field: "\(field).record", "field 'record' must be set in rule") }
            if name.contains("{") || name.contains("}") {
                throw reader.error(node, field: "\(field).record", "braces present in the recording rule name; should it be in expr?: \(name)")
            }
            guard SeriesText.isLegacyMetricName(name) else {
                throw reader.error(node, field: "\(field).record", "invalid recording rule name: \(name)")
            }
            for key in ["annotations", "for", "keep_firing_for"] where given[key] != nil {
                throw reader.error(node, field: "\(field).\(key)", "invalid field '\(key)' in recording rule")
            }
        case (nil, let name?):
            kind = .alerting(name)
            guard !name.isEmpty else { throw reader.error(node, field: "\(field).alert", "field 'alert' must be set in rule") }
        }
        guard !expr.isEmpty else { throw reader.error(node, field: "\(field).expr", "field 'expr' must be set in rule") }
        for name in labels.keys where name.isEmpty || name == "__name__" {
            throw reader.error(node, field: "\(field).labels", "invalid label name: \"\(name)\"")
        }
    }
}
