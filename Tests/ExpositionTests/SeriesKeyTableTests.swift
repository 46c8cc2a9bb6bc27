// Tollgate — the byte-keyed series cache.

import Model
import Testing

@testable import Exposition

struct SeriesKeyTableTests {
    @Test func findsWhatWasInsertedAndNothingElse() {
        var table = SeriesKeyTable(capacity: 2)
        var keys: [[UInt8]] = []
        for i in 0..<5000 { keys.append(Array("metric_\(i % 97){instance=\"host-\(i)\"}".utf8)) }
        for (i, key) in keys.enumerated() { #expect(table.insert(key[...]) == i) }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated() { #expect(table.find(key[...]) == i) }
        #expect(table.find(Array("metric_1{instance=\"host-5001\"}".utf8)[...]) == nil)
        #expect(table.find([][...]) == nil)
        #expect(table.insert(keys[7][...]) == 7, "a key stored already keeps its id")
        #expect(table.count == keys.count)
        #expect(table.insert([][...]) == keys.count, "the empty key is a key too")
        #expect(table.find([][...]) == keys.count)
    }

    @Test func shrinkingKeepsEveryKeyInLessRoom() {
        var table = SeriesKeyTable()
        let keys = (0..<2000).map { Array("http_requests_total{method=\"GET\",path=\"/api/v1/\($0)\"}".utf8)[...] }
        for key in keys { table.insert(key) }
        let bytes = keys.reduce(0) { $0 + $1.count }
        let before = table.keyCapacity
        table.shrinkToFit()
        #expect(table.keyCapacity < before)
        #expect(table.keyCapacity <= (bytes + 2000 * 8) * 9 / 8 + 64 + 64)
        for (id, key) in keys.enumerated() {
            #expect(table.find(key) == id)
            #expect(table.key(of: id, equals: key))
        }
        #expect(table.insert(Array("up".utf8)[...]) == 2000, "still takes keys")
    }

    @Test func keysCompareByIdWithoutHashing() {
        var table = SeriesKeyTable()
        let keys = ["a{x=\"1\"}", "a{x=\"2\"}", "b"].map { Array($0.utf8)[...] }
        for key in keys { table.insert(key) }
        #expect(table.key(of: 1, equals: keys[1]))
        #expect(!table.key(of: 1, equals: keys[0]), "same length, other bytes")
        #expect(!table.key(of: 2, equals: keys[0]), "other length")
        #expect(!table.key(of: 3, equals: keys[2]) && !table.key(of: -1, equals: keys[2]), "no such id")
    }

    @Test func keysAreSlicesOfABody() throws {
        let body = Array("a{x=\"1\"} 1\na{x=\"2\"} 2\na{x=\"1\"} 3\n".utf8)
        var parser = ExpositionParser(bytes: body, format: .text)
        var table = SeriesKeyTable()
        var misses = 0
        while try parser.next() != nil {
            if table.find(parser.seriesBytes) == nil {
                #expect(table.insert(parser.seriesBytes) == misses, "ids are given in order from 0")
                misses += 1
            }
        }
        #expect(misses == 2)
    }

    /// A second body read while expecting given series: lines whose bytes are the expected
    /// series are matched without scanning labels, and every other line, however close, is
    /// read in full; values, series bytes and labels come out as reading without
    /// expectations gives them.
    @Test func expectedSeriesAreMatchedByTheirBytesOnly() throws {
        let first = "# TYPE m counter\nm 1\nm{a=\"1\"} 2\nm_total 3\nm{a=\"1\",b=\"2\"} 4\n{\"m\",a=\"3\"} 5\n"
        var table = SeriesKeyTable()
        var parser = ExpositionParser(bytes: Array(first.utf8), format: .text)
        while let entry = try parser.next() {
            if entry == .sample { table.insert(parser.seriesBytes) }
        }
        #expect(table.count == 5)
        // Each line, the series expected for it, and whether its bytes alone match.
        let lines: [(String, Int, Bool)] = [
            ("m 60", 0, true),
            ("m{a=\"1\"} 20", 1, true),
            ("m_total\t30 1700000000000", 2, true),
            ("m{a=\"1\",b=\"2\"}40", 3, false),  // no blank after the series
            ("{\"m\",a=\"3\"} 50", 4, true),
            ("m {a=\"1\"} 10", 0, false),  // a bare name, then labels
            ("m_total 3", 0, false),  // a longer name
            ("m 7", 9, false),  // no such series
        ]
        let second = Array(("# TYPE m counter\n" + lines.map { $0.0 + "\n" }.joined()).utf8)
        var plain = ExpositionParser(bytes: second, format: .text)
        var expecting = ExpositionParser(bytes: second, format: .text)
        var index = 0
        while let entry = try plain.next() {
            let other = try expecting.next(expecting: index < lines.count ? lines[index].1 : -1, in: table)
            #expect(other == entry)
            guard entry == .sample else { continue }
            #expect(expecting.matchedExpected == lines[index].2, "\(lines[index].0)")
            #expect(expecting.seriesBytes == plain.seriesBytes)
            #expect(expecting.value == plain.value && expecting.timestamp == plain.timestamp)
            #expect(try expecting.labels() == plain.labels())
            index += 1
        }
        #expect(index == lines.count)
    }
}
