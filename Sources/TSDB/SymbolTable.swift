// Tollgate — TSDB: one numbered copy of each label string the head holds.

import Model

/// The label names and values of the head's series, each kept once under a number.
///
/// A head series keeps its labels as these numbers (``HeadSeries/withLabelSymbols(_:)``: name,
/// value, name, value, … in the labels' order), 8 bytes a label instead of the 32 of a
/// `Label` and its strings: series of one target share most of their strings (`__name__`,
/// `job`, `instance`, histogram names), and a label set of six took 224 bytes a series where
/// its numbers take 48, allocated with the series. Selections and the other readers build `Labels` from them
/// (``labels(_:)``). Symbols are never removed (as long strings never were before the
/// table numbered them): a series that leaves the head may come back. A head whose label
/// values keep changing (pod names) holds each one it saw, about 40 bytes beyond the string.
struct SymbolTable {
    private var strings: [String] = []
    /// By bytes: canonically equivalent strings are different label values.
    private var numbers: [ByteString: UInt32] = [:]

    /// Strings held.
    var count: Int { strings.count }

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

    /// The numbers of a label set's names and values, in its order.
    mutating func symbols(_ labels: Labels) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(labels.count * 2)
        for label in labels {
            out.append(number(label.name))
            out.append(number(label.value))
        }
        return out
    }

    /// The label set whose names and values these numbers are (see ``symbols(_:)``).
    func labels<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols) -> Labels where Symbols.Index == Int {
        var labels: [Label] = []
        labels.reserveCapacity(symbols.count / 2)
        var i = 0
        while i + 1 < symbols.count {
            labels.append(Label(strings[Int(symbols[i])], strings[Int(symbols[i + 1])]))
            i += 2
        }
        return Labels(sorting: labels)
    }

    /// Whether these numbers are the names and values of `labels`, in order.
    func matches<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols, _ labels: Labels) -> Bool where Symbols.Index == Int {
        guard symbols.count == labels.count * 2 else { return false }
        for (i, label) in labels.enumerated() {
            guard bytesEqual(strings[Int(symbols[2 * i])], label.name), bytesEqual(strings[Int(symbols[2 * i + 1])], label.value) else {
                return false
            }
        }
        return true
    }

    /// The names among these numbers.
    func names<Symbols: RandomAccessCollection<UInt32>>(_ symbols: Symbols) -> some Sequence<String> where Symbols.Index == Int {
        stride(from: 0, to: symbols.count, by: 2).lazy.map { strings[Int(symbols[$0])] }
    }

    /// The value of the label `name` among these numbers, or nil.
    func value<Symbols: RandomAccessCollection<UInt32>>(of name: String, in symbols: Symbols) -> String? where Symbols.Index == Int {
        for i in stride(from: 0, to: symbols.count - 1, by: 2) where bytesEqual(strings[Int(symbols[i])], name) {
            return strings[Int(symbols[i + 1])]
        }
        return nil
    }
}
