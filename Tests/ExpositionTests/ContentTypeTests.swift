// Tollgate — choosing the parser from Content-Type as Prometheus 3.x does.

import Model
import Testing

@testable import Exposition

struct ContentTypeTests {
    @Test(arguments: [
        ("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.text),
        ("text/plain", .text),
        ("text/plain;version=1.0.0;escaping=allow-utf-8", .text),
        ("TEXT/PLAIN; Version=0.0.4", .text),
        ("text/plain;", .text),
        ("text/plain; charset=\"utf-8\"", .text),
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", .openMetrics),
        ("application/openmetrics-text;version=0.0.1", .openMetrics),
    ])
    func picksTheParser(_ header: String, _ format: ExpositionFormat) throws {
        #expect(try ExpositionFormat.negotiate(contentType: header) == format)
    }

    @Test(arguments: [nil, "", "application/json", "text/plain;;;", "text/html", "text/plain; a=1; a=2", "text/", "/plain", "text/plain; x"] as [String?])
    func failsWithoutFallback(_ header: String?) {
        #expect(throws: ContentTypeError.self) { try ExpositionFormat.negotiate(contentType: header) }
        #expect((try? ExpositionFormat.negotiate(contentType: header, fallback: .openMetrics)) == .openMetrics)
    }

    @Test func protobufIsNamed() {
        #expect(throws: ContentTypeError("the protobuf exposition format is not supported")) {
            try ExpositionFormat.negotiate(contentType: "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
        }
    }
}
