// Tollgate — TSDB: reading the head log's files back at start-up.

import Foundation
import GRDB
import Logging

/// A head-log record read back at start-up, and where it lies.
struct LoggedRecord {
    var seq: Int64
    var record: Data
    /// The first record number of its file, and its frame's byte offset there (nil: a row of
    /// a store whose log is still in the database, read-only).
    var segment: Int64?
    var offset: Int
    /// Its file and byte offset, for messages.
    var place: String
    /// False for a record a checkpoint covers, read only for the values later records of
    /// its file are coded against (``LogValues``).
    var replay = true
}

extension TSDB {
    /// The records of the head log after `after`, oldest first, with the records before them
    /// in their files (not to replay: see ``LoggedRecord/replay``), and the highest record
    /// number found anywhere in it (0 for none).
    ///
    /// A frame header that is torn or fails its check ends a file: at the end of the newest
    /// file (a crash in the middle of an append), the log ends there and the file is cut
    /// (unless read-only), with a warning; in an older file, with records after it in later
    /// files, it is damage, and the store refuses to start rather than drop those records.
    func readHeadLog(_ s: inout State, after: Int64, legacy: [(Int64, Data)]) throws -> ([LoggedRecord], Int64) {
        let files = try HeadLog.read(s.log.directory)
        var records: [LoggedRecord] = legacy.filter { $0.0 > after }.map {
            LoggedRecord(seq: $0.0, record: $0.1, segment: nil, offset: 0, place: "\(path), head_log row \($0.0)")
        }
        var last = legacy.last?.0 ?? 0
        for (index, file) in files.enumerated() {
            let name = HeadLog.path(s.log.directory, file.first)
            let replays = file.frames.contains { $0.seq > after }
            for frame in file.frames {
                last = max(last, frame.seq)
                guard replays else { continue }
                records.append(LoggedRecord(
                    seq: frame.seq, record: frame.record, segment: file.first, offset: frame.offset,
                    place: "\(name), byte offset \(frame.offset)", replay: frame.seq > after))
            }
            guard let torn = file.tornAt else { continue }
            let later = files[(index + 1)...].reduce(0) { $0 + $1.frames.count }
            if later > 0 && !options.readOnly {
                throw TSDBError(
                    "the head log file \(name) is damaged at byte offset \(torn) (a frame header is torn or fails its CRC-32 check), and \(later) record\(later == 1 ? "" : "s") in later files \(later == 1 ? "is" : "are") still there")
            }
            logger.warning(
                options.readOnly ? "head log ends in a torn frame; reading it only up to there" : "head log ends in a torn frame; cutting it there",
                metadata: ["path": "\(name)", "offset": "\(torn)"])
            if !options.readOnly { try s.log.truncate(segment: file.first, at: torn, lastKept: file.frames.last?.seq ?? file.first - 1) }
            break
        }
        s.log.found(last: last)
        return (records, last)
    }

    /// Moves the log of a store written before the log moved to files out of the database:
    /// appended to the files (unless a start that crashed did so already), then deleted.
    func moveLegacyLog(_ rows: [(Int64, Data)], _ s: inout State) throws {
        let moved = try HeadLog.read(s.log.directory).flatMap(\.frames).map(\.seq).max() ?? 0
        for (seq, data) in rows where seq > moved { _ = try s.log.append(seq, data) }
        try pool.write { db in try db.execute(sql: "DELETE FROM head_log") }
        logger.notice("moved the head log out of the database into its own files", metadata: ["records": "\(rows.count)", "path": "\(s.log.directory)"])
    }
}
