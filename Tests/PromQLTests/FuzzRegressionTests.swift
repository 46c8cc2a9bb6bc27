// Tollgate — PromQL tests: inputs the fuzz targets found (`make fuzz`, docs/reliability.md),
// each fed exactly as found; they crashed or hung the parser before its fix.

import PromQL
import Testing

@Suite("Parser: fuzz findings")
struct FuzzRegressionTests {
    /// A subquery step of 10^16 seconds: converting it to milliseconds trapped (Int64
    /// overflow). Prometheus refuses such a number with "duration out of range".
    @Test func hugeNumberDurationIsOutOfRange() {
        let found = "rattotal[0m1s:10666666666666666" + String(repeating: "\u{0}", count: 20) + "666666666s])"
        #expect(throws: ParseError.self) { try parseExpr(found, options: .all) }
        for query in ["foo[1e30]", "foo[5m:1e30]", "foo offset 1e30", "foo offset -1e30", "foo[Inf]", "foo[NaN]", "foo[1m:-Inf]"] {
            let error = #expect(throws: ParseError.self, "\(query)") { try parseExpr(query, options: .all) }
            #expect(error?.message == "duration out of range", "\(query): \(String(describing: error))")
        }
        // The largest number Prometheus takes still parses.
        #expect(throws: Never.self) { try parseExpr("foo[9223372036]") }
    }

    /// `7777777_x77773777` expanded to 78 million values (seconds and gigabytes); a negative
    /// count trapped. Counts are now non-negative and a series holds at most a million values.
    @Test func seriesValuesAreBounded() throws {
        let found = #"series{type="st$_after_ t"}       7777777_x77773777                           _ _ 1 2 3 4 5"#
        #expect(throws: SeriesDescriptionError.self) { try SeriesDescription.parse(found) }
        for line in ["up _x-1", "up 1x-1", "up 1+1x9223372036854775807", "up _x9223372036854775807", "up {{schema:0}}x-2",
                     "up " + String(repeating: "_x999999 ", count: 2)] {
            #expect(throws: SeriesDescriptionError.self, "\(line)") { try SeriesDescription.parse(line) }
        }
        #expect(try SeriesDescription.parse("up 0+1x999999").values.count == SeriesDescription.maxValues)
        #expect(try SeriesDescription.parse("up _x1000000").values.count == SeriesDescription.maxValues)
    }
}
