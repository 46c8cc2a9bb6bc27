// Tollgate — TollgateConfig: promtool's rule unit-test files, as written (RuleTesting runs them).

import Foundation
public import Model
import Yams

/// A rule unit-test file (`promtool test rules`), read strictly: an unknown key is an
/// error, as promtool's `yaml.UnmarshalStrict` makes it, with promtool's wording
/// (`field foo not found in type main.testGroup`) so ``promtoolText(of:)`` can print it as
/// promtool does. Series notation and PromQL are checked by the runner, which has the parsers.
///
/// ```swift
/// let file = try RuleTestFile(path: "tests/alerts_test.yml")
/// let (ruleFiles, unmatched) = file.resolvedRuleFiles()
/// ```
public struct RuleTestFile: Sendable, Equatable {
    /// The file's path.
    public var path: String
    /// `rule_files`, as written (relative to the file's folder; globs allowed).
    public var ruleFiles: [String] = []
    /// `evaluation_interval` (default and zero: 1m).
    public var evaluationInterval = PromDuration(milliseconds: 60_000)
    /// `fuzzy_compare`: floats equal when they differ in the last bit at most.
    public var fuzzyCompare = false
    /// `group_eval_order`: rule group names, evaluated in this order at each tick.
    public var groupEvalOrder: [String] = []
    /// `tests`.
    public var tests: [RuleTestGroup] = []

    /// Parses a test file's text.
    /// - Throws: ``ConfigError`` with every problem of the file.
    public init(yaml: String, path: String) throws(ConfigError) {
        self.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "yaml: \(error)")
        }
        guard let root else { return }
        if case .scalar(let scalar) = root, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" { return }
        let reader = NodeReader(file: path)
        try reader.fields(root, field: "") { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "rule_files": ruleFiles = try reader.strings(value, field: path)
            case "evaluation_interval":
                let interval = try Self.duration(value, reader: reader, field: path)
                if interval.milliseconds != 0 { evaluationInterval = interval }
            case "fuzzy_compare": fuzzyCompare = try Self.bool(value, reader: reader, field: path)
            case "group_eval_order": groupEvalOrder = try reader.strings(value, field: path)
            case "tests":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let group = reader.attempt({ () throws(ConfigError) in try RuleTestGroup(item, reader: reader, field: "\(path)[\(index)]") }) {
                        tests.append(group)
                    }
                }
            default: throw Self.unknown(key, type: "unitTestFile", reader: reader, field: path)
            }
            return true
        }
        try reader.finish()
        for index in tests.indices where tests[index].interval == nil { tests[index].interval = evaluationInterval }
    }

    /// Reads and parses the file at `path`.
    /// - Throws: ``ConfigError`` when it cannot be read or has problems.
    public init(path: String) throws(ConfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "open \(path): no such file or directory")
        }
        try self.init(yaml: text, path: path)
    }

    /// The rule files to load: each pattern joined to the test file's folder (unless
    /// absolute) and globbed; `unmatched` lists the joined patterns that matched nothing
    /// (promtool warns `  WARNING: no file match pattern <p>` for each).
    public func resolvedRuleFiles() -> (files: [String], unmatched: [String]) {
        let folder = (path as NSString).deletingLastPathComponent
        var files: [String] = []
        var unmatched: [String] = []
        for pattern in ruleFiles {
            let joined = pattern.isEmpty || pattern.hasPrefix("/") || folder.isEmpty ? pattern : folder + "/" + pattern
            let cleaned = Self.clean(joined)
            let matches: [String]
            if PathPattern.isGlob(cleaned) {
                matches = PathPattern.expand([cleaned])
            } else {
                matches = FileManager.default.fileExists(atPath: cleaned) ? [cleaned] : []
            }
            if matches.isEmpty { unmatched.append(cleaned) }
            files += matches
        }
        return (files, unmatched)
    }

    /// `group_eval_order` as ranks (a group not listed ranks 0, as in promtool).
    /// - Throws: ``ConfigError`` `group name repeated in evaluation order: <name>`.
    public func groupRanks() throws(ConfigError) -> [String: Int] {
        var ranks: [String: Int] = [:]
        for (index, name) in groupEvalOrder.enumerated() {
            guard ranks[name] == nil else {
                throw ConfigError(file: path, line: nil, field: "group_eval_order", message: "group name repeated in evaluation order: \(name)")
            }
            ranks[name] = index
        }
        return ranks
    }

    /// The text promtool prints for a test file it cannot read: Go yaml's
    /// `yaml: unmarshal errors:` block with one `  line N: …` per unknown field or
    /// mistyped value, otherwise the first problem's message alone.
    public static func promtoolText(of error: ConfigError) -> String {
        let problems = error.all
        let collected = problems.filter { $0.message.hasPrefix("field ") || $0.message.hasPrefix("cannot unmarshal ") }
        if let alone = problems.first(where: { !collected.contains($0) }) { return alone.message }
        return "yaml: unmarshal errors:" + collected.map { "\n  line \($0.line ?? 0): \($0.message)" }.joined()
    }

    /// Cleans `a/./b` and `a//b` as Go's `filepath.Join` does (`..` is kept).
    static func clean(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// promtool's unknown-field error (yaml.v2 strict mode).
    static func unknown(_ key: NodeReader.Key, type: String, reader: NodeReader, field: String) -> ConfigError {
        reader.error(key.node, field: field, "field \(key.name) not found in type main.\(type)")
    }

    /// A `model.Duration`, with its error text.
    static func duration(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> PromDuration {
        let text = try reader.string(node, field: field)
        guard let duration = PromDuration(parsing: text) else { throw reader.error(node, field: field, "not a valid duration string: \"\(text)\"") }
        return duration
    }

    /// A YAML 1.1 boolean as yaml.v2 reads one.
    static func bool(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> Bool {
        let text = try reader.string(node, field: field)
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return false
        default: throw reader.error(node, field: field, "cannot unmarshal !!str `\(text)` into bool")
        }
    }

    /// A float64 as yaml.v2 reads one (`.inf`, `.nan` included).
    static func float(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> Double {
        let text = try reader.string(node, field: field)
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default:
            guard let value = Double(text.filter { $0 != "_" }) else { throw reader.error(node, field: field, "cannot unmarshal !!str `\(text)` into float64") }
            return value
        }
    }
}
