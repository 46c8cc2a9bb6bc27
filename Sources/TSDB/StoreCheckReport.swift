// Tollgate — TSDB: what a check of the store file found, and what a repair kept.

import Foundation

/// What ``StoreCheck`` found in a store file: SQLite's own integrity check, Tollgate's
/// checks of every row (labels, chunks, blocks, timestamp sets, head chunks, head-log
/// records, rows that point at series that are missing), and how much of each kind of
/// row is readable (kept by a repair) or not (dropped by it).
public struct StoreCheckReport: Sendable {
    /// Rows (or samples) of one kind: readable and checked, and not.
    public struct Tally: Sendable, Equatable {
        /// Readable and sound (a repair keeps them).
        public var kept = 0
        /// Unreadable or unsound (a repair drops them).
        public var dropped = 0

        /// Zero of both.
        public init() {}
    }

    /// The store file.
    public var path: String
    /// What `PRAGMA integrity_check` reported besides "ok" (at most 100 lines).
    public var integrity: [String] = []
    /// Tollgate's own findings, one line each, at most ``findingsPerKind`` per kind of row.
    public var problems: [String] = []
    /// Findings left out of ``problems`` (beyond ``findingsPerKind`` of one kind).
    public var problemsNotListed = 0
    /// Series rows.
    public var series = Tally()
    /// Sealed chunks and blocks.
    public var chunks = Tally()
    /// Timestamp sets shared by blocks.
    public var timestampSets = Tally()
    /// Checkpointed head chunks.
    public var headChunks = Tally()
    /// Head-log records.
    public var logRecords = Tally()
    /// Samples in chunks, blocks and head chunks, as their rows say (rows SQLite cannot read at
    /// all are not counted: see ``unreadableRows``).
    public var samples = Tally()
    /// Samples in the readable head-log records (replayed at start; until the next checkpoint,
    /// some of them are in sealed chunks too).
    public var logSamples = 0
    /// Rows SQLite could not read at all (their rowids failed to look up), every table together;
    /// rowids that fail up to a table's end, whose number is unknown, are not counted.
    public var unreadableRows: Int64 = 0
    /// Whether some rows could not be read at all (counted in ``unreadableRows`` where their number is known).
    public var hasUnreadableRows = false

    /// How many findings of one kind are listed.
    public static let findingsPerKind = 20

    /// Whether anything is wrong.
    public var isDamaged: Bool { !integrity.isEmpty || !problems.isEmpty || problemsNotListed > 0 }

    init(path: String) { self.path = path }

    /// The report as lines for a terminal: the findings, then what is readable and what is not.
    public var lines: [String] {
        var lines: [String] = []
        if integrity.isEmpty {
            lines.append("SQLite integrity check: ok")
        } else {
            lines.append("SQLite integrity check: \(integrity.count) problem\(integrity.count == 1 ? "" : "s")")
            lines += integrity.map { "  \($0)" }
        }
        if problems.isEmpty {
            lines.append("Tollgate checks: ok")
        } else {
            lines.append("Tollgate checks: \(problems.count + problemsNotListed) problem\(problems.count + problemsNotListed == 1 ? "" : "s")")
            lines += problems.map { "  \($0)" }
            if problemsNotListed > 0 { lines.append("  … and \(problemsNotListed) more") }
        }
        func row(_ name: String, _ tally: Tally) -> String {
            "\(name.padding(toLength: 20, withPad: " ", startingAt: 0))\(tally.kept) readable, \(tally.dropped) damaged"
        }
        lines.append(row("series:", series))
        lines.append(row("chunks and blocks:", chunks))
        lines.append(row("timestamp sets:", timestampSets))
        lines.append(row("head chunks:", headChunks))
        lines.append(row("head log records:", logRecords) + " (\(logSamples) samples in the readable ones)")
        lines.append(row("samples:", samples) + " (in chunks, blocks and head chunks)")
        if hasUnreadableRows { lines.append("unreadable rows:    \(unreadableRows > 0 ? "\(unreadableRows) at least" : "some, up to a table's end") (SQLite cannot read them; their samples are not counted above)") }
        return lines
    }
}
