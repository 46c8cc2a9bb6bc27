// Tollgate — Notifier: alerts, silences and the notification log in the data directory.

import Foundation
import GRDB
import Model
public import Notify

/// The notifier's state file, `notifier.sqlite` in the data directory: the alerts held,
/// the silences and the notification log (silences and log entries written before the
/// notifier acts on them, alerts within a second of being taken), so that after a crash
/// a notification sent is not sent again within `repeat_interval`, one that was due is
/// sent, and silences are as they were.
///
/// A file of its own (not the sample store's) keeps these small writes off the sample
/// writer's lock. SQLite blocks; GRDB runs every access on its own serial queue, never on
/// Swift's cooperative pool.
public final class NotifierDatabase: Sendable {
    private let queue: DatabaseQueue
    /// The file's path.
    public let path: String

    /// Opens (or creates) the state file in `directory`.
    /// - Throws: an error naming the file when it cannot be opened or is damaged.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("notifier.sqlite")
        var configuration = Configuration()
        configuration.label = "tollgate.notifier"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(queue)
        } catch {
            throw NotifierDatabaseError(description: "cannot open \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert (fingerprint INTEGER PRIMARY KEY, labels BLOB NOT NULL, annotations BLOB NOT NULL,
                        starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                        generator_url TEXT NOT NULL, timeout INTEGER NOT NULL);
                    CREATE TABLE silence (id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL,
                        ends_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL);
                    CREATE TABLE nflog (key TEXT PRIMARY KEY, entry BLOB NOT NULL, expires_at INTEGER NOT NULL);
                    """)
        }
        return migrator
    }

    /// Everything stored, read at start-up.
    public struct Contents: Sendable {
        /// The alerts.
        public var alerts: [NotifierAlert] = []
        /// The silences.
        public var silences: [Silence] = []
        /// The notification log's entries, each an opaque key and its bytes.
        public var log: [(key: String, entry: [UInt8])] = []
        /// Rows that could not be read back (skipped, and named in the log by the caller).
        public var damaged: [String] = []
    }

    /// Reads the whole state.
    public func load() async throws -> Contents {
        try await queue.read { db in
            var contents = Contents()
            for row in try Row.fetchAll(db, sql: "SELECT * FROM alert") {
                let fingerprint: Int64 = row["fingerprint"]
                guard let labels = LabelsCodec.decode(row["labels"]), let annotations = LabelsCodec.decode(row["annotations"]) else {
                    contents.damaged.append("alert \(NotifierAlert.hex(UInt64(bitPattern: fingerprint)))")
                    continue
                }
                contents.alerts.append(
                    NotifierAlert(
                        labels: labels, annotations: annotations, startsAt: row["starts_at"], endsAt: row["ends_at"],
                        updatedAt: row["updated_at"], generatorURL: row["generator_url"], timeout: row["timeout"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM silence") {
                let id: String = row["id"]
                guard let matchers = try? AlertmanagerMatchers.parse(row["matchers"]) else {
                    contents.damaged.append("silence \(id)")
                    continue
                }
                contents.silences.append(
                    Silence(
                        id: id, matchers: matchers, startsAt: row["starts_at"], endsAt: row["ends_at"], updatedAt: row["updated_at"],
                        createdBy: row["created_by"], comment: row["comment"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT key, entry FROM nflog") {
                let entry: Data = row["entry"]
                contents.log.append((key: row["key"], entry: Array(entry)))
            }
            return contents
        }
    }

    /// Writes alerts (new or changed versions) and forgets the fingerprints in `deleted`.
    public func saveAlerts(_ alerts: [NotifierAlert], deleting deleted: [UInt64] = []) async throws {
        guard !alerts.isEmpty || !deleted.isEmpty else { return }
        try await queue.write { db in
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO alert (fingerprint, labels, annotations, starts_at, ends_at, updated_at, generator_url, timeout)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for alert in alerts {
                try upsert.execute(arguments: [
                    Int64(bitPattern: alert.fingerprint), LabelsCodec.encode(alert.labels), LabelsCodec.encode(alert.annotations),
                    alert.startsAt, alert.endsAt, alert.updatedAt, alert.generatorURL, alert.timeout,
                ])
            }
            let delete = try db.cachedStatement(sql: "DELETE FROM alert WHERE fingerprint = ?")
            for fingerprint in deleted { try delete.execute(arguments: [Int64(bitPattern: fingerprint)]) }
        }
    }

    /// Writes silences (new or changed) and forgets the ids in `deleted`.
    public func saveSilences(_ silences: [Silence], deleting deleted: [String] = []) async throws {
        guard !silences.isEmpty || !deleted.isEmpty else { return }
        try await queue.write { db in
            for silence in silences {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO silence (id, matchers, starts_at, ends_at, updated_at, created_by, comment)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        silence.id, AlertmanagerMatchers.format(silence.matchers), silence.startsAt, silence.endsAt, silence.updatedAt,
                        silence.createdBy, silence.comment,
                    ])
            }
            for id in deleted { try db.execute(sql: "DELETE FROM silence WHERE id = ?", arguments: [id]) }
        }
    }

    /// Writes notification log entries and drops those that expired before `now`.
    public func saveLog(_ entries: [(key: String, entry: [UInt8], expiresAt: Int64)], now: Int64) async throws {
        try await queue.write { db in
            for item in entries {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO nflog (key, entry, expires_at) VALUES (?, ?, ?)",
                    arguments: [item.key, Data(item.entry), item.expiresAt])
            }
            try db.execute(sql: "DELETE FROM nflog WHERE expires_at < ?", arguments: [now])
        }
    }
}

/// The state file cannot be opened or written.
public struct NotifierDatabaseError: Error, CustomStringConvertible {
    /// What went wrong, naming the file.
    public var description: String
}
