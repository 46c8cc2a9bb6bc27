// Tollgate — Rollouts: the DORA figures as series, `tollgate_dora_*`.

import CoreMetrics

/// The DORA figures as gauges, so the self-scrape stores them and dashboards and alert
/// rules use them: `tollgate_dora_deployment_frequency_per_day`,
/// `tollgate_dora_lead_time_seconds`, `tollgate_dora_change_failure_ratio`,
/// `tollgate_dora_time_to_restore_seconds`, `tollgate_dora_success_ratio` (NaN without
/// data), each with a `…_target` gauge, and `tollgate_dora_target_met{figure}` (1, 0, or NaN).
public enum DoraMetrics {
    /// The gauge name of each figure.
    public static let names: [String: String] = [
        "deployment_frequency": "tollgate_dora_deployment_frequency_per_day",
        "lead_time": "tollgate_dora_lead_time_seconds",
        "change_failure_rate": "tollgate_dora_change_failure_ratio",
        "time_to_restore": "tollgate_dora_time_to_restore_seconds",
        "success_rate": "tollgate_dora_success_ratio",
    ]

    /// Records `report`'s figures.
    public static func record(_ report: DoraReport) {
        for figure in report.figures {
            guard let name = names[figure.name] else { continue }
            Gauge(label: name).record(figure.value ?? .nan)
            Gauge(label: name + "_target").record(figure.target)
            Gauge(label: "tollgate_dora_target_met", dimensions: [("figure", figure.name)]).record(figure.met.map { $0 ? 1.0 : 0.0 } ?? .nan)
        }
    }
}
