// Tollgate — TSDB: head labels as symbol numbers, and the registry by their hash.

import Model
import Testing

#if canImport(Glibc)
/// glibc's size of an allocation (`malloc.h`, which the Glibc module does not export).
@_silgen_name("malloc_usable_size")
private func mallocUsableSize(_ pointer: UnsafeMutableRawPointer) -> Int
#endif

@testable import TSDB

struct SymbolTableTests {
    @Test func labelSetsGoToNumbersAndBackWithEachStringNumberedOnce() {
        var table = SymbolTable()
        let a = Labels(["__name__": "http_requests_total", "instance": "127.0.0.1:29501", "job": "fake", "path": "/api/v1/users"])
        let b = Labels(["__name__": "http_requests_total", "instance": "127.0.0.1:29502", "job": "fake", "path": "/api/v1/users"])
        let symbolsA = table.symbols(a)
        let symbolsB = table.symbols(b)
        // The shape's number, then the four values'.
        #expect(symbolsA.count == 5)
        // Names and values shared by both sets are numbered once: 8 strings, then 1 new one.
        #expect(table.count == 9)
        // One shape for both; the instance (the second value) differs.
        #expect(table.shapeCount == 1)
        #expect(symbolsA[0] == symbolsB[0] && symbolsA[1] == symbolsB[1] && symbolsA[2] != symbolsB[2])
        #expect(table.labels(symbolsA) == a)
        #expect(table.labels(symbolsB) == b)
        #expect(table.labels(symbolsA).hashValue == a.hashValue)
        #expect(table.labels([]) == Labels())
        // Other names, or the same names in fewer labels, are other shapes.
        let c = Labels(["__name__": "http_requests_total", "instance": "127.0.0.1:29501", "job": "fake", "status": "/api/v1/users"])
        let d = Labels(["__name__": "http_requests_total", "instance": "127.0.0.1:29501", "job": "fake"])
        let symbolsC = table.symbols(c)
        let symbolsD = table.symbols(d)
        #expect(table.shapeCount == 3 && Set([symbolsA[0], symbolsC[0], symbolsD[0]]).count == 3)
        #expect(Array(symbolsC.dropFirst()) == Array(symbolsA.dropFirst()))
        #expect(table.labels(symbolsC) == c && table.labels(symbolsD) == d)
        let none = table.symbols(Labels())
        #expect(none.count == 1 && table.labels(none) == Labels())
    }

    @Test func numbersMatchOnlyTheirOwnLabels() {
        var table = SymbolTable()
        let a = Labels(["__name__": "up", "job": "node"])
        let symbols = table.symbols(a)
        #expect(table.matches(symbols, a))
        #expect(!table.matches(symbols, Labels(["__name__": "up", "job": "other"])))
        #expect(!table.matches(symbols, Labels(["__name__": "up", "jog": "node"])))
        #expect(!table.matches(symbols, Labels(["__name__": "up"])))
        #expect(!table.matches(symbols, Labels(["__name__": "up", "job": "node", "x": "1"])))
        #expect(Array(table.names(symbols)) == ["__name__", "job"])
        #expect(table.value(of: "job", in: symbols) == "node")
        #expect(table.value(of: "node", in: symbols) == nil)
        #expect(table.value(of: "job", in: []) == nil)
    }

