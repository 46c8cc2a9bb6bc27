// Tollgate — Model: a series' label set.

/// The name of the label that holds a series' metric name.
public let metricNameLabel = "__name__"

/// A series' identity: labels sorted bytewise by name.
///
/// ```swift
/// let labels = Labels(["__name__": "up", "job": "node"])
/// labels["job"]        // "node"
/// labels.metricName    // "up"
/// ```
/// A label set built with ``init(sorting:)`` may hold duplicate names or empty
/// values; ``duplicateName`` finds the former and ``removingEmptyValues()`` drops
/// the latter, as a Prometheus scrape does before storing.
public struct Labels: Sendable, Hashable, RandomAccessCollection, CustomStringConvertible {
    /// The labels, sorted by name (bytewise), ties kept in input order.
    public private(set) var elements: [Label] {
        didSet { hashCache = Self.hash(elements) }
    }
    /// The hash of `elements`, computed once: label sets are built once and looked up often.
    private var hashCache: Int

    /// The empty label set.
    public init() {
        elements = []
        hashCache = Self.hash([])
    }

    /// Creates a label set from labels in any order.
    /// - Parameter labels: the labels; they are sorted bytewise by name.
    public init(sorting labels: [Label]) {
        var sorted = labels
        if !sorted.isSortedByName { sorted.sortByName() }
        elements = sorted
        hashCache = Self.hash(sorted)
    }

    public static func == (lhs: Labels, rhs: Labels) -> Bool {
        lhs.hashCache == rhs.hashCache && lhs.elements == rhs.elements
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hashCache)
    }

    private static func hash(_ elements: [Label]) -> Int {
        var hasher = Hasher()
        for label in elements { hasher.combine(label) }
        return hasher.finalize()
    }

    /// Creates a label set from a dictionary literal or dictionary.
    /// - Parameter dictionary: name → value.
    public init(_ dictionary: [String: String]) {
        self.init(sorting: dictionary.map { Label($0.key, $0.value) })
    }

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> Label { elements[position] }

    /// The value of the first label with this name, or nil.
    public subscript(name: String) -> String? {
        elements.first { $0.name.utf8.elementsEqual(name.utf8) }?.value
    }

    /// The metric name (`__name__`), or nil.
    public var metricName: String? { self[metricNameLabel] }

    /// The first name that appears more than once, or nil.
    /// - Complexity: O(n); the labels are sorted so duplicates are adjacent.
    public var duplicateName: String? {
        guard elements.count > 1 else { return nil }
        for i in 1..<elements.count where elements[i].name.utf8.elementsEqual(elements[i - 1].name.utf8) {
            return elements[i].name
        }
        return nil
    }

    /// This label set without any label whose name carries an empty value anywhere.
    ///
    /// Prometheus treats an empty value as "absent" and removes every label with
    /// that name, so `{b="1",b=""}` loses both.
    public func removingEmptyValues() -> Labels {
        let emptyNames = elements.filter { $0.value.isEmpty }.map(\.name)
        if emptyNames.isEmpty { return self }
        var copy = self
        copy.elements.removeAll { label in emptyNames.contains { $0.utf8.elementsEqual(label.name.utf8) } }
        return copy
    }

    public var description: String { SeriesText.format(self) }

    /// Prometheus's order of label sets: label by label, name then value, bytewise; a set
    /// that is a prefix of another comes first.
    public static func precedes(_ a: Labels, _ b: Labels) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x < y }
        return a.count < b.count
    }
}

extension Array where Element == Label {
    var isSortedByName: Bool {
        guard count > 1 else { return true }
        for i in 1..<count where self[i].name.utf8.lexicographicallyPrecedes(self[i - 1].name.utf8) {
            return false
        }
        return true
    }

    /// Stable sort by name bytewise.
    mutating func sortByName() {
        let indexed = enumerated().sorted { a, b in
            if a.element.name.utf8.elementsEqual(b.element.name.utf8) { return a.offset < b.offset }
            return a.element.name.utf8.lexicographicallyPrecedes(b.element.name.utf8)
        }
        self = indexed.map(\.element)
    }
}
