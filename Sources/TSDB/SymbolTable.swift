// Tollgate — TSDB: one numbered copy of each label string the head holds.

import Model

/// The label names and values of the head's series, each kept once under a number, and
/// the lists of names label sets have (their shapes), each kept once under a number too.
///
/// A head series keeps its labels as numbers (``HeadSeries/withLabelSymbols(_:)``): its
/// shape's, then its values' in the labels' order. Series of one metric have one shape
/// (`__name__`, `instance`, `job`, `method`, `path`, `status`), so a label costs a series 4
/// bytes, and the names 4 in all. A `Label` and its strings took 32 bytes a label; a label
/// set of six took 224 bytes a series, its name and value numbers 48, its shape and values
/// 28, allocated with the series. Selections and the other readers build `Labels` from them
/// (``labels(_:)``). Strings and shapes are never removed (as long strings never were
/// before the table numbered them): a series that leaves the head may come back. A head
/// whose label values keep changing (pod names) holds each one it saw, about 40 bytes
/// beyond the string; one whose label names keep changing holds each list of them.
struct SymbolTable {
    private var strings: [String] = []
    /// By bytes: canonically equivalent strings are different label values.
    private var numbers: [ByteString: UInt32] = [:]
    /// Each shape's names' numbers, in order.
    private var shapes: [[UInt32]] = []
    private var shapeNumbers: [[UInt32]: UInt32] = [:]

    /// Strings held.
    var count: Int { strings.count }
    /// Shapes held.
    var shapeCount: Int { shapes.count }

    /// The string numbered `number`.
    subscript(number: UInt32) -> String { strings[Int(number)] }

    /// The number of `string`, which the table keeps from now on.
    mutating func number(_ string: String) -> UInt32 {
        let key = ByteString(string)
        if let known = numbers[key] { return known }
        let next = UInt32(truncatingIfNeeded: strings.count)
        strings.append(string)
        numbers[key] = next
        return next
    }

    /// The number of the shape with these names' numbers, which the table keeps from now on.
    private mutating func shape(_ names: [UInt32]) -> UInt32 {
        if let known = shapeNumbers[names] { return known }
        let next = UInt32(truncatingIfNeeded: shapes.count)
        shapes.append(names)
        shapeNumbers[names] = next
        return next
    }

    /// The numbers of a label set: its shape's, then its values' in its order.
    mutating func symbols(_ labels: Labels) -> [UInt32] {
        var names: [UInt32] = []
        names.reserveCapacity(labels.count)
        var out: [UInt32] = [0]
        out.reserveCapacity(labels.count + 1)
        for label in labels {
            names.append(number(label.name))
            out.append(number(label.value))
        }
        out[0] = shape(names)
        return out
    }

    /// The names' numbers of the label set these numbers are (see ``symbols(_:)``), and
    /// its values' numbers; an empty set for no numbers.
    private func split<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols) -> (names: ArraySlice<UInt32>, values: Symbols.SubSequence)
    where Symbols.Index == Int {
        guard let shape = symbols.first else { return ([], symbols[symbols.startIndex..<symbols.startIndex]) }
        let values = symbols.dropFirst()
        return (shapes[Int(shape)].prefix(values.count), values)
    }

    /// The label set whose numbers these are (see ``symbols(_:)``).
    func labels<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols) -> Labels where Symbols.Index == Int {
        let (names, values) = split(symbols)
        var labels: [Label] = []
        labels.reserveCapacity(names.count)
        for (name, value) in zip(names, values) { labels.append(Label(strings[Int(name)], strings[Int(value)])) }
        return Labels(sorting: labels)
    }

    /// Whether these numbers are those of `labels`.
    func matches<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols, _ labels: Labels) -> Bool where Symbols.Index == Int {
        let (names, values) = split(symbols)
        guard names.count == labels.count, values.count == labels.count else { return false }
        for ((name, value), label) in zip(zip(names, values), labels) {
            guard bytesEqual(strings[Int(name)], label.name), bytesEqual(strings[Int(value)], label.value) else { return false }
        }
        return true
    }

    /// The label names of these numbers.
    func names<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols) -> some Sequence<String> where Symbols.Index == Int {
        split(symbols).names.lazy.map { strings[Int($0)] }
    }

    /// The value of the label `name` among these numbers, or nil.
    func value<Symbols: RandomAccessCollection<UInt32>>(of name: String, in symbols: Symbols) -> String? where Symbols.Index == Int {
        let (names, values) = split(symbols)
        for (label, value) in zip(names, values) where bytesEqual(strings[Int(label)], name) { return strings[Int(value)] }
        return nil
    }
}
