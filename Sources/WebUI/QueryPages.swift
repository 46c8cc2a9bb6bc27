// Tollgate — WebUI: the graph page and the dashboards drawn from Grafana's JSON.

import Foundation
import HTTPAPI
import Model
import PromQLEngine

extension WebUI {
    struct GraphView {
        let expr: String; let range: String; let end: String; let step: String; let error: String?; let warnings: [String]
        let chart: ChartView?; let seriesCount: Int; let stepText: String
    }

    /// A chart as the `chart` partial reads it.
    struct ChartView {
        let width: Int; let height: Int; let description: String; let lines: [Chart.Line]; let xTicks: [Chart.Tick]; let yTicks: [Chart.Tick]
        let legend: [Chart.LegendEntry]; let empty: Bool; let plotLeft: Int; let plotTop: Int; let plotRight: Int; let plotBottom: Int

        init(_ chart: Chart) {
            width = chart.width
            height = chart.height
            description = chart.description
            lines = chart.lines
            xTicks = chart.xTicks
            yTicks = chart.yTicks
            legend = chart.legend
            empty = chart.empty
            plotLeft = chart.plotLeft
            plotTop = chart.plotTop
            plotRight = chart.plotRight
            plotBottom = chart.plotBottom
        }
    }

    /// A step giving about 250 points over `range` ms, at least 1 s, rounded to whole seconds.
    static func autoStep(_ range: Int64) -> Int64 { max(1000, (range / 250 + 999) / 1000 * 1000) }

