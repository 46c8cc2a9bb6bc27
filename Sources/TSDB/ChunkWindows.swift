// Tollgate — TSDB: the time windows the sealed chunks' index leads with.

import GRDB

/// The sealed chunks' index leads with the window (5 minutes) of a row's first sample,
/// then its series and its first sample: `(min_time / 300000, series_id, min_time)`.
///
/// An index that led with the series put each sealed chunk after its series' earlier
/// entries, so every round of seals (every series' chunk at once) rewrote every page of the
/// index, written twice (SQLite's WAL, then the database): a sealed chunk's cost grew with
/// its series' history (docs/storage.md, "The chunk index leads with a time window"). Led by the
/// window, a round's entries go to the current window's part of the index, which holds at
/// most a window's chunks a series, and older windows are never written again.
///
/// Reading a series' rows in a time range takes one probe a window. Which windows: the
/// table `chunk_windows` holds each window that has rows (by number: its start over the
/// width), with the latest end of its rows (or later: a row deleted since leaves it as it
/// was). A read probes the windows up to the range's end whose rows end at or after its
/// start: a chunk that began before the range and reaches into it is found, however long it
/// spans (a slow series' chunk of 120 samples, a 2-hour block, a row of an older store), and
/// windows without rows cost nothing. Writers note the windows of the rows they write
/// (``Written``) in the same transaction; compaction forgets the windows it emptied.
///
/// The window is the SQL expression of the index (``sql``), not a column: every statement
/// that probes a window writes it the same way, or SQLite does not use the index
/// (`ChunkWindowsTests` checks each statement's plan).
///
/// Why 5 minutes: a window's part of the index is rewritten by every round of seals whose
/// chunks start in it. At 2 s scrapes a chunk of 120 samples spans 4 minutes, so a
/// 15-minute window (schema v6) took up to four rounds, each rewriting the entries of
/// the ones before; a 5-minute one takes one or two. Slower series' chunks span more than a
/// window, so they put at most one entry a series in one. A read of an hour probes twelve
/// windows a series instead of four (docs/storage.md).
struct ChunkWindows: Sendable, Equatable {
    /// The window's width, in milliseconds. Fixed: it is part of the index's expression, and
    /// changing it takes a migration that rebuilds the index and `chunk_windows` (as v7 did).
    static let width: Int64 = 300_000
    /// The window of a row, in SQL: the index's leading expression.
    static let sql = "min_time / \(width)"

    /// The window of time `t` (truncated toward zero, as SQLite's integer division is).
    static func window(of t: Int64) -> Int64 { t / width }

    /// A statement that reads `columns` of series `?2`'s rows in window `?1` that overlap
    /// `[?3, ?4]`.
    static func probe(_ columns: String) -> String {
        "SELECT \(columns) FROM chunks WHERE \(sql) = ? AND series_id = ? AND max_time >= ? AND min_time <= ?"
    }

    /// The statement that deletes one row: window, series, first sample.
    static let deleteRow = "DELETE FROM chunks WHERE \(sql) = ? AND series_id = ? AND min_time = ?"

    /// `head` (`SELECT …` or `DELETE`) of the rows that end before `?2`, found through the
    /// windows up to `?1`, the cutoff's window (a row ends no earlier than it starts).
    static func endingBefore(_ head: String) -> String { "\(head) FROM chunks WHERE \(sql) <= ? AND max_time < ?" }

    /// A window that holds rows, and the latest end of its rows (or later).
    struct Window: Sendable, Equatable {
        var window: Int64
        var end: Int64
    }

    /// The windows that hold rows, in order.
    private(set) var stored: [Window]

    /// Reads the windows in `db`'s transaction, so that they agree with the rows it sees.
    init(_ db: Database) throws {
        stored = try Row.fetchAll(db, sql: "SELECT id, max_time FROM chunk_windows ORDER BY id").map { Window(window: $0[0], end: $0[1]) }
    }

    init(_ stored: [Window]) { self.stored = stored.sorted { $0.window < $1.window } }

    /// The windows that may hold a row overlapping `[minTime, maxTime]`, in order.
    func windows(overlapping minTime: Int64, _ maxTime: Int64) -> [Int64] {
        guard minTime <= maxTime else { return [] }
        let last = Self.window(of: maxTime)
        var found: [Int64] = []
        for entry in stored {
            if entry.window > last { break }
            if entry.end >= minTime { found.append(entry.window) }
        }
        return found
    }

    /// The windows and latest ends of the rows a transaction writes, saved once at its end.
    struct Written {
        private var ends: [Int64: Int64] = [:]
        /// The last row's window and its end so far: a seal's rows mostly share one.
        private var last: Window?

        /// Notes a row written from `minTime` to `maxTime`.
        mutating func note(_ minTime: Int64, _ maxTime: Int64) {
            let window = ChunkWindows.window(of: minTime)
            if let last, last.window == window, last.end >= maxTime { return }
            let end = max(ends[window] ?? maxTime, maxTime)
            ends[window] = end
            last = Window(window: window, end: end)
        }

        /// Raises each window's end in `db` to the latest noted, adding the windows new to it.
        func save(_ db: Database) throws {
            guard !ends.isEmpty else { return }
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO chunk_windows (id, max_time) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET max_time = MAX(max_time, excluded.max_time)
                    """)
            for (window, end) in ends { try statement.execute(arguments: [window, end]) }
        }
    }

    /// Forgets those of `windows` that hold no row any more (compaction merged their rows
    /// into a row of an earlier window): one lookup in the index each.
    static func forget(emptied windows: Set<Int64>, _ db: Database) throws {
        let holds = try db.cachedStatement(sql: "SELECT 1 FROM chunks WHERE \(sql) = ? LIMIT 1")
        for window in windows where try Row.fetchOne(holds, arguments: [window]) == nil {
            try db.execute(sql: "DELETE FROM chunk_windows WHERE id = ?", arguments: [window])
        }
    }

    /// Forgets the windows whose rows all end before `cutoff` (retention deleted them).
    static func forget(endingBefore cutoff: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM chunk_windows WHERE max_time < ?", arguments: [cutoff])
    }

    /// Sets the windows from the rows themselves (a scan of the table): for a store whose
    /// rows were written without them (an older store, a repaired copy).
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM chunk_windows")
        try db.execute(sql: "INSERT INTO chunk_windows (id, max_time) SELECT \(sql), MAX(max_time) FROM chunks GROUP BY 1")
    }
}
