// Tollgate — JSON as Prometheus's Go encoder writes it.

import Foundation
import Model
import PromQLEngine
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

    /// A large matrix is written in shares on several cores, with step times and repeated
    /// values copied from texts already written: every series and point must read back as given.
    @Test func largeMatricesReadBackAsWritten() throws {
        let values: [Double] = [0, 7, 7, 7, -3, 123_456_789, 0.25, 1e-7, 2e21, .nan, .infinity, -.infinity, -0.0, 999_999_999_999_999]
        // Most series share step times; every fifth has times of its own, some before 1970.
        func point(_ s: Int, _ i: Int) -> FloatPoint {
            let t: Int64 = s % 5 == 0 ? Int64(i * 1_001 - 7_000) : 1_700_000_000_000 + Int64(i) * 15_000
            return FloatPoint(t: t, v: values[(i + s) % values.count])
        }
        let series = (0..<700).map { s in
            RangeSeries(labels: Labels(["__name__": "m", "s": "\(s)"]), points: (0..<40).map { point(s, $0) })
        }
        var json = JSONWriter()
        json.queryData(.matrix(series))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        let result = try #require(parsed["result"] as? [[String: Any]])
        #expect(result.count == series.count)
        for (written, given) in zip(result, series) {
            #expect(written["metric"] as? [String: String] == ["__name__": "m", "s": given.labels["s"] ?? ""])
            let points = try #require(written["values"] as? [[Any]])
            #expect(points.count == given.points.count)
            for (point, expected) in zip(points, given.points) {
                let t = try #require(point[0] as? NSNumber).doubleValue
                let v = try #require(point[1] as? String)
                #expect((t * 1000).rounded() == Double(expected.t))
                #expect(v == JSONWriter.sampleValue(expected.v), "\(v) for \(expected.v)")
            }
        }
    }
}
