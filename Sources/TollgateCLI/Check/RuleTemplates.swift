// Tollgate — the template language `test rules` expands alert labels and annotations with.

import Rules

/// The alert templates the CLI's commands use.
enum RuleTemplates {
    /// The template language for alert labels and annotations.
    ///
    /// TEMPORARY: a minimal stand-in until the Go text/template implementation is merged
    /// (it replaces this function's body). It expands `{{ $labels.NAME }}`, `{{ $value }}`,
    /// `{{ $externalLabels.NAME }}` and `{{ $externalURL }}` written exactly so, and leaves
    /// every other text as it is.
    static func standard() -> any AlertTemplates { MinimalTemplates() }
}

/// The stand-in: plain substitution of the four common variables, no functions, no pipelines.
private struct MinimalTemplates: AlertTemplates {
    func check(_ text: String, name: String) -> String? { nil }

    func expand(_ text: String, name: String, data: AlertTemplateData, time: Int64, query: @escaping QueryFunc) async -> String {
        var out = text.replacing("{{ $value }}", with: Self.goFormat(data.value))
        out = out.replacing("{{ $externalURL }}", with: data.externalURL)
        for (label, value) in data.labels { out = out.replacing("{{ $labels.\(label) }}", with: value) }
        for (label, value) in data.externalLabels { out = out.replacing("{{ $externalLabels.\(label) }}", with: value) }
        return out
    }

    /// Go's `%v` of a float64 for the common cases (`5`, `0.5`, `1e+06`).
    private static func goFormat(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e21 { return String(Int64(value)) }
        return "\(value)"
    }
}
