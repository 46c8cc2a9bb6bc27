// Tollgate — `tollgate tsdb check [--repair]`: finding damage in the store, and keeping what is readable.

import ArgumentParser
import Foundation
import TSDB

/// Checks the store file for damage and, with `--repair`, replaces it with a copy of
/// everything readable.
struct TSDBCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the store for damage; with --repair, keep every readable series and sample.",
        discussion: """
            Runs SQLite's integrity check over DIR/tollgate.db, then reads every row as Tollgate \
            does: series labels, sealed chunks and blocks (each must decode to the samples and \
            time range its row states), the timestamp sets blocks share, checkpointed head \
            chunks, and head-log records (CRC-32 and encoding); rows that point at a series that \
            is missing count as damaged. Rows SQLite cannot read at all are stepped over. It \
            prints what it found and how many rows of each kind are readable; the exit status is \
            1 when anything is damaged, 0 when the store is sound.

            With --repair, a damaged store is replaced: every readable, sound row is copied into a fresh file, which then \
            takes the place of tollgate.db; the damaged file is kept beside it as \
            tollgate.db.damaged-<unix time> (delete it once the repaired store looks right). \
            The repair prints what it kept and what it dropped, then checks the new file; a \
            sound store is left as it is. It \
            needs free space for the copy, and the data directory to itself: stop tollgate \
            serve first.
            """
    )

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The data directory; read under a shared lock (with --repair, an exclusive one), refused while serve or import holds it.",
            valueName: "DIR"))
    var dataDir = "./data"

    @Flag(name: .customLong("repair"), help: "Replace a damaged store with a copy of everything readable, keeping the damaged file as a backup.")
    var repair = false

    func run() throws {
        let lock: DataDirectoryLock
        do {
            guard FileManager.default.fileExists(atPath: (dataDir as NSString).appendingPathComponent("tollgate.db")) else {
                throw CommandFailure("no Tollgate data in \(dataDir)")
            }
            lock = try DataDirectoryLock(path: dataDir, mode: repair ? .exclusive : .shared, command: "tollgate tsdb check")
        } catch {
            StandardStream.error("error: \(error)\n")
            throw ExitCode(1)
        }
        defer { lock.release() }
        do {
            if repair {
                try runRepair()
            } else {
                try runCheck()
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            StandardStream.error("error: \(error)\n")
            throw ExitCode(1)
        }
    }

    private func runCheck() throws {
        StandardStream.error("checking \((dataDir as NSString).appendingPathComponent("tollgate.db"))…\n")
        let report = try StoreCheck.check(directory: dataDir, progress: Self.progress)
        print(report)
        guard !report.isDamaged else {
            StandardStream.error("error: \(report.path) is damaged; `tollgate tsdb check --data-dir \(dataDir) --repair` keeps every readable series and sample\n")
            throw ExitCode(1)
        }
    }

    /// Each step on standard error, so that a long check on a large store shows where it is.
    private static func progress(_ step: String) {
        StandardStream.error("  reading \(step)…\n")
    }

    private func runRepair() throws {
        StandardStream.error("checking \((dataDir as NSString).appendingPathComponent("tollgate.db")) before repairing it…\n")
        let before = try StoreCheck.check(directory: dataDir, progress: Self.progress)
        guard before.isDamaged else {
            print(before)
            StandardStream.output(Array("the store is sound; nothing to repair\n".utf8))
            return
        }
        StandardStream.error("repairing \(before.path)…\n")
        let repaired = try StoreCheck.repair(directory: dataDir, progress: Self.progress)
        let report = repaired.report
        print(report)
        let text = """
            kept:    \(report.series.kept) series; \(report.chunks.kept) chunks and blocks and \(report.headChunks.kept) head chunks \
            holding \(report.samples.kept) samples; \(report.logRecords.kept) head log records holding \(report.logSamples) samples
            dropped: \(report.series.dropped) series; \(report.chunks.dropped) chunks and blocks and \(report.headChunks.dropped) head chunks \
            holding \(report.samples.dropped) samples; \(report.logRecords.dropped) head log records\
            \(report.hasUnreadableRows ? "; and the unreadable rows listed above" : "")
            the damaged file is kept as \(repaired.backup)

            """
        StandardStream.output(Array(text.utf8))
        let after = try StoreCheck.check(directory: dataDir)
        guard !after.isDamaged else {
            print(after)
            StandardStream.error("error: the repaired store still fails its check\n")
            throw ExitCode(1)
        }
        StandardStream.output(Array("the repaired store passes its check\n".utf8))
    }

    private func print(_ report: StoreCheckReport) {
        StandardStream.output(Array((["\(report.path):"] + report.lines).joined(separator: "\n").appending("\n").utf8))
    }
}
