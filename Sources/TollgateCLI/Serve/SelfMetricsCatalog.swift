// Tollgate — HELP texts, histogram buckets and summary quantiles of Tollgate's own families.

/// What each family Tollgate records through swift-metrics is, by name: its HELP text
/// (Prometheus's own where the family is Prometheus's), its histogram buckets, and
/// whether it is a summary. Modules below the CLI record with swift-metrics alone;
/// this table is applied when ``SelfMetricsFactory`` makes their handlers.
enum SelfMetricsCatalog {
    /// HELP text by family name.
    static let help: [String: String] = [
        // Storage (TSDB).
        "prometheus_tsdb_head_series": "Total number of series in the head block.",
        "prometheus_tsdb_head_samples_appended_total": "Total number of appended samples.",
        "prometheus_tsdb_head_out_of_order_samples_appended_total": "Total number of appended out of order samples.",
        "prometheus_tsdb_out_of_order_samples_total": "Total number of out of order samples ingestion failed attempts due to out of order being disabled.",
        "prometheus_tsdb_compactions_total": "Total number of compactions that were executed for the partition.",
        "prometheus_tsdb_compactions_failed_total": "Total number of compactions that failed for the partition.",
        "prometheus_tsdb_compaction_duration_seconds": "Duration of compaction runs",
        "prometheus_tsdb_storage_blocks_bytes": "The number of bytes that are currently used for local storage by all blocks.",
        "prometheus_tsdb_size_retentions_total": "The number of times that blocks were deleted because the maximum number of bytes was exceeded.",
        "prometheus_tsdb_time_retentions_total": "The number of times that blocks were deleted because the maximum time limit was exceeded.",
        "prometheus_tsdb_retention_limit_bytes": "Max number of bytes to be retained in the tsdb blocks, configured 0 means disabled",
        "prometheus_tsdb_lowest_timestamp_seconds": "Lowest timestamp value stored in the database.",
        "prometheus_tsdb_head_max_time_seconds": "Maximum timestamp of the head block.",
        "tollgate_tsdb_samples_rejected_total": "Samples a commit dropped as out of order or as a duplicate timestamp with a different value.",
        "tollgate_tsdb_write_failures_total": "Writes to the store that failed (its batch not stored), by reason: disk_full, io_error, other.",
        // Scraping and discovery.
        "prometheus_target_interval_length_seconds": "Actual intervals between scrapes.",
        "prometheus_target_scrapes_exceeded_sample_limit_total": "Total number of scrapes that hit the sample limit and were rejected.",
        "prometheus_target_scrapes_exceeded_body_size_limit_total": "Total number of scrapes that hit the body size limit",
        "prometheus_target_scrapes_sample_out_of_order_total": "Total number of samples rejected due to not being out of the expected order.",
        "prometheus_target_scrapes_sample_duplicate_timestamp_total": "Total number of samples rejected due to duplicate timestamps but different values.",
        "prometheus_target_scrape_pool_exceeded_label_limits_total": "Total number of times scrape pools hit the label limits, during sync or config reload.",
        "prometheus_target_scrape_pool_targets": "Current number of targets in this scrape pool.",
        "prometheus_target_scrape_pools_total": "Total number of scrape pool creation attempts.",
        "prometheus_sd_discovered_targets": "Current number of discovered targets.",
        "tollgate_target_scrapes_failed_total": "Scrapes that failed (the target's up was 0), by scrape job.",
        "tollgate_target_scrapes_exceeded_target_limit_total": "Scrapes failed because their job had more targets than its target_limit.",
        "prometheus_target_scrape_pool_exceeded_target_limit_total": "Total number of times scrape pools hit the target limit, during sync or config reload.",
        // Queries.
        "prometheus_engine_query_duration_seconds": "Query timings",
        "prometheus_engine_queries": "The current number of queries being executed or waiting.",
        "prometheus_engine_queries_concurrent_max": "The max number of concurrent queries.",
        "tollgate_http_api_rejected_requests_total": "API requests refused by a limit (body size, queue, timeout, samples, alerts, silences, rollouts), by reason.",
        // Remote write (docs/scale-out.md).
        "prometheus_remote_storage_samples_total": "Total number of samples sent to remote storage.",
        "prometheus_remote_storage_samples_failed_total": "Total number of samples which failed on send to remote storage, non-recoverable errors.",
        "prometheus_remote_storage_samples_retried_total": "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.",
        "prometheus_remote_storage_samples_dropped_total": "Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.",
        "prometheus_remote_storage_samples_pending": "The number of samples pending in the queues shards to be sent to the remote storage.",
        "prometheus_remote_storage_bytes_total": "The total number of bytes of data (not metadata) sent by the queue after compression.",
        "prometheus_remote_storage_queue_highest_sent_timestamp_seconds": "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.",
        "prometheus_remote_storage_highest_timestamp_in_seconds": "Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.",
        "prometheus_remote_storage_sent_batch_duration_seconds": "Duration of send calls to the remote storage.",
        "prometheus_remote_storage_shards": "The number of shards used for parallel sending to the remote storage.",
        "prometheus_remote_storage_shards_min": "The minimum number of shards that the queue is allowed to run.",
        "prometheus_remote_storage_shards_max": "The maximum number of shards that the queue is allowed to run.",
        "prometheus_remote_storage_shards_desired": "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.",
        "prometheus_remote_storage_metadata_total": "Total number of metadata entries sent to remote storage.",
        "prometheus_remote_storage_metadata_failed_total": "Total number of metadata entries which failed on send to remote storage, non-recoverable errors.",
        "tollgate_remote_write_received_requests_total": "Requests to POST /api/v1/write, by result: stored, partly_rejected, rejected.",
        "tollgate_remote_write_received_samples_total": "Samples stored from POST /api/v1/write.",
        // HTTP.
        "prometheus_http_requests_total": "Counter of HTTP requests.",
        "prometheus_http_request_duration_seconds": "Histogram of latencies for HTTP requests.",
        "prometheus_http_response_size_bytes": "Histogram of response size for HTTP requests.",
        // Rules.
        "prometheus_rule_evaluations_total": "The total number of rule evaluations.",
        "prometheus_rule_evaluation_failures_total": "The total number of rule evaluation failures.",
        "prometheus_rule_group_iterations_total": "The total number of scheduled rule group evaluations, whether executed or missed.",
        "prometheus_rule_group_iterations_missed_total": "The total number of rule group evaluations missed due to slow rule group evaluation.",
        "prometheus_rule_group_duration_seconds": "The duration of rule group evaluations.",
        "prometheus_rule_group_interval_seconds": "The interval of a rule group.",
        "prometheus_rule_group_last_duration_seconds": "The duration of the last rule group evaluation.",
        "prometheus_rule_group_last_evaluation_timestamp_seconds": "The timestamp of the last rule group evaluation in seconds.",
        "prometheus_rule_group_last_evaluation_samples": "The number of samples returned during the last rule group evaluation.",
        "prometheus_rule_group_rules": "The number of rules.",
        "prometheus_rule_group_last_restore_duration_seconds": "The duration of the last alert rules alerts restoration using the `ALERTS_FOR_STATE` series.",
        // CloudWatch polling.
        "tollgate_cloudwatch_requests_total": "CloudWatch API calls made (each attempt), by job and operation.",
        "tollgate_cloudwatch_errors_total": "CloudWatch API calls that failed, by job, operation and CloudWatch error code.",
        "tollgate_cloudwatch_retries_total": "CloudWatch API calls retried after throttling or a server error, by job and operation.",
        "tollgate_cloudwatch_metrics_requested_total": "Metric queries sent to GetMetricData (what CloudWatch bills), by job.",
        "tollgate_cloudwatch_last_success_timestamp_seconds": "When a poll of the job last finished without an error, in seconds since the epoch.",
        // Alert sending.
        "prometheus_notifications_sent_total": "Total number of alerts sent.",
        "prometheus_notifications_errors_total": "Total number of sent alerts affected by errors.",
        "prometheus_notifications_dropped_total": "Total number of alerts dropped due to errors when sending to Alertmanager.",
        "prometheus_notifications_latency_seconds": "Latency quantiles for sending alert notifications.",
        "prometheus_notifications_queue_capacity": "The capacity of the alert notifications queue.",
        "prometheus_notifications_alertmanagers_discovered": "The number of alertmanagers discovered and active.",
        // Rollouts.
        "tollgate_dora_deployment_frequency_per_day": "Rollouts promoted per day over the DORA window.",
        "tollgate_dora_deployment_frequency_per_day_target": "The deployment frequency target (dora.deployments_per_day).",
        "tollgate_dora_lead_time_seconds": "Median time from a promoted rollout's commit_time to its promotion over the DORA window (NaN without data).",
        "tollgate_dora_lead_time_seconds_target": "The lead time target (dora.lead_time).",
        "tollgate_dora_change_failure_ratio": "Rolled-back rollouts over finished rollouts in the DORA window (NaN without data).",
        "tollgate_dora_change_failure_ratio_target": "The change failure rate target (dora.change_failure_rate).",
        "tollgate_dora_time_to_restore_seconds": "Median time from a rolled-back rollout's failure to its service's next promotion (NaN without data).",
        "tollgate_dora_time_to_restore_seconds_target": "The time to restore target (dora.time_to_restore).",
        "tollgate_dora_success_ratio": "Promoted rollouts over finished rollouts in the DORA window (NaN without data).",
        "tollgate_dora_success_ratio_target": "The deployment success rate target (dora.success_rate).",
        "tollgate_dora_target_met": "Whether a DORA figure meets its target (1 or 0; NaN without data), by figure.",
        "tollgate_rollout_webhook_requests_total": "Requests to rollout_webhooks, by URL and result (success or error, each retry counted).",
        // Configuration.
        "prometheus_config_last_reload_successful": "Whether the last configuration reload attempt was successful.",
        "prometheus_config_last_reload_success_timestamp_seconds": "Timestamp of the last successful configuration reload.",
        // The built-in notifier, under Alertmanager's names and help texts.
        "alertmanager_alerts": "How many alerts by state.",
        "alertmanager_alerts_received_total": "The total number of received alerts.",
        "alertmanager_alerts_invalid_total": "The total number of received alerts that were invalid.",
        "alertmanager_silences": "How many silences by state.",
        "alertmanager_notifications_total": "The total number of attempted notifications.",
        "alertmanager_notifications_failed_total": "The total number of failed notifications.",
        "alertmanager_notification_requests_total": "The total number of attempted notification requests.",
        "alertmanager_notification_requests_failed_total": "The total number of failed notification requests.",
        "alertmanager_notification_latency_seconds": "The latency of notifications in seconds.",
    ]

