// Tollgate — AlertDispatch: the notification metrics, with Prometheus's names.

import CoreMetrics

/// `prometheus_notifications_*`, named and meant as Prometheus's notifier's.
enum DispatchMetrics {
    static let droppedCounter = Counter(label: "prometheus_notifications_dropped_total")
    static let discoveredGauge = Gauge(label: "prometheus_notifications_alertmanagers_discovered")

    static func register(capacity: Int) {
        droppedCounter.increment(by: 0)
        discoveredGauge.record(0)
        Gauge(label: "prometheus_notifications_queue_capacity").record(capacity)
    }

    static func discovered(_ count: Int) { discoveredGauge.record(count) }

    static func dropped(_ count: Int) { if count > 0 { droppedCounter.increment(by: count) } }

    static func sent(_ url: String, count: Int, seconds: Duration) {
        Counter(label: "prometheus_notifications_sent_total", dimensions: [("alertmanager", url)]).increment(by: count)
        Counter(label: "prometheus_notifications_errors_total", dimensions: [("alertmanager", url)]).increment(by: 0)
        let parts = seconds.components
        Timer(label: "prometheus_notifications_latency_seconds", dimensions: [("alertmanager", url)]).recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }

    static func failed(_ url: String, count: Int) {
        Counter(label: "prometheus_notifications_sent_total", dimensions: [("alertmanager", url)]).increment(by: count)
        Counter(label: "prometheus_notifications_errors_total", dimensions: [("alertmanager", url)]).increment(by: count)
    }
}
