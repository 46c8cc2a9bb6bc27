// Tollgate — PromQL engine: label-set operations the evaluator needs.

import Model
import PromQL

/// Labels that go with the metric name: dropped whenever `__name__` is (Prometheus's
/// `schema.IsMetadataLabel`).
let metadataLabels: Set<String> = [metricNameLabel, "__type__", "__unit__"]

extension Labels {
    /// Without `__name__`, `__type__` and `__unit__`.
    var droppingMetricName: Labels { removing(metadataLabels) }

    /// Without the named labels.
    func removing(_ names: Set<String>) -> Labels {
        guard contains(where: { names.contains($0.name) }) else { return self }
        return Labels(sorting: filter { !names.contains($0.name) })
    }

    /// Only the named labels.
    func keeping(_ names: Set<String>) -> Labels {
        Labels(sorting: filter { names.contains($0.name) })
    }

    /// With one label set (an empty value deletes it, as Prometheus's builder does).
    func setting(_ name: String, _ value: String) -> Labels {
        var rest = filter { $0.name != name }
        if !value.isEmpty { rest.append(Label(name, value)) }
        return Labels(sorting: rest)
    }

    /// The value of a label, or "" when absent.
    func value(_ name: String) -> String { self[name] ?? "" }

    /// Prometheus's `labels.String()`: `{__name__="x", a="b"}`.
    var promString: String {
        "{" + map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }
}

/// The staleness marker's bit pattern.
let staleNaNBits: UInt64 = 0x7FF0_0000_0000_0002

extension Double {
    var isStaleMarker: Bool { bitPattern == staleNaNBits }
}
