// Tollgate — WebUI: charts laid out, dashboards read, variables substituted, templates parsed.

import Foundation
import Mustache
import Testing

@testable import WebUI

struct ChartTests {
    @Test func aChartHasOnePolylinePerSeriesInsideThePlot() {
        let series = [
            ChartSeries(name: #"up{job="a"}"#, points: [(0, 1), (30_000, 0), (60_000, 1)]),
            ChartSeries(name: "b", points: [(0, 0.5), (60_000, Double.nan)]),
        ]
        let chart = Chart(title: "up", series: series, start: 0, end: 60_000, width: 400, height: 200)
        #expect(chart.lines.count == 2)
        #expect(chart.lines[0].points == "56.0,10.0 217.0,176.0 378.0,10.0")
        #expect(chart.lines[1].count == 1 && chart.lines[1].single, "NaN is dropped; a single point gets a dot")
        #expect(chart.xTicks.map(\.text) == ["00:00", "00:00", "00:00", "00:00", "00:01"])
        #expect(chart.description.contains("2 series"))
        #expect(!chart.empty)
    }

    @Test func numbersAreShort() {
        #expect(Chart.human(1234) == "1.23k")
        #expect(Chart.human(0.5) == "0.5")
        #expect(Chart.human(2_000_000) == "2M")
        #expect(Chart.human(.nan) == "NaN")
        #expect(Dashboard.format(0.25, unit: "percentunit") == "25%")
    }

    @Test func everyTemplateParses() throws {
        for (name, text) in Templates.all {
            #expect(throws: Never.self, "\(name)") { _ = try MustacheProbe.parse(text) }
        }
        #expect(Templates.library.render(["base": "<x>"], withTemplate: "notFound")?.contains("&lt;x&gt;") == true, "values are escaped")
    }

    @Test func grafanaVariablesAreSubstituted() {
        let text = Dashboard.substitute(
            #"sum(rate(x{job=~"$job",service=~"${service}"}[$__rate_interval])) / $__range_s"#, values: ["job": ".*", "service": "api"], range: 3_600_000,
            step: 15_000)
        #expect(text == #"sum(rate(x{job=~".*",service=~"api"}[5m])) / 3600"#)
    }

    @Test func aDashboardIsReadWithItsRowsPanelsAndVariables() throws {
        let json = """
            {"title":"T","uid":"t","panels":[{"type":"row","id":1,"title":"r","panels":[{"type":"stat","id":2,"title":"S","targets":[{"refId":"A","expr":"up"}]}]},
            {"type":"timeseries","id":3,"title":"TS","fieldConfig":{"defaults":{"unit":"s"}},"targets":[{"refId":"A","expr":"rate(x[5m])","legendFormat":"{{job}}"}]}],
            "templating":{"list":[{"name":"datasource","type":"datasource"},{"name":"job","type":"query"}]}}
            """
        let dashboard = try #require(Dashboard(json: Data(json.utf8)))
        #expect(dashboard.panels.map(\.id) == [2, 3])
        #expect(dashboard.panels[1].unit == "s")
        #expect(dashboard.variables == ["job"])
    }
}
