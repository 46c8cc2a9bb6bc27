// Tollgate — Rules: rule files to groups, every rule checked.

public import Model
public import PromQL
public import TollgateConfig

/// Loads rule files into groups, checking every rule as Prometheus does at load time:
/// the file's structure (TollgateConfig's ``RuleFile``), each expression with the PromQL
/// parser, each label and annotation template with the template parser. Every problem of
/// every file is reported at once; no group is built unless all are good.
public struct RuleLoader: Sendable {
    /// `global.evaluation_interval`: a group's interval when it gives none.
    public var evaluationInterval: PromDuration
    /// `global.rule_query_offset`: a group's query offset when it gives none.
    public var queryOffset: PromDuration
    /// The PromQL syntax accepted (experimental features as `--enable-feature` turns them on).
    public var parserOptions: ParserOptions
    /// The template language, to check templates.
    public var templates: any AlertTemplates

    /// Creates a loader.
    public init(evaluationInterval: PromDuration, queryOffset: PromDuration, parserOptions: ParserOptions, templates: any AlertTemplates) {
        self.evaluationInterval = evaluationInterval
        self.queryOffset = queryOffset
        self.parserOptions = parserOptions
        self.templates = templates
    }

    /// The groups of every file `patterns` match, in file order and group order.
    /// - Parameter restore: whether new groups restore their alerts' `for` state at their first run.
    /// - Throws: ``ConfigError`` with every problem found (a pattern without glob that names
    ///   no file is one).
    public func load(patterns: [String], restore: Bool = true) throws(ConfigError) -> [RuleGroup] {
        var groups: [RuleGroup] = []
        var problems: [ConfigError] = []
        for path in PathPattern.expand(patterns) {
            let (file, found) = RuleFile.read(path: path)
            problems += found
            do {
                groups += try load(file: file, restore: restore)
            } catch {
                problems.append(error)
            }
        }
        if let error = ConfigError(collecting: problems) { throw error }
        return groups
    }

    /// The groups of one parsed file.
    /// - Throws: ``ConfigError`` with every rule's problem.
    public func load(file: RuleFile, restore: Bool = true) throws(ConfigError) -> [RuleGroup] {
        var problems: [ConfigError] = []
        var groups: [RuleGroup] = []
        for group in file.groups {
            var rules: [RuleGroup.Rule] = []
            for (index, spec) in group.rules.enumerated() {
                let found = check(spec, group: group.name, index: index)
                problems += found
                if found.isEmpty { rules.append(rule(spec, groupLabels: group.labels)) }
            }
            let interval = (group.interval ?? evaluationInterval).milliseconds
            groups.append(RuleGroup(
                name: group.name, file: file.path, interval: interval, queryOffset: (group.queryOffset ?? queryOffset).milliseconds,
                limit: group.limit, rules: rules, restore: restore))
        }
        if let error = ConfigError(collecting: problems) { throw error }
        return groups
    }

    /// The number of rules in `file`, once every rule is checked (`check rules`).
    public func check(file: RuleFile) -> [ConfigError] {
        file.groups.flatMap { group in group.rules.enumerated().flatMap { check($1, group: group.name, index: $0) } }
    }

    /// A rule's problems: its expression, and an alerting rule's templates.
    func check(_ spec: RuleSpec, group: String, index: Int) -> [ConfigError] {
        let context = "group \"\(group)\", rule \(index + 1), \"\(spec.name)\""
        var problems: [ConfigError] = []
        do {
            _ = try parseExpr(spec.expr, options: parserOptions)
        } catch {
            problems.append(spec.error("\(context): could not parse expression: \(error.description)", field: "expr"))
        }
        guard case .alerting(let name) = spec.kind else { return problems }
        for (kind, map) in [("label", spec.labels), ("annotation", spec.annotations)] {
            for key in map.keys.sorted() {
                guard let value = map[key], let failure = templates.check(value, name: "__alert_" + name) else { continue }
                problems.append(spec.error("\(context): \(kind) \"\(key)\": \(failure)", field: kind + "s." + key))
            }
        }
        return problems
    }

    private func rule(_ spec: RuleSpec, groupLabels: [String: String]) -> RuleGroup.Rule {
        let labels = groupLabels.merging(spec.labels) { _, own in own }
        switch spec.kind {
        case .recording(let name):
            return .recording(RecordingRule(name: name, expr: spec.expr, labels: labels))
        case .alerting(let name):
            return .alerting(AlertingRule(
                name: name, expr: spec.expr, holdDuration: spec.holdDuration.milliseconds, keepFiringFor: spec.keepFiringFor.milliseconds,
                labels: labels, annotations: spec.annotations))
        }
    }
}
