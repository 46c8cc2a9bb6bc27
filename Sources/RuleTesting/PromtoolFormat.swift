// Tollgate — RuleTesting: the texts promtool prints, byte for byte.

import Model
import PromQL

/// promtool's text forms of durations, label sets, alerts and samples.
enum PromtoolFormat {
    /// Go's `time.Duration.String()` of milliseconds: `0s`, `500ms`, `1.5s`, `1m30s`, `1h0m0s`.
    static func goDuration(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        let sign = milliseconds < 0 ? "-" : ""
        let total = milliseconds.magnitude
        if total < 1000 { return sign + "\(total)ms" }
        let seconds = total / 1000, fraction = total % 1000
        var secondText = "\(seconds % 60)"
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            secondText += "." + digits
        }
        secondText += "s"
        let hours = seconds / 3600, minutes = (seconds / 60) % 60
        if hours > 0 { return sign + "\(hours)h\(minutes)m" + secondText }
        if minutes > 0 { return sign + "\(minutes)m" + secondText }
        return sign + secondText
    }

    /// Go's `labels.Labels.String()`: `{a="b", c="d"}`, names outside the legacy set quoted.
    static func labels(_ labels: Labels) -> String {
        "{" + labels.map { label in
            (SeriesText.isLegacyMetricName(label.name) ? label.name : goQuote(label.name)) + "=" + goQuote(label.value)
        }.joined(separator: ", ") + "}"
    }

    /// Go's `strconv.FormatFloat(v, 'E', -1, 64)`: `5E+01`, `1.5E+00`, `NaN`, `+Inf`.
    static func floatE(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return GoFloat.formatE(value) }
        return GoFloat.formatE(value).replacingExponentMarker()
    }

    /// promtool's sample list: `nil` when empty, else `<labels> <value>` joined by `, `.
    static func samples(_ samples: [(labels: Labels, value: Double)]) -> String {
        guard !samples.isEmpty else { return "nil" }
        return samples.map { labels($0.labels) + " " + floatE($0.value) }.joined(separator: ", ")
    }

    /// promtool's alert list: `[]`, or `[` then `i:` with indented `Labels:`/`Annotations:` lines, `]`.
    static func alerts(_ alerts: [ComparedAlert]) -> String {
        guard !alerts.isEmpty else { return "[]" }
        var text = "["
        for (index, alert) in alerts.enumerated() {
            if index > 0 { text += "," }
            text += "\n\(index):" + indentLines("\nLabels:" + labels(alert.labels) + "\nAnnotations:" + labels(alert.annotations), "  ")
        }
        return text + "\n]"
    }

    /// promtool's `indentLines`: every line after the first gets `indent` in front.
    static func indentLines(_ text: String, _ indent: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { $0 == 0 ? String($1) : indent + $1 }.joined(separator: "\n")
    }
}

/// An alert as promtool compares it: labels and expanded annotations.
struct ComparedAlert: Equatable {
    var labels: Labels
    var annotations: Labels

    /// promtool's order: by labels, then annotations (Go's `labels.Compare`).
    static func precedes(_ a: ComparedAlert, _ b: ComparedAlert) -> Bool {
        if a.labels != b.labels { return Labels.precedes(a.labels, b.labels) }
        return Labels.precedes(a.annotations, b.annotations)
    }
}

extension String {
    /// `5e+01` → `5E+01`.
    fileprivate func replacingExponentMarker() -> String {
        String(map { $0 == "e" ? "E" : $0 })
    }
}
