// Tollgate — Tollgate's own /metrics body.

import Exposition
import HTTPAPI
import Model
import Prometheus

/// Tollgate's own metrics: process facts, build info and readiness written with the
/// exposition ``TextWriter``, the summaries of ``SummaryStore``, then everything else
/// recorded through swift-metrics (the swift-prometheus registry).
struct SelfMetrics: SelfMetricsSource {
    let registry: PrometheusCollectorRegistry
    let summaries: SummaryStore
    let readiness: ReadinessState
    let process = ProcessMetrics()

    func exposition() async -> [UInt8] {
        var writer = TextWriter()
        process.write(into: &writer)
        writer.family(
            "prometheus_build_info", type: .gauge,
            help: "A metric with a constant '1' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build."
        )
        writer.sample(
            Labels([
                "__name__": "prometheus_build_info", "version": BuildInfo.version, "revision": BuildInfo.revision,
                "branch": BuildInfo.branch, "goversion": BuildInfo.swiftVersion, "goos": "linux", "goarch": BuildInfo.architecture,
            ]), value: 1)
        writer.family("tollgate_build_info", type: .gauge, help: "A metric with a constant '1' value labeled by version.")
        writer.sample(Labels(["__name__": "tollgate_build_info", "version": BuildInfo.version]), value: 1)
        writer.family("prometheus_ready", type: .gauge, help: "Whether Prometheus startup was fully completed and the server is ready for normal operation.")
        writer.sample(Labels(["__name__": "prometheus_ready"]), value: readiness.isStarted ? 1 : 0)
        summaries.write(into: &writer, help: SelfMetricsCatalog.helpText)
        var body = writer.bytes
        registry.emit(into: &body)
        return body
    }
}
