// Tollgate — Scrape: the scrape and discovery metrics, with Prometheus's names.

import CoreMetrics
import Model
import Storage

/// Scrape and discovery metrics named and meant as Prometheus's (`prometheus_target_*`,
/// `prometheus_sd_*`), plus Tollgate's count of failed scrapes by job.
enum ScrapeMetrics {
    static let sampleLimit = Counter(label: "prometheus_target_scrapes_exceeded_sample_limit_total")
    static let bodySizeLimit = Counter(label: "prometheus_target_scrapes_exceeded_body_size_limit_total")
    static let labelLimits = Counter(label: "prometheus_target_scrape_pool_exceeded_label_limits_total")
    static let targetLimit = Counter(label: "tollgate_target_scrapes_exceeded_target_limit_total")
    /// Prometheus's: pool syncs (discovery updates, reloads) that found more targets than `target_limit`.
    static let poolTargetLimit = Counter(label: "prometheus_target_scrape_pool_exceeded_target_limit_total")
    static let outOfOrder = Counter(label: "prometheus_target_scrapes_sample_out_of_order_total")
    static let duplicate = Counter(label: "prometheus_target_scrapes_sample_duplicate_timestamp_total")
    static let poolsCreated = Counter(label: "prometheus_target_scrape_pools_total")

    /// Failed scrapes of `job` (`scrape_job`, as Prometheus labels its pool metrics, so a
    /// self-scrape does not turn it into `exported_job`).
    static func failed(job: String) -> Counter {
        Counter(label: "tollgate_target_scrapes_failed_total", dimensions: [("scrape_job", job)])
    }

    /// The actual intervals between the scrapes of targets with the configured `interval`.
    static func intervalLength(_ interval: String) -> Timer {
        Timer(label: "prometheus_target_interval_length_seconds", dimensions: [("interval", interval)])
    }

    /// Makes the job's families appear (at zero) and records its target counts.
    /// - Parameters:
    ///   - job: the scrape job.
    ///   - active: its active targets.
    ///   - discovered: every target its discoverers gave, dropped ones included.
    static func pool(_ job: String, active: Int, discovered: Int) {
        failed(job: job).increment(by: 0)
        Gauge(label: "prometheus_target_scrape_pool_targets", dimensions: [("scrape_job", job)]).record(active)
        Gauge(label: "prometheus_sd_discovered_targets", dimensions: [("config", job), ("name", "scrape")]).record(discovered)
    }

    /// Makes the job-independent families appear (at zero).
    static func register() {
        for counter in [sampleLimit, bodySizeLimit, labelLimits, targetLimit, poolTargetLimit, outOfOrder, duplicate, poolsCreated] {
            counter.increment(by: 0)
        }
    }

    /// Counts a failed scrape of `job`, and the limit that failed it.
    static func count(_ failure: ScrapeError, job: String) {
        failed(job: job).increment()
        let message = failure.description
        if message == "sample limit exceeded" {
            sampleLimit.increment()
        } else if message == "body size limit exceeded" {
            bodySizeLimit.increment()
        } else if message.hasPrefix("label_limit") || message.hasPrefix("label_name_length_limit") || message.hasPrefix("label_value_length_limit") {
            labelLimits.increment()
        } else if message.hasPrefix("target_limit") {
            targetLimit.increment()
        }
    }

    /// Counts the samples a scrape's commit dropped.
    static func count(_ result: CommitResult) {
        if result.outOfOrder > 0 { outOfOrder.increment(by: result.outOfOrder) }
        if result.duplicate > 0 { duplicate.increment(by: result.duplicate) }
    }
}
