// Tollgate — NotifySend: the PagerDuty integration (`notify/pagerduty`): one event per group,
// Events API v2 with a routing key, the v1 API with a service key.

public import CurlHTTP
import Foundation
public import Notify
public import NotifyRender
public import TollgateConfig

/// One `pagerduty_configs` entry: `trigger` while any alert fires, `resolve` when all are
/// resolved, `dedup_key` the hex SHA-256 of the group key. Any 2xx answer (PagerDuty's is 202)
/// is success; 5xx, 429 (v2) or 403 (v1) and network errors are retried; a 400 is not, and
/// its message and errors go into the failure.
public struct PagerDutyIntegration: ClassifyingIntegration {
    /// `pagerduty`.
    public let kind = "pagerduty"
    /// The entry's position among the receiver's PagerDuty entries.
    public let index: Int
    /// The entry.
    public let config: PagerDutyConfig
    /// Where v2 events go: the entry's `url`, else the global `pagerduty_url`.
    public let eventsURL: String
    /// Where v1 events go (Alertmanager's fixed endpoint unless a test gives another).
    public let eventsV1URL: String
    private let templates: TemplateSet
    private let externalURL: String
    private let poster: JSONPoster

    /// PagerDuty's v1 endpoint.
    public static let defaultV1URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json"
    /// The largest encoded event; past it, the details are replaced by a note.
    public static let maxEventSize = 512_000

    /// `send_resolved`.
    public var sendResolved: Bool { config.sendResolved }

    /// Creates the integration.
    /// - Parameters:
    ///   - config: The `pagerduty_configs` entry.
    ///   - index: Its position among the receiver's PagerDuty entries.
    ///   - templates: The notification templates.
    ///   - externalURL: Alertmanager's external URL.
    ///   - client: The HTTP client to post with.
    ///   - defaultURL: The v2 URL when the entry has none (the global `pagerduty_url`).
    ///   - v1URL: The v1 URL.
    public init(
        config: PagerDutyConfig, index: Int, templates: TemplateSet, externalURL: String, client: HTTPClient,
        defaultURL: String = AlertmanagerGlobal().pagerdutyURL, v1URL: String = PagerDutyIntegration.defaultV1URL
    ) {
        self.config = config
        self.index = index
        self.templates = templates
        self.externalURL = externalURL
        eventsURL = config.url ?? defaultURL
        eventsV1URL = v1URL
        poster = JSONPoster(client: client)
    }

    /// The rendering settings of the entry, with its key read.
    func messageConfig(key: String) -> PagerDutyMessageConfig {
        var message: PagerDutyMessageConfig
        switch config.key {
        case .routing: message = PagerDutyMessageConfig(routingKey: key)
        case .service: message = PagerDutyMessageConfig(serviceKey: key)
        }
        message.client = config.client
        message.clientURL = config.clientURL
        message.description = config.description
        message.details = config.details
        message.severity = config.severity
        message.source = config.source.isEmpty ? nil : config.source
        message.class = config.class
        message.component = config.component
        message.group = config.group
        message.images = config.images.map { PagerDutyMessageConfig.Image(src: $0.src, alt: $0.alt, href: $0.href) }
        message.links = config.links.map { PagerDutyMessageConfig.Link(href: $0.href, text: $0.text) }
        return message
    }

    /// Posts the group's event once.
    public func attempt(_ context: Notify.NotificationContext, alerts: [NotifierAlert]) async -> Result<Void, SendFailure> {
        let group = RenderedGroup(context, alerts: alerts, externalURL: externalURL)
        let v1: Bool
        let key: String
        do {
            switch config.key {
            case .routing(let secret): (v1, key) = (false, try secret.read())
            case .service(let secret): (v1, key) = (true, try secret.read())
            }
        } catch {
            return .failure(SendFailure("\(error)", retry: false))
        }
        var message = messageConfig(key: key)
        var body: String
        do {
            var event = try PagerDutyMessage.body(config: message, data: group.data, groupKey: context.groupKey, templates: templates)
            if event[v1 ? "service_key" : "routing_key"] == nil {
                return .failure(SendFailure("\(v1 ? "service" : "routing") key cannot be empty", retry: false))
            }
            body = event.encoded
            if body.utf8.count > Self.maxEventSize {
                message.details = ["error": "Custom details have been removed because the original event exceeds the maximum size of 512kB"]
                event = try PagerDutyMessage.body(config: message, data: group.data, groupKey: context.groupKey, templates: templates)
                body = event.encoded
            }
        } catch {
            return .failure(SendFailure("failed to template PagerDuty \(v1 ? "v1" : "v2") message: \(error)", retry: false))
        }
        let url = v1 ? eventsV1URL : eventsURL
        switch await poster.post(body, to: url, httpConfig: config.httpConfig ?? HTTPClientConfig(), timeout: config.timeout) {
        case .failure(var failure):
            failure.message = "failed to post message to PagerDuty: \(failure.message)"
            return .failure(failure)
        case .success(let response):
            if let failure = JSONPoster.check(response, retryCodes: v1 ? [403] : [429], details: Self.errorDetails) { return .failure(failure) }
            return .success(())
        }
    }

    /// Alertmanager's `errDetails`: for a 400, PagerDuty's `message` and `errors`; else nothing.
    static func errorDetails(_ response: HTTPClient.Response) -> String {
        guard response.status == 400,
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else { return "" }
        let errors = (object["errors"] as? [Any] ?? []).map { "\($0)" }
        return "\(object["message"] as? String ?? ""): \(errors.joined(separator: ","))"
    }
}
