// Tollgate — Guards: numbers and durations as reasons write them.

import Foundation
import Model

/// How reasons write numbers and durations.
enum GuardText {
    /// A number with up to four significant digits (`0.034`, `1.2e-08`, `250`).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    /// A duration as Prometheus writes one (`45s`, `1m30s`).
    static func duration(_ milliseconds: Int64) -> String {
        PromDuration(milliseconds: max(0, milliseconds)).description
    }
}
