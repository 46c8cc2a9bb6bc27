// Tollgate — TollgateConfig: one `scrape_configs` entry.

public import Model
public import Relabel
import Yams

/// One scrape job, as `prometheus.yml` writes it.
public struct ScrapeConfig: Sendable, Equatable {
    /// A scrape protocol Tollgate can ask for in its Accept header.
    public enum ScrapeProtocol: String, Sendable, Equatable, CaseIterable {
        /// OpenMetrics 1.0.
        case openMetrics1 = "OpenMetricsText1.0.0"
        /// OpenMetrics 0.0.1.
        case openMetrics0 = "OpenMetricsText0.0.1"
        /// The text format 1.0.0.
        case prometheusText1 = "PrometheusText1.0.0"
        /// The text format 0.0.4.
        case prometheusText0 = "PrometheusText0.0.4"
    }

    /// `job_name`: the `job` label and the pool's name.
    public var jobName: String
    /// `scrape_interval` (from `global`).
    public var scrapeInterval = GlobalConfig().scrapeInterval
    /// `scrape_timeout` (from `global`, at most the interval).
    public var scrapeTimeout = GlobalConfig().scrapeTimeout
    /// `metrics_path` (`/metrics`).
    public var metricsPath = "/metrics"
    /// `scheme`: `http` or `https`.
    public var scheme = "http"
    /// `params`: URL query parameters.
    public var params: [String: [String]] = [:]
    /// `honor_labels`: scraped labels win over target labels.
    public var honorLabels = false
    /// `honor_timestamps`: keep the timestamps a target exposes (true).
    public var honorTimestamps = true
    /// `track_timestamps_staleness`: stale markers also for series with explicit timestamps.
    public var trackTimestampsStaleness = false
    /// `enable_compression`: ask for gzip (true).
    public var enableCompression = true
    /// `scrape_protocols`, in preference order (from `global`).
    public var scrapeProtocols: [ScrapeProtocol] = ScrapeProtocol.allCases
    /// `fallback_scrape_protocol`: used when the Content-Type is missing or unknown.
    public var fallbackProtocol: ScrapeProtocol?
    /// The per-scrape limits (each from `global` unless the job gives it).
    public var limits = ScrapeLimits()
    /// `static_configs`.
    public var staticConfigs: [TargetGroup] = []
    /// `file_sd_configs`.
    public var fileSDConfigs: [FileSDConfig] = []
    /// `relabel_configs`: applied to discovered targets.
    public var relabelConfigs: [RelabelConfig] = []
    /// `metric_relabel_configs`: applied to scraped series.
    public var metricRelabelConfigs: [RelabelConfig] = []
    /// Authentication, TLS, proxy, redirects, headers.
    public var http = HTTPClientConfig()

    /// A job with the given targets and the global defaults (for the embedded configuration and tests).
    public init(jobName: String, global: GlobalConfig, targets: [String] = []) {
        self.jobName = jobName
        // Safe to ignore: a job that gives no timeout takes one no longer than its interval.
        try? global.fill(&self, given: [])
        if !targets.isEmpty { staticConfigs = [TargetGroup(targets: targets, source: "0")] }
    }

