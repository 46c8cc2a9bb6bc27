// Tollgate — WebUI: line charts as SVG values (axes, ticks, one polyline per series, a legend).

import Foundation

/// One line of a chart: its name and its points (milliseconds, value).
public struct ChartSeries: Sendable {
    public var name: String
    public var points: [(t: Int64, v: Double)]

    public init(name: String, points: [(t: Int64, v: Double)]) {
        self.name = name
        self.points = points
    }
}

/// A chart laid out for the `chart` template: every coordinate computed here, so the
/// template only places them. Texts (names, tick labels) are escaped by the template.
struct Chart {
    struct Tick { let x: String; let y: String; let text: String }
    struct Line { let points: String; let color: String; let name: String; let count: Int; let singleX: String; let singleY: String; let single: Bool }
    struct LegendEntry { let name: String; let color: String }

    let width: Int
    let height: Int
    let title: String
    let description: String
    let lines: [Line]
    let xTicks: [Tick]
    let yTicks: [Tick]
    let legend: [LegendEntry]
    let empty: Bool
    let plotLeft: Int, plotTop: Int, plotRight: Int, plotBottom: Int

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// Lays out `series` over `start`…`end` (ms); the y range covers the finite values (0 included when `fromZero`).
    init(title: String, series: [ChartSeries], start: Int64, end: Int64, width: Int = 640, height: Int = 240, fromZero: Bool = false, maxLines: Int = 50) {
        self.width = width
        self.height = height
        self.title = title
        let left = 56, right = width - 22, top = 10, bottom = height - 24
        plotLeft = left
        plotTop = top
        plotRight = right
        plotBottom = bottom
        let shown = Array(series.prefix(maxLines))
        let values = shown.flatMap { $0.points.map(\.v) }.filter(\.isFinite)
        var low = values.min() ?? 0, high = values.max() ?? 1
        if fromZero { low = min(low, 0) }
        if low == high {
            low -= low == 0 ? 0 : abs(low) * 0.1
            high += high == 0 ? 1 : abs(high) * 0.1
        }
        let span = max(end - start, 1)
        func x(_ t: Int64) -> Double { Double(left) + Double(t - start) / Double(span) * Double(right - left) }
        func y(_ v: Double) -> Double { Double(bottom) - (v - low) / (high - low) * Double(bottom - top) }
        var lines: [Line] = []
        for (index, one) in shown.enumerated() {
            let finite = one.points.filter { $0.v.isFinite }
            let text = finite.map { Self.format(x($0.t)) + "," + Self.format(y($0.v)) }.joined(separator: " ")
            let color = Self.palette[index % Self.palette.count]
            lines.append(Line(
                points: text, color: color, name: one.name, count: finite.count,
                singleX: finite.first.map { Self.format(x($0.t)) } ?? "0", singleY: finite.first.map { Self.format(y($0.v)) } ?? "0",
                single: finite.count == 1))
        }
        self.lines = lines
        legend = lines.map { LegendEntry(name: $0.name, color: $0.color) }
        empty = lines.allSatisfy { $0.count == 0 }
        yTicks = (0...4).map { i in
            let v = low + (high - low) * Double(i) / 4
            return Tick(x: String(left - 4), y: Self.format(y(v) + 4), text: Self.human(v))
        }
        xTicks = (0...4).map { i in
            let t = start + span * Int64(i) / 4
            return Tick(x: Self.format(x(t)), y: String(bottom + 16), text: Self.clock(t))
        }
        let names = shown.prefix(5).map(\.name).joined(separator: ", ")
        description =
            lines.isEmpty
            ? "\(title): no data"
            : "\(title): \(shown.count) series (\(names)\(shown.count > 5 ? ", …" : "")) from \(Self.clock(start)) to \(Self.clock(end)) UTC, values \(Self.human(low)) to \(Self.human(high))"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A value as a short text: 1.2k, 3.4M, 0.012.
    static func human(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        let magnitude = abs(value)
        for (limit, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= limit {
            return trim(String(format: "%.2f", value / limit)) + suffix
        }
        if magnitude == 0 { return "0" }
        if magnitude < 0.001 { return String(format: "%.2e", value) }
        return trim(String(format: magnitude < 1 ? "%.4f" : "%.2f", value))
    }

    private static func trim(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var text = text
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `HH:MM` in UTC.
    static func clock(_ ms: Int64) -> String {
        let seconds = Int((ms / 1000) % 86_400 + 86_400) % 86_400
        return String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60)
    }
}

/// Two samples side by side (canary and baseline of a comparison check): dots on one value axis.
struct SampleStrip {
    struct Dot { let x: String; let y: String }
    struct Column { let name: String; let x: String; let dots: [Dot]; let meanY: String; let mean: String; let count: Int; let color: String }
    let width = 400
    let height = 212
    let columns: [Column]
    let yTicks: [Chart.Tick]
    let description: String

    init?(canary: [Double], baseline: [Double], title: String) {
        let all = (canary + baseline).filter(\.isFinite)
        guard !all.isEmpty else { return nil }
        var low = all.min() ?? 0, high = all.max() ?? 1
        if low == high {
            low -= 1
            high += 1
        }
        let top = 12.0, bottom = 176.0
        func y(_ v: Double) -> Double { bottom - (v - low) / (high - low) * (bottom - top) }
        func column(_ name: String, _ values: [Double], center: Double, color: String) -> Column {
            let finite = values.filter(\.isFinite)
            let dots = finite.enumerated().map { index, v in
                Dot(x: Chart.format(center + Double(index % 7 - 3) * 5), y: Chart.format(y(v)))
            }
            let mean = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
            return Column(
                name: name, x: Chart.format(center), dots: dots, meanY: Chart.format(y(mean)), mean: Chart.human(mean), count: finite.count, color: color)
        }
        columns = [column("canary", canary, center: 150, color: "#d62728"), column("baseline", baseline, center: 300, color: "#1f77b4")]
        yTicks = (0...4).map { i in
            let v = low + (high - low) * Double(i) / 4
            return Chart.Tick(x: "56", y: Chart.format(y(v) + 4), text: Chart.human(v))
        }
        description =
            "\(title): canary \(columns[0].count) values, mean \(columns[0].mean); baseline \(columns[1].count) values, mean \(columns[1].mean)"
    }
}
