// Tollgate — TollgateConfig: the `cloudwatch:` section (CloudWatch jobs polled in-process).

public import Model
import Yams

/// One job of the `cloudwatch:` section: which CloudWatch metrics to ask for, in which
/// regions, how often, and with which credentials. Field names follow issue 16; the
/// per-metric settings are YACE's (`period`, `length`, `nilToZero`, `addCloudwatchTimestamp`,
/// `exportAllDataPoints`), also accepted in snake case.
public struct CloudWatchJob: Sendable, Equatable {
    /// `job_name`: the `job` label of every series, unique among the jobs.
    public var jobName: String
    /// `regions`: at least one.
    public var regions: [String] = []
    /// `endpoint_url`: a stand-in endpoint (moto, LocalStack, a VPC endpoint); nil for
    /// `https://monitoring.<region>.amazonaws.com/`.
    public var endpointURL: String?
    /// `interval`: how often to ask CloudWatch (5m, YACE's scraping interval).
    public var interval = PromDuration(milliseconds: 300_000)
    /// `period`: the default period of each metric (5m, YACE's).
    public var period = PromDuration(milliseconds: 300_000)
    /// `length`: the default window of each metric (5m, YACE's).
    public var length = PromDuration(milliseconds: 300_000)
    /// `delay`: how far behind now the window ends (0).
    public var delay = PromDuration(milliseconds: 0)
    /// `timeout`: per request (30s).
    public var timeout = PromDuration(milliseconds: 30_000)
    /// `list_metrics_cache_ttl`: how long ListMetrics' answers for `discovery` are kept (10m).
    public var listMetricsCacheTTL = PromDuration(milliseconds: 600_000)
    /// Job-wide defaults of the per-metric flags.
    public var nilToZero = false
    /// Job-wide default of `addCloudwatchTimestamp`.
    public var addCloudwatchTimestamp = false
    /// Job-wide default of `exportAllDataPoints`.
    public var exportAllDataPoints = false
    /// `access_key_id`: nil to look in the environment and the shared credentials file.
    public var accessKeyID: String?
    /// `secret_access_key` / `secret_access_key_file`.
    public var secretAccessKey: Secret?
    /// `session_token` / `session_token_file`.
    public var sessionToken: Secret?
    /// `profile`: the shared credentials file's profile (else `AWS_PROFILE`, else `default`).
    public var profile: String?
    /// `shared_credentials_file`: else `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public var sharedCredentialsFile: String?
    /// `static`: exact dimension sets.
    public var staticTargets: [CloudWatchStaticTarget] = []
    /// `discovery`: every dimension set ListMetrics finds, filtered.
    public var discovery: [CloudWatchDiscoveryTarget] = []

    /// A job named `jobName` with the defaults.
    public init(jobName: String) { self.jobName = jobName }
}

/// A dimension `{name, value}`: an exact value for `static`, an anchored regex for `dimension_filters`.
public struct CloudWatchDimension: Sendable, Equatable {
    /// The dimension's name.
    public var name: String
    /// The value (static) or the regex it must match (discovery).
    public var value: String

    /// Creates a dimension.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One metric and its statistics, with its settings resolved against the job's.
public struct CloudWatchMetric: Sendable, Equatable {
    /// The CloudWatch metric name.
    public var name: String
    /// `statistics`: basic (`Sum`, `Average`, …) or extended (`p99`, `tm90`, …).
    public var statistics: [String]
    /// `period`, in seconds.
    public var period: Int64
    /// `length`, in seconds.
    public var length: Int64
    /// `nilToZero`: a missing value is 0 rather than no point.
    public var nilToZero: Bool
    /// `addCloudwatchTimestamp`: the point keeps CloudWatch's time.
    public var addCloudwatchTimestamp: Bool
    /// `exportAllDataPoints`: every point of the window, each at its own time.
    public var exportAllDataPoints: Bool

    /// Creates a metric.
    public init(
        name: String, statistics: [String], period: Int64 = 300, length: Int64 = 300, nilToZero: Bool = false,
        addCloudwatchTimestamp: Bool = false, exportAllDataPoints: Bool = false
    ) {
        self.name = name
        self.statistics = statistics
        self.period = period
        self.length = length
        self.nilToZero = nilToZero
        self.addCloudwatchTimestamp = addCloudwatchTimestamp
        self.exportAllDataPoints = exportAllDataPoints
    }
}

/// A `static` entry: one namespace, one exact dimension set, its metrics.
public struct CloudWatchStaticTarget: Sendable, Equatable {
    /// The namespace (`AWS/ApplicationELB`).
    public var namespace: String
    /// The exact dimension set (at most 30).
    public var dimensions: [CloudWatchDimension]
    /// The metrics.
    public var metrics: [CloudWatchMetric]

