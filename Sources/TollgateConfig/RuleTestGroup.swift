// Tollgate — TollgateConfig: one test group of a rule unit-test file and its cases.

public import Model
import Yams

/// One entry of `tests:`: input series and the alert and expression checks against them.
public struct RuleTestGroup: Sendable, Equatable {
    /// `interval`: the spacing of input samples; nil until the file's `evaluation_interval` fills it in.
    public var interval: PromDuration?
    /// `input_series`.
    public var inputSeries: [InputSeries] = []
    /// `name` (empty when not given).
    public var name = ""
    /// `start_timestamp`, milliseconds since the epoch (default 0): sample i is at
    /// start + i·interval, and eval times count from it.
    public var startTimestamp: Int64 = 0
    /// `alert_rule_test`.
    public var alertRuleTests: [AlertRuleTest] = []
    /// `promql_expr_test`.
    public var promqlExprTests: [PromQLExprTest] = []
    /// `external_labels`, for `$externalLabels` in templates.
    public var externalLabels: [String: String] = [:]
    /// `external_url`, for `$externalURL` in templates.
    public var externalURL = ""

    /// Creates a group.
    public init(name: String = "", interval: PromDuration? = nil) {
        self.name = name
        self.interval = interval
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "interval":
                let interval = try RuleTestFile.duration(value, reader: reader, field: path)
                self.interval = interval.milliseconds == 0 ? nil : interval
            case "input_series":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let series = reader.attempt({ () throws(ConfigError) in try InputSeries(item, reader: reader, field: "\(path)[\(index)]") }) {
                        inputSeries.append(series)
                    }
                }
            case "name": name = try reader.string(value, field: path)
            case "start_timestamp":
                let text = try reader.string(value, field: path)
                guard let start = Timestamp.parse(text) else { throw reader.error(value, field: path, "cannot parse \"\(text)\" to a valid timestamp") }
                startTimestamp = start
            case "alert_rule_test":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let test = reader.attempt({ () throws(ConfigError) in try AlertRuleTest(item, reader: reader, field: "\(path)[\(index)]") }) {
                        alertRuleTests.append(test)
                    }
                }
            case "promql_expr_test":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let test = reader.attempt({ () throws(ConfigError) in try PromQLExprTest(item, reader: reader, field: "\(path)[\(index)]") }) {
                        promqlExprTests.append(test)
                    }
                }
            case "external_labels": externalLabels = try reader.stringMap(value, field: path)
            case "external_url": externalURL = try reader.string(value, field: path)
            default: throw RuleTestFile.unknown(key, type: "testGroup", reader: reader, field: path)
            }
            return true
        }
    }

    /// The latest eval time of any alert or expression test (how far the rules run).
    public var maxEvalTime: PromDuration {
        let times = alertRuleTests.map(\.evalTime) + promqlExprTests.map(\.evalTime)
        return times.max() ?? PromDuration(milliseconds: 0)
    }
}

/// One `input_series` entry: a series in PromQL notation and its values in the expanding notation.
public struct InputSeries: Sendable, Equatable {
    /// `series`: `name{l="v",…}`.
    public var series: String
    /// `values`: e.g. `1+1x10 _ stale`.
    public var values: String

    /// Creates an entry.
    public init(series: String, values: String) {
        self.series = series
        self.values = values
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var series = "", values = ""
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "series": series = try reader.string(value, field: path)
            case "values": values = try reader.string(value, field: path)
            default: throw RuleTestFile.unknown(key, type: "series", reader: reader, field: path)
            }
            return true
        }
        self.series = series
        self.values = values
    }
}

/// One `alert_rule_test` entry: the firing alerts of one alert name at one time.
public struct AlertRuleTest: Sendable, Equatable {
    /// `eval_time`, from the group's start.
    public var evalTime: PromDuration
    /// `alertname` (empty when missing: the runner reports it as promtool does).
    public var alertname: String
    /// `exp_alerts`: the firing alerts expected (none when empty).
    public var expectedAlerts: [ExpectedAlert]

