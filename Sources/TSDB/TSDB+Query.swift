// Tollgate — TSDB: reading series and samples.

import Chunks
import Foundation
import GRDB
import Logging
import Synchronization
public import Model
public import Storage

extension TSDB {
    /// The series selected by every matcher, with their samples in `[minTime, maxTime]`,
    /// sorted by label set. Series with no sample in the range are left out.
    ///
    /// A selection does not hold the store: commits, compaction and retention go on while it
    /// reads. It copies each selected series' head chunk under the state lock first, then
    /// reads the sealed chunks in read transactions (SQLite's WAL snapshots), and merges the
    /// two by time, one sample per timestamp. A commit seals a chunk and empties the head
    /// under that same lock, so a chunk sealed after the copy is read twice at most (once
    /// sealed, once in the copy) and the second reading is dropped; nothing committed before
    /// the selection began is missed. Chunks of out-of-order samples may overlap the others
    /// and the head; they are merged in the same way (see `TSDB+OutOfOrder`).
    ///
    /// Large selections are read by several readers at once (one per core, at most four),
    /// each over its own share of the series in its own read transaction (`Parallel`).
    public func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples] {
        try await read {
            let head = self.state.withLock { s in
                s.postings.select(matchers).compactMap { id in s.series[id].map { (id, s.labels(of: $0), $0.chunk.xorChunk) } }
            }
            let cold = try self.coldTargets(matchers, minTime: minTime, excluding: head.map(\.0))
            let targets = head + cold.map { ($0.0, $0.1, XORChunk()) }
            let shares = Parallel.shares(targets.count, minimum: 500)
            let parts = Parallel.map(shares.count) { share in
                Result { () throws -> KeyedSeries in
                    try self.pool.read { db in
                        var reader = try ChunkReader(db, store: self)
                        var found = KeyedSeries()
                        for (id, labels, head) in targets[shares[share]] {
                            var timestamps: [Int64] = []
                            var values: [Double] = []
                            try reader.read(id, minTime, maxTime, &timestamps, &values)
                            // Head samples already read from a chunk sealed since the copy are skipped.
                            Self.appendHead(head, minTime, maxTime, &timestamps, &values)
                            if !timestamps.isEmpty {
                                found.append(SeriesSamples(labels: labels, timestamps: timestamps, values: values))
                            }
                        }
                        found.sort()
                        return found
                    }
                }
            }
            return try KeyedSeries.merge(parts.map { try $0.get() })
        }
    }

    /// The label sets of the selected series with a sample in `[minTime, maxTime]`, in label
    /// order. No sample is decoded: a series' last sample time rules out old series, its head
    /// chunk answers for recent ones, and indexed lookups in the sealed chunks for the rest.
    public func series(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [Labels] {
        try await read {
            let head = self.state.withLock { s in
                s.postings.select(matchers).compactMap { id -> (UInt32, Labels, Int64?, Int64?)? in
                    guard let series = s.series[id] else { return nil }
                    let headStart = series.chunk.count > 0 ? series.chunk.minTime : nil
                    return (id, s.labels(of: series), series.hasSamples ? series.maxTime : nil, headStart)
                }
            }
            let cold = try self.coldTargets(matchers, minTime: minTime, excluding: head.map(\.0))
            let targets = head + cold.map { ($0.0, $0.1, Int64?.none, Int64?.none) }
            var found: [Labels] = []
            try self.pool.read { db in
                let statement = try db.cachedStatement(sql: ChunkWindows.probe("1") + " LIMIT 1")
                let windows = try ChunkWindows(db).windows(overlapping: minTime, maxTime)
                for (id, labels, last, headStart) in targets {
                    if let last, last < minTime { continue }  // nothing since before the range
                    if let headStart, let last, headStart <= maxTime, last >= minTime {
                        found.append(labels)  // the head chunk overlaps the range
                        continue
                    }
                    // One probe a window (ChunkWindows), until one finds a row.
                    if try windows.contains(where: { try Row.fetchOne(statement, arguments: [$0, Int64(id), minTime, maxTime]) != nil }) {
                        found.append(labels)
                    }
                }
            }
            return found.sorted(by: Labels.precedes)
        }
    }

    /// Label names, sorted bytewise: of every series, or only of those the matchers select.
    /// Cold series (``evictIdleSeries()``) count as well.
    public func labelNames(matching matchers: [LabelMatcher] = []) -> [String] {
        // By bytes: canonically equivalent names are different names.
        var names = state.withLock { s in
            guard !matchers.isEmpty else { return Set(s.postings.labelNames().map(ByteString.init)) }
            var names = Set<ByteString>()
            for id in s.postings.select(matchers) {
                if let series = s.series[id] { series.withLabelSymbols { names.formUnion(s.symbols.names($0).map(ByteString.init)) } }
            }
            return names
        }
        names.formUnion(coldLabelStrings(matchers, all: "SELECT DISTINCT name FROM cold_postings", arguments: []) { $0.map(\.name) }.map(ByteString.init))
        return names.map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The values of one label name, sorted bytewise: over every series, or only those the matchers select.
    /// Cold series (``evictIdleSeries()``) count as well.
    public func labelValues(_ name: String, matching matchers: [LabelMatcher] = []) -> [String] {
        var values = state.withLock { s in
            guard !matchers.isEmpty else { return Set(s.postings.labelValues(name).map(ByteString.init)) }
            var values = Set<ByteString>()
            for id in s.postings.select(matchers) {
                if let series = s.series[id], let value = series.withLabelSymbols({ s.symbols.value(of: name, in: $0) }) {
                    values.insert(ByteString(value))
                }
            }
            return values
        }
        values.formUnion(
            coldLabelStrings(matchers, all: "SELECT DISTINCT value FROM cold_postings WHERE name = ?", arguments: [name]) { $0[name].map { [$0] } ?? [] }
                .map(ByteString.init))
        return values.map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func decodeXOR(_ bytes: [UInt8], count: Int, _ minTime: Int64, _ maxTime: Int64, _ timestamps: inout [Int64], _ values: inout [Double]) {
        guard count > 0 else { return }
        var iterator = XORChunk.iterator(bytes: bytes, count: count)
        while iterator.next() {
            let (t, v) = iterator.at
            if t > maxTime { break }
            if t >= minTime {
                timestamps.append(t)
                values.append(v)
            }
        }
    }
}