    /// Histogram buckets (seconds) of the families recorded with a swift-metrics `Timer`.
    static let durationBuckets: [String: [Double]] = [
        "prometheus_http_request_duration_seconds": [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
        "prometheus_tsdb_compaction_duration_seconds": exponential(start: 1, factor: 2, count: 14),
        "alertmanager_notification_latency_seconds": [1, 5, 10, 15, 20],
    ]

    /// Histogram buckets of the families recorded with an aggregating swift-metrics `Recorder`.
    static let valueBuckets: [String: [Double]] = [
        "prometheus_http_response_size_bytes": exponential(start: 100, factor: 10, count: 8)
    ]

    /// The quantiles of the families that are summaries, as Prometheus declares them.
    static let summaries: [String: [Double]] = [
        "prometheus_target_interval_length_seconds": [0.01, 0.05, 0.5, 0.9, 0.99],
        "prometheus_engine_query_duration_seconds": [0.5, 0.9, 0.99],
        "prometheus_rule_group_duration_seconds": [0.01, 0.05, 0.5, 0.9, 0.99],
        "prometheus_notifications_latency_seconds": [0.5, 0.9, 0.99],
    ]

    /// Go client's `DefBuckets`, for any other histogram.
    static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// The HELP text of `name`; a family missing from the table still gets one.
    static func helpText(_ name: String) -> String {
        help[name] ?? "Tollgate's \(name)."
    }

    /// Go client's `ExponentialBuckets`.
    private static func exponential(start: Double, factor: Double, count: Int) -> [Double] {
        (0..<count).map { start * pow(factor, Double($0)) }
    }

    private static func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= base }
        return result
    }
}
