// Tollgate — Scrape: a target, built from a discovered address as Prometheus builds it.

public import Model
import Relabel
public import TollgateConfig

/// One endpoint to scrape: its final labels, where it came from, and its URL.
public struct ScrapeTarget: Sendable, Hashable {
    /// All labels after relabeling, internal `__*__` ones (address, scheme, path, params) included.
    public var labels: Labels
    /// The labels before relabeling: meta labels, group labels and the job's defaults.
    public var discoveredLabels: Labels
    /// The URL scraped: scheme, address, path and `__param_*` query parameters.
    public var url: String
    /// How often to scrape, in milliseconds (`__scrape_interval__`).
    public var interval: Int64
    /// How long a scrape may take, in milliseconds (`__scrape_timeout__`).
    public var timeout: Int64

    /// The labels every sample of this target gets: those not starting with `__`.
    public var targetLabels: Labels {
        Labels(sorting: labels.filter { !$0.name.hasPrefix("__") })
    }

    /// A stable hash of the target's identity, for spreading scrape start times.
    var offsetHash: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Array(labels.description.utf8) + Array(url.utf8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    public static func == (a: ScrapeTarget, b: ScrapeTarget) -> Bool { a.labels == b.labels && a.url == b.url }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(labels)
        hasher.combine(url)
    }
}

/// What became of one discovered address.
public enum TargetOutcome: Sendable {
    /// Scraped.
    case active(ScrapeTarget)
    /// Dropped by relabeling (`keep`, `drop`, …).
    case dropped(discovered: Labels)
    /// Unusable: no address, a bad interval, an invalid label value.
    case invalid(discovered: Labels, error: String)
}

/// Builds targets from target groups with Prometheus's `PopulateLabels` rules.
public enum TargetBuilder {
    /// The outcome for one address of a group in a job.
    /// - Parameters:
    ///   - address: one entry of the group's `targets`.
    ///   - group: the group (its labels apply unless the address has its own).
    ///   - config: the job: defaults for `job`, interval, timeout, path, scheme, params; `relabel_configs`.
    public static func build(address: String, group: TargetGroup, config: ScrapeConfig) -> TargetOutcome {
        var builder = LabelsBuilder()
        builder["__address__"] = address
        for (name, value) in group.labels where builder[name] == nil { builder[name] = value }
        let defaults = [
            ("job", config.jobName), ("__scrape_interval__", config.scrapeInterval.description),
            ("__scrape_timeout__", config.scrapeTimeout.description), ("__metrics_path__", config.metricsPath),
            ("__scheme__", config.scheme),
        ]
        for (name, value) in defaults where builder[name] == nil { builder[name] = value }
        for (name, values) in config.params.sorted(by: { $0.key < $1.key }) {
            if let first = values.first, builder["__param_\(name)"] == nil { builder["__param_\(name)"] = first }
        }
        let discovered = builder.labels
        for rule in config.relabelConfigs where !rule.apply(to: &builder) { return .dropped(discovered: discovered) }

        guard let address = builder["__address__"] else { return .invalid(discovered: discovered, error: "no address") }
        if address.contains("/") { return .invalid(discovered: discovered, error: "\"\(address)\" is not a valid hostname") }
        let intervalText = builder["__scrape_interval__"] ?? ""
        guard let interval = PromDuration(parsing: intervalText) else {
            return .invalid(discovered: discovered, error: "error parsing scrape interval: \"\(intervalText)\"")
        }
        guard interval.milliseconds > 0 else { return .invalid(discovered: discovered, error: "scrape interval cannot be 0") }
        let timeoutText = builder["__scrape_timeout__"] ?? ""
        guard let timeout = PromDuration(parsing: timeoutText) else {
            return .invalid(discovered: discovered, error: "error parsing scrape timeout: \"\(timeoutText)\"")
        }
        guard timeout.milliseconds > 0 else { return .invalid(discovered: discovered, error: "scrape timeout cannot be 0") }
        if timeout > interval {
            return .invalid(discovered: discovered, error: "scrape timeout cannot be greater than scrape interval (\"\(timeoutText)\" > \"\(intervalText)\")")
        }
        let relabeled = builder.labels
        var final = LabelsBuilder(relabeled)
        for label in relabeled where label.name.hasPrefix("__meta_") { final[label.name] = nil }
        if final["instance"] == nil { final["instance"] = address }
        let labels = final.labels
        let url = Self.url(labels: labels, address: address, params: config.params)
        return .active(ScrapeTarget(labels: labels, discoveredLabels: discovered, url: url, interval: interval.milliseconds, timeout: timeout.milliseconds))
    }

    /// `scheme://address/path?params`, the parameters from `__param_*` labels.
    /// The job's `params` keep all their values; a `__param_<name>` label replaces the first.
    static func url(labels: Labels, address: String, params: [String: [String]]) -> String {
        let scheme = labels["__scheme__"] ?? "http"
        var path = labels["__metrics_path__"] ?? "/metrics"
        if !path.hasPrefix("/") { path = "/" + path }
        var values = params
        for label in labels where label.name.hasPrefix("__param_") {
            let name = String(label.name.dropFirst(8))
            if values[name, default: []].isEmpty { values[name] = [label.value] } else { values[name]?[0] = label.value }
        }
        var query: [String] = []
        for (name, list) in values.sorted(by: { $0.key < $1.key }) {
            for value in list { query.append("\(GoURL.queryEscape(name))=\(GoURL.queryEscape(value))") }
        }
        return "\(scheme)://\(address)\(path)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }
}
