// Tollgate — Tollgate's own /metrics body.

import Exposition
import HTTPAPI
import Model
import Prometheus

/// Tollgate's own metrics: process facts and build info written with the
/// exposition ``TextWriter``, then everything recorded through swift-metrics.
struct SelfMetrics: SelfMetricsSource {
    let registry: PrometheusCollectorRegistry
    let process = ProcessMetrics()

    func exposition() async -> [UInt8] {
        var writer = TextWriter()
        process.write(into: &writer)
        writer.family("tollgate_build_info", type: .gauge, help: "A metric with a constant '1' value labeled by version.")
        writer.sample(Labels(["__name__": "tollgate_build_info", "version": BuildInfo.version]), value: 1)
        var body = writer.bytes
        registry.emit(into: &body)
        return body
    }
}
