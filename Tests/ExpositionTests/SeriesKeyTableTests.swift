// Tollgate — the byte-keyed series cache.

import Model
import Testing

@testable import Exposition

struct SeriesKeyTableTests {
    @Test func findsWhatWasInsertedAndNothingElse() {
        var table = SeriesKeyTable(capacity: 2)
        var keys: [[UInt8]] = []
        for i in 0..<5000 { keys.append(Array("metric_\(i % 97){instance=\"host-\(i)\"}".utf8)) }
        for (i, key) in keys.enumerated() { table.insert(key[...], id: i) }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated() { #expect(table.find(key[...]) == i) }
        #expect(table.find(Array("metric_1{instance=\"host-5001\"}".utf8)[...]) == nil)
        #expect(table.find([][...]) == nil)
        table.insert(keys[7][...], id: 99)
        #expect(table.find(keys[7][...]) == 99)
        #expect(table.count == keys.count)
    }

    @Test func keysCompareByIdWithoutHashing() {
        var table = SeriesKeyTable()
        let keys = ["a{x=\"1\"}", "a{x=\"2\"}", "b"].map { Array($0.utf8)[...] }
        for (id, key) in keys.enumerated() { table.insert(key, id: id) }
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
                misses += 1
                table.insert(parser.seriesBytes, id: misses)
            }
        }
        #expect(misses == 2)
    }
}