    func graph(_ form: APIForm) async -> GraphView {
        let expr = form["expr"] ?? ""
        let rangeText = form["range"].flatMap { $0.isEmpty ? nil : $0 } ?? "1h"
        let endText = form["end"] ?? ""
        let stepText = form["step"] ?? ""
        func view(_ error: String?, _ warnings: [String] = [], chart: ChartView? = nil, count: Int = 0, step: String = "") -> GraphView {
            GraphView(
                expr: expr, range: rangeText, end: endText, step: stepText, error: error, warnings: warnings, chart: chart, seriesCount: count,
                stepText: step)
        }
        guard !expr.isEmpty else { return view(nil) }
        guard let range = PromDuration(parsing: rangeText), range.milliseconds > 0 else {
            return view("invalid range \(GoString.quote(rangeText)): expected a duration such as 1h")
        }
        var end = sources.now()
        if !endText.isEmpty {
            guard let parsed = Timestamp.parse(endText) else { return view("invalid end \(GoString.quote(endText)): expected RFC 3339 or Unix seconds") }
            end = parsed
        }
        var step = Self.autoStep(range.milliseconds)
        if !stepText.isEmpty {
            guard let parsed = PromDuration(parsing: stepText), parsed.milliseconds > 0 else {
                return view("invalid step \(GoString.quote(stepText)): expected a positive duration such as 15s")
            }
            step = parsed.milliseconds
        }
        guard range.milliseconds / step <= 11_000 else {
            return view("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let start = end - range.milliseconds
        do throws(QueryError) {
            let result = try await sources.engine.rangeQuery(expr, start: start, end: end, step: step, timeout: .seconds(30))
            let series = Self.series(result.value, legend: nil)
            let chart = Chart(title: expr, series: series, start: start, end: end, width: 900, height: 320)
            return view(nil, result.annotations.warnings + result.annotations.infos, chart: ChartView(chart), count: series.count, step: PromDuration(milliseconds: step).description)
        } catch {
            return view(error.message)
        }
    }

    /// A query value as chart series, named by `legend` (Grafana's `{{label}}` format) or the series text.
    static func series(_ value: QueryValue, legend: String?) -> [ChartSeries] {
        switch value {
        case .matrix(let all):
            return all.map { ChartSeries(name: name(all.count == 1 && $0.labels.isEmpty ? "value" : nil, $0.labels, legend), points: $0.points.map { (t: $0.t, v: $0.v) }) }
        case .vector(let samples):
            return samples.map { ChartSeries(name: name(nil, $0.labels, legend), points: [(t: $0.t, v: $0.v)]) }
        case .scalar(let t, let v):
            return [ChartSeries(name: "scalar", points: [(t: t, v: v)])]
        case .string:
            return []
        }
    }

    static func name(_ fallback: String?, _ labels: Labels, _ legend: String?) -> String {
        if let legend, !legend.isEmpty, legend != "__auto" {
            var text = legend
            while let open = text.range(of: "{{"), let close = text.range(of: "}}", range: open.upperBound..<text.endIndex) {
                let key = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                text.replaceSubrange(open.lowerBound..<close.upperBound, with: labels[key] ?? "")
            }
            return text
        }
        if labels.isEmpty { return fallback ?? "{}" }
        return labels.description
    }

    // MARK: Dashboards

    struct DashboardLink { let uid: String; let title: String; let panelCount: Int }
    struct DashboardsView { let dashboards: [DashboardLink] }

    func dashboardList() -> DashboardsView {
        DashboardsView(dashboards: sources.dashboards.map { DashboardLink(uid: $0.uid, title: $0.title, panelCount: $0.panels.count) })
    }

    struct Variable { let name: String; let value: String }
    struct StatValue { let value: String; let legend: String }
    struct RowValue { let labels: String; let value: String }
    struct PanelView {
        let id: Int; let title: String; let error: String?; let stats: [StatValue]; let chart: ChartView?; let rows: [RowValue]; let hasRows: Bool
        let unsupported: String?
    }
    struct DashboardView { let variables: [Variable]; let range: String; let panels: [PanelView] }

    func dashboardView(_ dashboard: Dashboard, _ form: APIForm) async -> DashboardView {
        let rangeText = form["range"].flatMap { $0.isEmpty ? nil : $0 } ?? "1h"
        let range = PromDuration(parsing: rangeText)?.milliseconds ?? 3_600_000
        var values: [String: String] = [:]
        for name in dashboard.variables { values[name] = form["var-\(name)"].flatMap { $0.isEmpty ? nil : $0 } ?? ".*" }
        let end = sources.now()
        let start = end - max(range, 60_000)
        let step = Self.autoStep(end - start)
        var panels: [PanelView] = []
        for panel in dashboard.panels where panel.type != "row" {
            panels.append(await self.panel(panel, values: values, start: start, end: end, step: step))
        }
        return DashboardView(variables: dashboard.variables.map { Variable(name: $0, value: values[$0] ?? ".*") }, range: rangeText, panels: panels)
    }

    func panel(_ panel: Dashboard.Panel, values: [String: String], start: Int64, end: Int64, step: Int64) async -> PanelView {
        func view(error: String? = nil, stats: [StatValue] = [], chart: ChartView? = nil, rows: [RowValue] = [], unsupported: String? = nil) -> PanelView {
            PanelView(id: panel.id, title: panel.title, error: error, stats: stats, chart: chart, rows: rows, hasRows: !rows.isEmpty, unsupported: unsupported)
        }
        switch panel.type {
        case "timeseries", "graph":
            var series: [ChartSeries] = []
            for target in panel.targets {
                let expr = Dashboard.substitute(target.expr, values: values, range: end - start, step: step)
                do throws(QueryError) {
                    series += Self.series(try await sources.engine.rangeQuery(expr, start: start, end: end, step: step, timeout: .seconds(30)).value, legend: target.legend)
                } catch {
                    return view(error: "\(target.refId): \(error.message)")
                }
            }
            return view(chart: ChartView(Chart(title: panel.title, series: series, start: start, end: end, width: 520, height: 220)))
        case "stat", "gauge", "bargauge", "table":
            var stats: [StatValue] = []
            var rows: [RowValue] = []
            for target in panel.targets {
                let expr = Dashboard.substitute(target.expr, values: values, range: end - start, step: step)
                do throws(QueryError) {
                    let samples = Self.series(try await sources.engine.instantQuery(expr, at: end, timeout: .seconds(30)).value, legend: target.legend)
                    for sample in samples {
                        let value = sample.points.last.map { Dashboard.format($0.v, unit: panel.unit) } ?? "—"
                        if panel.type == "table" { rows.append(RowValue(labels: sample.name, value: value)) } else { stats.append(StatValue(value: value, legend: sample.name)) }
                    }
                } catch {
                    return view(error: "\(target.refId): \(error.message)")
                }
            }
            if stats.isEmpty && rows.isEmpty { stats.append(StatValue(value: "no data", legend: "")) }
            return view(stats: Array(stats.prefix(12)), rows: Array(rows.prefix(50)))
        default:
            return view(unsupported: panel.type)
        }
    }
}
