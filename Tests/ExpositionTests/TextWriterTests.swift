// Tollgate — the text writer's output parses back to what was written.

import Model
import Testing

@testable import Exposition

struct TextWriterTests {
    @Test func roundTripsThroughTheParser() throws {
        var writer = TextWriter()
        writer.family("http_requests_total", type: .counter, help: "Requests.\nWith \\ and newline.")
        let series: [(Labels, Double, Int64?)] = [
            (Labels(["__name__": "http_requests_total", "code": "200", "path": "/a\"b\\c\nd"]), 1027, nil),
            (Labels(["__name__": "http_requests_total", "code": "500"]), 3, 1_700_000_000_000),
            (Labels(["__name__": "odd.name", "label-with-dash": "x"]), -0.5, nil),
            (Labels(["__name__": "values"]), .infinity, nil),
            (Labels(["__name__": "values", "n": "1"]), 1e-7, nil),
            (Labels(["__name__": "values", "n": "2"]), 123456789, nil),
        ]
        writer.family("odd.name", type: .stateset)
        for (labels, value, timestamp) in series { writer.sample(labels, value: value, timestamp: timestamp) }
        let parsed = try ExpositionParser.samples(in: writer.bytes, format: .text)
        #expect(parsed.map(\.labels) == series.map(\.0))
        #expect(parsed.map(\.value) == series.map(\.1))
        #expect(parsed.map(\.timestamp) == series.map(\.2))
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.hasPrefix("# HELP http_requests_total Requests.\\nWith \\\\ and newline.\n# TYPE http_requests_total counter\n"))
        #expect(text.contains("# TYPE \"odd.name\" untyped\n"))
        #expect(text.contains("{\"odd.name\",\"label-with-dash\"=\"x\"} -0.5\n"))
        #expect(text.contains("values{n=\"2\"} 1.23456789e+08\n"))
    }

    @Test func writesNaNSoItParsesBackAsNaN() throws {
        var writer = TextWriter()
        writer.sample(Labels(["__name__": "x"]), value: .nan)
        let parsed = try ExpositionParser.samples(in: writer.bytes, format: .text)
        #expect(parsed.count == 1)
        #expect(parsed[0].value.isNaN)
    }
}
