// Tollgate — NotifySend: the Slack integration (`notify/slack`): one attachment, posted to an
// incoming webhook (or chat.postMessage with an app token).

public import CurlHTTP
import Foundation
import Model
public import Notify
public import NotifyRender
public import TollgateConfig

/// One `slack_configs` entry. Success is a 2xx answer whose body is exactly `ok` (an
/// incoming webhook's answer) or, for a JSON answer, `"ok": true` (the Web API's). As in
/// Alertmanager, only 5xx answers and network errors are retried: a 429 is not.
public struct SlackIntegration: ClassifyingIntegration {
    /// `slack`.
    public let kind = "slack"
    /// The entry's position among the receiver's Slack entries.
    public let index: Int
    /// The entry (its `api_url` filled from the globals).
    public let config: SlackConfig
    private let templates: TemplateSet
    private let externalURL: String
    private let poster: JSONPoster

    /// The Web API method an app token posts to when `app_url` is not given.
    public static let defaultAppURL = "https://slack.com/api/chat.postMessage"

    /// `send_resolved`.
    public var sendResolved: Bool { config.sendResolved }

    /// Creates the integration.
    /// - Parameters:
    ///   - config: The `slack_configs` entry.
    ///   - index: Its position among the receiver's Slack entries.
    ///   - templates: The notification templates.
    ///   - externalURL: Alertmanager's external URL.
    ///   - client: The HTTP client to post with.
    public init(config: SlackConfig, index: Int, templates: TemplateSet, externalURL: String, client: HTTPClient) {
        self.config = config
        self.index = index
        self.templates = templates
        self.externalURL = externalURL
        poster = JSONPoster(client: client)
    }

    /// The rendering settings of the entry.
    var messageConfig: SlackMessageConfig {
        var message = SlackMessageConfig(channel: config.channel)
        message.username = config.username
        message.color = config.color
        message.title = config.title
        message.titleLink = config.titleLink
        message.pretext = config.pretext
        message.text = config.text
        message.fallback = config.fallback
        message.callbackID = config.callbackID
        message.footer = config.footer
        message.iconEmoji = config.iconEmoji
        message.iconURL = config.iconURL
        message.imageURL = config.imageURL
        message.thumbURL = config.thumbURL
        message.linkNames = config.linkNames
        message.shortFields = config.shortFields
        message.fields = config.fields.map { SlackMessageConfig.Field(title: $0.title, value: $0.value, short: $0.short) }
        message.mrkdwnIn = config.mrkdwnIn
        return message
    }

    /// Posts the group's alerts once.
    public func attempt(_ context: Notify.NotificationContext, alerts: [NotifierAlert]) async -> Result<Void, SendFailure> {
        let group = RenderedGroup(context, alerts: alerts, externalURL: externalURL)
        let body: String, channel: String
        do {
            body = try SlackMessage.body(config: messageConfig, data: group.data, templates: templates).encoded
            channel = try templates.expand(text: config.channel, data: group.data)
        } catch {
            return .failure(SendFailure("\(error)", retry: false))
        }
        var url: String
        var headers: [(name: String, value: String)] = []
        do {
            if let apiURL = config.apiURL {
                url = try apiURL.read()
            } else if let token = config.appToken {
                url = config.appURL.isEmpty ? Self.defaultAppURL : config.appURL
                headers.append(("Authorization", "Bearer \(try token.read())"))
            } else {
                return .failure(SendFailure("no Slack API URL set", retry: false))
            }
        } catch {
            return .failure(SendFailure("\(error)", retry: false))
        }
        url = url.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "channel \(GoString.quote(channel)): "
        switch await poster.post(body, to: url, httpConfig: config.httpConfig ?? HTTPClientConfig(), timeout: config.timeout, headers: headers) {
        case .failure(let failure): return .failure(failure)
        case .success(let response):
            if var failure = JSONPoster.check(response) {
                failure.message = prefix + failure.message
                return .failure(failure)
            }
            if var failure = Self.checkBody(response) {
                failure.message = prefix + failure.message
                return .failure(failure)
            }
            return .success(())
        }
    }

    /// Alertmanager's `checkResponseError`: a JSON answer must have `"ok": true`, any other
    /// must be exactly `ok`.
    static func checkBody(_ response: HTTPClient.Response) -> SendFailure? {
        let text = String(decoding: response.body, as: UTF8.self)
        if response.header("content-type")?.hasPrefix("application/json") == true {
            guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
                return SendFailure("could not unmarshal JSON response \(GoString.quote(text))", retry: true)
            }
            if object["ok"] as? Bool == true { return nil }
            return SendFailure("error response from Slack: \(object["error"] as? String ?? "")", retry: false, reason: .clientError)
        }
        if response.body == Array("ok".utf8) { return nil }
        return SendFailure("received an error response from Slack: \(text)", retry: false, reason: .clientError)
    }
}
