// Tollgate — the swift-metrics backend of Tollgate's own /metrics.

import CoreMetrics
import Prometheus

/// Backs swift-metrics with the swift-prometheus registry, adding what the registry's own
/// factory leaves out: each family's HELP text and buckets from ``SelfMetricsCatalog``,
/// and summaries (kept in a ``SummaryStore``) for the families Prometheus exposes as
/// summaries.
struct SelfMetricsFactory: MetricsFactory {
    /// Counters, gauges and histograms.
    let registry: PrometheusCollectorRegistry
    /// Summaries.
    let summaries: SummaryStore

    /// The registry's name for `label`, with its HELP text from the catalog.
    private static func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: SelfMetricsCatalog.helpText(label))
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if let quantiles = SelfMetricsCatalog.summaries[label] {
            return summaries.summary(name: label, labels: dimensions, quantiles: quantiles)
        }
        guard aggregate else { return registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions) }
        let buckets = SelfMetricsCatalog.valueBuckets[label] ?? SelfMetricsCatalog.defaultBuckets
        return registry.makeValueHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: buckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        if let quantiles = SelfMetricsCatalog.summaries[label] {
            return summaries.summary(name: label, labels: dimensions, quantiles: quantiles)
        }
        let seconds = SelfMetricsCatalog.durationBuckets[label] ?? SelfMetricsCatalog.defaultBuckets
        let buckets = seconds.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        return registry.makeDurationHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let summary as SlidingSummary: summaries.remove(summary)
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as Histogram<Double>: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        switch handler {
        case let summary as SlidingSummary: summaries.remove(summary)
        case let histogram as Histogram<Duration>: registry.unregisterDurationHistogram(histogram)
        default: break
        }
    }
}
