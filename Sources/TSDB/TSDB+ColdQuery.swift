// Tollgate — TSDB: finding the series that left the head, on disk.

import Foundation
import GRDB
import Logging
import Model
import Synchronization

extension TSDB {
    /// The cold series (``evictIdleSeries()``) that every matcher selects, with a sample at
    /// or after `minTime`, and their labels, in id order.
    ///
    /// One matcher that cannot match "" narrows the search in `cold_postings` (an equality
    /// first: one index range; otherwise the name's values, each tested); every matcher is
    /// then tested on the stored labels. A selector of matchers that all match "" (PromQL
    /// refuses those) reads every cold series.
    func coldSelect(_ matchers: [LabelMatcher], minTime: Int64, _ db: Database) throws -> [(UInt32, Labels)] {
        let narrowing = matchers.first { $0.kind == .equal && !$0.matchesEmpty } ?? matchers.first { !$0.matchesEmpty }
        var ids: [Int64] = []
        if let narrowing {
            let values =
                narrowing.kind == .equal
                ? [narrowing.value]
                : try String.fetchAll(db, sql: "SELECT DISTINCT value FROM cold_postings WHERE name = ?", arguments: [narrowing.name])
                    .filter { narrowing.matches($0) }
            let statement = try db.cachedStatement(
                sql: """
                    SELECT p.series_id FROM cold_postings p JOIN cold_series c ON c.id = p.series_id
                    WHERE p.name = ? AND p.value = ? AND c.max_time >= ?
                    """)
            for value in values { ids += try Int64.fetchAll(statement, arguments: [narrowing.name, value, minTime]) }
            ids.sort()
        } else {
            ids = try Int64.fetchAll(db, sql: "SELECT id FROM cold_series WHERE max_time >= ? ORDER BY id", arguments: [minTime])
        }
        var found: [(UInt32, Labels)] = []
        for id in ids {
            guard let data = try Self.storedLabelBytes(UInt32(truncatingIfNeeded: id), db), let labels = LabelsCodec.decode(data), labels.matches(matchers)
            else {
                continue
            }
            found.append((UInt32(truncatingIfNeeded: id), labels))
        }
        return found
    }

    /// The cold series a selection may need, read after the head's were copied (so a series
    /// evicted meanwhile is found here): none when the selection starts after the newest
    /// sample of every cold series; ids in `head` are left out (a series that came
    /// back meanwhile).
    func coldTargets(_ matchers: [LabelMatcher], minTime: Int64, excluding head: [UInt32]) throws -> [(UInt32, Labels)] {
        let newest = state.withLock { $0.cold.newest }
        guard minTime <= newest else { return [] }
        let cold = try pool.read { db in try coldSelect(matchers, minTime: minTime, db) }
        guard !cold.isEmpty else { return [] }
        let inHead = Set(head)
        return cold.filter { !inHead.contains($0.0) }
    }

    /// Label names or values of the cold series: of all of them (`matchers` empty), or of
    /// those the matchers select. A read that fails is logged and gives none (the label
    /// APIs answer from the head then).
    func coldLabelStrings(_ matchers: [LabelMatcher], all sql: String, arguments: StatementArguments, of labels: (Labels) -> [String]) -> [String] {
        guard state.withLock({ $0.cold.count }) > 0 else { return [] }
        do {
            return try pool.read { db in
                guard !matchers.isEmpty else { return try String.fetchAll(db, sql: sql, arguments: arguments) }
                return try coldSelect(matchers, minTime: .min, db).flatMap { labels($0.1) }
            }
        } catch {
            logger.warning("cannot read the cold series' labels", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The stored bytes of series `id`'s labels (``LabelsCodec``), nil when it has no row.
    static func storedLabelBytes(_ id: UInt32, _ db: Database) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT labels FROM series WHERE id = ?"), arguments: [Int64(id)])
    }

    /// The stored labels of series that are not in the head (for log readers).
    func storedLabels(_ ids: [UInt32]) -> [UInt32: Labels] {
        guard !ids.isEmpty else { return [:] }
        do {
            return try pool.read { db in
                var found: [UInt32: Labels] = [:]
                for id in ids {
                    if let data = try Self.storedLabelBytes(id, db), let labels = LabelsCodec.decode(data) { found[id] = labels }
                }
                return found
            }
        } catch {
            logger.warning("cannot read stored series labels", metadata: ["error": "\(error)"])
            return [:]
        }
    }

    /// Deletes the cold series that retention left without a sample: their rows, postings
    /// and mark. Ids are never given twice: the next id is kept in `log_state`. So is the
    /// number of the next log record (`series_dropped_before_seq`): the records before it
    /// that made a series without a row now made one that was deleted, and a replay must not
    /// make it again (a record made after it whose series has no row is a commit whose
    /// transaction a crash cut short: the record counts).
    /// - Returns: the ids deleted (for the caller to forget, once `db`'s transaction commits).
    func dropEmptyColdSeries(_ db: Database) throws -> [UInt32] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.id, s.labels FROM cold_series c LEFT JOIN series s ON s.id = c.id
                WHERE c.id NOT IN (SELECT series_id FROM chunks)
                """)
        guard !rows.isEmpty else { return [] }
        let nextSeq = state.withLock { $0.nextLogSeq }  // the caller holds the store: no commit runs
        try db.execute(sql: "INSERT OR REPLACE INTO log_state (key, value) VALUES ('series_dropped_before_seq', ?)", arguments: [nextSeq])
        if let highest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM series") {
            try db.execute(
                sql: """
                    INSERT INTO log_state (key, value) VALUES ('next_series_id', ?)
                    ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)
                    """, arguments: [highest + 1])
        }
        let posting = try db.cachedStatement(sql: "DELETE FROM cold_postings WHERE name = ? AND value = ? AND series_id = ?")
        var dropped: [UInt32] = []
        for row in rows {
            let id: Int64 = row[0]
            if let data = row[1] as Data?, let labels = LabelsCodec.decode(data) {
                for label in labels { try posting.execute(arguments: [label.name, label.value, id]) }
            }
            try db.execute(sql: "DELETE FROM series WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM cold_series WHERE id = ?", arguments: [id])
            dropped.append(UInt32(truncatingIfNeeded: id))
        }
        return dropped
    }
}
