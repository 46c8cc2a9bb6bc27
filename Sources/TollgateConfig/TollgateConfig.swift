// Tollgate — TollgateConfig: the configuration file.

public import Model
import Yams

/// `tollgate.yml`: the sections of `prometheus.yml` Tollgate understands, in
/// their own form, so an existing file works unchanged where supported.
///
/// Every field Prometheus has but Tollgate does not support yet is an error that
/// names it; so is an unknown field.
public struct TollgateConfig: Sendable, Equatable {
    /// Where the configuration came from: a path or `<embedded default>`.
    public var source: String
    /// The `global` section.
    public var global = GlobalConfig()
    /// The `scrape_configs` section: one entry per job, names unique.
    public var scrapeConfigs: [ScrapeConfig] = []

    /// The embedded default for a server listening on `address`: it scrapes itself every 15 s.
    public static func embeddedDefault(selfAddress address: String) -> TollgateConfig {
        var config = TollgateConfig(source: "<embedded default>")
        config.global.scrapeInterval = PromDuration(milliseconds: 15_000)
        config.scrapeConfigs = [ScrapeConfig(jobName: "tollgate", global: config.global, targets: [address])]
        return config
    }

    /// Parses a configuration file's text.
    /// - Parameters:
    ///   - yaml: the file contents.
    ///   - file: the path, used in error messages.
    /// - Throws: ``ConfigError`` naming the line and field.
    public init(yaml: String, file: String) throws(ConfigError) {
        source = file
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: Self.line(of: error), field: nil, message: "invalid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigError(file: file, line: nil, field: nil, message: "invalid YAML: \(error)")
        }
        guard let root else { return }  // An empty file is the default configuration.
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, field: nil)
        // Jobs inherit from global, wherever in the file it is.
        if let (_, value) = top.first(where: { $0.0.name == "global" }) { global = try GlobalConfig(value, reader: reader) }
        for (key, value) in top {
            switch key.name {
            case "global": break
            case "scrape_configs":
                var seen: Set<String> = []
                for (index, item) in try reader.sequence(value, field: "scrape_configs").enumerated() {
                    let job = try ScrapeConfig(item, reader: reader, field: "scrape_configs[\(index)]", global: global)
                    guard seen.insert(job.jobName).inserted else {
                        throw reader.error(item, field: "scrape_configs[\(index)].job_name", "found multiple scrape configs with job name \"\(job.jobName)\"")
                    }
                    scrapeConfigs.append(job)
                }
            case let name where Self.plannedSections.contains(name):
                throw reader.error(key.node, field: name, "not supported by this version of Tollgate yet")
            default:
                throw reader.error(key.node, field: key.name, "unknown field")
            }
        }
    }

    /// An empty configuration (global defaults, no jobs) from `source`.
    public init(source: String) { self.source = source }

    /// Sections of prometheus.yml (and Tollgate's own) that later versions read.
    static let plannedSections: Set<String> = [
        "scrape_config_files", "rule_files", "alerting", "remote_write", "remote_read",
        "storage", "tracing", "otlp", "runtime", "cloudwatch", "guards",
    ]

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicated keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}

/// The `global` section.
public struct GlobalConfig: Sendable, Equatable {
    /// How often to scrape targets by default (`1m`).
    public var scrapeInterval = PromDuration(milliseconds: 60_000)
    /// How long a scrape may take by default (`10s`, at most the interval).
    public var scrapeTimeout = PromDuration(milliseconds: 10_000)
    /// How often to evaluate rules (`1m`).
    public var evaluationInterval = PromDuration(milliseconds: 60_000)
    /// Labels added to every series and alert sent outside.
    public var externalLabels: [String: String] = [:]
    /// Default limits for every job.
    public var limits = ScrapeLimits()
    /// Default `scrape_protocols` for every job, in preference order.
    public var scrapeProtocols: [ScrapeConfig.ScrapeProtocol] = ScrapeConfig.ScrapeProtocol.allCases

    /// The defaults.
    public init() {}

    init(_ node: Node, reader: NodeReader) throws(ConfigError) {
        var timeout: PromDuration?
        for (key, value) in try reader.mapping(node, field: "global") {
            let field = "global.\(key.name)"
            switch key.name {
            case "scrape_interval": scrapeInterval = try reader.duration(value, field: field)
            case "scrape_timeout": timeout = try reader.duration(value, field: field)
            case "evaluation_interval": evaluationInterval = try reader.duration(value, field: field)
            case "external_labels":
                for (name, labelValue) in try reader.mapping(value, field: field) {
                    externalLabels[name.name] = try reader.string(labelValue, field: "\(field).\(name.name)")
                }
            case "sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit", "body_size_limit", "target_limit":
                _ = try limits.read(key.name, value, reader: reader, field: field)
            case "scrape_protocols": scrapeProtocols = try ScrapeConfig.scrapeProtocols(value, reader: reader, field: field)
            case "rule_query_offset", "query_log_file", "scrape_failure_log_file", "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme",
                "convert_classic_histograms_to_nhcb", "always_scrape_classic_histograms",
                "scrape_native_histograms", "extra_scrape_metrics":
                throw reader.error(key.node, field: field, "not supported by this version of Tollgate yet")
            default:
                throw reader.error(key.node, field: field, "unknown field")
            }
        }
        do {
            scrapeTimeout = try Self.timeout(given: timeout, inherited: scrapeTimeout, interval: scrapeInterval)
        } catch {
            throw ConfigError(
                file: reader.file, line: node.mark?.line, field: "global.scrape_timeout",
                message: "scrape timeout \(timeout ?? scrapeTimeout) is greater than the scrape interval \(scrapeInterval)")
        }
    }
}
