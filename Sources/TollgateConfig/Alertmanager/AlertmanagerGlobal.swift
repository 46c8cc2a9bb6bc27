// Tollgate — TollgateConfig: alertmanager.yml's `global` section.

public import Model
import Yams

/// alertmanager.yml's `global` section: defaults the receivers take when they leave a
/// field unset (Alertmanager's `GlobalConfig`).
public struct AlertmanagerGlobal: Sendable, Equatable {
    /// `resolve_timeout` (5m): the end of an alert posted without `endsAt`.
    public var resolveTimeout = PromDuration(milliseconds: 300_000)
    /// `http_config`: the HTTP client of every receiver that has none of its own.
    public var httpConfig = HTTPClientConfig()
    /// `smtp_from`.
    public var smtpFrom = ""
    /// `smtp_hello` (`localhost`).
    public var smtpHello = "localhost"
    /// `smtp_smarthost` (`host:port`), empty when unset.
    public var smtpSmarthost = ""
    /// `smtp_auth_username`.
    public var smtpAuthUsername = ""
    /// `smtp_auth_password` or `smtp_auth_password_file`.
    public var smtpAuthPassword: Secret?
    /// `smtp_auth_secret` or `smtp_auth_secret_file` (CRAM-MD5).
    public var smtpAuthSecret: Secret?
    /// `smtp_auth_identity`.
    public var smtpAuthIdentity = ""
    /// `smtp_require_tls` (true).
    public var smtpRequireTLS = true
    /// `smtp_tls_config`.
    public var smtpTLSConfig = HTTPClientConfig.TLS()
    /// `slack_api_url` or `slack_api_url_file`.
    public var slackAPIURL: Secret?
    /// `pagerduty_url` (`https://events.pagerduty.com/v2/enqueue`).
    public var pagerdutyURL = "https://events.pagerduty.com/v2/enqueue"

    /// The defaults.
    public init() {}

    /// Globals of receivers this version does not send to: read, so a file written for
    /// Alertmanager loads, and otherwise unused.
    static let otherIntegrationFields: Set<String> = [
        "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url", "wechat_api_secret",
        "wechat_api_corp_id", "victorops_api_url", "victorops_api_key", "victorops_api_key_file", "telegram_api_url",
        "webex_api_url", "jira_api_url", "rocketchat_api_url", "rocketchat_token", "rocketchat_token_file",
        "rocketchat_token_id", "rocketchat_token_id_file",
    ]

    init(_ node: Node, reader: NodeReader) throws(ConfigError) {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return }
        let field = "global"
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "resolve_timeout": resolveTimeout = try reader.duration(value, field: path)
            case "http_config": httpConfig = try reader.httpClientConfig(value, field: path)
            case "smtp_from": smtpFrom = try reader.string(value, field: path)
            case "smtp_hello": smtpHello = try reader.string(value, field: path)
            case "smtp_smarthost": smtpSmarthost = try reader.hostPort(value, field: path)
            case "smtp_auth_username": smtpAuthUsername = try reader.string(value, field: path)
            case "smtp_auth_identity": smtpAuthIdentity = try reader.string(value, field: path)
            case "smtp_require_tls": smtpRequireTLS = try reader.bool(value, field: path)
            case "smtp_tls_config": smtpTLSConfig = try HTTPClientConfig.tls(value, reader: reader, field: path)
            case "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_secret_file": _ = try reader.string(value, field: path)
            case "slack_api_url": _ = try reader.url(value, field: path)
            case "slack_api_url_file": _ = try reader.string(value, field: path)
            case "pagerduty_url": pagerdutyURL = try reader.url(value, field: path)
            case let name where Self.otherIntegrationFields.contains(name): _ = try reader.string(value, field: path)
            default: return false
            }
            return true
        }
        reader.attempt { () throws(ConfigError) in
            smtpAuthPassword = try reader.secret("smtp_auth_password", fileKey: "smtp_auth_password_file", in: node, field: field)
        }
        reader.attempt { () throws(ConfigError) in
            smtpAuthSecret = try reader.secret("smtp_auth_secret", fileKey: "smtp_auth_secret_file", in: node, field: field)
        }
        reader.attempt { () throws(ConfigError) in
            slackAPIURL = try reader.secret("slack_api_url", fileKey: "slack_api_url_file", in: node, field: field)
        }
    }
}
