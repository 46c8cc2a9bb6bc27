// Tollgate — TSDB: one copy of each label string the head holds.

import Model

/// The label names and values of the head's series, each kept once.
///
/// Series of one target share most of their label strings (`__name__`, `job`, `instance`,
/// histogram names), but each scrape parses its own copies. A Swift string of more than 15
/// UTF-8 bytes lives in a heap buffer of its own, so 200,000 series would hold about as many
/// copies of the same names. Series created in the head take the table's copy instead
/// (shorter strings are stored inline and need none). Like the head's series, which stay for
/// the life of the process, strings are never removed.
struct SymbolTable {
    private var strings = Set<String>()

    /// Strings held.
    var count: Int { strings.count }

    /// `labels` with every long name and value replaced by the table's copy.
    mutating func intern(_ labels: Labels) -> Labels {
        var shared: [Label] = []
        shared.reserveCapacity(labels.count)
        for label in labels { shared.append(Label(intern(label.name), intern(label.value))) }
        return Labels(sorting: shared)
    }

    private mutating func intern(_ string: String) -> String {
        guard string.utf8.count > 15 else { return string }
        return strings.insert(string).memberAfterInsert
    }
}
