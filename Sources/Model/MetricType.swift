// Tollgate — Model: metric family types.

/// A metric family's type, as named by a `# TYPE` line.
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown

    /// The spelling the text format 0.0.4 uses: `untyped` for unknown, and
    /// `untyped` for the OpenMetrics-only types the text format cannot name.
    public var textFormatName: String {
        switch self {
        case .counter, .gauge, .histogram, .summary: rawValue
        case .gaugehistogram, .info, .stateset, .unknown: "untyped"
        }
    }
}
