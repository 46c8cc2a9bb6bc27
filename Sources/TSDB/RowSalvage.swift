// Tollgate — TSDB: reading every row of a table that SQLite can still read, around damaged pages.

import GRDB

/// Reads a table's rows in rowid order and steps over the ones SQLite cannot read.
///
/// A damaged b-tree page makes a scan fail where it reaches the page; the rows after it
/// are still readable through other pages. So when a scan fails, the rowids after the last
/// row read are looked up one by one (each lookup walks the tree afresh) until one is found
/// again, and the scan goes on from there. The rowids whose lookup failed are reported as
/// ranges; a lookup that finds no row (a gap in the numbering) is not a failure.
///
/// Hand-written: SQLite's own `.recover` (the `sqlite3_recover` extension) is not in
/// Debian's library, and GRDB has no recovery API.
struct RowSalvage {
    /// The rowids that could not be read, as ranges, and the error that stopped the first.
    struct Unreadable {
        var ranges: [ClosedRange<Int64>] = []
        var error: String?
        /// How many rowids failed.
        var count: Int64 { ranges.reduce(0) { $0 + $1.upperBound - $1.lowerBound + 1 } }
    }

    /// Lookups beyond the last failing rowid, when the table's largest rowid is unknown, before giving up.
    static let probeLimit: Int64 = 10_000

    /// Calls `visit` with each readable row of `table` (column 0 is the rowid, then `columns`).
    /// - Returns: the rowids that could not be read.
    static func scan(_ db: Database, table: String, columns: String, visit: (Row) -> Void) -> Unreadable {
        var unreadable = Unreadable()
        let maxID = (try? Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM \(table)")) ?? nil
        var next = Int64.min
        scanning: while true {
            do {
                let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, \(columns) FROM \(table) WHERE rowid >= ? ORDER BY rowid", arguments: [next])
                while let row = try cursor.next() {
                    let id: Int64 = row[0]
                    visit(row)
                    next = id + 1
                }
                return unreadable
            } catch {
                if unreadable.error == nil { unreadable.error = "\(error)" }
            }
            // Look up one rowid at a time from where the scan failed.
            var id = next == .min ? 1 : next  // Tollgate's rowids start at 1
            var firstBad: Int64?
            var lastBad = id
            func closeRange() {
                if let first = firstBad { unreadable.ranges.append(first...lastBad) }
                firstBad = nil
            }
            while maxID.map({ id <= $0 }) ?? (id - lastBad <= probeLimit) {
                do {
                    if let row = try Row.fetchOne(db, sql: "SELECT rowid, \(columns) FROM \(table) WHERE rowid = ?", arguments: [id]) {
                        closeRange()
                        visit(row)
                        next = id + 1
                        continue scanning
                    }
                } catch {
                    if firstBad == nil { firstBad = id }
                    lastBad = id
                }
                id += 1
            }
            closeRange()
            return unreadable
        }
    }
}
