// Tollgate — TollgateConfig: the `global` section.

public import Model
import Yams

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
    /// How far back in time rules query and record (`rule_query_offset`, 0).
    public var ruleQueryOffset = PromDuration(milliseconds: 0)
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
            reader.attempt { () throws(ConfigError) in try read(key, value, field: field, timeout: &timeout, reader: reader) }
        }
        if reader.hasProblems { return }
        do {
            scrapeTimeout = try Self.timeout(given: timeout, inherited: scrapeTimeout, interval: scrapeInterval)
        } catch {
            throw ConfigError(
                file: reader.file, line: node.mark?.line, field: "global.scrape_timeout",
                message: "scrape timeout \(timeout ?? scrapeTimeout) is greater than the scrape interval \(scrapeInterval)")
        }
    }

    private mutating func read(
        _ key: NodeReader.Key, _ value: Node, field: String, timeout: inout PromDuration?, reader: NodeReader
    ) throws(ConfigError) {
            switch key.name {
            case "scrape_interval": scrapeInterval = try reader.duration(value, field: field)
            case "scrape_timeout": timeout = try reader.duration(value, field: field)
            case "evaluation_interval": evaluationInterval = try reader.duration(value, field: field)
            case "external_labels":
                for (name, labelValue) in try reader.mapping(value, field: field) {
                    guard !name.name.isEmpty else { throw reader.error(name.node, field: field, "an external label name cannot be empty") }
                    externalLabels[name.name] = try reader.string(labelValue, field: "\(field).\(name.name)")
                }
            case "rule_query_offset": ruleQueryOffset = try reader.duration(value, field: field)
            case "sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit", "body_size_limit", "target_limit":
                _ = try limits.read(key.name, value, reader: reader, field: field)
            case "scrape_protocols": scrapeProtocols = try ScrapeConfig.scrapeProtocols(value, reader: reader, field: field)
            case "query_log_file", "scrape_failure_log_file", "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme",
                "convert_classic_histograms_to_nhcb", "always_scrape_classic_histograms",
                "scrape_native_histograms", "extra_scrape_metrics":
                throw reader.error(key.node, field: field, "not supported by this version of Tollgate yet")
            default:
                throw reader.error(key.node, field: field, "unknown field")
            }
    }
}
