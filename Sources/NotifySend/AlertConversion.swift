// Tollgate — NotifySend: the notifier's alerts and contexts as NotifyRender takes them
// (milliseconds and label sets in, nanoseconds and dictionaries out), converted here only.

import Model
public import Notify
public import NotifyRender

extension NotifierAlert {
    /// The alert as NotifyRender renders it: times in nanoseconds, an unset end as Go's
    /// zero time, labels and annotations as dictionaries.
    public var notificationAlert: NotificationAlert {
        NotificationAlert(
            labels: labels.dictionary, annotations: annotations.dictionary, startsAt: startsAt * 1_000_000,
            endsAt: endsAt == 0 ? nil : endsAt * 1_000_000, generatorURL: generatorURL)
    }
}

extension Labels {
    /// The label set as a dictionary, name to value.
    var dictionary: [String: String] {
        var out: [String: String] = [:]
        out.reserveCapacity(count)
        for label in self { out[label.name] = label.value }
        return out
    }
}

/// One notification as the renderers see it: the context, the alerts and the time, with
/// the template data built once.
struct RenderedGroup {
    /// Receiver, group key, group labels and external URL.
    var context: NotifyRender.NotificationContext
    /// The alerts, converted, in the order given.
    var alerts: [NotificationAlert]
    /// The flush time in nanoseconds since the epoch.
    var now: Int64
    /// The template data.
    var data: NotificationData

    init(_ context: Notify.NotificationContext, alerts: [NotifierAlert], externalURL: String) {
        self.context = NotifyRender.NotificationContext(
            receiver: context.receiver, groupKey: context.groupKey, groupLabels: context.groupLabels.dictionary, externalURL: externalURL)
        self.alerts = alerts.map(\.notificationAlert)
        now = context.now * 1_000_000
        data = self.context.data(self.alerts, now: now)
    }
}