    @Test func theRegistryComparesEveryCandidateUnderOneHash() {
        var ids = SeriesIDs()
        // Three series under one hash (a collision), one under another.
        ids.insert(1, hash: 7)
        ids.insert(2, hash: 7)
        ids.insert(3, hash: 7)
        ids.insert(4, hash: 8)
        #expect(ids.count == 4)
        for id: UInt32 in 1...3 { #expect(ids.id(of: 7) { $0 == id } == id) }
        #expect(ids.id(of: 7) { $0 == 4 } == nil)
        #expect(ids.id(of: 9) { _ in true } == nil)
        ids.remove(1, hash: 7)
        #expect(ids.id(of: 7) { $0 == 1 } == nil)
        #expect(ids.id(of: 7) { $0 == 2 } == 2)
        #expect(ids.id(of: 7) { $0 == 3 } == 3)
        ids.remove(3, hash: 7)
        ids.remove(3, hash: 7)  // not there any more: nothing changes
        ids.remove(4, hash: 7)  // under another hash: nothing changes
        #expect(ids.count == 2)
        #expect(ids.id(of: 7) { $0 == 2 } == 2)
        #expect(ids.id(of: 8) { $0 == 4 } == 4)
    }

    /// Many series under few hashes (long runs of taken slots that wrap past the table's
    /// end), inserted, removed and looked up in random order, against a plain dictionary.
    @Test func theRegistryFindsEverySeriesThroughRemovalsAndGrowth() {
        var generator = SystemRandomNumberGenerator()
        var ids = SeriesIDs()
        var reference: [UInt32: Int] = [:]
        var next: UInt32 = 1
        for round in 0..<40 {
            for _ in 0..<200 {
                // Hashes whose low bits crowd the end of a table of any size, and collide.
                let hash = Int.random(in: 0..<64, using: &generator) | (round % 2 == 0 ? 0 : 0xFFF0) | Int(UInt64.random(in: 0..<4, using: &generator) << 40)
                ids.insert(next, hash: hash)
                reference[next] = hash
                next += 1
            }
            for id in reference.keys.shuffled(using: &generator).prefix(120) {
                if let hash = reference[id] {
                    ids.remove(id, hash: hash)
                    reference[id] = nil
                }
            }
            #expect(ids.count == reference.count)
            for (id, hash) in reference where ids.id(of: hash, matching: { $0 == id }) != id {
                Issue.record("round \(round): series \(id) not found")
                return
            }
            #expect(ids.id(of: 5, matching: { reference[$0] == nil }) == nil)
        }
        var sized = SeriesIDs()
        sized.reserveCapacity(1_000)
        for id: UInt32 in 1...1_000 { sized.insert(id, hash: Int(id) * 7919) }
        #expect((1...1_000).allSatisfy { id in sized.id(of: Int(id) * 7919) { $0 == id } == id })
    }

    /// The commit reaches series without retaining them: the same objects the table holds,
    /// none for ids it does not hold.
    @Test func theTableGivesItsSeriesUnretained() {
        var table = SeriesTable()
        let first = HeadSeries.make(labelSymbols: [0, 1])
        let third = HeadSeries.make(labelSymbols: [2, 3])
        table[1] = first
        table[3] = third
        #expect(table.unretained(1)?.takeUnretainedValue() === first)
        #expect(table.unretained(3)?.takeUnretainedValue() === third)
        #expect(table.unretained(2) == nil && table.unretained(0) == nil && table.unretained(4) == nil)
        #expect(table.unretained(3)?._withUnsafeGuaranteedRef { $0.withLabelSymbols { Array($0) } } == [2, 3])
        table[3] = nil
        #expect(table.unretained(3) == nil && table.count == 1)
    }

    #if canImport(Glibc)
    /// A series of six labels takes one allocation of 160 bytes of glibc's allocator: its
    /// fields and its labels' seven numbers (the shape's and six values'). One field of 8
    /// bytes more would take 176; names and values numbered took 176, and the numbers in an
    /// array of their own 96 more beside an object of 128.
    @Test func aHeadSeriesOfSixLabelsTakesOneAllocationOf160Bytes() {
        var table = SymbolTable()
        let labels = Labels(["__name__": "http_requests_total", "instance": "127.0.0.1:29501", "job": "fake", "method": "GET", "path": "/", "status": "200"])
        let numbers = table.symbols(labels)
        let series = HeadSeries.make(labelSymbols: numbers)
        let usable = mallocUsableSize(Unmanaged.passUnretained(series).toOpaque())
        #expect(usable <= 152)
        #expect(series.withLabelSymbols { Array($0) } == numbers)
        #expect(series.withLabelSymbols { table.labels($0) } == labels)
        // The numbers lie inside the object's own allocation.
        let inside = series.withLabelSymbols { symbols in
            symbols.baseAddress.map { UnsafeRawPointer($0) + 28 <= UnsafeRawPointer(Unmanaged.passUnretained(series).toOpaque()) + usable } ?? false
        }
        #expect(inside)
    }
    #endif
}
