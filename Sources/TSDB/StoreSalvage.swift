// Tollgate — TSDB: one pass over a store file's rows: each checked, and copied when sound.

import Chunks
import Foundation
import GRDB
import Model

/// Reads every table of a store file around damaged pages (``RowSalvage``), checks each row
/// as Tollgate reads it, tallies what is sound, and, given a destination, copies the sound
/// rows into it. Series first: a row that points at a series that is missing is dropped.
struct StoreSalvage {
    let source: Database
    let destination: Database?
    var report: StoreCheckReport
    /// Findings per kind, to list only the first few of each.
    var findings: [String: Int] = [:]
    /// Readable series: their ids.
    var series = Set<UInt32>()
    /// Readable timestamp sets: their sample count and first and last timestamps.
    private var timestampSets: [Int64: (count: Int, first: Int64, last: Int64)] = [:]

    /// Told each table's name before it is read (progress for a large store).
    let progress: (String) -> Void

    init(source: Database, destination: Database?, path: String, progress: @escaping (String) -> Void) {
        self.source = source
        self.destination = destination
        self.progress = progress
        report = StoreCheckReport(path: path)
    }

    /// SQLite's own check of every page and index.
    mutating func checkIntegrity() {
        progress("integrity_check")
        do {
            let lines = try String.fetchAll(source, sql: "PRAGMA integrity_check(100)")
            report.integrity = lines.filter { $0 != "ok" }
        } catch {
            report.integrity = ["integrity_check itself failed: \(error)"]
        }
    }

    /// Checks (and copies) every table, series and timestamp sets first.
    mutating func copyAll() {
        copySeries()
        copyTimestampSets()
        copyChunks()
        copyHeadChunks()
        copyLog()
        copyPlain("log_readers", columns: ["name", "seq"])
        copyPlain("log_state", columns: ["key", "value"])
        copyColdSeries()
    }

    mutating func note(_ kind: String, _ text: String) {
        findings[kind, default: 0] += 1
        if findings[kind, default: 0] <= StoreCheckReport.findingsPerKind {
            report.problems.append(text)
        } else {
            report.problemsNotListed += 1
        }
    }