    init(_ node: Node, reader: NodeReader, field: String, global: GlobalConfig) throws(ConfigError) {
        jobName = ""
        var given: Set<String> = []
        var jobNode: Node?
        let before = reader.problemCount
        for (key, value) in try reader.mapping(node, field: field) {
            let path = "\(field).\(key.name)"
            given.insert(key.name)
            reader.attempt { () throws(ConfigError) in
            switch key.name {
            case "job_name":
                jobName = try reader.string(value, field: path)
                jobNode = value
            case "scrape_interval": scrapeInterval = try reader.duration(value, field: path)
            case "scrape_timeout": scrapeTimeout = try reader.duration(value, field: path)
            case "metrics_path": metricsPath = try reader.string(value, field: path)
            case "scheme":
                scheme = try reader.string(value, field: path)
                guard scheme == "http" || scheme == "https" else {
                    throw reader.error(value, field: path, "unknown scheme \"\(scheme)\"; expected http or https")
                }
            case "params":
                for (name, values) in try reader.mapping(value, field: path) {
                    params[name.name] = try reader.strings(values, field: "\(path).\(name.name)")
                }
            case "honor_labels": honorLabels = try reader.bool(value, field: path)
            case "honor_timestamps": honorTimestamps = try reader.bool(value, field: path)
            case "track_timestamps_staleness": trackTimestampsStaleness = try reader.bool(value, field: path)
            case "enable_compression": enableCompression = try reader.bool(value, field: path)
            case "scrape_protocols": scrapeProtocols = try Self.scrapeProtocols(value, reader: reader, field: path)
            case "fallback_scrape_protocol": fallbackProtocol = try Self.scrapeProtocol(value, reader: reader, field: path)
            case "static_configs": staticConfigs = try reader.staticConfigs(value, field: path)
            case "file_sd_configs": fileSDConfigs = try reader.fileSDConfigs(value, field: path)
            case "relabel_configs": relabelConfigs = try reader.relabelConfigs(value, field: path)
            case "metric_relabel_configs": metricRelabelConfigs = try reader.relabelConfigs(value, field: path)
            default:
                if try limits.read(key.name, value, reader: reader, field: path) { return }
                if try http.read(key, value, reader: reader, field: path) { return }
                if Self.unsupported.contains(key.name) || key.name.hasSuffix("_sd_configs") {
                    throw reader.error(key.node, field: path, "not supported by this version of Tollgate yet")
                }
                throw reader.error(key.node, field: path, "unknown field")
            }
            }
        }
        guard let jobNode, !jobName.isEmpty else { throw reader.error(node, field: "\(field).job_name", "job_name is empty") }
        guard reader.problemCount == before else { return }  // the job as a whole is checked only when each field read
        try http.complete(node, reader: reader, field: field)
        do {
            try global.fill(&self, given: given)
        } catch {
            throw reader.error(
                jobNode, field: "\(field).scrape_timeout",
                "scrape timeout greater than scrape interval for scrape config with job name \"\(jobName)\"")
        }
        if scrapeInterval.milliseconds == 0 { throw reader.error(jobNode, field: "\(field).scrape_interval", "scrape interval cannot be 0") }
    }

    /// A `scrape_protocols` list (in a job or in `global`).
    static func scrapeProtocols(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> [ScrapeProtocol] {
        var protocols: [ScrapeProtocol] = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            protocols.append(try scrapeProtocol(item, reader: reader, field: "\(field)[\(index)]"))
        }
        return protocols
    }

    private static func scrapeProtocol(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> ScrapeProtocol {
        let name = try reader.string(node, field: field)
        if name == "PrometheusProto" { throw reader.error(node, field: field, "the protobuf scrape protocol is not supported by this version of Tollgate yet") }
        guard let value = ScrapeProtocol(rawValue: name) else {
            throw reader.error(node, field: field, "unknown scrape protocol \"\(name)\"; expected one of \(ScrapeProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// Fields of prometheus.yml scrape configs that Tollgate does not support yet.
    static let unsupported: Set<String> = [
        "scrape_failure_log_file", "native_histogram_bucket_limit", "native_histogram_min_bucket_factor",
        "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme",
        "scrape_classic_histograms", "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb",
        "scrape_native_histograms", "enable_http2_compression", "sample_limit_per_target",
    ]
}

/// The limits of one scrape: exceeding any fails the scrape (Prometheus's
/// `sample_limit`, `label_limit`, … and `body_size_limit`); 0 means no limit.
public struct ScrapeLimits: Sendable, Equatable {
    /// Most samples after metric relabeling.
    public var sampleLimit = 0
    /// Most labels per series.
    public var labelLimit = 0
    /// Longest label name.
    public var labelNameLengthLimit = 0
    /// Longest label value.
    public var labelValueLengthLimit = 0
    /// Most bytes of uncompressed body.
    public var bodySizeLimit: Int64 = 0
    /// Most targets of the job after relabeling (the job's targets all fail when exceeded).
    public var targetLimit = 0

    /// No limits.
    public init() {}

    /// Reads one limit field; false when `name` is not a limit.
    mutating func read(_ name: String, _ value: Node, reader: NodeReader, field: String) throws(ConfigError) -> Bool {
        switch name {
        case "sample_limit": sampleLimit = try reader.count(value, field: field)
        case "label_limit": labelLimit = try reader.count(value, field: field)
        case "label_name_length_limit": labelNameLengthLimit = try reader.count(value, field: field)
        case "label_value_length_limit": labelValueLengthLimit = try reader.count(value, field: field)
        case "body_size_limit": bodySizeLimit = try reader.byteSize(value, field: field)
        case "target_limit": targetLimit = try reader.count(value, field: field)
        default: return false
        }
        return true
    }
}
