// Tollgate — PromQL's series notation as test files use it, and promtool's text forms.

import Model
import PromQL
@testable import RuleTesting
import Testing

@Suite struct SeriesDescriptionTests {
    @Test(arguments: [
        ("1+2x3", [1.0, 3, 5, 7] as [Double?]),
        ("10-1x2", [10.0, 9, 8]),
        ("7x2", [7.0, 7, 7]),
        ("_", [nil]),
        ("_x3", [nil, nil, nil]),
        ("-1e2+1e1x1", [-100.0, -90]),
        ("1_000", [1000.0]),
    ])
    func expands(_ token: String, _ values: [Double?]) {
        #expect(SeriesDescription.expand(token) == values)
    }

    @Test func parsesSeriesAndValues() throws {
        let series = try SeriesDescription.parse(#"up{job="a", instance='b'} 1 _x2 stale 2+0x1"#)
        #expect(series.labels == Labels(["__name__": "up", "job": "a", "instance": "b"]))
        #expect(series.values.count == 6)
        #expect(series.values[1] == nil && series.values[2] == nil)
        #expect(series.values[3].map(\.bitPattern) == SeriesDescription.staleMarker.bitPattern)
        #expect(series.values[5] == 2)
    }

    @Test func refusesBadValuesAndLabelSets() {
        #expect(throws: SeriesDescriptionError.self) { try SeriesDescription.parse("up 1 two") }
        #expect(throws: SeriesDescriptionError.self) { try SeriesDescription.parseLabels(#"x{a="1""#) }
        #expect(throws: SeriesDescriptionError.self) { try SeriesDescription.parseLabels(#"x{a="1"} 5"#) }
        #expect(SeriesDescription.expand("1+x") == nil)
    }

    @Test(arguments: [
        (Int64(0), "0s"), (500, "500ms"), (1500, "1.5s"), (60_000, "1m0s"), (90_000, "1m30s"), (3_600_000, "1h0m0s"),
        (1_704_067_200_000, "473352h0m0s"), (61_250, "1m1.25s"),
    ])
    func goDurations(_ milliseconds: Int64, _ text: String) {
        #expect(PromtoolFormat.goDuration(milliseconds: milliseconds) == text)
    }

    @Test func goLabelsAndFloats() {
        #expect(PromtoolFormat.labels(Labels(["__name__": "up", "a": "x\"y"])) == #"{__name__="up", a="x\"y"}"#)
        #expect(PromtoolFormat.labels(Labels()) == "{}")
        #expect(PromtoolFormat.floatE(50) == "5E+01")
        #expect(PromtoolFormat.floatE(0.3) == "3E-01")
        #expect(PromtoolFormat.floatE(.infinity) == "+Inf")
        #expect(PromtoolFormat.floatE(.nan) == "NaN")
    }
}