    /// Scans `table`, calling `visit` with each readable row, and notes the unreadable ones.
    private mutating func scan(
        _ table: String, _ columns: [String], tally: WritableKeyPath<StoreCheckReport, StoreCheckReport.Tally>? = nil,
        _ visit: (inout StoreSalvage, Row) -> Void
    ) {
        progress(table)
        var salvage = self
        let unreadable = RowSalvage.scan(source, table: table, columns: columns.joined(separator: ", ")) { visit(&salvage, $0) }
        self = salvage
        if !unreadable.ranges.isEmpty || unreadable.from != nil {
            report.unreadableRows += unreadable.count
            report.hasUnreadableRows = true
            if let tally { report[keyPath: tally].dropped += Int(clamping: unreadable.count) }
            var ranges = unreadable.ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)…\($0.upperBound)" }
            if let from = unreadable.from { ranges.append("\(from) onwards") }
            note(table, "\(table): rows \(ranges.joined(separator: ", ")) unreadable (\(unreadable.error ?? "SQLite error"))")
        }
    }

    /// Column `index` of `row` as an integer; nil when it is not one (a damaged record may hold anything).
    private static func int(_ row: Row, _ index: Int) -> Int64? { Int64.fromDatabaseValue(row[index]) }

    /// Column `index` of `row` as bytes.
    private static func bytes(_ row: Row, _ index: Int) -> Data? { Data.fromDatabaseValue(row[index]) }

    /// Copies a row into the destination; a row the destination refuses (a duplicate key
    /// that a damaged index let in) is dropped with a finding.
    private mutating func insert(_ table: String, _ columns: [String], _ row: Row, _ kind: String, _ what: String) -> Bool {
        guard let destination else { return true }
        let values = (1...columns.count).map { row[$0] as DatabaseValue }
        do {
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: columns.count - 1)))"
            try destination.execute(sql: sql, arguments: StatementArguments(values))
            return true
        } catch {
            note(kind, "\(what): not copied: \(error)")
            return false
        }
    }

    private mutating func copySeries() {
        let columns = ["id", "labels"]
        var seen = Set<Labels>()
        scan("series", columns, tally: \.series) { salvage, row in
            let id = UInt32(truncatingIfNeeded: Self.int(row, 1) ?? 0)
            guard let data = Self.bytes(row, 2), let labels = LabelsCodec.decode(data) else {
                salvage.note("series", "series \(id): its labels do not decode")
                salvage.report.series.dropped += 1
                return
            }
            guard seen.insert(labels).inserted else {
                salvage.note("series", "series \(id): the same labels as another series")
                salvage.report.series.dropped += 1
                return
            }
            guard salvage.insert("series", columns, row, "series", "series \(id)") else { return salvage.report.series.dropped += 1 }
            salvage.series.insert(id)
            salvage.report.series.kept += 1
        }
    }

    private mutating func copyTimestampSets() {
        let columns = ["id", "hash", "count", "data"]
        scan("timestamp_sets", columns, tally: \.timestampSets) { salvage, row in
            let id = Self.int(row, 1) ?? 0
            let count = Int(clamping: Self.int(row, 3) ?? -1)
            guard count > 0, let data = Self.bytes(row, 4), let timestamps = SampleBlock.decodeTimestamps([UInt8](data), count: count),
                timestamps.count == count, let first = timestamps.first, let last = timestamps.last
            else {
                salvage.note("timestamp_sets", "timestamp set \(id): does not decode to its \(count) timestamps")
                return salvage.report.timestampSets.dropped += 1
            }
            guard salvage.insert("timestamp_sets", columns, row, "timestamp_sets", "timestamp set \(id)") else { return salvage.report.timestampSets.dropped += 1 }
            salvage.timestampSets[id] = (count, first, last)
            salvage.report.timestampSets.kept += 1
        }
    }

    private mutating func copyChunks() {
        let columns = ["id", "series_id", "min_time", "max_time", "count", "encoding", "timestamps_id", "data"]
        scan("chunks", columns, tally: \.chunks) { salvage, row in
            let id = Self.int(row, 1) ?? 0
            let seriesID = UInt32(truncatingIfNeeded: Self.int(row, 2) ?? 0)
            let (minTime, maxTime) = (Self.int(row, 3) ?? .min, Self.int(row, 4) ?? .min)
            let count = Int(clamping: max(0, Self.int(row, 5) ?? 0))
            let encoding = Self.int(row, 6) ?? 0
            let timestampsID = Self.int(row, 7)
            let data = [UInt8](Self.bytes(row, 8) ?? Data())
            var problem: String?
            if !salvage.series.contains(seriesID) {
                problem = "series \(seriesID) is missing"
            } else if encoding == 1 || encoding == Int64(TSDB.outOfOrderEncoding) {
                var timestamps: [Int64] = [], values: [Double] = []
                TSDB.decodeXOR(data, count: count, .min, .max, &timestamps, &values)
                if timestamps.count != count || timestamps.first != minTime || timestamps.last != maxTime {
                    problem = "its XOR chunk does not decode to its \(count) samples from \(minTime) to \(maxTime)"
                }
            } else if TSDB.hasTimestampSet(encoding) {
                let set = timestampsID.flatMap { salvage.timestampSets[$0] }
                if set == nil {
                    problem = "its timestamp set \(timestampsID.map(String.init) ?? "NULL") is missing or damaged"
                } else if set?.count != count || set?.first != minTime || set?.last != maxTime {
                    problem = "its timestamp set does not match its \(count) samples from \(minTime) to \(maxTime)"
                } else if SampleBlock.decodeValues(data, count: count)?.count != count {
                    problem = "its block's values do not decode"
                }
            } else {
                problem = "unknown encoding \(encoding)"
            }
            salvage.settle(row, of: "chunks", columns, \.chunks, samples: count, problem: problem, what: "chunk \(id) of series \(seriesID)")
        }
    }

    private mutating func copyHeadChunks() {
        let columns = ["series_id", "count", "data", "state"]
        scan("head_chunks", columns, tally: \.headChunks) { salvage, row in
            let seriesID = UInt32(truncatingIfNeeded: Self.int(row, 1) ?? 0)
            let count = Int(clamping: max(0, Self.int(row, 2) ?? 0))
            var problem: String?
            if !salvage.series.contains(seriesID) {
                problem = "series \(seriesID) is missing"
            } else if TSDB.restoreChunk(Self.bytes(row, 3) ?? Data(), count: count, state: Self.bytes(row, 4)) == nil {
                problem = "it does not decode to its \(count) samples"
            }
            salvage.settle(row, of: "head_chunks", columns, \.headChunks, samples: count, problem: problem, what: "head chunk of series \(seriesID)")
        }
    }

    /// Copies a checked row of samples when sound, and tallies it and its samples as kept or dropped.
    private mutating func settle(
        _ row: Row, of table: String, _ columns: [String], _ tally: WritableKeyPath<StoreCheckReport, StoreCheckReport.Tally>,
        samples: Int, problem: String?, what: String
    ) {
        if let problem { note(table, "\(what): \(problem)") }
        if problem == nil && insert(table, columns, row, table, what) {
            report[keyPath: tally].kept += 1
            report.samples.kept += samples
        } else {
            report[keyPath: tally].dropped += 1
            report.samples.dropped += samples
        }
    }

    private mutating func copyLog() {
        let columns = ["seq", "data"]
        scan("head_log", columns, tally: \.logRecords) { salvage, row in
            let seq = Self.int(row, 1) ?? 0
            // Rows of the table were written before values were coded against earlier records.
            var values = LogValues()
            guard let record = salvage.checkRecord(seq, Self.bytes(row, 2), values: &values) else { return }
            guard salvage.insert("head_log", columns, row, "head_log", "head log record \(seq)") else { return salvage.report.logRecords.dropped += 1 }
            salvage.report.logRecords.kept += 1
            salvage.report.logSamples += record.samples.count
        }
    }

    /// A log record decoded, or nil (noted and counted as dropped) when it does not; notes
    /// samples of series that are missing.
    mutating func checkRecord(_ seq: Int64, _ data: Data?, values: inout LogValues) -> LogRecord? {
        guard let data, let record = LogRecord(data, values: &values) else {
            note("head_log", "head log record \(seq): fails its CRC-32 check or does not decode (\(data?.count ?? 0) bytes)")
            report.logRecords.dropped += 1
            return nil
        }
        let created = Set(record.newSeries.map(\.id))
        let missing = Set(record.samples.map(\.id)).filter { !series.contains($0) && !created.contains($0) }
        if let first = missing.min() {
            note("head_log", "head log record \(seq): samples of \(missing.count) missing series (\(first)…); they cannot be read")
        }
        return record
    }

    /// Copies the marks of series that left the head (of readable series only) and
    /// rebuilds their postings from their labels: `cold_postings` has no rowid to salvage by.
    private mutating func copyColdSeries() {
        scan("cold_series", ["id", "max_time"]) { salvage, row in
            guard let id = Self.int(row, 1), salvage.series.contains(UInt32(truncatingIfNeeded: id)), Self.int(row, 2) != nil else {
                salvage.note("cold_series", "cold_series row \(Self.int(row, 0) ?? 0): its series is not readable; dropped")
                return
            }
            guard let destination = salvage.destination else { return }
            guard salvage.insert("cold_series", ["id", "max_time"], row, "cold_series", "cold series \(id)") else { return }
            do {
                let data = try TSDB.storedLabelBytes(UInt32(truncatingIfNeeded: id), destination)
                for label in data.flatMap({ LabelsCodec.decode($0) }) ?? Labels([:]) {
                    try destination.execute(
                        sql: "INSERT OR IGNORE INTO cold_postings (name, value, series_id) VALUES (?, ?, ?)", arguments: [label.name, label.value, id])
                }
            } catch {
                salvage.note("cold_series", "cold series \(id): postings not rebuilt: \(error)")
            }
        }
    }

    private mutating func copyPlain(_ table: String, columns: [String]) {
        scan(table, columns) { salvage, row in
            _ = salvage.insert(table, columns, row, table, "\(table) row \(Self.int(row, 0) ?? 0)")
        }
    }
}
