// Tollgate — TollgateConfig: one check of a guard: a threshold or a canary-vs-baseline comparison.

public import Model
import Yams

/// Which way a comparison fails (`direction:`).
public enum ComparisonDirection: String, Sendable, Equatable, CaseIterable {
    /// The canary fails when it is higher (latency, errors).
    case increase
    /// The canary fails when it is lower (throughput, success ratio).
    case decrease
    /// Either way.
    case either
}

/// One check of a guard.
public struct GuardCheckSpec: Sendable, Equatable {
    /// A threshold on an instant query's value.
    public struct Threshold: Sendable, Equatable {
        /// `expr`.
        public var expr: String
        /// `max`: fails when a value is above it.
        public var max: Double?
        /// `min`: fails when a value is below it.
        public var min: Double?

        /// Creates a threshold.
        public init(expr: String, max: Double? = nil, min: Double? = nil) {
            self.expr = expr
            self.max = max
            self.min = min
        }
    }

    /// The canary's values against the baseline's, as Kayenta's judge compares them.
    public struct Comparison: Sendable, Equatable {
        /// `compare`: the expression, with `$$v` standing for the version.
        public var expr: String
        /// `step`: the resolution the window's values are taken at (default 15s).
        public var step = PromDuration(milliseconds: 15_000)
        /// `direction` (default increase).
        public var direction = ComparisonDirection.increase
        /// `confidence`: the interval's level and the test's 1 − α (default 0.98).
        public var confidence = 0.98
        /// `allowed_increase`: the mean ratio tolerated upwards (default 1).
        public var allowedIncrease = 1.0
        /// `allowed_decrease`: the mean ratio tolerated downwards (default 1).
        public var allowedDecrease = 1.0

        /// Creates a comparison.
        public init(expr: String) { self.expr = expr }
    }

    /// What the check is.
    public enum Kind: Sendable, Equatable {
        /// `expr` with `max` and/or `min`.
        case threshold(Threshold)
        /// `compare`.
        case comparison(Comparison)
    }

    /// `name`.
    public var name: String
    /// The threshold or comparison.
    public var kind: Kind
    /// `for`: how long a failure must last before it counts (0: at once).
    public var holdDuration = PromDuration(milliseconds: 0)
    /// `critical`: a failure is no-go whatever `max_failed_checks` allows.
    public var critical = false
    /// `no_data`: overrides the guard's policy for this check.
    public var noData: NoDataPolicy?
    /// The check's line, for errors.
    public var line: Int?
    /// The line of its expression.
    public var exprLine: Int?
    /// The check's dotted path, e.g. `guards[0].checks[1]`.
    public var field: String

    /// The expression as written (`expr` or `compare`).
    public var expr: String {
        switch kind {
        case .threshold(let threshold): threshold.expr
        case .comparison(let comparison): comparison.expr
        }
    }

    /// Creates a check (for code and tests; files are read by ``GuardFile``).
    public init(name: String, kind: Kind, holdDuration: PromDuration = PromDuration(milliseconds: 0), critical: Bool = false) {
        self.name = name
        self.kind = kind
        self.holdDuration = holdDuration
        self.critical = critical
        field = name
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        self.field = field
        line = node.mark?.line
        var name = "", expr: String?, compare: String?
        var max: Double?, min: Double?
        var hold = PromDuration(milliseconds: 0), isCritical = false, policy: NoDataPolicy?, exprAt: Int?
        var comparison = Comparison(expr: "")
        var comparisonFields: [String] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "expr":
                expr = try reader.string(value, field: path)
                exprAt = value.mark?.line
            case "compare":
                compare = try reader.string(value, field: path)
                exprAt = value.mark?.line
            case "max": max = try reader.number(value, field: path)
            case "min": min = try reader.number(value, field: path)
            case "for": hold = try reader.duration(value, field: path)
            case "critical": isCritical = try reader.bool(value, field: path)
            case "no_data": policy = try reader.choice(value, field: path) as NoDataPolicy
            case "step": comparison.step = try reader.positiveDuration(value, field: path)
            case "direction": comparison.direction = try reader.choice(value, field: path)
            case "confidence":
                comparison.confidence = try reader.number(value, field: path)
                guard comparison.confidence > 0 && comparison.confidence < 1 else { throw reader.error(value, field: path, "confidence must be between 0 and 1, e.g. 0.98") }
            case "allowed_increase":
                comparison.allowedIncrease = try reader.number(value, field: path)
                guard comparison.allowedIncrease >= 1 else { throw reader.error(value, field: path, "allowed_increase is a mean ratio ≥ 1, e.g. 1.2") }
            case "allowed_decrease":
                comparison.allowedDecrease = try reader.number(value, field: path)
                guard comparison.allowedDecrease > 0 && comparison.allowedDecrease <= 1 else {
                    throw reader.error(value, field: path, "allowed_decrease is a mean ratio in (0, 1], e.g. 0.8")
                }
            default: return false
            }
            if ["step", "direction", "confidence", "allowed_increase", "allowed_decrease"].contains(key.name) { comparisonFields.append(key.name) }
            return true
        }
        self.name = name
        holdDuration = hold
        critical = isCritical
        noData = policy
        exprLine = exprAt
        guard !name.isEmpty else { throw reader.error(node, field: "\(field).name", "check name should not be empty") }
        switch (expr, compare) {
        case (nil, nil): throw reader.error(node, field: field, "check \"\(name)\": one of 'expr' (a threshold) or 'compare' (a comparison) must be set")
        case (.some, .some): throw reader.error(node, field: field, "check \"\(name)\": only one of 'expr' and 'compare' may be set")
        case (let text?, nil):
            if let extra = comparisonFields.first { throw reader.error(node, field: "\(field).\(extra)", "check \"\(name)\": '\(extra)' belongs to a comparison ('compare'), not a threshold") }
            guard max != nil || min != nil else { throw reader.error(node, field: field, "check \"\(name)\": a threshold needs 'max', 'min' or both") }
            if let max, let min, min > max { throw reader.error(node, field: "\(field).min", "check \"\(name)\": min \(min) is above max \(max)") }
            guard !text.isEmpty else { throw reader.error(node, field: "\(field).expr", "field 'expr' must be set in a check") }
            kind = .threshold(Threshold(expr: text, max: max, min: min))
        case (nil, let text?):
            if max != nil || min != nil { throw reader.error(node, field: "\(field).\(max != nil ? "max" : "min")", "check \"\(name)\": a comparison has no max/min; use allowed_increase / allowed_decrease") }
            guard text.contains("$$v") else { throw reader.error(node, field: "\(field).compare", "check \"\(name)\": a comparison's expression must use $$v (the canary version, then the baseline)") }
            comparison.expr = text
            kind = .comparison(comparison)
        }
    }
}
