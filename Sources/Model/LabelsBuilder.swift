// Tollgate — Model: building a label set by setting and deleting labels.

/// A mutable view of a label set, as relabeling and target labels need it. Setting a
/// label to "" or nil deletes it, as in Prometheus's `labels.Builder`.
///
/// The labels are kept in an array with unique names and found by a scan of their bytes:
/// a series has a handful of labels, and a scan costs less than hashing every name into
/// a dictionary, which a scrape did once for every label of every new series.
public struct LabelsBuilder: Sendable {
    /// The labels set so far, each name once, in the order they were first set.
    private var values: [Label] = []

    /// Starts from a label set (labels with empty values are left out; of a repeated
    /// name, the last value wins).
    public init(_ labels: Labels = Labels()) {
        values.reserveCapacity(labels.count + 2)
        for label in labels where !label.value.isEmpty {
            // The set is sorted by name, so a repeated name follows its first.
            if let last = values.last, bytesEqual(last.name, label.name) {
                values[values.count - 1].value = label.value
            } else {
                values.append(label)
            }
        }
    }

    /// The value of a label, or nil.
    public subscript(name: String) -> String? {
        get { position(of: name).map { values[$0].value } }
        set {
            let found = position(of: name)
            switch (found, newValue) {
            case let (index?, value?) where !value.isEmpty: values[index].value = value
            case let (index?, _): values.remove(at: index)
            case let (nil, value?) where !value.isEmpty: values.append(Label(name, value))
            case (nil, _): break
            }
        }
    }

    /// The label set, sorted.
    public var labels: Labels { Labels(sorting: values) }

    private func position(of name: String) -> Int? {
        values.firstIndex { bytesEqual($0.name, name) }
    }
}
