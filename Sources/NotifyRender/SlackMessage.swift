// Tollgate — NotifyRender: the Slack receiver's body (`notify/slack`): one attachment.

public import GoTemplate

/// A `slack_configs` entry's rendering settings; strings are templates, defaults Alertmanager's.
public struct SlackMessageConfig: Sendable, Equatable {
    /// One attachment field.
    public struct Field: Sendable, Equatable {
        /// The title (template).
        public var title: String
        /// The value (template).
        public var value: String
        /// Whether it is short; nil takes `shortFields`.
        public var short: Bool?
        /// Creates a field.
        public init(title: String, value: String, short: Bool? = nil) {
            self.title = title
            self.value = value
            self.short = short
        }
    }

    /// `channel`.
    public var channel = ""
    /// `username`.
    public var username = #"{{ template "slack.default.username" . }}"#
    /// `color`.
    public var color = #"{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}"#
    /// `title` (truncated to 1024 characters).
    public var title = #"{{ template "slack.default.title" . }}"#
    /// `title_link`.
    public var titleLink = #"{{ template "slack.default.titlelink" . }}"#
    /// `pretext`.
    public var pretext = #"{{ template "slack.default.pretext" . }}"#
    /// `text`.
    public var text = #"{{ template "slack.default.text" . }}"#
    /// `fallback`.
    public var fallback = #"{{ template "slack.default.fallback" . }}"#
    /// `callback_id`.
    public var callbackID = #"{{ template "slack.default.callbackid" . }}"#
    /// `footer`.
    public var footer = #"{{ template "slack.default.footer" . }}"#
    /// `icon_emoji`.
    public var iconEmoji = #"{{ template "slack.default.iconemoji" . }}"#
    /// `icon_url`.
    public var iconURL = #"{{ template "slack.default.iconurl" . }}"#
    /// `image_url`.
    public var imageURL = ""
    /// `thumb_url`.
    public var thumbURL = ""
    /// `link_names`.
    public var linkNames = false
    /// `short_fields`.
    public var shortFields = false
    /// `fields`.
    public var fields: [Field] = []
    /// `mrkdwn_in`; empty means `fallback`, `pretext`, `text`.
    public var mrkdwnIn: [String] = []

    /// Creates settings with Alertmanager's defaults.
    /// - Parameter channel: The channel (template), or empty.
    public init(channel: String = "") { self.channel = channel }
}

/// The body Alertmanager posts to a Slack incoming webhook.
public enum SlackMessage {
    /// Builds the body.
    /// - Parameters:
    ///   - config: The receiver's settings.
    ///   - data: The notification data.
    ///   - templates: The template set.
    /// - Returns: The JSON document (``GoJSON/encoded`` is the exact body).
    /// - Throws: ``TemplateError`` when a field's template fails.
    public static func body(config: SlackMessageConfig, data: NotificationData, templates: TemplateSet) throws(TemplateError) -> GoJSON {
        func t(_ text: String) throws(TemplateError) -> String { try templates.expand(text: text, data: data) }
        var attachment: [GoJSON.Member] = []
        func optional(_ key: String, _ value: String) {
            if !value.isEmpty { attachment.append(.init(key, .string(value))) }
        }
        optional("title", PagerDutyMessage.truncate(try t(config.title), 1024))
        optional("title_link", try t(config.titleLink))
        optional("pretext", try t(config.pretext))
        attachment.append(.init("text", .string(try t(config.text))))
        attachment.append(.init("fallback", .string(try t(config.fallback))))
        attachment.append(.init("callback_id", .string(try t(config.callbackID))))
        var fields: [GoJSON] = []
        for field in config.fields {
            fields.append(
                .object([
                    .init("title", .string(try t(field.title))), .init("value", .string(try t(field.value))),
                    .init("short", .bool(field.short ?? config.shortFields)),
                ]))
        }
        if !fields.isEmpty { attachment.append(.init("fields", .array(fields))) }
        optional("image_url", try t(config.imageURL))
        optional("thumb_url", try t(config.thumbURL))
        attachment.append(.init("footer", .string(try t(config.footer))))
        optional("color", try t(config.color))
        let markdown = config.mrkdwnIn.isEmpty ? ["fallback", "pretext", "text"] : config.mrkdwnIn
        attachment.append(.init("mrkdwn_in", .array(markdown.map { .string($0) })))

        var members: [GoJSON.Member] = []
        for (key, value) in [
            ("channel", try t(config.channel)), ("username", try t(config.username)), ("icon_emoji", try t(config.iconEmoji)),
            ("icon_url", try t(config.iconURL)),
        ] where !value.isEmpty {
            members.append(.init(key, .string(value)))
        }
        if config.linkNames { members.append(.init("link_names", .bool(true))) }
        members.append(.init("attachments", .array([.object(attachment)])))
        return .object(members)
    }
}
