// Tollgate — the handler label of Prometheus's HTTP request metrics.

import Testing

@testable import HTTPAPI

struct RequestMetricsMiddlewareTests {
    @Test(arguments: [
        ("/api/v1/query", "/api/v1/query"),
        ("/api/v1/label/{name}/values", "/api/v1/label/:name/values"),
        ("/prefix/api/v1/label/{name}/values", "/prefix/api/v1/label/:name/values"),
        ("", "other"),
    ])
    func handlerIsTheRoutePatternInPrometheusSpelling(endpoint: String, label: String) {
        #expect(RequestMetricsCache.handlerLabel(endpoint) == label)
    }

    @Test func requestsNoRouteMatchedShareOneLabel() {
        #expect(RequestMetricsCache.handlerLabel(nil) == "other")
    }
}
