// Tollgate — TSDB: the in-memory inverted index.

import Model

/// Label name → value → sorted series ids. Answers matcher sets by intersecting
/// postings lists, subtracting for negative matchers, and scanning values (not series)
/// for regular expressions. Names and values are keys by their bytes, as Prometheus's are.
struct Postings {
    private(set) var index: [ByteString: [ByteString: [UInt32]]] = [:]
    private(set) var all: [UInt32] = []

    /// Adds a series; ids must arrive in increasing order.
    mutating func add(_ id: UInt32, _ labels: Labels) {
        all.append(id)
        for label in labels { index[ByteString(label.name), default: [:]][ByteString(label.value), default: []].append(id) }
    }

    /// Adds a series whose id may be lower than others' (one that comes back to the head).
    mutating func insert(_ id: UInt32, _ labels: Labels) {
        Self.insert(id, into: &all)
        for label in labels { Self.insert(id, into: &index[ByteString(label.name), default: [:]][ByteString(label.value), default: []]) }
    }

    private static func insert(_ id: UInt32, into list: inout [UInt32]) {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < id { low = middle + 1 } else { high = middle }
        }
        if low == list.count || list[low] != id { list.insert(id, at: low) }
    }

    /// Removes series, each list rewritten once however many of them it holds; names and
    /// values left with no series go.
    mutating func remove(_ series: [(UInt32, Labels)]) {
        guard !series.isEmpty else { return }
        var gone: [ByteString: [ByteString: Set<UInt32>]] = [:]
        for (id, labels) in series {
            for label in labels { gone[ByteString(label.name), default: [:]][ByteString(label.value), default: []].insert(id) }
        }
        let removed = Set(series.map(\.0))
        all.removeAll { removed.contains($0) }
        for (name, values) in gone {
            for (value, ids) in values {
                index[name]?[value]?.removeAll { ids.contains($0) }
                if index[name]?[value]?.isEmpty == true { index[name]?[value] = nil }
            }
            if index[name]?.isEmpty == true { index[name] = nil }
        }
    }

    /// The ids of series selected by every matcher, sorted.
    /// - Complexity: proportional to the postings touched, plus the distinct values of regex-matched names.
    func select(_ matchers: [LabelMatcher]) -> [UInt32] {
        // Positive matchers that cannot match "" narrow the set; start from those.
        var result: [UInt32]?
        var deferred: [LabelMatcher] = []
        for matcher in matchers where !matcher.matchesEmpty {
            let ids = union(of: matcher)
            result = result.map { intersect($0, ids) } ?? ids
        }
        for matcher in matchers where matcher.matchesEmpty { deferred.append(matcher) }
        var ids = result ?? all
        for matcher in deferred {
            // A matcher that matches "": drop the series whose value for the name fails it.
            let values = index[ByteString(matcher.name)] ?? [:]
            var excluded: [UInt32] = []
            for (value, list) in values where !matcher.matches(value.string) { excluded = merge(excluded, list) }
            ids = subtract(ids, excluded)
        }
        return ids
    }

    /// Label names (sorted), optionally only those of the given series.
    func labelNames() -> [String] { index.keys.map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// The values of a label name (sorted).
    func labelValues(_ name: String) -> [String] {
        (index[ByteString(name)]?.keys).map { $0.map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } } ?? []
    }

    private func union(of matcher: LabelMatcher) -> [UInt32] {
        guard let values = index[ByteString(matcher.name)] else { return [] }
        if matcher.kind == .equal { return values[ByteString(matcher.value)] ?? [] }
        var ids: [UInt32] = []
        for (value, list) in values where matcher.matches(value.string) { ids = merge(ids, list) }
        return ids
    }

    private func intersect(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                out.append(a[i])
                i += 1
                j += 1
            } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    private func merge(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.isEmpty { return b }
        var out: [UInt32] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                out.append(a[i])
                i += 1
            } else if i == a.count || b[j] < a[i] {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        return out
    }

    private func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        guard !b.isEmpty else { return a }
        var out: [UInt32] = []
        var j = 0
        for id in a {
            while j < b.count && b[j] < id { j += 1 }
            if j < b.count && b[j] == id { continue }
            out.append(id)
        }
        return out
    }
}
