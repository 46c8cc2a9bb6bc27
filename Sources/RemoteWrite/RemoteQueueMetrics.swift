// Tollgate — RemoteWrite: `prometheus_remote_storage_*`, under Prometheus's names.

import CoreMetrics

/// One queue's self-metrics, labelled `remote_name` and `url` as Prometheus labels them.
struct RemoteQueueMetrics: Sendable {
    let sent: Counter
    let failed: Counter
    let retried: Counter
    let dropped: Counter
    let bytes: Counter
    let pending: Gauge
    let highestSent: Gauge
    let shards: Gauge
    let shardsMin: Gauge
    let shardsMax: Gauge
    let shardsDesired: Gauge
    let duration: Timer
    let metadataSent: Counter
    let metadataFailed: Counter

    /// The newest timestamp queued for any remote (no labels, as Prometheus's).
    static let highestTimestamp = Gauge(label: "prometheus_remote_storage_highest_timestamp_in_seconds")
    /// Log records a queue never read: the store dropped them past its log retention first.
    static let missedRecords = Counter(label: "tollgate_remote_storage_log_records_missed_total")

    init(name: String, url: String) {
        let dimensions = [("remote_name", name), ("url", url)]
        sent = Counter(label: "prometheus_remote_storage_samples_total", dimensions: dimensions)
        failed = Counter(label: "prometheus_remote_storage_samples_failed_total", dimensions: dimensions)
        retried = Counter(label: "prometheus_remote_storage_samples_retried_total", dimensions: dimensions)
        dropped = Counter(label: "prometheus_remote_storage_samples_dropped_total", dimensions: dimensions)
        bytes = Counter(label: "prometheus_remote_storage_bytes_total", dimensions: dimensions)
        pending = Gauge(label: "prometheus_remote_storage_samples_pending", dimensions: dimensions)
        highestSent = Gauge(label: "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", dimensions: dimensions)
        shards = Gauge(label: "prometheus_remote_storage_shards", dimensions: dimensions)
        shardsMin = Gauge(label: "prometheus_remote_storage_shards_min", dimensions: dimensions)
        shardsMax = Gauge(label: "prometheus_remote_storage_shards_max", dimensions: dimensions)
        shardsDesired = Gauge(label: "prometheus_remote_storage_shards_desired", dimensions: dimensions)
        duration = Timer(label: "prometheus_remote_storage_sent_batch_duration_seconds", dimensions: dimensions)
        metadataSent = Counter(label: "prometheus_remote_storage_metadata_total", dimensions: dimensions)
        metadataFailed = Counter(label: "prometheus_remote_storage_metadata_failed_total", dimensions: dimensions)
    }
}
