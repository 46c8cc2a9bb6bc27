// Tollgate — one data directory, many commands: the lock, read-only readers, and backfilling a live server.

import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

final class DataDirectoryTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    static var corpus: URL? { Binary.shared?.appendingPathComponent("corpus/node_exporter_1s_600.openmetrics.gz") }

    /// The corpus's last sample is at 1795759925.640; all 600 s of it lie within 15 minutes before this.
    static let afterCorpus = "1795759926"

    /// A query's answer from the server.
    func query(_ server: RunningServer, _ expression: String, time: String) async throws -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: allowed) ?? expression
        let (status, body, _) = try await server.get("/api/v1/query?query=\(encoded)&time=\(time)")
        #expect(status == 200, "\(body)")
        return body
    }

    /// What the server answers for every corpus series over the corpus's span: the number of
    /// series and of points, after checking that no series has two points at one time.
    func livePoints(_ server: RunningServer) async throws -> (series: Int, points: Int) {
        let body = try await query(server, "{__name__=~\".+\",job=\"\"}[15m]", time: Self.afterCorpus)
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let data = json?["data"] as? [String: Any]
        let result = data?["result"] as? [[String: Any]] ?? []
        var points = 0
        for series in result {
            let times = (series["values"] as? [[Any]] ?? []).compactMap { $0.first as? Double }
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "a repeated or unordered point in \(series["metric"] ?? "")")
            points += times.count
        }
        return (result.count, points)
    }

    /// The corpus samples the store holds: `tsdb dump` without the server's own scrapes.
    func dumpedCorpusSamples(_ dir: URL) throws -> [Substring] {
        let dump = try Binary.run(["tsdb", "dump", "--data-dir", dir.path])
        #expect(dump.status == 0, "\(dump.stderr)")
        return dump.stdout.split(separator: "\n").filter { !$0.contains("job=\"tollgate\"") }.sorted()
    }

    /// The issue's scenario: `import --data-dir` into a live server's directory is refused
    /// and writes nothing; the supported backfill (through the server) stores every sample
    /// exactly once, and a clean restart keeps them all.
    @Test(.enabled(if: Binary.shared != nil, "../shared is absent: the live backfill test is skipped"))
    func importIntoALiveDirectoryIsRefusedAndBackfillThroughTheServerKeepsEverySample() async throws {
        let corpus = try #require(Self.corpus)
        let root = try scratch.make("cli")
        let dir = root.appendingPathComponent("data")
        let flags = ["--web.enable-admin-api", "--storage.retention.time", "0"]
        let server = try RunningServer(dataDir: dir, extra: flags)
        let pid = server.process.processIdentifier

        let refused = try Binary.run(["import", "openmetrics", corpus.path, "--data-dir", dir.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("data directory \(dir.path) is in use by tollgate serve (pid \(pid))"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("samples stored"))
        // Nothing was written: the server knows no corpus series, and the lock still names it.
        #expect(try await query(server, "count(node_load1)", time: Self.afterCorpus).contains("\"result\":[]"))
        let lock = try String(contentsOf: dir.appendingPathComponent("lock"), encoding: .utf8)
        #expect(lock.hasPrefix("\(pid)\ntollgate serve\n"), "\(lock)")

        // The supported way: through the server, in batches that cut families apart.
        let backfill = try Binary.run(["import", "openmetrics", corpus.path, "--url", "http://127.0.0.1:\(server.port)", "--batch-size", "7000"])
        #expect(backfill.status == 0, "\(backfill.stderr)")
        #expect(backfill.stdout.contains("series created:     507"), "\(backfill.stdout)")
        #expect(backfill.stdout.contains("samples stored:     304200"), "\(backfill.stdout)")
        #expect(backfill.stdout.contains("rejected:           0"))
        // Sending it again stores nothing twice.
        let again = try Binary.run(["import", "openmetrics", corpus.path, "--url", "http://127.0.0.1:\(server.port)"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("samples stored:     0"), "\(again.stdout)")

        let live = try await livePoints(server)
        #expect(live.series == 507)
        #expect(live.points == 304_200)
        let load = try await query(server, "count_over_time(node_load1[15m])", time: Self.afterCorpus)
        #expect(load.contains("\"600\""), "\(load)")
        #expect(server.stop() == 0)

        // Every sample of the file exactly once: same series, values and timestamps as a scrape reads them.
        let source = try Binary.run(["check", "metrics", "--content-type", "application/openmetrics-text", corpus.path])
        let expected = source.stdout.split(separator: "\n").sorted()
        #expect(expected.count == 304_200)
        let stored = try dumpedCorpusSamples(dir)
        #expect(stored.count == expected.count)
        #expect(stored == expected)

        // A clean restart loses nothing.
        let restarted = try RunningServer(dataDir: dir, extra: flags)
        let after = try await livePoints(restarted)
        #expect(after.series == 507)
        #expect(after.points == 304_200)
        #expect(restarted.stop() == 0)
        #expect(try dumpedCorpusSamples(dir) == expected)
    }

    @Test func readersNeverCreateADataDirectory() throws {
        let root = try scratch.make("cli")
        let missing = root.appendingPathComponent("typo")
        for command in [["tsdb", "stats"], ["tsdb", "dump"]] {
            let result = try Binary.run(command + ["--data-dir", missing.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("no Tollgate data in \(missing.path)"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing.path))
        }
        // A directory without a store: refused, and left empty.
        let empty = try Binary.run(["tsdb", "stats", "--data-dir", root.path])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("no Tollgate data in \(root.path)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    @Test func aReaderBesideARunningServerIsRefusedWithTheHolderNamed() async throws {
        let root = try scratch.make("cli")
        let dir = root.appendingPathComponent("data")
        let server = try RunningServer(dataDir: dir)
        // The address is recorded once the server listens, just after it logs the port.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !((try? String(contentsOf: dir.appendingPathComponent("lock"), encoding: .utf8)) ?? "").contains(":\(server.port)") {
            try await Task.sleep(for: .milliseconds(20))
        }
        for command in [["tsdb", "stats"], ["tsdb", "dump"]] {
            let result = try Binary.run(command + ["--data-dir", dir.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("is in use by tollgate serve (pid \(server.process.processIdentifier))"), "\(result.stderr)")
            #expect(result.stderr.contains("ask the running server instead: curl http://127.0.0.1:\(server.port)/api/v1/status/tsdb"), "\(result.stderr)")
        }
        #expect(server.stop() == 0)
        let stats = try Binary.run(["tsdb", "stats", "--data-dir", dir.path])
        #expect(stats.status == 0, "\(stats.stderr)")
    }

    @Test func readersShareTheDirectoryAndKeepWritersOut() throws {
        let root = try scratch.make("cli")
        let dir = root.appendingPathComponent("data")
        let file = root.appendingPathComponent("samples.om")
        try Data("# TYPE a gauge\na 1 1\na 2 2\n# EOF\n".utf8).write(to: file)
        let imported = try Binary.run(["import", "openmetrics", file.path, "--data-dir", dir.path])
        #expect(imported.status == 0, "\(imported.stderr)")

        // Another reader holds the lock shared for the whole test.
        let fd = open(dir.appendingPathComponent("lock").path, O_RDONLY | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_SH | LOCK_NB) == 0)

        // Two more readers at once.
        let readers = (0..<2).map { _ in
            let process = Process()
            process.executableURL = Binary.url
            process.arguments = ["tsdb", "stats", "--data-dir", dir.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for reader in readers { try reader.run() }
        for reader in readers { reader.waitUntilExit() }
        #expect(readers.map(\.terminationStatus) == [0, 0])
        let dump = try Binary.run(["tsdb", "dump", "--data-dir", dir.path])
        #expect(dump.stdout == "a 1.0 1000\na 2.0 2000\n")

        // A writer waits for no reader: it is refused.
        let writer = try Binary.run(["import", "openmetrics", file.path, "--data-dir", dir.path])
        #expect(writer.status == 1)
        #expect(writer.stderr.contains("is in use by another process"), "\(writer.stderr)")
    }
}