    /// Creates an entry.
    public init(namespace: String, dimensions: [CloudWatchDimension], metrics: [CloudWatchMetric]) {
        self.namespace = namespace
        self.dimensions = dimensions
        self.metrics = metrics
    }
}

/// A `discovery` entry: one namespace, filters on the dimension sets ListMetrics finds, its metrics.
public struct CloudWatchDiscoveryTarget: Sendable, Equatable {
    /// The namespace (`AWS/RDS`).
    public var namespace: String
    /// `dimension_filters`: each named dimension must be present with a value matching the
    /// anchored regex (at most 10, ListMetrics' limit).
    public var dimensionFilters: [CloudWatchDimension]
    /// The metrics.
    public var metrics: [CloudWatchMetric]

    /// Creates an entry.
    public init(namespace: String, dimensionFilters: [CloudWatchDimension], metrics: [CloudWatchMetric]) {
        self.namespace = namespace
        self.dimensionFilters = dimensionFilters
        self.metrics = metrics
    }
}

/// The checks CloudWatch's API makes, for `check config` and the poller.
public enum CloudWatchRules {
    /// The five basic statistics.
    public static let basicStatistics: Set<String> = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]

    /// Whether `statistic` is one GetMetricData accepts: a basic one, `pNN(.N)`, `tmNN`, `wmNN`,
    /// `tcNN`, `tsNN`, `IQM`, or `TM(a:b)`, `WM(…)`, `TC(…)`, `TS(…)`, `PR(…)` ranges.
    public static func isStatistic(_ statistic: String) -> Bool {
        if basicStatistics.contains(statistic) || statistic == "IQM" { return true }
        return statisticPattern?.matches(statistic) ?? false
    }

    // Percentages 0–100 with up to two decimals; ranges of numbers or percentages. A fixed
    // pattern that compiles (CloudWatchConfigTests checks the statistics it takes).
    private static let statisticPattern = try? AnchoredRegex(
        #"(p|tm|wm|tc|ts)(100(\.0+)?|[0-9]{1,2}(\.[0-9]{1,2})?)|(TM|WM|TC|TS|PR)\(([0-9.]+%?)?:([0-9.]+%?)?\)"#)

    /// Whether `namespace` is a valid CloudWatch namespace: 1–255 of letters, digits,
    /// `. - _ / # : ` and space, not starting with `:`.
    public static func isNamespace(_ namespace: String) -> Bool {
        guard (1...255).contains(namespace.utf8.count), !namespace.hasPrefix(":") else { return false }
        return namespace.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_/#: ".unicodeScalars.contains(scalar))
        }
    }

    /// Whether `seconds` is a period CloudWatch accepts: a multiple of 60, or 1, 5, 10, 20, 30.
    public static func isPeriod(_ seconds: Int64) -> Bool {
        seconds > 0 && (seconds % 60 == 0 || [1, 5, 10, 20, 30].contains(seconds))
    }
}

extension TollgateConfig {
    /// The `cloudwatch:` list: every job read, errors recorded, names unique.
    static func cloudWatchJobs(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> [CloudWatchJob] {
        var jobs: [CloudWatchJob] = []
        var names: Set<String> = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            let path = "\(field)[\(index)]"
            guard let job = reader.attempt({ () throws(ConfigError) in try CloudWatchJob(item, reader: reader, field: path) }) else { continue }
            guard names.insert(job.jobName).inserted else {
                reader.record(reader.error(item, field: "\(path).job_name", "found multiple cloudwatch jobs with job name \"\(job.jobName)\""))
                continue
            }
            jobs.append(job)
        }
        return jobs
    }
}

