// Tollgate — a damaged store file: named at start-up, reported by `tsdb check`, repaired keeping what is readable.

import Foundation
import TestSupport
import Testing

/// Real store files damaged as a failing disk or a stray write would: a b-tree page
/// overwritten, a head-log record cut short, the file truncated. `serve` must refuse them
/// with an error naming the file and the damage (never start empty, never crash), `tsdb
/// check` must report the damage with exit status 1, and `tsdb check --repair` must keep
/// every sample that is still readable. Pages are located with SQLite's `dbstat` table
/// through python3's sqlite3 module (`make test` installs python3).
final class DamagedStoreTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// 40 series of 600 samples, 10 s apart, imported into `dir` and left in sealed XOR chunks
    /// (240 chunk rows over many pages). Returns `tsdb dump`'s lines by series.
    func makeStore(_ dir: URL) async throws -> [String: [Substring]] {
        var text = "# TYPE damage gauge\n"
        for series in 0..<40 {
            for step in 0..<600 {
                text += "damage{s=\"\(series)\"} \(sin(Double(series * 600 + step)) * 1000) \(1_767_225_600 + step * 10)\n"
            }
        }
        text += "# EOF\n"
        let file = dir.appendingPathComponent("damage.om")
        try Data(text.utf8).write(to: file)
        let imported = try await Binary.runDetached(["import", "openmetrics", file.path, "--data-dir", dir.appendingPathComponent("data").path, "--no-compact"])
        #expect(imported.status == 0, "\(imported.stderr)")
        return try await dump(dir)
    }

    func dump(_ dir: URL) async throws -> [String: [Substring]] {
        let dump = try await Binary.runDetached(["tsdb", "dump", "--data-dir", dir.appendingPathComponent("data").path])
        #expect(dump.status == 0, "\(dump.stderr)")
        return Dictionary(grouping: dump.stdout.split(separator: "\n")) { String($0.prefix { $0 != " " }) }
    }

    /// Runs a python3 script with the store file as its argument; returns what it printed.
    func python(_ script: String, _ dir: URL) async throws -> String {
        let result = try await Programs.runDetached(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, dir.appendingPathComponent("data/tollgate.db").path])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Folds the WAL into the file, so that the bytes on disk are the ones SQLite reads.
    static let checkpoint = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('PRAGMA wal_checkpoint(TRUNCATE)')\nc.close()\n"

    /// `serve` on `dir` ends at once with status 1; returns what it wrote to standard error.
    /// (Run under coreutils' `timeout`: a server that starts on a damaged store is stopped after a minute, and fails here.)
    func refusedStart(_ dir: URL) async throws -> String {
        let serve = try await Binary.runDetached(
            ["60", Binary.url.path, "serve", "--web.listen-address", "127.0.0.1:0", "--data-dir", dir.appendingPathComponent("data").path],
            executable: URL(fileURLWithPath: "/usr/bin/timeout"))
        #expect(serve.status == 1, "\(serve.stderr)")
        return serve.stderr
    }

    @Test func anOverwrittenPageIsNamedAtStartReportedAndRepairedKeepingEveryReadableSample() async throws {
        let dir = try scratch.make("damage")
        let before = try await makeStore(dir)
        #expect(before.values.reduce(0) { $0 + $1.count } == 40 * 600)
        // Sound: the check says so with status 0, and a repair leaves the store alone.
        let sound = try await Binary.runDetached(["tsdb", "check", "--data-dir", dir.appendingPathComponent("data").path])
        #expect(sound.status == 0 && sound.stdout.contains("SQLite integrity check: ok\nTollgate checks: ok\n"), "\(sound.stdout)\(sound.stderr)")
        #expect(sound.stdout.contains("samples:            24000 readable, 0 damaged"), "\(sound.stdout)")
        let untouched = try await Binary.runDetached(["tsdb", "check", "--data-dir", dir.appendingPathComponent("data").path, "--repair"])
        #expect(untouched.status == 0 && untouched.stdout.hasSuffix("the store is sound; nothing to repair\n"), "\(untouched.stdout)")
        // Overwrite the cell pointers of a leaf page of the chunks table, in the middle of it.
        let damage = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute('PRAGMA wal_checkpoint(TRUNCATE)')
            size = c.execute('PRAGMA page_size').fetchone()[0]
            pages = [r[0] for r in c.execute("SELECT pageno FROM dbstat WHERE name = 'chunks' AND pagetype = 'leaf' ORDER BY pageno")]
            chunks = c.execute('SELECT id, series_id FROM chunks').fetchall()
            c.close()
            page = pages[len(pages) // 2]
            with open(sys.argv[1], 'r+b') as f:
                f.seek((page - 1) * size + 8)
                f.write(b'\\xff' * 64)
            c = sqlite3.connect(sys.argv[1])
            damaged = set()
            for (id, series) in chunks:
                try:
                    c.execute('SELECT data FROM chunks WHERE id = ?', (id,)).fetchone()
                except sqlite3.DatabaseError:
                    damaged.add(series)
            print(' '.join(str(s) for s in sorted(damaged)))
            """
        // The series whose chunk rows SQLite can no longer read (by their ids, 1… in import order).
        let damagedIDs = Set(try await python(damage, dir).split(separator: " ").compactMap { Int($0) })
        #expect(!damagedIDs.isEmpty)

        let refusal = try await refusedStart(dir)
        #expect(refusal.contains("data/tollgate.db is damaged"), "\(refusal)")
        #expect(refusal.contains("malformed") && refusal.contains("tsdb check"), "\(refusal)")

        let check = try await Binary.runDetached(["tsdb", "check", "--data-dir", dir.appendingPathComponent("data").path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("SQLite integrity check: ") && !check.stdout.contains("SQLite integrity check: ok"), "\(check.stdout)")
        #expect(check.stdout.contains("chunks: rows ") && check.stdout.contains("unreadable"), "\(check.stdout)")
        #expect(check.stderr.contains("is damaged") && check.stderr.contains("--repair"), "\(check.stderr)")

        let repair = try await Binary.runDetached(["tsdb", "check", "--data-dir", dir.appendingPathComponent("data").path, "--repair"])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.contains("kept:    40 series; "), "\(repair.stdout)")
        #expect(repair.stdout.contains("the repaired store passes its check"), "\(repair.stdout)")
        let backups = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path).filter { $0.hasPrefix("tollgate.db.damaged-") }
        #expect(backups.count == 1, "\(backups)")

        // Every series the damage did not reach keeps every sample; the others keep a part, nothing made up.
        let after = try await dump(dir)
        var kept = 0, lost = 0
        for (series, lines) in before {
            let id = (Int(series.drop { !$0.isNumber }.prefix { $0.isNumber }) ?? -1) + 1
            let now = after[series] ?? []
            if damagedIDs.contains(id) {
                let part = Set(now).isSubset(of: Set(lines)) && now.count < lines.count
                #expect(part, "\(series): \(now.count) of \(lines.count)")
            } else {
                let unchanged = now == lines  // compared apart: a failure then prints counts, not thousands of lines
                #expect(unchanged, "\(series): \(now.count) of \(lines.count) samples after the repair")
            }
            kept += now.count
            lost += lines.count - now.count
        }
        #expect(repair.stdout.contains("head chunks holding \(kept) samples; 0 head log records"), "repair reports \(kept) samples kept: \(repair.stdout)")
        // The rows SQLite cannot read are counted as dropped rows; their samples cannot be counted.
        #expect(repair.stdout.contains("head chunks holding 0 samples; 0 head log records; and the unreadable rows listed above"), "\(repair.stdout)")
        print("damaged page: \(damagedIDs.count) of 40 series touched; repair kept \(kept) of \(40 * 600) samples, dropped \(lost)")

        // The repaired store opens and serves.
        let server = try await Binary.detached { try RunningServer(dataDir: dir.appendingPathComponent("data")) }
        #expect(try await Binary.detached { server.stop() } == 0)
    }

    @Test func aCutHeadLogRecordIsNamedAtStartAndRepairKeepsTheOtherRecords() async throws {
        let dir = try scratch.make("damage")
        let data = dir.appendingPathComponent("data")
        // Six batches through a server that scrapes nothing, killed: they are in the head log, not checkpointed.
        let config = dir.appendingPathComponent("tollgate.yml")
        try Data("global:\n  scrape_interval: 1m\n".utf8).write(to: config)
        let server = try await Binary.detached { try RunningServer(dataDir: data, extra: ["--web.enable-admin-api", "--config.file", config.path]) }
        for batch in 0..<6 {
            var body = ""
            for step in 0..<10 { body += "batch_\(batch) \(step) \(1_767_225_600 + step)\n" }
            let (status, answer) = try await ImportEndpointTests().post(server, body + "# EOF\n")
            #expect(status == 200, "\(answer)")
        }
        kill(server.process.processIdentifier, SIGKILL)
        try await Binary.detached { server.process.waitUntilExit() }
        // The head log's frames: length (4 bytes), record number (8), CRC-32 of those (4), record.
        // Three bytes inside the third record are inverted; its header stays sound.
        let cut = """
            import os, struct, sys
            d = os.path.join(os.path.dirname(sys.argv[1]), 'head-log')
            frames = []
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                b = open(path, 'rb').read()
                o = 0
                while o + 16 <= len(b):
                    n, seq = struct.unpack('>IQ', b[o:o + 12])
                    frames.append((seq, path, o, n))
                    o += 16 + n
            seq, path, o, n = frames[2]
            with open(path, 'r+b') as f:
                f.seek(o + 16 + 6)
                x = f.read(3)
                f.seek(o + 16 + 6)
                f.write(bytes(255 - c for c in x))
            print(len(frames), seq, o, n)
            """
        let answer = try await python(cut, dir).split(separator: " ").compactMap { Int($0) }
        try #require(answer.count == 4 && answer.first == 6, "one record per batch: \(answer)")
        let (seq, offset, bytes) = (answer[1], answer[2], answer[3])

        let refusal = try await refusedStart(dir)
        #expect(
            refusal.contains("data/tollgate.db is damaged: head log record \(seq) (")
                && refusal.contains("data/head-log/0000000000000000000") && refusal.contains(", byte offset \(offset)) fails its CRC-32 check or does not decode (\(bytes) bytes), and 3 records after it are still there"),
            "\(refusal)")

        let check = try await Binary.runDetached(["tsdb", "check", "--data-dir", data.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("SQLite integrity check: ok"), "\(check.stdout)")
        #expect(check.stdout.contains("head log record \(seq): fails its CRC-32 check or does not decode (\(bytes) bytes)"), "\(check.stdout)")
        #expect(check.stdout.contains("head log records:   5 readable, 1 damaged (50 samples in the readable ones)"), "\(check.stdout)")

        let repair = try await Binary.runDetached(["tsdb", "check", "--data-dir", data.path, "--repair"])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.contains("kept:    6 series; 0 chunks and blocks and 0 head chunks holding 0 samples; 5 head log records holding 50 samples"), "\(repair.stdout)")
        #expect(repair.stdout.contains("dropped: 0 series; 0 chunks and blocks and 0 head chunks holding 0 samples; 1 head log records\n"), "\(repair.stdout)")
        let after = try await dump(dir)
        #expect(after.keys.sorted() == ["batch_0", "batch_1", "batch_3", "batch_4", "batch_5"], "\(after.keys.sorted())")
        #expect(after.values.allSatisfy { $0.count == 10 })
    }

    @Test func aTruncatedFileIsRefusedAtStartAndRepairKeepsTheReadablePart() async throws {
        let dir = try scratch.make("damage")
        let before = try await makeStore(dir)
        _ = try await python(Self.checkpoint, dir)
        let file = dir.appendingPathComponent("data/tollgate.db")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(size * 6 / 10 / 4096 * 4096))
        try handle.close()

        let refusal = try await refusedStart(dir)
        #expect(refusal.contains("data/tollgate.db"), "\(refusal)")
        #expect(refusal.contains("malformed") || refusal.contains("damaged"), "\(refusal)")
        let check = try await Binary.runDetached(["tsdb", "check", "--data-dir", dir.appendingPathComponent("data").path])
        #expect(check.status == 1, "\(check.stdout)")
        let repair = try await Binary.runDetached(["tsdb", "check", "--data-dir", dir.appendingPathComponent("data").path, "--repair"])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        let after = try await dump(dir)
        let kept = after.values.reduce(0) { $0 + $1.count }
        #expect(kept > 0 && kept < 40 * 600)
        for (series, lines) in after {
            let known = Set(lines).isSubset(of: Set(before[series] ?? []))
            #expect(known, "\(series): samples that were not there before the damage")
        }
        print("truncated to 60 %: repair kept \(kept) of \(40 * 600) samples")
    }
}
