// Tollgate — the store opened read-only, as `tsdb dump` and `tsdb stats` open it.

import Foundation
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class ReadOnlyTests: Sendable {
    let logs = LogCapture()
    let scratch = TemporaryDirectories()

    func readOnly(_ dir: String) async throws -> TSDB {
        var options = TSDB.Options()
        options.readOnly = true
        options.chunkSize = 4
        return try await TSDB.open(directory: dir, logger: logs.logger, options: options)
    }

    @Test func aMissingStoreIsAnErrorAndNothingIsCreated() async throws {
        let root = try scratch.make("tsdb").path
        let dir = root + "/typo"
        await #expect(throws: TSDBError.self) { _ = try await readOnly(dir) }
        #expect(!FileManager.default.fileExists(atPath: dir))
        await #expect(throws: TSDBError.self) { _ = try await readOnly(root) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }

    /// The log holds more samples than the reader's chunk size: read-write, recovery would seal
    /// and checkpoint them; read-only, they stay in memory, every one is read, and the files
    /// are byte for byte as they were.
    @Test func theLogIsReplayedInMemoryAndTheFilesStayUnchanged() async throws {
        let dir = try scratch.make("tsdb").path
        var options = TSDB.Options()
        options.chunkSize = 100
        options.checkpointInterval = 1_000
        let writer = try await TSDB.open(directory: dir, logger: logs.logger, options: options)
        let a = series("a")
        for t in Int64(1)...10 {
            var appender = writer.appender()
            appender.append(a, t: t, v: Double(t))
            _ = try await appender.commit()
        }
        let files = ["tollgate.db", "tollgate.db-wal"]
        let before = files.map { FileManager.default.contents(atPath: dir + "/" + $0) }

        let reader = try await readOnly(dir)
        let selected = try await reader.select([try LabelMatcher(.equal, "__name__", "a")], minTime: 0, maxTime: 100)
        #expect(selected.first?.timestamps == Array(1...10))
        #expect(selected.first?.values == (1...10).map(Double.init))
        let stats = try await reader.stats()
        #expect(stats.samples == 10)
        var appender = reader.appender()
        appender.append(a, t: 11, v: 11)
        await #expect(throws: (any Error).self) { _ = try await appender.commit() }
        #expect(files.map { FileManager.default.contents(atPath: dir + "/" + $0) } == before)
    }
}
