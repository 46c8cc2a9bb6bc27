// Tollgate — TSDB: reading series and samples.

import Chunks
import Foundation
import GRDB
import Logging
import Synchronization
public import Model

extension TSDB {
    /// The series selected by every matcher, with their samples in `[minTime, maxTime]`,
    /// sorted by label set. Series with no sample in the range are left out.
    public func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples] {
        try await run {
            let targets = self.state.withLock { s in
                s.postings.select(matchers).compactMap { id in s.series[id].map { (id, $0.labels, $0.chunk) } }
            }
            var result: [SeriesSamples] = []
            try self.pool.read { db in
                var timestampSets: [Int64: [Int64]] = [:]
                let statement = try db.cachedStatement(
                    sql: "SELECT count, encoding, timestamps_id, data FROM chunks WHERE series_id = ? AND max_time >= ? AND min_time <= ? ORDER BY min_time")
                for (id, labels, head) in targets {
                    var timestamps: [Int64] = []
                    var values: [Double] = []
                    let rows = try Row.fetchCursor(statement, arguments: [Int64(id), minTime, maxTime])
                    while let row = try rows.next() {
                        let count: Int = row[0], encoding: Int = row[1], data: Data = row[3]
                        if encoding == 1 {
                            Self.decodeXOR([UInt8](data), count: count, minTime, maxTime, &timestamps, &values)
                        } else {
                            let setID: Int64 = row[2]
                            if timestampSets[setID] == nil {
                                guard let stored = try Row.fetchOne(db, sql: "SELECT count, data FROM timestamp_sets WHERE id = ?", arguments: [setID]),
                                    let decoded = SampleBlock.decodeTimestamps([UInt8](stored[1] as Data), count: stored[0])
                                else { throw TSDBError("timestamp set \(setID) is missing or corrupt") }
                                timestampSets[setID] = decoded
                            }
                            guard let ts = timestampSets[setID], let vs = SampleBlock.decodeValues([UInt8](data), count: count), ts.count == vs.count else {
                                throw TSDBError("a block of series \(id) is corrupt")
                            }
                            for (t, v) in zip(ts, vs) where t >= minTime && t <= maxTime {
                                timestamps.append(t)
                                values.append(v)
                            }
                        }
                    }
                    Self.decodeXOR(head.bytes, count: head.count, minTime, maxTime, &timestamps, &values)
                    if !timestamps.isEmpty { result.append(SeriesSamples(labels: labels, timestamps: timestamps, values: values)) }
                }
            }
            return Self.sortedByLabels(result)
        }
    }

    /// The label sets of the selected series with a sample in `[minTime, maxTime]`, in label
    /// order. No sample is decoded: a series' last sample time rules out old series, its head
    /// chunk answers for recent ones, and one indexed lookup in the sealed chunks for the rest.
    public func series(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [Labels] {
        try await run {
            let targets = self.state.withLock { s in
                s.postings.select(matchers).compactMap { id -> (UInt32, Labels, Int64?, Int64?)? in
                    guard let series = s.series[id] else { return nil }
                    var iterator = series.chunk.makeIterator()
                    let headStart = iterator.next() ? iterator.at.t : nil
                    return (id, series.labels, series.hasSamples ? series.maxTime : nil, headStart)
                }
            }
            var found: [Labels] = []
            try self.pool.read { db in
                let statement = try db.cachedStatement(sql: "SELECT 1 FROM chunks WHERE series_id = ? AND max_time >= ? AND min_time <= ? LIMIT 1")
                for (id, labels, last, headStart) in targets {
                    if let last, last < minTime { continue }  // nothing since before the range
                    if let headStart, let last, headStart <= maxTime, last >= minTime {
                        found.append(labels)  // the head chunk overlaps the range
                        continue
                    }
                    if try Row.fetchOne(statement, arguments: [Int64(id), minTime, maxTime]) != nil { found.append(labels) }
                }
            }
            return found.sorted(by: Labels.precedes)
        }
    }

    /// Label names, sorted bytewise: of every series, or only of those the matchers select.
    public func labelNames(matching matchers: [LabelMatcher] = []) -> [String] {
        state.withLock { s in
            guard !matchers.isEmpty else { return s.postings.labelNames() }
            var names = Set<String>()
            for id in s.postings.select(matchers) { s.series[id]?.labels.forEach { names.insert($0.name) } }
            return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
    }

    /// The values of one label name, sorted bytewise: over every series, or only those the matchers select.
    public func labelValues(_ name: String, matching matchers: [LabelMatcher] = []) -> [String] {
        state.withLock { s in
            guard !matchers.isEmpty else { return s.postings.labelValues(name) }
            var values = Set<String>()
            for id in s.postings.select(matchers) { if let value = s.series[id]?.labels[name] { values.insert(value) } }
            return values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
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

    /// Series in label order, compared through one byte key each (`name 0 value 0 …`, which
    /// orders as label-by-label, name-then-value comparison does) rather than label by label.
    static func sortedByLabels(_ items: [SeriesSamples]) -> [SeriesSamples] {
        guard items.count > 1 else { return items }
        let keys = items.map { series -> [UInt8] in
            var key: [UInt8] = []
            for label in series.labels {
                key.append(contentsOf: label.name.utf8)
                key.append(0)
                key.append(contentsOf: label.value.utf8)
                key.append(0)
            }
            return key
        }
        let order = items.indices.sorted { a, b in
            keys[a].withUnsafeBufferPointer { x in
                keys[b].withUnsafeBufferPointer { y in
                    let common = min(x.count, y.count)
                    if common > 0, let px = x.baseAddress, let py = y.baseAddress {
                        let c = memcmp(px, py, common)
                        if c != 0 { return c < 0 }
                    }
                    return x.count < y.count
                }
            }
        }
        return order.map { items[$0] }
    }
}
