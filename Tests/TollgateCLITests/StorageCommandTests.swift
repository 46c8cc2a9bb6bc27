// Tollgate — import, dump and stats as a user runs them, and a real crash.

import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

final class StorageCommandTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    static var corpus: URL? { Binary.shared?.appendingPathComponent("corpus/node_exporter_1s_600.openmetrics.gz") }

    @Test(.enabled(if: Binary.shared != nil, "../shared is absent: the corpus import test is skipped"))
    func importedCorpusDumpsBackSampleForSample() throws {
        let corpus = try #require(Self.corpus)
        let dir = try scratch.make("cli").appendingPathComponent("data").path
        let imported = try Binary.run(["import", "openmetrics", corpus.path, "--data-dir", dir])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("samples stored:     304200"))
        let dump = try Binary.run(["tsdb", "dump", "--data-dir", dir])
        #expect(dump.status == 0, "\(dump.stderr)")
        // The source, as a scrape reads it: same series text, same value text, same timestamps.
        let source = try Binary.run(["check", "metrics", "--content-type", "application/openmetrics-text", corpus.path])
        let dumped = dump.stdout.split(separator: "\n")
        #expect(dumped.count == 304_200)
        #expect(dumped.sorted() == source.stdout.split(separator: "\n").sorted())
        // Series in label order, samples in time order.
        let seriesOrder = dumped.map { $0.split(separator: " ").dropLast(2).joined(separator: " ") }
        var distinct: [String] = []
        for name in seriesOrder where distinct.last != name { distinct.append(name) }
        #expect(distinct.count == 507)
        let stats = try Binary.run(["tsdb", "stats", "--data-dir", dir])
        #expect(stats.stdout.contains("samples:              304200"))
        #expect(stats.stdout.contains("blocks:               507"))
        let selected = try Binary.run(["tsdb", "dump", "--data-dir", dir, "--match", "node_load1", "--min-time", "1795759900000"])
        #expect(selected.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("node_load1 ") })
        #expect(selected.stdout.split(separator: "\n").count == 26)
    }

    @Test(.enabled(if: Binary.shared != nil, "../shared is absent: the crash test is skipped"))
    func sigkillDuringImportKeepsExactlyTheCommittedBatches() throws {
        let corpus = try #require(Self.corpus)
        let dir = try scratch.make("cli").appendingPathComponent("data").path
        let batch = 1000
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = ["import", "openmetrics", corpus.path, "--data-dir", dir, "--batch-size", "\(batch)", "--report-commits", "--no-compact"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var acknowledged = 0
        var buffer = ""
        while acknowledged < 40 * batch {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            for line in buffer.split(separator: "\n") where line.hasPrefix("committed ") {
                acknowledged = max(acknowledged, Int(line.dropFirst(10)) ?? 0)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(acknowledged >= 40 * batch)

        let dump = try Binary.run(["tsdb", "dump", "--data-dir", dir])
        #expect(dump.status == 0, "\(dump.stderr)")
        let stored = dump.stdout.split(separator: "\n")
        // Every acknowledged batch is there, and only whole batches: no part of the one in flight.
        #expect(stored.count >= acknowledged)
        #expect(stored.count % batch == 0, "\(stored.count) samples is not a whole number of batches")
        // They are exactly the first samples of the file, in the order the import read them.
        let source = try Binary.run(["check", "metrics", "--content-type", "application/openmetrics-text", corpus.path])
        let prefix = source.stdout.split(separator: "\n").prefix(stored.count)
        #expect(Set(stored) == Set(prefix))
        // The store still takes the rest of the import after the crash.
        let resumed = try Binary.run(["import", "openmetrics", corpus.path, "--data-dir", dir])
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("samples stored:     \(304_200 - stored.count)"))
    }

    @Test func dumpRejectsABadSelector() throws {
        let dir = try scratch.make("cli").path
        let result = try Binary.run(["tsdb", "dump", "--data-dir", dir, "--match", "{a=~\"(\"}"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--match"))
        #expect(!result.stderr.lowercased().contains("usage"), "one line, not the program's usage: \(result.stderr)")
    }
}