    /// Creates an entry.
    public init(evalTime: PromDuration, alertname: String, expectedAlerts: [ExpectedAlert]) {
        self.evalTime = evalTime
        self.alertname = alertname
        self.expectedAlerts = expectedAlerts
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var evalTime = PromDuration(milliseconds: 0), alertname = "", expected: [ExpectedAlert] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "eval_time": evalTime = try RuleTestFile.duration(value, reader: reader, field: path)
            case "alertname": alertname = try reader.string(value, field: path)
            case "exp_alerts":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let alert = reader.attempt({ () throws(ConfigError) in try ExpectedAlert(item, reader: reader, field: "\(path)[\(index)]") }) {
                        expected.append(alert)
                    }
                }
            default: throw RuleTestFile.unknown(key, type: "alertTestCase", reader: reader, field: path)
            }
            return true
        }
        self.evalTime = evalTime
        self.alertname = alertname
        self.expectedAlerts = expected
    }
}

/// One expected alert: its labels (without `alertname`) and expanded annotations.
public struct ExpectedAlert: Sendable, Equatable {
    /// `exp_labels`.
    public var labels: [String: String]
    /// `exp_annotations`.
    public var annotations: [String: String]

    /// Creates one.
    public init(labels: [String: String], annotations: [String: String]) {
        self.labels = labels
        self.annotations = annotations
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var labels: [String: String] = [:], annotations: [String: String] = [:]
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" {
            self.init(labels: [:], annotations: [:])
            return
        }
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "exp_labels": labels = try reader.stringMap(value, field: path)
            case "exp_annotations": annotations = try reader.stringMap(value, field: path)
            default: throw RuleTestFile.unknown(key, type: "alert", reader: reader, field: path)
            }
            return true
        }
        self.init(labels: labels, annotations: annotations)
    }
}

/// One `promql_expr_test` entry: an expression's result at one time.
public struct PromQLExprTest: Sendable, Equatable {
    /// `expr`.
    public var expr: String
    /// `eval_time`, from the group's start.
    public var evalTime: PromDuration
    /// `exp_samples`.
    public var expectedSamples: [ExpectedSample]

    /// Creates an entry.
    public init(expr: String, evalTime: PromDuration, expectedSamples: [ExpectedSample]) {
        self.expr = expr
        self.evalTime = evalTime
        self.expectedSamples = expectedSamples
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var expr = "", evalTime = PromDuration(milliseconds: 0), samples: [ExpectedSample] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "expr": expr = try reader.string(value, field: path)
            case "eval_time": evalTime = try RuleTestFile.duration(value, reader: reader, field: path)
            case "exp_samples":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let sample = reader.attempt({ () throws(ConfigError) in try ExpectedSample(item, reader: reader, field: "\(path)[\(index)]") }) {
                        samples.append(sample)
                    }
                }
            default: throw RuleTestFile.unknown(key, type: "promqlTestCase", reader: reader, field: path)
            }
            return true
        }
        self.init(expr: expr, evalTime: evalTime, expectedSamples: samples)
    }
}

/// One expected sample: a label set in series notation and a value (or a native histogram).
public struct ExpectedSample: Sendable, Equatable {
    /// `labels`: `name{l="v",…}` (`__name__` only if the expression keeps it).
    public var labels: String
    /// `value`.
    public var value: Double
    /// `histogram`: native histogram notation; non-empty means ``value`` is ignored.
    public var histogram: String

    /// Creates one.
    public init(labels: String, value: Double, histogram: String = "") {
        self.labels = labels
        self.value = value
        self.histogram = histogram
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var labels = "", value = 0.0, histogram = ""
        try reader.fields(node, field: field) { (key, node, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "labels": labels = try reader.string(node, field: path)
            case "value": value = try RuleTestFile.float(node, reader: reader, field: path)
            case "histogram": histogram = try reader.string(node, field: path)
            default: throw RuleTestFile.unknown(key, type: "sample", reader: reader, field: path)
            }
            return true
        }
        self.init(labels: labels, value: value, histogram: histogram)
    }

    /// Two samples are equal when both values are NaN too (promtool compares with go-cmp).
    public static func == (lhs: ExpectedSample, rhs: ExpectedSample) -> Bool {
        lhs.labels == rhs.labels && lhs.histogram == rhs.histogram && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
    }
}
