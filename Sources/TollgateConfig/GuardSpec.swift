// Tollgate — TollgateConfig: one guard of a guard file: its checks and vetoes.

public import Model
import Yams

/// What a check with no data gives (`no_data:`).
public enum NoDataPolicy: String, Sendable, Equatable, CaseIterable {
    /// Neither go nor no-go: the decision is `inconclusive` (the default).
    case inconclusive
    /// The check fails.
    case fail
    /// The check passes.
    case pass
}

/// What Flagger's gate webhook answers when the decision is neither go nor no-go
/// (`flagger_inconclusive:`).
public enum FlaggerInconclusivePolicy: String, Sendable, Equatable, CaseIterable {
    /// 403: Flagger holds (confirm hooks) or counts a failed check (`rollout`, `pre-rollout`); the default.
    case fail
    /// 200: an inconclusive or pending decision lets the canary go on.
    case pass
}

/// One guard: the checks and vetoes that decide whether a version may take more traffic.
public struct GuardSpec: Sendable, Equatable {
    /// `name`.
    public var name: String
    /// `interval`: how often it is evaluated; nil takes `global.evaluation_interval`.
    public var interval: PromDuration?
    /// `window`: the data a comparison looks at, and `$window` in expressions (default 5m).
    public var window = PromDuration(milliseconds: 5 * 60_000)
    /// `no_data`: what a check with no data gives (default inconclusive).
    public var noData = NoDataPolicy.inconclusive
    /// `max_failed_checks`: how many non-critical checks may fail with the decision still
    /// `go` (default 0: any failure is no-go). A failing critical check is always no-go.
    public var maxFailedChecks = 0
    /// `flagger_inconclusive`: Flagger's gate answer to an inconclusive or pending decision (default fail: 403).
    public var flaggerInconclusive = FlaggerInconclusivePolicy.fail
    /// `checks`, in order; names unique in the guard.
    public var checks: [GuardCheckSpec] = []
    /// `vetoes`: firing alerts that block the rollout.
    public var vetoes: [VetoSpec] = []
    /// Where the guard is.
    public var file: String
    /// The guard's line.
    public var line: Int?

    /// Creates a guard (for code and tests; files are read by ``GuardFile``).
    public init(name: String, checks: [GuardCheckSpec], vetoes: [VetoSpec] = [], file: String = "<code>") {
        self.name = name
        self.checks = checks
        self.vetoes = vetoes
        self.file = file
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        name = ""
        file = reader.file
        line = node.mark?.line
        var checkNames: Set<String> = []
        let before = reader.problemCount
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "interval": interval = try reader.positiveDuration(value, field: path)
            case "window": window = try reader.positiveDuration(value, field: path)
            case "no_data": noData = try reader.choice(value, field: path)
            case "flagger_inconclusive": flaggerInconclusive = try reader.choice(value, field: path)
            case "max_failed_checks": maxFailedChecks = try reader.count(value, field: path)
            case "checks":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    guard let check = reader.attempt({ () throws(ConfigError) in try GuardCheckSpec(item, reader: reader, field: "\(path)[\(index)]") }) else { continue }
                    guard checkNames.insert(check.name).inserted else {
                        reader.record(reader.error(item, field: "\(path)[\(index)].name", "check \"\(check.name)\" is repeated in the guard"))
                        continue
                    }
                    checks.append(check)
                }
            case "vetoes":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let veto = reader.attempt({ () throws(ConfigError) in try VetoSpec(item, reader: reader, field: "\(path)[\(index)]") }) { vetoes.append(veto) }
                }
            default: return false
            }
            return true
        }
        guard !name.isEmpty else { throw reader.error(node, field: "\(field).name", "guard name should not be empty") }
        if reader.problemCount == before && checks.isEmpty && vetoes.isEmpty {
            throw reader.error(node, field: "\(field).checks", "guard \"\(name)\" has neither checks nor vetoes")
        }
        for check in checks {
            if case .comparison(let comparison) = check.kind, comparison.step.milliseconds > window.milliseconds {
                reader.record(ConfigError(file: file, line: check.line, field: "\(check.field).step", message: "step \(comparison.step) is longer than the guard's window \(window)"))
            }
        }
    }
}

/// A veto: firing alerts matching every matcher block the rollout.
public struct VetoSpec: Sendable, Equatable {
    /// `matchers`, as written (`service="$service"`); placeholders are substituted when the
    /// guard is evaluated.
    public var matchers: [String]
    /// The veto's line.
    public var line: Int?

    /// Creates a veto.
    public init(matchers: [String], line: Int? = nil) {
        self.matchers = matchers
        self.line = line
    }

    /// The matchers with `parameters` substituted.
    /// - Throws: ``LabelMatcherError`` when they do not parse.
    public func labelMatchers(_ parameters: GuardParameters) throws(LabelMatcherError) -> [LabelMatcher] {
        let text = "{" + matchers.map { parameters.substitute(in: $0) }.joined(separator: ",") + "}"
        return try SeriesSelector.parse(text)
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        line = node.mark?.line
        var given: [String]?
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            guard key.name == "matchers" else { return false }
            given = try reader.strings(value, field: path)
            return true
        }
        guard let given, !given.isEmpty else { throw reader.error(node, field: "\(field).matchers", "a veto needs at least one matcher") }
        matchers = given
        do {
            _ = try labelMatchers(GuardParameters.placeholders)
        } catch {
            throw reader.error(node, field: "\(field).matchers", "invalid matchers: \(error.description)")
        }
    }
}

extension NodeReader {
    func positiveDuration(_ node: Node, field: String) throws(ConfigError) -> PromDuration {
        let duration = try duration(node, field: field)
        guard duration.milliseconds > 0 else { throw error(node, field: field, "must be positive") }
        return duration
    }

    /// One of an enumeration's raw values.
    func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, field: String) throws(ConfigError) -> Choice where Choice.RawValue == String {
        let text = try string(node, field: field)
        guard let value = Choice(rawValue: text) else {
            throw error(node, field: field, "invalid value \"\(text)\"; expected one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
