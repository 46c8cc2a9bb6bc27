// Tollgate — Model: building a label set by setting and deleting labels.

/// A mutable view of a label set, as relabeling and target labels need it. Setting a
/// label to "" or nil deletes it, as in Prometheus's `labels.Builder`.
public struct LabelsBuilder: Sendable {
    private var values: [String: String] = [:]

    /// Starts from a label set (labels with empty values are left out).
    public init(_ labels: Labels = Labels()) {
        for label in labels where !label.value.isEmpty { values[label.name] = label.value }
    }

    /// The value of a label, or nil.
    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue?.isEmpty == false ? newValue : nil }
    }

    /// The label set, sorted.
    public var labels: Labels { Labels(sorting: values.map { Label($0.key, $0.value) }) }
}
