// Tollgate — TollgateConfig: a `slack_configs` entry of alertmanager.yml.

public import Model
import Yams

/// One `slack_configs` entry (Alertmanager's `SlackConfig`). Text fields hold templates;
/// their defaults are Alertmanager's (`{{ template "slack.default.title" . }}`, …).
public struct SlackConfig: Sendable {
    /// An attachment field (`fields`).
    public struct Field: Sendable, Equatable {
        /// `title`, `value` (both required).
        public var title = "", value = ""
        /// `short`; nil takes `short_fields`.
        public var short: Bool?
    }

    /// A button (`actions`).
    public struct Action: Sendable, Equatable {
        /// `type`, `text` (required), `url` or `name`, `style`, `value`.
        public var type = "", text = "", url = "", style = "", name = "", value = ""
        /// `confirm`: `text`, `title`, `ok_text`, `dismiss_text`.
        public var confirm: [String: String] = [:]
    }

    /// `send_resolved` (false).
    public var sendResolved = false
    /// `api_url` / `api_url_file`; else the global `slack_api_url(_file)` (one is required).
    public var apiURL: Secret?
    /// `app_token` / `app_token_file` with `app_url` (newer Alertmanagers).
    public var appToken: Secret?
    /// `app_url`.
    public var appURL = ""
    /// `channel`.
    public var channel = ""
    /// `username`.
    public var username = #"{{ template "slack.default.username" . }}"#
    /// `color`: `danger` while firing, `good` when resolved.
    public var color = #"{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}"#
    /// `title`.
    public var title = #"{{ template "slack.default.title" . }}"#
    /// `title_link`.
    public var titleLink = #"{{ template "slack.default.titlelink" . }}"#
    /// `pretext`.
    public var pretext = #"{{ template "slack.default.pretext" . }}"#
    /// `text`.
    public var text = #"{{ template "slack.default.text" . }}"#
    /// `message_text`: top-level text, none by default.
    public var messageText = ""
    /// `fields`.
    public var fields: [Field] = []
    /// `short_fields` (false).
    public var shortFields = false
    /// `footer`.
    public var footer = #"{{ template "slack.default.footer" . }}"#
    /// `fallback`.
    public var fallback = #"{{ template "slack.default.fallback" . }}"#
    /// `callback_id`.
    public var callbackID = #"{{ template "slack.default.callbackid" . }}"#
    /// `icon_emoji`.
    public var iconEmoji = #"{{ template "slack.default.iconemoji" . }}"#
    /// `icon_url`.
    public var iconURL = #"{{ template "slack.default.iconurl" . }}"#
    /// `image_url`, `thumb_url`.
    public var imageURL = "", thumbURL = ""
    /// `link_names` (false).
    public var linkNames = false
    /// `mrkdwn_in` (`fallback`, `pretext`, `text`).
    public var mrkdwnIn = ["fallback", "pretext", "text"]
    /// `actions`.
    public var actions: [Action] = []
    /// `update_message` (false).
    public var updateMessage = false
    /// `timeout` (0: none).
    public var timeout = PromDuration(milliseconds: 0)
    /// `http_config`, nil when not given (the global one is filled in).
    public var httpConfig: HTTPClientConfig?

    /// A Slack integration with the defaults; the URL comes from `apiURL` or the globals.
    public init(apiURL: Secret?, channel: String = "") {
        self.apiURL = apiURL
        self.channel = channel
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var mrkdwnWritten: [String]?
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            let text = { () throws(ConfigError) -> String in try reader.string(value, field: path) }
            switch key.name {
            case "send_resolved": sendResolved = try reader.bool(value, field: path)
            case "api_url": _ = try reader.url(value, field: path)
            case "api_url_file", "app_token", "app_token_file": _ = try text()
            case "app_url": appURL = try reader.url(value, field: path)
            case "channel": channel = try text()
            case "username": username = try text()
            case "color": color = try text()
            case "title": title = try text()
            case "title_link": titleLink = try text()
            case "pretext": pretext = try text()
            case "text": self.text = try text()
            case "message_text": messageText = try text()
            case "short_fields": shortFields = try reader.bool(value, field: path)
            case "footer": footer = try text()
            case "fallback": fallback = try text()
            case "callback_id": callbackID = try text()
            case "icon_emoji": iconEmoji = try text()
            case "icon_url": iconURL = try text()
            case "image_url": imageURL = try text()
            case "thumb_url": thumbURL = try text()
            case "link_names": linkNames = try reader.bool(value, field: path)
            case "mrkdwn_in": mrkdwnWritten = try reader.strings(value, field: path)
            case "update_message": updateMessage = try reader.bool(value, field: path)
            case "timeout": timeout = try reader.duration(value, field: path)
            case "http_config": httpConfig = try reader.httpClientConfig(value, field: path)
            case "fields": fields = ReceiverConfig.each(value, reader: reader, field: path) { (item, p) throws(ConfigError) in try Self.field(item, reader: reader, path: p) }
            case "actions": actions = ReceiverConfig.each(value, reader: reader, field: path) { (item, p) throws(ConfigError) in try Self.action(item, reader: reader, path: p) }
            default: return false
            }
            return true
        }
        if let mrkdwnWritten { mrkdwnIn = mrkdwnWritten }
        apiURL = try reader.secret("api_url", fileKey: "api_url_file", in: node, field: field)
        appToken = try reader.secret("app_token", fileKey: "app_token_file", in: node, field: field)
        if apiURL != nil && appToken != nil {
            throw reader.error(node, field: field, "at most one of api_url/api_url_file & app_token/app_token_file must be configured")
        }
    }

    private static func field(_ node: Node, reader: NodeReader, path: String) throws(ConfigError) -> Field {
        var entry = Field()
        try reader.fields(node, field: path) { (key, value, p) throws(ConfigError) -> Bool in
            switch key.name {
            case "title": entry.title = try reader.string(value, field: p)
            case "value": entry.value = try reader.string(value, field: p)
            case "short": entry.short = try reader.bool(value, field: p)
            default: return false
            }
            return true
        }
        if entry.title.isEmpty { throw reader.error(node, field: path, "missing title in Slack field configuration") }
        if entry.value.isEmpty { throw reader.error(node, field: path, "missing value in Slack field configuration") }
        return entry
    }

    private static func action(_ node: Node, reader: NodeReader, path: String) throws(ConfigError) -> Action {
        var entry = Action()
        try reader.fields(node, field: path) { (key, value, p) throws(ConfigError) -> Bool in
            switch key.name {
            case "type": entry.type = try reader.string(value, field: p)
            case "text": entry.text = try reader.string(value, field: p)
            case "url": entry.url = try reader.string(value, field: p)
            case "style": entry.style = try reader.string(value, field: p)
            case "name": entry.name = try reader.string(value, field: p)
            case "value": entry.value = try reader.string(value, field: p)
            case "confirm": entry.confirm = try reader.stringMap(value, field: p)
            default: return false
            }
            return true
        }
        if entry.type.isEmpty { throw reader.error(node, field: path, "missing type in Slack action configuration") }
        if entry.text.isEmpty { throw reader.error(node, field: path, "missing text in Slack action configuration") }
        if entry.url.isEmpty && entry.name.isEmpty {
            throw reader.error(node, field: path, "missing name or url in Slack action configuration")
        }
        return entry
    }
}
