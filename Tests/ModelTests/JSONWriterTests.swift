// Tollgate — Prometheus-style JSON written without the HTTP layer.

import Model
import Testing

struct JSONWriterTests {
    @Test func writesMembersInOrderWithPrometheusForms() {
        var json = JSONWriter()
        json.object { json in
            json.field("status", "success")
            json.field("metric", Labels(["job": "a<b>"]))
            json.key("value")
            json.array { json in
                json.timestamp(1_700_000_000_100)
                json.string(JSONWriter.sampleValue(0.1 + 0.2))
            }
            json.key("at")
            json.timestamp(-1500)
        }
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == #"{"status":"success","metric":{"job":"a\u003cb\u003e"},"value":[1700000000.100,"0.30000000000000004"],"at":-1.500}"#)
    }

    @Test(arguments: [(1e-7, "1e-07"), (1e21, "1e+21"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (5, "5"), (-0.0, "-0")] as [(Double, String)])
    func sampleValuesAsPrometheusMarshalsThem(_ value: Double, _ text: String) {
        #expect(JSONWriter.sampleValue(value) == text)
    }
}
