// Tollgate — Rollouts: the rollouts and their histories in `rollouts.sqlite`.

import Foundation
import GRDB
import Guards
import Model
import TollgateConfig

/// The stored rollouts, `rollouts.sqlite` in the data directory: each rollout's state and
/// every change of it with the decision and evidence behind it, written before the
/// change is answered, so "why did we roll back?" has an answer after a restart.
///
/// A file of its own keeps these small writes off the sample store's writer. SQLite
/// blocks; GRDB runs every access on its own serial queue, never on Swift's cooperative pool.
public final class RolloutStore: Sendable {
    private let queue: DatabaseQueue
    /// The file's path.
    public let path: String

    /// Opens (or creates) `rollouts.sqlite` in `directory`.
    /// - Throws: ``RolloutStoreError`` naming the file when it cannot be opened.
    public init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("rollouts.sqlite")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.label = "tollgate.rollouts"
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(queue)
        } catch {
            throw RolloutStoreError(description: "cannot open \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rollout (id TEXT PRIMARY KEY, service TEXT NOT NULL, version TEXT NOT NULL, baseline TEXT,
                        guard TEXT NOT NULL, plan TEXT NOT NULL, stages TEXT NOT NULL, commit_time INTEGER, created_at INTEGER NOT NULL,
                        status TEXT NOT NULL, stage_index INTEGER NOT NULL, stage_started_at INTEGER NOT NULL, completed INTEGER NOT NULL,
                        last_decision TEXT, last_reason TEXT NOT NULL, failed_at INTEGER, finished_at INTEGER);
                    CREATE TABLE event (seq INTEGER PRIMARY KEY AUTOINCREMENT, rollout_id TEXT NOT NULL, at INTEGER NOT NULL,
                        kind TEXT NOT NULL, stage_index INTEGER NOT NULL, traffic INTEGER NOT NULL, decision TEXT,
                        reason TEXT NOT NULL, evidence BLOB);
                    CREATE INDEX event_rollout ON event (rollout_id, seq);
                    """)
        }
        return migrator
    }

    /// Writes `rollout` (new or changed) and appends `events` to its history, in one transaction.
    public func save(_ rollout: Rollout, events: [RolloutEvent]) async throws {
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO rollout (id, service, version, baseline, guard, plan, stages, commit_time, created_at, status,
                        stage_index, stage_started_at, completed, last_decision, last_reason, failed_at, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    rollout.id, rollout.parameters.service, rollout.parameters.version, rollout.parameters.baseline, rollout.guardName,
                    rollout.plan.name, Self.encode(rollout.plan.stages), rollout.commitTime, rollout.createdAt, rollout.status.rawValue,
                    rollout.stageIndex, rollout.stageStartedAt, rollout.completed, rollout.lastDecision?.rawValue, rollout.lastReason,
                    rollout.failedAt, rollout.finishedAt,
                ])
            let insert = try db.cachedStatement(
                sql: "INSERT INTO event (rollout_id, at, kind, stage_index, traffic, decision, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            for event in events {
                try insert.execute(arguments: [
                    event.rolloutID, event.at, event.kind.rawValue, event.stageIndex, event.traffic, event.decision?.rawValue, event.reason,
                    event.evidence.map { Data($0) },
                ])
            }
        }
    }

    /// Every stored rollout, oldest first; rows that do not read back are skipped and named.
    public func loadAll() async throws -> (rollouts: [Rollout], damaged: [String]) {
        try await queue.read { db in
            var rollouts: [Rollout] = [], damaged: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM rollout ORDER BY created_at, id") {
                let id: String = row["id"]
                guard let status = RolloutStatus(rawValue: row["status"]), let stages = Self.decode(row["stages"]), !stages.isEmpty else {
                    damaged.append(id)
                    continue
                }
                let parameters = GuardParameters(service: row["service"], version: row["version"], baseline: row["baseline"])
                var rollout = Rollout(
                    id: id, parameters: parameters, guardName: row["guard"], plan: PlanSpec(name: row["plan"], stages: stages),
                    commitTime: row["commit_time"], at: row["created_at"])
                rollout.status = status
                rollout.stageIndex = row["stage_index"]
                rollout.stageStartedAt = row["stage_started_at"]
                rollout.completed = row["completed"]
                rollout.lastDecision = (row["last_decision"] as String?).flatMap(Decision.init(rawValue:))
                rollout.lastReason = row["last_reason"]
                rollout.failedAt = row["failed_at"]
                rollout.finishedAt = row["finished_at"]
                rollouts.append(rollout)
            }
            return (rollouts, damaged)
        }
    }

    /// A rollout's history, oldest first.
    public func events(of id: String) async throws -> [RolloutEvent] {
        try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE rollout_id = ? ORDER BY seq", arguments: [id]).compactMap { row -> RolloutEvent? in
                guard let kind = RolloutEvent.Kind(rawValue: row["kind"]) else { return nil }
                let evidence: Data? = row["evidence"]
                return RolloutEvent(
                    rolloutID: id, at: row["at"], kind: kind, stageIndex: row["stage_index"], traffic: row["traffic"],
                    decision: (row["decision"] as String?).flatMap(Decision.init(rawValue:)), reason: row["reason"],
                    evidence: evidence.map { [UInt8]($0) })
            }
        }
    }

    /// Stages as `traffic:watch_ms,…`.
    static func encode(_ stages: [PlanSpec.Stage]) -> String {
        stages.map { "\($0.traffic):\($0.watch.milliseconds)" }.joined(separator: ",")
    }

    static func decode(_ text: String) -> [PlanSpec.Stage]? {
        var stages: [PlanSpec.Stage] = []
        for part in text.split(separator: ",") {
            let fields = part.split(separator: ":")
            guard fields.count == 2, let traffic = Int(fields[0]), let watch = Int64(fields[1]) else { return nil }
            stages.append(PlanSpec.Stage(traffic: traffic, watch: PromDuration(milliseconds: watch)))
        }
        return stages
    }
}

/// The rollouts file could not be opened.
public struct RolloutStoreError: Error, CustomStringConvertible {
    /// What went wrong, naming the file.
    public var description: String
}
