// Tollgate — TSDB: the metrics of compaction, retention and storage size.

import CoreMetrics
import Storage

/// Compaction, retention and size metrics with Prometheus's names and meaning.
enum HousekeepingMetrics {
    /// Compactions that merged chunks into blocks.
    static let compactions = Counter(label: "prometheus_tsdb_compactions_total")
    /// Compactions that failed.
    static let compactionsFailed = Counter(label: "prometheus_tsdb_compactions_failed_total")
    /// How long compactions took (a histogram).
    static let compactionDuration = Timer(label: "prometheus_tsdb_compaction_duration_seconds")
    /// Rounds in which time retention deleted data.
    static let timeRetentions = Counter(label: "prometheus_tsdb_time_retentions_total")
    /// Rounds in which size retention deleted data.
    static let sizeRetentions = Counter(label: "prometheus_tsdb_size_retentions_total")
    /// The size retention (0: none).
    static let retentionLimit = Gauge(label: "prometheus_tsdb_retention_limit_bytes")
    /// Bytes of sample data stored.
    static let blocksBytes = Gauge(label: "prometheus_tsdb_storage_blocks_bytes")
    /// The oldest sample's time, in seconds.
    static let lowestTimestamp = Gauge(label: "prometheus_tsdb_lowest_timestamp_seconds")
    /// The newest sample's time, in seconds.
    static let headMaxTime = Gauge(label: "prometheus_tsdb_head_max_time_seconds")

    /// Makes every family appear (at zero) before anything happened.
    static func register(retentionSize: Int64) {
        for counter in [compactions, compactionsFailed, timeRetentions, sizeRetentions] { counter.increment(by: 0) }
        retentionLimit.record(retentionSize)
        _ = [blocksBytes, lowestTimestamp, headMaxTime]
        _ = compactionDuration
    }

    /// Records one compaction's duration.
    static func recordCompaction(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        compactionDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Records the store's size and time range.
    static func record(_ stats: TSDBStats) {
        blocksBytes.record(stats.dataBytes)
        if let minTime = stats.minTime { lowestTimestamp.record(Double(minTime) / 1000) }
        recordHead(maxTime: stats.maxTime)
    }

    /// Records the newest sample's time.
    static func recordHead(maxTime: Int64?) {
        if let maxTime { headMaxTime.record(Double(maxTime) / 1000) }
    }
}