extension CloudWatchJob {
    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        jobName = ""
        var staticNodes: [(Node, String)] = []
        var discoveryNodes: [(Node, String)] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "job_name": jobName = try reader.string(value, field: path)
            case "regions":
                regions = try reader.strings(value, field: path)
                for (index, region) in regions.enumerated() where !Self.isRegion(region) {
                    reader.record(reader.error(value, field: "\(path)[\(index)]", "invalid region \"\(region)\"; expected e.g. us-east-1"))
                }
            case "endpoint_url":
                let url = try reader.string(value, field: path)
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw reader.error(value, field: path, "invalid url \"\(url)\"; expected an http or https URL")
                }
                endpointURL = url
            case "interval": interval = try Self.positive(reader.duration(value, field: path), value, reader: reader, field: path)
            case "period": period = try reader.duration(value, field: path)
            case "length": length = try reader.duration(value, field: path)
            case "delay": delay = try reader.duration(value, field: path)
            case "timeout": timeout = try Self.positive(reader.duration(value, field: path), value, reader: reader, field: path)
            case "list_metrics_cache_ttl": listMetricsCacheTTL = try reader.duration(value, field: path)
            case "nilToZero", "nil_to_zero": nilToZero = try reader.bool(value, field: path)
            case "addCloudwatchTimestamp", "add_cloudwatch_timestamp": addCloudwatchTimestamp = try reader.bool(value, field: path)
            case "exportAllDataPoints", "export_all_data_points": exportAllDataPoints = try reader.bool(value, field: path)
            case "access_key_id": accessKeyID = try reader.string(value, field: path)
            case "secret_access_key", "secret_access_key_file", "session_token", "session_token_file": break  // read below
            case "profile": profile = try reader.string(value, field: path)
            case "shared_credentials_file": sharedCredentialsFile = try reader.path(value, field: path)
            case "static":
                staticNodes = try reader.sequence(value, field: path).enumerated().map { ($1, "\(path)[\($0)]") }
            case "discovery":
                discoveryNodes = try reader.sequence(value, field: path).enumerated().map { ($1, "\(path)[\($0)]") }
            default: return false
            }
            return true
        }
        secretAccessKey = try reader.secret("secret_access_key", fileKey: "secret_access_key_file", in: node, field: field)
        sessionToken = try reader.secret("session_token", fileKey: "session_token_file", in: node, field: field)
        for (item, path) in staticNodes {
            if let target = reader.attempt({ () throws(ConfigError) in try CloudWatchStaticTarget(item, reader: reader, field: path, job: self) }) {
                staticTargets.append(target)
            }
        }
        for (item, path) in discoveryNodes {
            if let target = reader.attempt({ () throws(ConfigError) in try CloudWatchDiscoveryTarget(item, reader: reader, field: path, job: self) }) {
                discovery.append(target)
            }
        }
        // Checks of the job as a whole, each recorded, so one run names every problem.
        if jobName.isEmpty { reader.record(reader.error(node, field: "\(field).job_name", "job_name is empty")) }
        if regions.isEmpty { reader.record(reader.error(node, field: "\(field).regions", "at least one region is required")) }
        if (accessKeyID == nil) != (secretAccessKey == nil) {
            reader.record(reader.error(node, field: field, "access_key_id and secret_access_key must be given together"))
        }
        if sessionToken != nil, accessKeyID == nil {
            reader.record(reader.error(node, field: "\(field).session_token", "session_token needs access_key_id and secret_access_key"))
        }
        if staticNodes.isEmpty, discoveryNodes.isEmpty {
            reader.record(reader.error(node, field: field, "a cloudwatch job needs at least one static or discovery entry"))
        }
    }

    private static func positive(_ duration: PromDuration, _ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> PromDuration {
        guard duration.milliseconds > 0 else { throw reader.error(node, field: field, "must be greater than 0") }
        return duration
    }

    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`.
    static func isRegion(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy(\.isASCII), Int(last) != nil else { return false }
        return parts.dropLast().allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isLowercase } }
    }
}

extension CloudWatchMetric {
    init(_ node: Node, reader: NodeReader, field: String, job: CloudWatchJob) throws(ConfigError) {
        name = ""
        statistics = []
        period = 0
        length = 0
        var periodDuration = job.period
        var lengthDuration = job.length
        nilToZero = job.nilToZero
        addCloudwatchTimestamp = job.addCloudwatchTimestamp
        exportAllDataPoints = job.exportAllDataPoints
        var statisticsNode: Node?
        var periodNode: Node?
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "statistics":
                statistics = try reader.strings(value, field: path)
                statisticsNode = value
                for (index, statistic) in statistics.enumerated() where !CloudWatchRules.isStatistic(statistic) {
                    reader.record(reader.error(
                        value, field: "\(path)[\(index)]",
                        "unknown statistic \"\(statistic)\"; expected SampleCount, Average, Sum, Minimum, Maximum or an extended statistic such as p99, tm90, IQM"))
                }
            case "period":
                periodDuration = try reader.duration(value, field: path)
                periodNode = value
            case "length": lengthDuration = try reader.duration(value, field: path)
            case "nilToZero", "nil_to_zero": nilToZero = try reader.bool(value, field: path)
            case "addCloudwatchTimestamp", "add_cloudwatch_timestamp": addCloudwatchTimestamp = try reader.bool(value, field: path)
            case "exportAllDataPoints", "export_all_data_points": exportAllDataPoints = try reader.bool(value, field: path)
            case "delay":
                throw reader.error(key.node, field: path, "delay is set per job, not per metric (YACE ignores it here too)")
            default: return false
            }
            return true
        }
        guard !name.isEmpty else { throw reader.error(node, field: "\(field).name", "metric name is empty") }
        guard name.utf8.count <= 255 else { throw reader.error(node, field: "\(field).name", "metric name is longer than 255 bytes") }
        guard !statistics.isEmpty else {
            throw reader.error(statisticsNode ?? node, field: "\(field).statistics", "at least one statistic is required")
        }
        guard periodDuration.milliseconds % 1000 == 0, CloudWatchRules.isPeriod(periodDuration.milliseconds / 1000) else {
            throw reader.error(
                periodNode ?? node, field: "\(field).period",
                "invalid period \(periodDuration); CloudWatch takes a multiple of 60s, or 1s, 5s, 10s, 20s, 30s")
        }
        guard lengthDuration.milliseconds >= periodDuration.milliseconds else {
            throw reader.error(node, field: "\(field).length", "length \(lengthDuration) is shorter than the period \(periodDuration)")
        }
        period = periodDuration.milliseconds / 1000
        length = (lengthDuration.milliseconds + 999) / 1000
    }
}

/// The parts `static` and `discovery` entries share.
private func readTarget(
    _ node: Node, reader: NodeReader, field: String, job: CloudWatchJob, dimensionsKey: String
) throws(ConfigError) -> (String, [CloudWatchDimension], [CloudWatchMetric]) {
    var namespace = ""
    var dimensions: [CloudWatchDimension] = []
    var metrics: [CloudWatchMetric] = []
    var dimensionsNode: Node?
    try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
        switch key.name {
        case "namespace":
            namespace = try reader.string(value, field: path)
            guard CloudWatchRules.isNamespace(namespace) else {
                throw reader.error(
                    value, field: path,
                    "invalid namespace \"\(namespace)\"; expected 1–255 letters, digits, . - _ / # : or spaces, not starting with :")
            }
        case dimensionsKey:
            dimensionsNode = value
            for (index, item) in try reader.sequence(value, field: path).enumerated() {
                var name = "", dimensionValue: String?
                try reader.fields(item, field: "\(path)[\(index)]") { (key, value, path) throws(ConfigError) -> Bool in
                    switch key.name {
                    case "name": name = try reader.string(value, field: path)
                    case "value": dimensionValue = try reader.string(value, field: path)
                    default: return false
                    }
                    return true
                }
                guard !name.isEmpty, let dimensionValue else {
                    throw reader.error(item, field: "\(path)[\(index)]", "a dimension needs a name and a value")
                }
                dimensions.append(CloudWatchDimension(name: name, value: dimensionValue))
            }
        case "metrics":
            for (index, item) in try reader.sequence(value, field: path).enumerated() {
                if let metric = reader.attempt({ () throws(ConfigError) in try CloudWatchMetric(item, reader: reader, field: "\(path)[\(index)]", job: job) }) {
                    metrics.append(metric)
                }
            }
        default: return false
        }
        return true
    }
    guard !namespace.isEmpty else { throw reader.error(node, field: "\(field).namespace", "namespace is required") }
    guard !metrics.isEmpty || reader.hasProblems else { throw reader.error(node, field: "\(field).metrics", "at least one metric is required") }
    let limit = dimensionsKey == "dimensions" ? 30 : 10
    guard dimensions.count <= limit else {
        throw reader.error(
            dimensionsNode ?? node, field: "\(field).\(dimensionsKey)",
            "\(dimensions.count) dimensions; CloudWatch allows at most \(limit) here")
    }
    var seen: Set<String> = []
    for dimension in dimensions where !seen.insert(dimension.name).inserted {
        throw reader.error(dimensionsNode ?? node, field: "\(field).\(dimensionsKey)", "dimension \"\(dimension.name)\" is given twice")
    }
    return (namespace, dimensions, metrics)
}

extension CloudWatchStaticTarget {
    init(_ node: Node, reader: NodeReader, field: String, job: CloudWatchJob) throws(ConfigError) {
        (namespace, dimensions, metrics) = try readTarget(node, reader: reader, field: field, job: job, dimensionsKey: "dimensions")
    }
}

extension CloudWatchDiscoveryTarget {
    init(_ node: Node, reader: NodeReader, field: String, job: CloudWatchJob) throws(ConfigError) {
        (namespace, dimensionFilters, metrics) = try readTarget(node, reader: reader, field: field, job: job, dimensionsKey: "dimension_filters")
        for (index, filter) in dimensionFilters.enumerated() {
            do {
                _ = try AnchoredRegex(filter.value)
            } catch {
                throw reader.error(node, field: "\(field).dimension_filters[\(index)].value", "invalid regex \"\(filter.value)\": \(error)")
            }
        }
    }
}
