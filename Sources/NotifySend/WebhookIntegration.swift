// Tollgate — NotifySend: the webhook integration (`notify/webhook`): the v4 JSON body, posted.

public import CurlHTTP
public import Notify
import NotifyRender
public import TollgateConfig

/// One `webhook_configs` entry: posts Alertmanager's version 4 body (at most `max_alerts`
/// alerts, the rest counted in `truncatedAlerts`) with the entry's `http_config`, HTTP/1.1
/// only as Alertmanager does. A 2xx answer is success; 5xx and network errors are retried,
/// other statuses are not.
///
/// ```swift
/// let webhook = WebhookIntegration(config: WebhookConfig(url: .inline("http://hook/")), index: 0,
///                                  externalURL: "http://am:9093", client: client)
/// let outcome = await webhook.send(context, alerts: alerts)
/// ```
public struct WebhookIntegration: ClassifyingIntegration {
    /// `webhook`.
    public let kind = "webhook"
    /// The entry's position among the receiver's webhooks.
    public let index: Int
    /// The entry.
    public let config: WebhookConfig
    /// Alertmanager's external URL, as the body gives it.
    public let externalURL: String
    private let poster: JSONPoster

    /// `send_resolved`.
    public var sendResolved: Bool { config.sendResolved }

    /// Creates the integration.
    /// - Parameters:
    ///   - config: The `webhook_configs` entry (its `http_config` nil means none).
    ///   - index: Its position among the receiver's webhooks.
    ///   - externalURL: Alertmanager's external URL.
    ///   - client: The HTTP client to post with.
    public init(config: WebhookConfig, index: Int, externalURL: String, client: HTTPClient) {
        self.config = config
        self.index = index
        self.externalURL = externalURL
        poster = JSONPoster(client: client)
    }

    /// Posts the group's alerts once.
    public func attempt(_ context: Notify.NotificationContext, alerts: [NotifierAlert]) async -> Result<Void, SendFailure> {
        let group = RenderedGroup(context, alerts: alerts, externalURL: externalURL)
        let body = WebhookMessage.body(config: .init(maxAlerts: config.maxAlerts), context: group.context, alerts: group.alerts, now: group.now)
        let url: String
        do {
            url = try config.url.read()
        } catch {
            return .failure(SendFailure("read url_file: \(error)", retry: false))
        }
        let posted = await poster.post(body.encoded, to: url, httpConfig: config.httpConfig ?? HTTPClientConfig(), timeout: config.timeout, http2: false)
        switch posted {
        case .failure(let failure): return .failure(failure)
        case .success(let response):
            if let failure = JSONPoster.check(response) { return .failure(failure) }
            return .success(())
        }
    }
}
