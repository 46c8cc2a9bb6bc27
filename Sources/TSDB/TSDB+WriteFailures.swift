// Tollgate — TSDB: writes that fail (a full disk), counted, logged once per cause, and cleared by the next write that works.

import CoreMetrics
import Foundation
import GRDB
import Logging
import Storage
import Synchronization

extension TSDB {
    /// The cause of the writes failing now, nil while they work: the last failure, until a
    /// write works again.
    struct WriteHealth {
        var failure: StoreWriteFailure?
    }

    /// Why writes fail now ("disk full: …"), or nil while they work. `/-/ready` answers 503
    /// with this while it is set; the next write that works clears it.
    public var writeFailure: String? {
        writeHealth.withLock { health in health.failure.map { "\($0.reason == .diskFull ? "disk full" : "storage write failed"): \($0.description)" } }
    }

    /// Counts and, when its cause is new, logs a failed write, and gives the error writers see.
    /// - Parameters:
    ///   - error: what the database threw.
    ///   - what: the write that failed ("commit", "checkpoint", "compaction").
    /// - Returns: the failure, with a description that is the same for every failure of one cause.
    @discardableResult
    func noteWriteFailure(_ error: any Error, during what: String) -> StoreWriteFailure {
        let failure = Self.classify(error, path: path)
        StorageMetrics.writeFailures(failure.reason).increment()
        // One cause, one log line: SQLite words a full disk in more than one way (a failed write,
        // a failed extension of its shared memory), so causes are told apart by reason.
        let isNew = writeHealth.withLock { health in
            defer { health.failure = failure }
            return health.failure?.reason != failure.reason
        }
        if isNew {
            logger.error(
                "storage writes fail; reads go on, and writes resume by themselves once the cause is gone",
                metadata: ["reason": "\(failure.reason.rawValue)", "error": "\(failure.description)", "during": "\(what)", "path": "\(path)"])
        }
        return failure
    }

    /// Clears the failure a previous write left, logging that writes work again.
    func noteWriteSuccess() {
        let previous = writeHealth.withLock { health in
            defer { health.failure = nil }
            return health.failure
        }
        if let previous {
            logger.notice("storage writes work again", metadata: ["previous_reason": "\(previous.reason.rawValue)", "path": "\(path)"])
        }
    }

    /// Sorts a database error by cause. An I/O error counts as a full disk when the file
    /// system has (almost) no space left: SQLite reports a failed `write` as `SQLITE_FULL`,
    /// but a failed extension of its shared-memory file as `SQLITE_IOERR_SHMSIZE`.
    static func classify(_ error: any Error, path: String) -> StoreWriteFailure {
        if let failure = error as? StoreWriteFailure { return failure }
        guard let database = error as? DatabaseError else { return StoreWriteFailure(reason: .other, description: "\(error)") }
        let code = "SQLite error \(database.extendedResultCode.rawValue)"
        switch database.resultCode {
        case .SQLITE_FULL:
            return StoreWriteFailure(reason: .diskFull, description: "no space left to write \(path) (\(code): database or disk is full)")
        case .SQLITE_IOERR where freeBytes(near: path).map({ $0 < 1 << 20 }) ?? false:
            return StoreWriteFailure(reason: .diskFull, description: "no space left to write \(path) (\(code): disk I/O error)")
        case .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN:
            return StoreWriteFailure(reason: .ioError, description: "cannot write \(path) (\(code): \(database.message ?? "I/O error"))")
        default:
            return StoreWriteFailure(reason: .other, description: "cannot write \(path) (\(code): \(database.message ?? "error"))")
        }
    }

    /// Bytes free on the file system that holds `path`'s directory.
    private static func freeBytes(near path: String) -> Int64? {
        let directory = (path as NSString).deletingLastPathComponent
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: directory.isEmpty ? "." : directory)
        return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
    }
}

extension StorageMetrics {
    /// Writes that failed, by cause (`disk_full`, `io_error`, `other`).
    static func writeFailures(_ reason: StoreWriteFailure.Reason) -> Counter {
        Counter(label: "tollgate_tsdb_write_failures_total", dimensions: [("reason", reason.rawValue)])
    }
}
