// Tollgate — NotifySend: the notifier's self-metrics, with Alertmanager's names and labels.

public import CoreMetrics

/// `alertmanager_notifications_total`, `alertmanager_notifications_failed_total{reason}`,
/// `alertmanager_notification_requests_total`, `alertmanager_notification_requests_failed_total`
/// and `alertmanager_notification_latency_seconds`, each by `integration`, as Alertmanager 0.27
/// counts them.
///
/// The latency histogram is a swift-metrics `Timer`; its buckets belong to the metrics
/// backend: with swift-prometheus, set
/// `factory.durationHistogramBuckets[NotificationMetrics.latencyLabel] = NotificationMetrics.latencyBuckets`.
public struct NotificationMetrics: Sendable {
    /// The latency histogram's name.
    public static let latencyLabel = "alertmanager_notification_latency_seconds"
    /// Alertmanager's latency buckets: 1, 5, 10, 15 and 20 seconds.
    public static let latencyBuckets: [Duration] = [.seconds(1), .seconds(5), .seconds(10), .seconds(15), .seconds(20)]
    /// The integrations whose series exist from the start, at zero.
    public static let integrations = ["email", "pagerduty", "slack", "webhook"]

    private let factory: any MetricsFactory

    /// Metrics made by `factory` (the bootstrapped one by default).
    public init(factory: any MetricsFactory = MetricsSystem.factory) { self.factory = factory }

    /// Creates every series of ``integrations`` at zero, as Alertmanager does at start.
    public func register() {
        for integration in Self.integrations {
            counter("alertmanager_notifications_total", integration).increment(by: 0)
            counter("alertmanager_notification_requests_total", integration).increment(by: 0)
            counter("alertmanager_notification_requests_failed_total", integration).increment(by: 0)
            for reason in FailureReason.allCases { failedCounter(integration, reason).increment(by: 0) }
            _ = Timer(label: Self.latencyLabel, dimensions: [("integration", integration)], factory: factory)
        }
    }

    /// One notification begun (the retry stage entered).
    func notification(_ integration: String) {
        counter("alertmanager_notifications_total", integration).increment()
    }

    /// One notification given up.
    func failedNotification(_ integration: String, reason: FailureReason) {
        failedCounter(integration, reason).increment()
    }

    /// One attempt made, how long it took and whether it failed.
    func request(_ integration: String, duration: Duration, failed: Bool) {
        Timer(label: Self.latencyLabel, dimensions: [("integration", integration)], factory: factory).recordNanoseconds(duration.nanoseconds)
        counter("alertmanager_notification_requests_total", integration).increment()
        if failed { counter("alertmanager_notification_requests_failed_total", integration).increment() }
    }

    private func counter(_ label: String, _ integration: String) -> Counter {
        Counter(label: label, dimensions: [("integration", integration)], factory: factory)
    }

    private func failedCounter(_ integration: String, _ reason: FailureReason) -> Counter {
        Counter(label: "alertmanager_notifications_failed_total", dimensions: [("integration", integration), ("reason", reason.rawValue)], factory: factory)
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
