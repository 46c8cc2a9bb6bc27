// Tollgate — promqltest files: durations, numbers, label sets and value sequences.

import Foundation
import Model
import PromQL

/// A problem in a test file, with its line.
struct TestFileError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

enum TestValues {
    /// `1h30m`, `10s53ms`, `0`: units in decreasing order, each once (Prometheus's model.ParseDuration).
    static func duration(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [(String, Int64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
        ]
        var rest = Substring(text)
        var total: Int64 = 0
        var lastUnit = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let index = units.firstIndex(where: { $0.0 == unitText }), index > lastUnit else { return nil }
            lastUnit = index
            total += n * units[index].1
            rest = rest.dropFirst(unitText.count)
        }
        return total
    }
}

extension SeriesDescription {
    /// Parses a series line of a `load` block; a problem names the line.
    static func parse(_ text: String, line: Int) throws(TestFileError) -> SeriesDescription {
        do {
            return try parse(text)
        } catch {
            throw TestFileError(line: line, message: error.message)
        }
    }
}
