// Tollgate — `tollgate check metrics`, run as a user runs it.

import Foundation
import Testing

struct CheckMetricsTests {
    @Test func printsOneLinePerSampleInExpositionOrder() throws {
        let body = """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{path="/",code="200"} 1027 1700000000000
            http_requests_total{code="500",path="",empty=""} 3
            {"my.name",a="b\\"q"} NaN
            up -Inf

            """
        let result = try Binary.run(["check", "metrics", "-"], stdin: Array(body.utf8))
        #expect(result.status == 0)
        #expect(result.stdout == """
            http_requests_total{code="200",path="/"} 1027.0 1700000000000
            http_requests_total{code="500"} 3.0
            {"my.name",a="b\\"q"} NaN
            up -Inf

            """)
    }

    @Test func rejectedBodyPrintsLineAndColumnAndExitsOne() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.prom")
        try Data("ok 1\nbad{a=1} 2\n".utf8).write(to: file)
        let result = try Binary.run(["check", "metrics", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("bad.prom: line 2, column 7: expected quoted label value"))
    }

    @Test func contentTypeChoosesTheParser() throws {
        let body = Array("a_total 1 1700000000.5\n# EOF\n".utf8)
        let om = try Binary.run(["check", "metrics", "--content-type", "application/openmetrics-text; version=1.0.0", "-"], stdin: body)
        #expect(om.status == 0)
        #expect(om.stdout == "a_total 1.0 1700000000500\n")
        let text = try Binary.run(["check", "metrics", "-"], stdin: body)
        #expect(text.status == 1)
        let unknown = try Binary.run(["check", "metrics", "--content-type", "application/json", "-"], stdin: body)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unsupported Content-Type"))
    }

    @Test(.enabled(if: Binary.shared != nil, "../shared is absent: the corpus test is skipped"))
    func readsTheGzippedNodeExporterCorpus() throws {
        let corpus = try #require(Binary.shared).appendingPathComponent("corpus/node_exporter_1s_600.openmetrics.gz")
        let result = try Binary.run(["check", "metrics", "--content-type", "application/openmetrics-text", corpus.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        // The corpus README: 507 series, 304,200 samples.
        #expect(lines.count == 304_200)
        // Each line is `series value timestamp`; the corpus has no spaces inside label values.
        let series = Set(lines.map { $0.split(separator: " ").dropLast(2).joined(separator: " ") })
        #expect(series.count == 507)
    }
}
