// Tollgate — benchmark inputs shared by the benchmark targets.

/// A realistic 10,000-series text exposition: request counters, latency
/// histograms and gauges across instances, with HELP/TYPE lines.
public func syntheticExposition(series target: Int) -> [UInt8] {
    var text = ""
    var count = 0
    let methods = ["GET", "POST", "PUT", "DELETE"], codes = ["200", "201", "400", "404", "500"]
    let buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
    var handler = 0
    while count < target {
        handler += 1
        text += "# HELP http_requests_total Total HTTP requests.\n# TYPE http_requests_total counter\n"
        for method in methods {
            for code in codes where count < target {
                text += "http_requests_total{handler=\"/api/v1/resource/\(handler)\",method=\"\(method)\",code=\"\(code)\"} \(count * 7919 % 1_000_003)\n"
                count += 1
            }
        }
        text += "# HELP http_request_duration_seconds Request latency.\n# TYPE http_request_duration_seconds histogram\n"
        var cumulative = 0
        for le in buckets where count < target {
            cumulative += count % 17 + 1
            text += "http_request_duration_seconds_bucket{handler=\"/api/v1/resource/\(handler)\",le=\"\(le)\"} \(cumulative)\n"
            count += 1
        }
        text += "http_request_duration_seconds_sum{handler=\"/api/v1/resource/\(handler)\"} \(Double(cumulative) * 0.0173)\n"
        text += "http_request_duration_seconds_count{handler=\"/api/v1/resource/\(handler)\"} \(cumulative)\n"
        count += 2
        text += "# TYPE process_open_connections gauge\nprocess_open_connections{pool=\"p\(handler)\"} \(Double(handler) * 1.5e-3)\n"
        count += 1
    }
    return Array(text.utf8)
}

