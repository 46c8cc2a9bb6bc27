// Tollgate — NotifyRender: the webhook receiver's body (`notify/webhook`, payload version 4).

/// Where a notification comes from: the receiver, the group and the Alertmanager.
public struct NotificationContext: Sendable, Equatable {
    /// The receiver's name.
    public var receiver: String
    /// The group key (`{}/{severity="critical"}:{alertname="X"}`).
    public var groupKey: String
    /// The group's labels.
    public var groupLabels: [String: String]
    /// Alertmanager's external URL.
    public var externalURL: String

    /// Creates a context.
    /// - Parameters:
    ///   - receiver: The receiver's name.
    ///   - groupKey: The group key.
    ///   - groupLabels: The group's labels.
    ///   - externalURL: The external URL.
    public init(receiver: String, groupKey: String, groupLabels: [String: String], externalURL: String) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.externalURL = externalURL
    }

    /// The template data for `alerts` at `now` (nanoseconds since the epoch).
    /// - Parameters:
    ///   - alerts: The alerts of the notification.
    ///   - now: The time deciding each alert's status.
    public func data(_ alerts: [NotificationAlert], now: Int64) -> NotificationData {
        NotificationData(receiver: receiver, groupLabels: groupLabels, alerts: alerts, externalURL: externalURL, now: now)
    }
}

/// A `webhook_configs` entry's rendering settings.
public struct WebhookMessageConfig: Sendable, Equatable {
    /// `max_alerts`: at most this many alerts are sent (0: all); the rest are counted in `truncatedAlerts`.
    public var maxAlerts: Int

    /// Creates the settings.
    /// - Parameter maxAlerts: `max_alerts`, 0 for all.
    public init(maxAlerts: Int = 0) { self.maxAlerts = maxAlerts }
}

/// The webhook body Alertmanager posts: `template.Data` plus `version`, `groupKey`, `truncatedAlerts`.
public enum WebhookMessage {
    /// Builds the body.
    /// - Parameters:
    ///   - config: The receiver's settings.
    ///   - context: Receiver, group and external URL.
    ///   - alerts: The alerts, in notification order.
    ///   - now: The time deciding each alert's status, nanoseconds since the epoch.
    /// - Returns: The JSON document (``GoJSON/encoded`` is the exact body).
    public static func body(config: WebhookMessageConfig = .init(), context: NotificationContext, alerts: [NotificationAlert], now: Int64) -> GoJSON {
        var kept = alerts
        var truncated = 0
        if config.maxAlerts > 0, alerts.count > config.maxAlerts {
            kept = Array(alerts.prefix(config.maxAlerts))
            truncated = alerts.count - config.maxAlerts
        }
        let data = context.data(kept, now: now)
        return .object(data.jsonMembers + [.init("version", .string("4")), .init("groupKey", .string(context.groupKey)), .init("truncatedAlerts", .int(truncated))])
    }
}

extension NotificationData {
    /// The data's JSON members, in `template.Data`'s field order.
    var jsonMembers: [GoJSON.Member] {
        [
            .init("receiver", .string(receiver)), .init("status", .string(status)), .init("alerts", .array(alerts.map(\.json))),
            .init("groupLabels", .map(groupLabels)), .init("commonLabels", .map(commonLabels)),
            .init("commonAnnotations", .map(commonAnnotations)), .init("externalURL", .string(externalURL)),
        ]
    }
}

extension NotificationData.Alert {
    /// The alert as `template.Alert` marshals.
    public var json: GoJSON {
        .object([
            .init("status", .string(status)), .init("labels", .map(labels)), .init("annotations", .map(annotations)),
            .init("startsAt", .time(startsAt)), .init("endsAt", .time(endsAt)), .init("generatorURL", .string(generatorURL)),
            .init("fingerprint", .string(fingerprint)),
        ])
    }
}
