// Tollgate — TSDB: checking a store file for damage, and repairing it by keeping what is readable.

import Foundation
import GRDB

/// Checks `DIR/tollgate.db` for damage (`tollgate tsdb check`) and repairs it
/// (`--repair`): every readable, sound row is copied into a fresh file, which then takes the
/// damaged file's place; the damaged file is kept beside it as a backup. The head log's
/// files (`DIR/head-log/`) are checked and repaired the same way.
///
/// Run it on a store no process has open (the caller holds the data directory's lock).
///
/// ```swift
/// let report = try StoreCheck.check(directory: "data")
/// if report.isDamaged { let repaired = try StoreCheck.repair(directory: "data") }
/// ```
public enum StoreCheck {
    /// What a repair did.
    public struct Repair: Sendable {
        /// What the damaged file held: what was kept and what was dropped.
        public var report: StoreCheckReport
        /// Where the damaged file is now.
        public var backup: String
    }

    /// Checks the store in `directory` without changing it.
    /// - Parameters:
    ///   - directory: the data directory.
    ///   - progress: told what is read next (`integrity_check`, then each table's name).
    /// - Throws: ``TSDBError`` when there is no store, or the file cannot be opened as SQLite at all.
    public static func check(directory: String, progress: @escaping (String) -> Void = { _ in }) throws -> StoreCheckReport {
        let path = try storePath(directory)
        let source = try openSource(path, readOnly: true)
        return source.inDatabase { db in
            var salvage = StoreSalvage(source: db, destination: nil, path: path, progress: progress)
            salvage.checkIntegrity()
            salvage.copyAll()
            salvage.copyLogFiles(logDirectory(directory), into: nil)
            return salvage.report
        }
    }

    /// Copies every readable, sound row of the store in `directory` into a fresh file, then
    /// renames the damaged file to `tollgate.db.damaged-<unix time>` and the fresh one to
    /// `tollgate.db`.
    /// - Parameters:
    ///   - directory: the data directory.
    ///   - progress: told what is read next (`integrity_check`, then each table's name).
    /// - Throws: ``TSDBError`` when there is no store, the file cannot be opened as SQLite at
    ///   all, or the fresh file cannot be written (the damaged file is then left as it was).
    public static func repair(directory: String, progress: @escaping (String) -> Void = { _ in }) throws -> Repair {
        let path = try storePath(directory)
        let fresh = path + ".repair"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: fresh + suffix) }
        let log = logDirectory(directory), freshLog = log + ".repair"
        try? FileManager.default.removeItem(atPath: freshLog)
        var report: StoreCheckReport
        do {
            let source = try openSource(path, readOnly: false)
            let destination = try DatabaseQueue(path: fresh)
            try Schema.migrator.migrate(destination)
            report = try source.inDatabase { db in
                try destination.write { out in
                    var salvage = StoreSalvage(source: db, destination: out, path: path, progress: progress)
                    salvage.checkIntegrity()
                    salvage.copyAll()
                    // The rows copied decide the windows reads probe, whatever the damaged file said.
                    try ChunkWindows.rebuild(out)
                    salvage.copyLogFiles(log, into: freshLog)
                    return salvage.report
                }
            }
            try destination.close()
            try source.close()
        } catch let error as TSDBError {
            throw error
        } catch {
            throw TSDBError("cannot repair \(path): \(error) (the file was left as it was)")
        }
        let stamp = ".damaged-\(Int(Date().timeIntervalSince1970))"
        let backup = path + stamp
        do {
            try FileManager.default.moveItem(atPath: path, toPath: backup)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: backup + suffix)
            }
            try FileManager.default.moveItem(atPath: fresh, toPath: path)
            // The log's files too: the damaged ones kept beside the repaired copy.
            if FileManager.default.fileExists(atPath: log) {
                try FileManager.default.moveItem(atPath: log, toPath: log + stamp)
            }
            if FileManager.default.fileExists(atPath: freshLog) { try FileManager.default.moveItem(atPath: freshLog, toPath: log) }
        } catch {
            throw TSDBError("cannot put the repaired copy \(fresh) in place of \(path): \(error)")
        }
        report.path = path
        return Repair(report: report, backup: backup)
    }

    /// The head log's folder in `directory`.
    private static func logDirectory(_ directory: String) -> String {
        (directory as NSString).appendingPathComponent("head-log")
    }

    private static func storePath(_ directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent("tollgate.db")
        guard FileManager.default.fileExists(atPath: path) else { throw TSDBError("no Tollgate data in \(directory)") }
        return path
    }

    /// Opens the file with SQLite alone: no migration, no transaction around the reads (each
    /// statement reads on its own, so one failing leaves the connection usable).
    private static func openSource(_ path: String, readOnly: Bool) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.label = "tollgate.check"
        // A file shorter than its header says is refused whole unless the schema is writable:
        // with it, SQLite reads the pages that are there. Nothing here writes the schema.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA writable_schema = ON") }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            // The schema is read from page 1: a file whose header or schema is damaged fails here.
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
            return queue
        } catch {
            throw TSDBError("cannot read \(path) as a SQLite database: \(error)")
        }
    }
}
