// Tollgate — NotifyRender: the PagerDuty receiver's events (`notify/pagerduty`), Events API v2 and v1.

import Crypto
public import GoTemplate

/// A `pagerduty_configs` entry's rendering settings; every string is a template, and the
/// defaults are Alertmanager's.
public struct PagerDutyMessageConfig: Sendable, Equatable {
    /// An image for the incident: `src`, `alt`, `href` (templates).
    public struct Image: Sendable, Equatable {
        /// The image URL.
        public var src: String
        /// The alternative text.
        public var alt: String
        /// The link.
        public var href: String
        /// Creates an image.
        public init(src: String, alt: String = "", href: String = "") {
            self.src = src
            self.alt = alt
            self.href = href
        }
    }

    /// A link for the incident: `href`, `text` (templates).
    public struct Link: Sendable, Equatable {
        /// The link.
        public var href: String
        /// The text.
        public var text: String
        /// Creates a link.
        public init(href: String, text: String = "") {
            self.href = href
            self.text = text
        }
    }

    /// `routing_key` (Events API v2); when empty, `serviceKey` selects API v1.
    public var routingKey: String
    /// `service_key` (legacy Events API v1).
    public var serviceKey: String
    /// `client`.
    public var client = #"{{ template "pagerduty.default.client" . }}"#
    /// `client_url`.
    public var clientURL = #"{{ template "pagerduty.default.clientURL" . }}"#
    /// `description`: the v2 summary and v1 description (truncated to 1024 characters).
    public var description = #"{{ template "pagerduty.default.description" .}}"#
    /// `details`: v2 `custom_details`, v1 `details`.
    public var details: [String: String] = PagerDutyMessageConfig.defaultDetails
    /// `severity`.
    public var severity = "error"
    /// `source`; Alertmanager's default is the `client` template.
    public var source: String?
    /// `class`.
    public var `class` = ""
    /// `component`.
    public var component = ""
    /// `group`.
    public var group = ""
    /// `images`.
    public var images: [Image] = []
    /// `links`.
    public var links: [Link] = []

    /// Alertmanager 0.25's default `details`.
    public static let defaultDetails: [String: String] = [
        "firing": #"{{ template "pagerduty.default.instances" .Alerts.Firing }}"#,
        "resolved": #"{{ template "pagerduty.default.instances" .Alerts.Resolved }}"#,
        "num_firing": "{{ .Alerts.Firing | len }}",
        "num_resolved": "{{ .Alerts.Resolved | len }}",
    ]

    /// Creates settings with Alertmanager's defaults.
    /// - Parameters:
    ///   - routingKey: The v2 routing key (template).
    ///   - serviceKey: The v1 service key (template), used when `routingKey` is empty.
    public init(routingKey: String = "", serviceKey: String = "") {
        self.routingKey = routingKey
        self.serviceKey = serviceKey
    }
}

/// The event Alertmanager posts to PagerDuty for a group.
public enum PagerDutyMessage {
    /// The longest v2 summary and v1 description, in characters.
    public static let maximumSummaryLength = 1024

    /// `dedup_key` / `incident_key`: hex SHA-256 of the group key.
    /// - Parameter groupKey: The group key.
    public static func dedupKey(_ groupKey: String) -> String {
        SHA256.hash(data: Array(groupKey.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Builds the event: v2 when `routingKey` is set, else v1.
    /// - Parameters:
    ///   - config: The receiver's settings.
    ///   - data: The notification data.
    ///   - groupKey: The group key.
    ///   - templates: The template set.
    /// - Returns: The JSON document (``GoJSON/encoded`` is the exact body).
    /// - Throws: ``TemplateError`` when a field's template fails.
    public static func body(config: PagerDutyMessageConfig, data: NotificationData, groupKey: String, templates: TemplateSet) throws(TemplateError) -> GoJSON {
        let resolved = data.status == "resolved"
        var details: [String: String] = [:]
        for (key, value) in config.details { details[key] = try templates.expand(text: value, data: data) }
        let description = truncate(try templates.expand(text: config.description, data: data), maximumSummaryLength)
        if config.routingKey.isEmpty {
            var members: [GoJSON.Member] = [
                .init("service_key", .string(try templates.expand(text: config.serviceKey, data: data))),
                .init("incident_key", .string(dedupKey(groupKey))),
                .init("event_type", .string(resolved ? "resolve" : "trigger")),
                .init("description", .string(description)), .init("event_action", .string("")), .init("payload", .null),
            ]
            if !resolved {
                members.append(.init("client", .string(try templates.expand(text: config.client, data: data))))
                members.append(.init("client_url", .string(try templates.expand(text: config.clientURL, data: data))))
            }
            if !details.isEmpty { members.append(.init("details", .map(details))) }
            return .object(omittingEmpty(members, except: ["event_action", "payload"]))
        }
        var payload: [GoJSON.Member] = [
            .init("summary", .string(description)),
            .init("source", .string(try templates.expand(text: config.source ?? config.client, data: data))),
            .init("severity", .string(try templates.expand(text: config.severity, data: data))),
            .init("class", .string(try templates.expand(text: config.class, data: data))),
            .init("component", .string(try templates.expand(text: config.component, data: data))),
            .init("group", .string(try templates.expand(text: config.group, data: data))),
        ]
        payload = omittingEmpty(payload, except: ["summary", "source", "severity"])
        if !details.isEmpty { payload.append(.init("custom_details", .map(details))) }
        var images: [GoJSON] = []
        for image in config.images {
            let src = try templates.expand(text: image.src, data: data)
            if src.isEmpty { continue }
            images.append(
                .object([
                    .init("src", .string(src)), .init("alt", .string(try templates.expand(text: image.alt, data: data))),
                    .init("href", .string(try templates.expand(text: image.href, data: data))),
                ]))
        }
        var links: [GoJSON] = []
        for link in config.links {
            let href = try templates.expand(text: link.href, data: data)
            if href.isEmpty { continue }
            links.append(.object([.init("href", .string(href)), .init("text", .string(try templates.expand(text: link.text, data: data)))]))
        }
        var members: [GoJSON.Member] = [
            .init("routing_key", .string(try templates.expand(text: config.routingKey, data: data))),
            .init("dedup_key", .string(dedupKey(groupKey))),
            .init("event_action", .string(resolved ? "resolve" : "trigger")),
            .init("payload", .object(payload)),
            .init("client", .string(try templates.expand(text: config.client, data: data))),
            .init("client_url", .string(try templates.expand(text: config.clientURL, data: data))),
        ]
        members = omittingEmpty(members, except: ["event_action", "payload"])
        if !images.isEmpty { members.append(.init("images", .array(images))) }
        if !links.isEmpty { members.append(.init("links", .array(links))) }
        return .object(members)
    }

    /// Go's `omitempty` for string members.
    private static func omittingEmpty(_ members: [GoJSON.Member], except kept: Set<String>) -> [GoJSON.Member] {
        members.filter { member in kept.contains(member.key) || member.value != .string("") }
    }

    /// Alertmanager's `TruncateInRunes`: at most `n` characters, the last one `…` when cut.
    /// - Parameters:
    ///   - s: The text.
    ///   - n: The limit in Unicode scalars.
    /// - Returns: The text, shortened when longer than `n`.
    public static func truncate(_ s: String, _ n: Int) -> String {
        let scalars = Array(s.unicodeScalars)
        if scalars.count <= n { return s }
        var out = String.UnicodeScalarView()
        if n <= 3 {
            out.append(contentsOf: scalars.prefix(n))
            return String(out)
        }
        out.append(contentsOf: scalars.prefix(n - 1))
        return String(out) + "…"
    }
}
