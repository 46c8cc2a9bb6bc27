// Tollgate — HTTPAPI: the scrape manager as the source of /api/v1/metadata.

public import Scrape

extension ScrapeManager: MetricMetadataSource {
    /// The metadata every active target last exposed.
    public func metricMetadata(metric: String?) async -> [MetricMetadata] {
        targetMetadata(matching: [], metric: metric, limit: nil).map {
            MetricMetadata(metric: $0.metric, type: $0.type, help: $0.help, unit: $0.unit)
        }
    }
}
