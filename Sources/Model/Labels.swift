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
        elements.first { bytesEqual($0.name, name) }?.value
    }

    /// The metric name (`__name__`), or nil.
    public var metricName: String? { self[metricNameLabel] }

    /// The first name that appears more than once, or nil.
    /// - Complexity: O(n); the labels are sorted so duplicates are adjacent.
    public var duplicateName: String? {
        guard elements.count > 1 else { return nil }
        for i in 1..<elements.count where bytesEqual(elements[i].name, elements[i - 1].name) {
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
        copy.elements.removeAll { label in emptyNames.contains { bytesEqual($0, label.name) } }
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
        for i in 1..<count where bytesCompare(self[i].name, self[i - 1].name) < 0 {
            return false
        }
        return true
    }

    /// Stable sort by name bytewise.
    ///
    /// An insertion sort in place for short sets: the sets sorted most (a scraped series
    /// with its target's labels appended) are short and nearly in order already. A long
    /// set (a hostile exposition can send thousands of labels) takes a merge sort.
    mutating func sortByName() {
        guard count > 1 else { return }
        guard count <= 64 else {
            let indexed = enumerated().sorted { a, b in
                let order = bytesCompare(a.element.name, b.element.name)
                return order != 0 ? order < 0 : a.offset < b.offset
            }
            self = indexed.map(\.element)
            return
        }
        for i in 1..<count {
            let label = self[i]
            var j = i
            while j > 0 && bytesCompare(label.name, self[j - 1].name) < 0 {
                self[j] = self[j - 1]
                j -= 1
            }
            if j != i { self[j] = label }
        }
    }
}
