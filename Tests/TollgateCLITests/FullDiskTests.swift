// Tollgate — `tollgate serve` on a file system that fills up, then gets space back.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small tmpfs mounted for one test (the tests run as root in CI; where mounting is
/// refused, the suite is skipped and says why).
struct Tmpfs {
    let path: URL

    /// Why a tmpfs cannot be mounted here, or nil when it can (tried once, on a scratch directory).
    static let unavailable: String? = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-tmpfs-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        do {
            try FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
            let mounted = try Programs.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.path])
            guard mounted.status == 0 else { return "mount -t tmpfs was refused: \(mounted.stderr.trimmingCharacters(in: .whitespacesAndNewlines))" }
            _ = try Programs.run(URL(fileURLWithPath: "/bin/umount"), [probe.path])
            return nil
        } catch {
            return "cannot run mount: \(error)"
        }
    }()

    /// Mounts a tmpfs of `size` (mount(8)'s form, e.g. 16m) on a new directory under `parent`.
    static func mount(under parent: URL, size: String) async throws -> Tmpfs {
        let path = parent.appendingPathComponent("tmpfs")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let result = try await Programs.runDetached(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path.path])
        guard result.status == 0 else { throw TestKitError("mount -t tmpfs failed: \(result.stderr)") }
        return Tmpfs(path: path)
    }

    /// Unmounts it (lazily if something still has it open, so a failed test never leaves it busy).
    func unmount() async {
        let result = try? await Programs.runDetached(URL(fileURLWithPath: "/bin/umount"), [path.path])
        if result?.status != 0 { _ = try? await Programs.runDetached(URL(fileURLWithPath: "/bin/umount"), ["-l", path.path]) }
    }

    /// Bytes free.
    var freeBytes: Int {
        ((try? FileManager.default.attributesOfFileSystem(forPath: path.path))?[.systemFreeSize] as? NSNumber)?.intValue ?? 0
    }
}

@Suite(
    .enabled(if: NodeExporter.path != nil, "prometheus-node-exporter is not installed; `make test` installs it"),
    .enabled(if: Tmpfs.unavailable == nil, "cannot mount a tmpfs (needs root): \(Tmpfs.unavailable ?? "")"))
final class FullDiskTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    @Test func aFullDiskFailsWritesCleanlyAndIngestionResumesWhenSpaceReturns() async throws {
        let root = try scratch.make("fulldisk")
        let tmpfs = try await Tmpfs.mount(under: root, size: "16m")
        let outcome: Result<Void, any Error>
        do {
            try await fillAndRecover(root: root, tmpfs: tmpfs)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await tmpfs.unmount()
        try outcome.get()
    }

    private func fillAndRecover(root: URL, tmpfs: Tmpfs) async throws {
        let exporterPort = try freeLoopbackPort()
        let exporter = try NodeExporter.start(port: exporterPort)
        defer {
            exporter.terminate()
            exporter.waitUntilExit()
        }
        let config = root.appendingPathComponent("tollgate.yml")
        try Data(
            "global:\n  scrape_interval: 250ms\nscrape_configs:\n  - job_name: node\n    static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]\n".utf8
        ).write(to: config)
        let data = tmpfs.path.appendingPathComponent("data")
        let server = try await Binary.detached { try RunningServer(dataDir: data, extra: ["--config.file", config.path]) }
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }

        // Some scrapes stored: what must survive the full disk untouched.
        _ = try await poll("samples stored") { try await KillLoopTests.observe(server).filter { $0.key.contains("__name__=up,") }.count >= 3 ? true : nil }
        let before = try await KillLoopTests.observe(server)

        // Fill the file system but for 192 KB; scraping takes the rest. (The head log takes
        // about 5 KB a second of this target at 250 ms, so 512 KB took most of the poll's 90 s.)
        let filler = tmpfs.path.appendingPathComponent("filler")
        #expect(FileManager.default.createFile(atPath: filler.path, contents: nil))
        let handle = try FileHandle(forWritingTo: filler)
        let megabyte = Data(count: 1 << 20)
        while tmpfs.freeBytes > (1 << 20) + (192 << 10) { try handle.write(contentsOf: megabyte) }
        try? handle.write(contentsOf: Data(count: max(0, tmpfs.freeBytes - (192 << 10))))
        try handle.close()

        let notReady = try await poll("/-/ready to answer 503") { () async throws -> String? in
            let (status, body, _) = try await server.get("/-/ready")
            return status == 503 ? body : nil
        }
        #expect(notReady.hasPrefix("Service Unavailable: disk full: no space left to write "), "\(notReady)")
        // The database or the head log's file, whichever a write found the disk full first.
        #expect(notReady.contains("data/tollgate.db") || notReady.contains("data/head-log/"), "\(notReady)")
        let firstCount = try await failures(server)
        #expect(firstCount >= 1)
        // Every failed write is counted, and queries keep answering with everything stored before.
        _ = try await poll("more failed writes") { try await failures(server) > firstCount ? true : nil }
        let during = try await KillLoopTests.observe(server)
        #expect(before.allSatisfy { during[$0.key] == $0.value }, "samples stored before the disk filled are gone or changed")

        // Space returns: ingestion resumes by itself.
        try FileManager.default.removeItem(at: filler)
        let freed = Date().timeIntervalSince1970
        _ = try await poll("/-/ready to answer 200 again") { () async throws -> Bool? in try await server.get("/-/ready").0 == 200 ? true : nil }
        _ = try await poll("new scrapes stored") { () async throws -> Bool? in
            let fresh = try await KillLoopTests.observe(server).keys.filter { key in
                key.contains("__name__=up,") && (Double(key.split(separator: "@").last ?? "") ?? 0) > freed
            }
            return fresh.count >= 2 ? true : nil
        }
        let after = try await KillLoopTests.observe(server)
        #expect(before.allSatisfy { after[$0.key] == $0.value })
        let total = try await failures(server)

        let log = try await Binary.detached { server.stopAndReadLog() }
        #expect(server.process.terminationStatus == 0, "\(log)")
        let lines = log.split(separator: "\n")
        #expect(lines.filter { $0.contains("storage writes fail") }.count == 1, "one log line for the cause, not one per failed write:\n\(log)")
        #expect(lines.filter { $0.contains("storage writes work again") }.count == 1, "\(log)")
        #expect(!lines.contains { $0.contains("cannot store scrape") }, "\(log)")
        let check = try await Binary.runDetached(["tsdb", "check", "--data-dir", data.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        print("full disk: \(total) failed writes counted, 1 log line; \(before.count) samples stored before it all kept; ready again after space returned")
    }

    /// `tollgate_tsdb_write_failures_total{reason="disk_full"}`.
    private func failures(_ server: RunningServer) async throws -> Double {
        let (_, metrics, _) = try await server.get("/metrics")
        let prefix = #"tollgate_tsdb_write_failures_total{reason="disk_full"} "#
        return metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) } ?? -1
    }

    /// Polls `condition` every 200 ms until it gives a value, for at most 90 s; throws (failing
    /// the test) when it never does.
    private func poll<Value>(_ what: String, _ condition: () async throws -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestKitError("timed out waiting for \(what)")
    }
}
