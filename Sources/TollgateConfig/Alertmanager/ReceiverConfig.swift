// Tollgate — TollgateConfig: a receiver of alertmanager.yml and its webhook integration.

public import Model
import Yams

/// One entry of `receivers`: a name and the integrations notified through it.
///
/// Webhook, Slack, PagerDuty and email are read with every field and Alertmanager's
/// defaults; the globals are filled in by ``AlertmanagerFile`` as Alertmanager fills them.
/// Other kinds (`opsgenie_configs`, `msteams_configs`, …) are refused in one error that
/// names each.
public struct ReceiverConfig: Sendable {
    /// `name` (unique, required).
    public var name: String
    /// `webhook_configs`.
    public var webhookConfigs: [WebhookConfig] = []
    /// `slack_configs`.
    public var slackConfigs: [SlackConfig] = []
    /// `pagerduty_configs`.
    public var pagerdutyConfigs: [PagerDutyConfig] = []
    /// `email_configs`.
    public var emailConfigs: [EmailConfig] = []
    /// Where the receiver is written.
    public var line: Int?

    /// A receiver without integrations (alerts routed to it go nowhere).
    public init(name: String) { self.name = name }

    /// The integration kinds Alertmanager has that this version does not send to.
    static let otherKinds: Set<String> = [
        "discord_configs", "incidentio_configs", "opsgenie_configs", "wechat_configs", "pushover_configs",
        "victorops_configs", "sns_configs", "telegram_configs", "webex_configs", "msteams_configs",
        "msteamsv2_configs", "jira_configs", "rocketchat_configs", "mattermost_configs",
    ]

    /// Reads a receiver; the kinds this version lacks are added to `unsupported` as
    /// `receiver "name": kind` (with the key's line), for one error about all of them.
    init(_ node: Node, reader: NodeReader, field: String, unsupported: inout [(String, Node)]) throws(ConfigError) {
        self.name = ""
        line = node.mark?.line
        var name: String?
        var others: [(String, Node)] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "webhook_configs":
                webhookConfigs = Self.each(value, reader: reader, field: path) { (item, itemPath) throws(ConfigError) in
                    try WebhookConfig(item, reader: reader, field: itemPath)
                }
            case "slack_configs":
                slackConfigs = Self.each(value, reader: reader, field: path) { (item, itemPath) throws(ConfigError) in
                    try SlackConfig(item, reader: reader, field: itemPath)
                }
            case "pagerduty_configs":
                pagerdutyConfigs = Self.each(value, reader: reader, field: path) { (item, itemPath) throws(ConfigError) in
                    try PagerDutyConfig(item, reader: reader, field: itemPath)
                }
            case "email_configs":
                emailConfigs = Self.each(value, reader: reader, field: path) { (item, itemPath) throws(ConfigError) in
                    try EmailConfig(item, reader: reader, field: itemPath)
                }
            case let kind where Self.otherKinds.contains(kind):
                if !(try reader.sequence(value, field: path)).isEmpty { others.append((kind, key.node)) }
            default: return false
            }
            return true
        }
        guard let name, !name.isEmpty else { throw reader.error(node, field: field, "missing name in receiver") }
        self.name = name
        unsupported += others.map { ("receiver \"\(name)\": \($0.0)", $0.1) }
    }

    /// The entries of a list, each read by `read`; an entry's problem is recorded and the
    /// next entry read.
    static func each<Entry>(
        _ node: Node, reader: NodeReader, field: String, _ read: (Node, String) throws(ConfigError) -> Entry
    ) -> [Entry] {
        var entries: [Entry] = []
        guard let items = reader.attempt({ () throws(ConfigError) in try reader.sequence(node, field: field) }) else { return [] }
        for (index, item) in items.enumerated() {
            if let entry = reader.attempt({ () throws(ConfigError) in try read(item, "\(field)[\(index)]") }) { entries.append(entry) }
        }
        return entries
    }
}

/// One `webhook_configs` entry (Alertmanager's `WebhookConfig`).
public struct WebhookConfig: Sendable {
    /// `send_resolved` (true).
    public var sendResolved = true
    /// `url` or `url_file` (one is required).
    public var url: Secret
    /// `max_alerts` (0: all): alerts past it are left out and counted in `truncatedAlerts`.
    public var maxAlerts = 0
    /// `timeout` (0: none; capped by the group's interval).
    public var timeout = PromDuration(milliseconds: 0)
    /// `http_config`, nil when not given (the global one is filled in).
    public var httpConfig: HTTPClientConfig?

    /// A webhook to `url` with the defaults.
    public init(url: Secret) { self.url = url }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var sendResolved = true, maxAlerts = 0, timeout = PromDuration(milliseconds: 0)
        var http: HTTPClientConfig?
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "send_resolved": sendResolved = try reader.bool(value, field: path)
            case "url": _ = try reader.url(value, field: path)
            case "url_file": _ = try reader.string(value, field: path)
            case "max_alerts": maxAlerts = try reader.count(value, field: path)
            case "timeout": timeout = try reader.duration(value, field: path)
            case "http_config": http = try reader.httpClientConfig(value, field: path)
            default: return false
            }
            return true
        }
        guard let url = try reader.secret("url", fileKey: "url_file", in: node, field: field) else {
            throw reader.error(node, field: field, "one of url or url_file must be configured")
        }
        self.url = url
        self.sendResolved = sendResolved
        self.maxAlerts = maxAlerts
        self.timeout = timeout
        httpConfig = http
    }
}
