// Tollgate — TollgateConfig: a `pagerduty_configs` entry of alertmanager.yml.

public import Model
import Yams

/// One `pagerduty_configs` entry (Alertmanager's `PagerdutyConfig`): Events API v2 with a
/// `routing_key`, or the legacy v1 API with a `service_key`.
public struct PagerDutyConfig: Sendable {
    /// Which key the entry has.
    public enum Key: Sendable, Equatable {
        /// `routing_key` / `routing_key_file`: Events API v2.
        case routing(Secret)
        /// `service_key` / `service_key_file`: the v1 API.
        case service(Secret)
    }

    /// An image of an event (`images`).
    public struct Image: Sendable, Equatable {
        /// `src`, `alt`, `href`.
        public var src = "", alt = "", href = ""
    }

    /// A link of an event (`links`).
    public struct Link: Sendable, Equatable {
        /// `href`, `text`.
        public var href = "", text = ""
    }

    /// The default `details`, each a template as Alertmanager writes it.
    public static let defaultDetails: [String: String] = [
        "firing": #"{{ template "pagerduty.default.instances" .Alerts.Firing }}"#,
        "resolved": #"{{ template "pagerduty.default.instances" .Alerts.Resolved }}"#,
        "num_firing": "{{ .Alerts.Firing | len }}",
        "num_resolved": "{{ .Alerts.Resolved | len }}",
    ]

    /// `send_resolved` (true).
    public var sendResolved = true
    /// The routing (v2) or service (v1) key.
    public var key: Key
    /// `url`; the global `pagerduty_url` when not given.
    public var url: String?
    /// `client` (template).
    public var client = #"{{ template "pagerduty.default.client" . }}"#
    /// `client_url` (template).
    public var clientURL = #"{{ template "pagerduty.default.clientURL" . }}"#
    /// `description` (template; the event's summary).
    public var description = #"{{ template "pagerduty.default.description" .}}"#
    /// `details`: the defaults, with the written entries over them.
    public var details = PagerDutyConfig.defaultDetails
    /// `severity` (`error`; template).
    public var severity = "error"
    /// `source`; the client when not given.
    public var source = ""
    /// `class`, `component`, `group`.
    public var `class` = "", component = "", group = ""
    /// `images`.
    public var images: [Image] = []
    /// `links`.
    public var links: [Link] = []
    /// `timeout` (0: none).
    public var timeout = PromDuration(milliseconds: 0)
    /// `http_config`, nil when not given (the global one is filled in).
    public var httpConfig: HTTPClientConfig?

    /// An Events API v2 integration with `routingKey` and the defaults.
    public init(routingKey: Secret) {
        key = .routing(routingKey)
        source = client
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        key = .routing(.inline(""))
        var written: [String: String] = [:]
        var sourceGiven = false
        try reader.fields(node, field: field) { (entry, value, path) throws(ConfigError) -> Bool in
            switch entry.name {
            case "send_resolved": sendResolved = try reader.bool(value, field: path)
            case "routing_key", "routing_key_file", "service_key", "service_key_file": _ = try reader.string(value, field: path)
            case "url": url = try reader.url(value, field: path)
            case "client": client = try reader.string(value, field: path)
            case "client_url": clientURL = try reader.string(value, field: path)
            case "description": description = try reader.string(value, field: path)
            case "details": written = try reader.stringMap(value, field: path)
            case "severity": severity = try reader.string(value, field: path)
            case "source":
                source = try reader.string(value, field: path)
                sourceGiven = !source.isEmpty
            case "class": self.class = try reader.string(value, field: path)
            case "component": component = try reader.string(value, field: path)
            case "group": group = try reader.string(value, field: path)
            case "timeout": timeout = try reader.duration(value, field: path)
            case "http_config": httpConfig = try reader.httpClientConfig(value, field: path)
            case "images":
                images = ReceiverConfig.each(value, reader: reader, field: path) { (item, itemPath) throws(ConfigError) in
                    var image = Image()
                    try reader.fields(item, field: itemPath) { (k, v, p) throws(ConfigError) -> Bool in
                        switch k.name {
                        case "src": image.src = try reader.string(v, field: p)
                        case "alt": image.alt = try reader.string(v, field: p)
                        case "href": image.href = try reader.string(v, field: p)
                        default: return false
                        }
                        return true
                    }
                    return image
                }
            case "links":
                links = ReceiverConfig.each(value, reader: reader, field: path) { (item, itemPath) throws(ConfigError) in
                    var link = Link()
                    try reader.fields(item, field: itemPath) { (k, v, p) throws(ConfigError) -> Bool in
                        switch k.name {
                        case "href": link.href = try reader.string(v, field: p)
                        case "text": link.text = try reader.string(v, field: p)
                        default: return false
                        }
                        return true
                    }
                    return link
                }
            default: return false
            }
            return true
        }
        for (name, value) in written { details[name] = value }
        if !sourceGiven { source = client }
        let routing = try reader.secret("routing_key", fileKey: "routing_key_file", in: node, field: field)
        let service = try reader.secret("service_key", fileKey: "service_key_file", in: node, field: field)
        switch (routing, service) {
        case (let routing?, _): key = .routing(routing)
        case (nil, let service?): key = .service(service)
        case (nil, nil): throw reader.error(node, field: field, "missing service or routing key in PagerDuty config")
        }
    }
}
