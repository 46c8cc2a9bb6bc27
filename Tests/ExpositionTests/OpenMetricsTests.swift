// Tollgate — OpenMetrics 1.0 as a Prometheus 3.x scrape reads it (section 5 of the notes).

import Model
import Testing

@testable import Exposition

struct OpenMetricsTests {
    @Test(arguments: [
        ("a 1\n# EOF\n", ["a 1.0"]),
        ("a 1\n# EOF", ["a 1.0"]),
        ("a{b=\"1\",} 1\n# EOF", ["a{b=\"1\"} 1.0"]),
        ("a 1 1.005\n# EOF", ["a 1.0 1004"]),
        ("a 1 1.001\n# EOF", ["a 1.0 1000"]),
        ("a 1 1700000000.123\n# EOF", ["a 1.0 1700000000123"]),
        ("a 1 -1.5\n# EOF", ["a 1.0 -1500"]),
        ("a 1 +17\n# EOF", ["a 1.0 17000"]),
        ("a 1 1e3\n# EOF", ["a 1.0 1000000"]),
        ("a 1 1e300\n# EOF", ["a 1.0 -9223372036854775808"]),
        ("a_total 1 # {trace_id=\"x\"} 0.5\n# EOF", ["a_total 1.0"]),
        ("a_total 1 1 # {trace_id=\"x\"} NaN 2.5\n# EOF", ["a_total 1.0 1000"]),
        ("g 1 # {} 1\n# EOF", ["g 1.0"]),
        ("g 1 # {\"q.k\"=\"v\"} 1\n# EOF", ["g 1.0"]),
        ("a{b=\"# {x=\\\"1\\\"} 1\"} 1\n# EOF", ["a{b=\"# {x=\\\"1\\\"} 1\"} 1.0"]),
        ("{\"a.b\",c=\"d\"} 1\n# EOF", ["{\"a.b\",c=\"d\"} 1.0"]),
        ("# HELP a \n# TYPE a unknown\n# UNIT a \na 1\n# EOF", ["a 1.0"]),
        ("# UNIT a_seconds seconds\na_seconds 1\n# EOF", ["a_seconds 1.0"]),
        ("# TYPE a info\n# TYPE b stateset\n# TYPE c gaugehistogram\na_info 2\n# EOF", ["a_info 2.0"]),
        ("# HELP a nul\0here\na{b=\"nul\0\"} 1\n# EOF", ["a{b=\"nul\0\"} 1.0"]),
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 1\n# TYPE q gaugehistogram\nq_bucket{le=\"1\"} 1\n# EOF",
         ["h_bucket{le=\"1.0\"} 1.0", "q_bucket{le=\"1\"} 1.0"]),
        ("", []),
    ])
    func accepts(_ body: String, _ samples: [String]) {
        #expect(outcome(body, .openMetrics) == .samples(samples))
    }

    @Test(arguments: [
        "a 1\n",
        "a 1",
        "a 1\n# EOF\n\n",
        "a 1\n# EOF \n",
        "a 1\n# EOF\na 2\n",
        "a 1\n# eof\n",
        "\na 1\n# EOF",
        " a 1\n# EOF",
        "a  1\n# EOF",
        "a\t1\n# EOF",
        "a 1 \n# EOF",
        "a {b=\"1\"} 1\n# EOF",
        "a{b=\"1\"}1\n# EOF",
        "a{b=\"1\", c=\"2\"} 1\n# EOF",
        "a{b=\"1\"c=\"2\"} 1\n# EOF",
        "a{b=\"x\ny\"} 1\n# EOF",
        "a 1\r\n# EOF",
        "# comment\na 1\n# EOF",
        "# HELP a\n# EOF",
        "# TYPE a untyped\n# EOF",
        "# TYPE a counter \n# EOF",
        "# UNIT a_seconds milliseconds\n# EOF",
        "# UNIT seconds seconds\n# EOF",
        "a 1 NaN\n# EOF",
        "a 1 Inf\n# EOF",
        "a 1 # {x=\"y\"} 1 NaN\n# EOF",
        "a 1 # {x=\"y\"} 1 2 3\n# EOF",
        "a 1 # {x=\"y\"} 1 \n# EOF",
        "a 1 # {\"n\"} 1\n# EOF",
        "a 1 # {x=\"y\"}\n# EOF",
        "a 1 # x\n# EOF",
        "a 1 2 3\n# EOF",
        "a 1 # {x=\"nul\0\"} 1\n# EOF",
        "a 1\0\n# EOF",
        "{foo} 1\n# EOF",
        "{} 1\n# EOF",
    ])
    func rejects(_ body: String) {
        #expect(!outcome(body, .openMetrics).isAccepted, "\(body.debugDescription)")
    }

    @Test func exemplarsAndUnitsAreAvailable() throws {
        var parser = ExpositionParser(
            bytes: Array("# UNIT x_seconds seconds\nx_seconds_bucket{le=\"1\"} 2 1.5 # {trace_id=\"abc\"} 0.25 1700000000.5\n# EOF".utf8),
            format: .openMetrics)
        #expect(try parser.next() == .unit)
        #expect(parser.metadataName == "x_seconds")
        #expect(parser.unitText == "seconds")
        #expect(try parser.next() == .sample)
        #expect(parser.value == 2)
        #expect(parser.timestamp == 1500)
        let exemplar = try #require(parser.exemplar())
        #expect(exemplar.labels == Labels(["trace_id": "abc"]))
        #expect(exemplar.value == 0.25)
        #expect(exemplar.timestamp == 1_700_000_000_500)
        #expect(try parser.next() == nil)
    }

    @Test func anOpenMetricsBodyServedAsTextParsesAsText() {
        let body = "# TYPE a counter\n# UNIT a_total total\na_total 1 1700000000\n# EOF\n"
        #expect(outcome(body, .text) == .samples(["a_total 1.0 1700000000"]))
        #expect(outcome(body, .openMetrics) == .samples(["a_total 1.0 1700000000000"]))
        #expect(!outcome("a_total 1 1.5\n# EOF\n", .text).isAccepted)
        #expect(!outcome("a_total 1 # {a=\"b\"} 1\n# EOF\n", .text).isAccepted)
    }
}

struct MetadataAndCreatedTests {
    @Test func collectsMetadataAndCreatedTimestamps() throws {
        let body = """
            # TYPE req counter
            # HELP req Requests \\"served\\".
            # UNIT req_seconds seconds
            req_total 5
            req_created 1700000000.25
            # TYPE g gauge
            g_created 12
            # TYPE lat histogram
            lat_bucket{le="+Inf"} 1
            lat_created{a="b"} 1.5
            other_created 3
            # EOF

            """
        var parser = ExpositionParser(bytes: Array(body.utf8), format: .openMetrics)
        var metadata = ExpositionMetadata()
        var created: [String: Int64] = [:]
        while let entry = try parser.next() {
            metadata.record(entry, from: parser)
            if entry == .sample, let ms = parser.createdTimestamp { created[SeriesText.format(try parser.labels())] = ms }
        }
        #expect(metadata["req"] == .init(type: .counter, help: "Requests \"served\".", unit: ""))
        #expect(metadata["req_seconds"]?.unit == "seconds")
        #expect(metadata["g"]?.type == .gauge)
        #expect(metadata["lat"]?.type == .histogram)
        #expect(created == ["req_created": 1_700_000_000_250, "lat_created{a=\"b\"}": 1500])
    }
}
