// Tollgate — Notifier: Alertmanager's own metrics, under its names, so its dashboards work.

import CoreMetrics
import Notify

/// `alertmanager_alerts`, `alertmanager_alerts_received_total`,
/// `alertmanager_alerts_invalid_total` and `alertmanager_silences`, named and meant as
/// Alertmanager's (the integrations' `alertmanager_notifications_*` come from the senders).
enum NotifierMetrics {
    static let invalid = Counter(label: "alertmanager_alerts_invalid_total")
    static let receivedFiring = Counter(label: "alertmanager_alerts_received_total", dimensions: [("status", "firing")])
    static let receivedResolved = Counter(label: "alertmanager_alerts_received_total", dimensions: [("status", "resolved")])

    static func register() {
        invalid.increment(by: 0)
        receivedFiring.increment(by: 0)
        receivedResolved.increment(by: 0)
    }

    /// Counts alerts as received, by whether they are firing at `now`.
    static func received(_ alerts: [NotifierAlert], now: Int64, invalid count: Int) {
        let firing = alerts.count(where: { !$0.resolved(at: now) })
        if firing > 0 { receivedFiring.increment(by: firing) }
        if alerts.count > firing { receivedResolved.increment(by: alerts.count - firing) }
        if count > 0 { invalid.increment(by: count) }
    }

    /// Records how many alerts are in each state and silences in each state.
    static func record(alerts: [AlertStatus.State: Int], silences: [Silence.State: Int]) {
        for state in [AlertStatus.State.active, .suppressed, .unprocessed] {
            Gauge(label: "alertmanager_alerts", dimensions: [("state", state.rawValue)]).record(alerts[state] ?? 0)
        }
        for state in [Silence.State.active, .pending, .expired] {
            Gauge(label: "alertmanager_silences", dimensions: [("state", state.rawValue)]).record(silences[state] ?? 0)
        }
    }
}
