// Tollgate — TSDB: the head log read in commit order by remote-write queues.

import Foundation
import GRDB
import Logging
public import Model
public import Storage
import Synchronization

/// The head log as a ``CommitLog``: every commit's in-order samples (the records recovery
/// replays) and, while any reader is registered, its out-of-order samples too (version 2
/// records that recovery skips), numbered without gaps.
///
/// A checkpoint deletes the records up to the slowest reader's position instead of all of
/// them, and records up to its own last one are never replayed (`log_state`). A reader that
/// falls more than ``TSDB/Options/logRetention`` behind loses the records that old: the next
/// checkpoint drops them, and ``readLog(after:maxSamples:)`` says how many it missed.
/// Positions live in `log_readers`, in the store's own file, so they survive a crash
/// with the records they point into.
extension TSDB: CommitLog {
    public func openLogReader(_ name: String) async throws -> Int64 {
        try await run {
            try self.state.withLock { s in
                if let position = s.logReaders[name] { return position }
                let position = s.nextLogSeq - 1
                try self.pool.write { db in
                    try db.execute(sql: "INSERT OR REPLACE INTO log_readers (name, seq) VALUES (?, ?)", arguments: [name, position])
                }
                s.logReaders[name] = position
                return position
            }
        }
    }

    public func moveLogReader(_ name: String, to position: Int64) async throws {
        // Memory first: a checkpoint may then drop what the reader is done with. The file is
        // behind for a moment at most, which after a crash means reading a little again.
        let moved = state.withLock { s -> Bool in
            guard let current = s.logReaders[name], position > current else { return false }
            s.logReaders[name] = position
            return true
        }
        guard moved else { return }
        try await read {
            try self.pool.write { db in
                try db.execute(sql: "UPDATE log_readers SET seq = MAX(seq, ?) WHERE name = ?", arguments: [position, name])
            }
        }
    }

    public func closeLogReader(_ name: String) async throws {
        try await run {
            try self.state.withLock { s in
                try self.pool.write { db in try db.execute(sql: "DELETE FROM log_readers WHERE name = ?", arguments: [name]) }
                s.logReaders[name] = nil
                if s.logReaders.isEmpty { s.checkpointMarks = [] }
            }
        }
    }

    public func readLog(after position: Int64, maxSamples: Int) async throws -> LoggedSamples {
        // The files as they are now, and the newest committed record: a commit appends its
        // record before its transaction, and may still take it back. And where a read that
        // ended at `position` stopped, if one did.
        let (directory, segments, committed, cursor) = state.withLock { s in
            let cursor = s.logCursors.firstIndex { $0.through == position }.map { s.logCursors.remove(at: $0) }
            return (s.log.directory, s.log.segments, s.nextLogSeq - 1, cursor)
        }
        let (found, ended) = try await read { () throws -> (LoggedSamples, LogCursor?) in
            var found = LoggedSamples(through: position)
            let expected = min(max(maxSamples, 0), 1 << 20)
            found.refs.reserveCapacity(expected)
            found.timestamps.reserveCapacity(expected)
            found.values.reserveCapacity(expected)
            var ended: LogCursor?
            // From the file holding the record after `position` (its first number is at most that).
            let start = max(0, (segments.lastIndex { $0 <= position + 1 }) ?? 0)
            files: for first in segments[start...] {
                let file = HeadLog.path(directory, first)
                // Every record of a file is decoded, from the file's start or where the last read
                // stopped: a value may be coded against a base an earlier record set.
                let resume = cursor.flatMap { $0.file == first ? $0 : nil }
                let from = resume?.offset ?? 0
                // A checkpoint may have deleted the file since: its records count as missed.
                guard let bytes = LogCursor.bytes(of: file, from: from) else { continue }
                var values = resume?.values ?? LogValues()
                var offset = from
                defer { ended = LogCursor(file: first, offset: offset, through: found.through, values: values) }
                for frame in HeadLog.frames(bytes).frames {
                    guard frame.seq <= committed else { break files }
                    let decoded = LogRecord(frame.record, values: &values)
                    let next = from + frame.offset + HeadLog.headerSize + frame.record.count
                    guard frame.seq > position else {
                        offset = next
                        continue
                    }
                    guard let record = decoded else {
                        throw TSDBError("head log record \(frame.seq) in \(file) (byte offset \(from + frame.offset)) is corrupt")
                    }
                    let count = record.samples.count + record.late.count
                    if found.count > 0 && found.count + count > maxSamples { break files }
                    if found.through == position { found.missedRecords = frame.seq - position - 1 }
                    found.through = frame.seq
                    offset = next
                    for part in [record.samples, record.late] {
                        for sample in part {
                            found.refs.append(SeriesRef(UInt64(sample.id)))
                            found.timestamps.append(sample.t)
                            found.values.append(sample.v)
                        }
                    }
                }
            }
            return (found, ended)
        }
        if let ended {
            state.withLock { s in
                s.logCursors.append(ended)
                if s.logCursors.count > LogCursor.kept { s.logCursors.removeFirst() }
            }
        }
        return found
    }

    /// Series that left the head (``evictIdleSeries()``) are read from the store.
    public func labels(of refs: some Sequence<SeriesRef>) -> [SeriesRef: Labels] {
        var missing: [UInt32] = []
        var found: [SeriesRef: Labels] = state.withLock { s in
            var found: [SeriesRef: Labels] = [:]
            for ref in refs {
                let id = UInt32(truncatingIfNeeded: ref.rawValue)
                if let series = s.series[id] { found[ref] = s.labels(of: series) } else { missing.append(id) }
            }
            return found
        }
        for (id, labels) in storedLabels(missing) { found[SeriesRef(UInt64(id))] = labels }
        return found
    }

    /// The last record a checkpoint at `last` may delete: the slowest reader's position, or,
    /// for records older than the log retention, `last` whatever the readers.
    func logKeptAfter(_ s: inout State, last: Int64) -> Int64 {
        guard let slowest = s.logReaders.values.min(), slowest < last else { return last }
        let now = ContinuousClock.now
        s.checkpointMarks.append((last, now))
        let retention = Duration.milliseconds(options.logRetention)
        guard let expired = s.checkpointMarks.last(where: { now - $0.at >= retention }) else { return slowest }
        s.checkpointMarks.removeAll { $0.seq < expired.seq }
        if expired.seq > slowest {
            logger.warning(
                "head log records kept for a remote write queue outlived the log retention and are dropped",
                metadata: ["through_record": "\(expired.seq)", "slowest_reader": "\(slowest)", "retention_ms": "\(options.logRetention)"])
        }
        return max(slowest, expired.seq)
    }
}
