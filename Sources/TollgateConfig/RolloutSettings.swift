// Tollgate — TollgateConfig: `rollout_webhooks:` and `dora:`, the stored rollouts' settings.

public import Model
import Yams

/// One `rollout_webhooks` entry: where a stored rollout's decision changes are POSTed.
///
/// ```yaml
/// rollout_webhooks:
///   - http://argo-bridge:8080/tollgate          # a URL alone
///   - url: https://deploy.example.com/hooks/tollgate
///     timeout: 5s
///     max_retries: 5
///     authorization: {credentials_file: /etc/tollgate/deploy-token}
/// ```
public struct RolloutWebhookConfig: Sendable, Equatable {
    /// `url`: http or https.
    public var url: String
    /// `timeout`: per attempt (default 10s).
    public var timeout = PromDuration(milliseconds: 10_000)
    /// `max_retries`: attempts after the first, with exponential backoff from 1 s (default 3).
    public var maxRetries = 3
    /// Authentication, TLS, proxy, headers (an `http_config`'s fields).
    public var http = HTTPClientConfig()

    /// A webhook at `url` with the defaults.
    public init(url: String) { self.url = url }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        if case .scalar = node {
            url = try reader.string(node, field: field)
        } else {
            url = ""
            try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
                switch key.name {
                case "url": url = try reader.string(value, field: path)
                case "timeout": timeout = try reader.positiveDuration(value, field: path)
                case "max_retries": maxRetries = try reader.count(value, field: path)
                default: return try http.read(key, value, reader: reader, field: path)
                }
                return true
            }
            try http.complete(node, reader: reader, field: field)
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
            throw reader.error(node, field: field, "invalid webhook URL \"\(url)\"; expected an http:// or https:// URL")
        }
    }
}

/// `dora:`: the window and targets of the DORA figures computed from the stored rollouts.
///
/// ```yaml
/// dora:
///   window: 30d                  # the figures' window (GET /api/v1/dora without ?window, the tollgate_dora_* series)
///   deployments_per_day: 1       # deployment frequency target: at least this many promotions a day
///   lead_time: 30m               # lead time for changes target: at most this (commit to promotion, median)
///   time_to_restore: 5m          # time to restore target: at most this (median)
///   change_failure_rate: 0.05    # at most this share of finished rollouts rolled back
///   success_rate: 0.95           # at least this share of finished rollouts promoted
/// ```
public struct DoraConfig: Sendable, Equatable {
    /// `window` (default 30d).
    public var window = PromDuration(milliseconds: 30 * 86_400_000)
    /// `deployments_per_day` (default 1: daily deploys).
    public var deploymentsPerDay = 1.0
    /// `lead_time` (default 30m).
    public var leadTime = PromDuration(milliseconds: 30 * 60_000)
    /// `time_to_restore` (default 5m).
    public var timeToRestore = PromDuration(milliseconds: 5 * 60_000)
    /// `change_failure_rate`, a ratio in [0, 1] (default 0.05).
    public var changeFailureRate = 0.05
    /// `success_rate`, a ratio in [0, 1] (default 0.95).
    public var successRate = 0.95

    /// The defaults: the users' own targets.
    public init() {}

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "window": window = try reader.positiveDuration(value, field: path)
            case "deployments_per_day": deploymentsPerDay = try reader.number(value, field: path)
            case "lead_time": leadTime = try reader.positiveDuration(value, field: path)
            case "time_to_restore": timeToRestore = try reader.positiveDuration(value, field: path)
            case "change_failure_rate": changeFailureRate = try reader.ratio(value, field: path)
            case "success_rate": successRate = try reader.ratio(value, field: path)
            default: return false
            }
            return true
        }
        guard deploymentsPerDay >= 0 else { throw reader.error(node, field: "\(field).deployments_per_day", "must be ≥ 0") }
    }
}

extension NodeReader {
    /// A number in [0, 1].
    func ratio(_ node: Node, field: String) throws(ConfigError) -> Double {
        let value = try number(node, field: field)
        guard (0...1).contains(value) else { throw error(node, field: field, "\(value) is not a ratio between 0 and 1") }
        return value
    }
}
