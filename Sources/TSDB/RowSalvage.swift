// Tollgate — TSDB: reading every row of a table that SQLite can still read, around damaged pages.

import GRDB

/// Reads a table's rows in rowid order and steps over the ones SQLite cannot read.
///
/// A damaged b-tree page makes a scan fail where it reaches the page; the rows after it
/// are still readable through other pages. So when a scan fails, the rowids after the last
/// row read are looked up one by one (each lookup walks the tree afresh) until one is found
/// again, and the scan goes on from there. The rowids whose lookup failed are reported as
/// ranges; a lookup that finds no row (a gap in the numbering) is not a failure. After
/// ``probeLimit`` lookups in a row that find nothing, a scan is tried once more from there
/// (it may land past the damage), and if it fails at once, the table's salvage ends.
///
/// Hand-written: SQLite's own `.recover` (the `sqlite3_recover` extension) is not in
/// Debian's library, and GRDB has no recovery API.
struct RowSalvage {
    /// The rowids that could not be read, as ranges, and the error that stopped the first.
    struct Unreadable {
        var ranges: [ClosedRange<Int64>] = []
        /// Where the rowids that failed run on to the end of the table, as far as the lookups went.
        var from: Int64?
        var error: String?
        /// How many rowids failed.
        var count: Int64 { ranges.reduce(0) { $0 + $1.upperBound - $1.lowerBound + 1 } }
    }

    /// Lookups in a row that find nothing before the lookups stop.
    static let probeLimit: Int64 = 10_000

    /// Calls `visit` with each readable row of `table` (column 0 is the rowid, then `columns`).
    /// - Returns: the rowids that could not be read.
    static func scan(_ db: Database, table: String, columns: String, visit: (Row) -> Void) -> Unreadable {
        var unreadable = Unreadable()
        // Where the lookups may stop early; a damaged rightmost page fails this, or makes it large.
        let maxID = (try? Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM \(table)")) ?? nil
        var next: Int64 = .min
        // Whether the last scan read at least one row: a scan that fails at once twice ends the salvage.
        var progressed = true
        while true {
            var read = 0
            do {
                let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, \(columns) FROM \(table) WHERE rowid >= ? ORDER BY rowid", arguments: [next])
                while let row = try cursor.next() {
                    let id: Int64 = row[0]
                    // A damaged page can hand back rowids out of order: step over it as over one that fails.
                    guard id >= next else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "rowid \(id) out of order after \(next - 1)") }
                    visit(row)
                    read += 1
                    next = id &+ 1
                }
                return unreadable
            } catch {
                if unreadable.error == nil { unreadable.error = "\(error)" }
            }
            if read == 0 && !progressed { return unreadable }
            progressed = read > 0
            // Look up one rowid at a time from where the scan failed.
            var id = next == .min ? 1 : next  // Tollgate's rowids start at 1
            var firstBad: Int64?
            var lastBad = id
            var misses: Int64 = 0
            var found = false
            while misses < probeLimit && !found && maxID.map({ id <= $0 }) ?? true {
                do {
                    if let row = try Row.fetchOne(db, sql: "SELECT rowid, \(columns) FROM \(table) WHERE rowid = ?", arguments: [id]) {
                        visit(row)
                        found = true
                        progressed = true
                    }
                } catch {
                    if firstBad == nil { firstBad = id }
                    lastBad = id
                }
                misses += 1
                id &+= 1
            }
            if let first = firstBad {
                if found || maxID.map({ id > $0 }) ?? false {
                    unreadable.ranges.append(first...lastBad)
                } else {
                    unreadable.from = unreadable.from ?? first  // no row found after them: how many there were is unknown
                }
            }
            next = id
            if !found && maxID.map({ id > $0 }) ?? false { return unreadable }
        }
    }
}
