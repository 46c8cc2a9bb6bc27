// Tollgate — the store: what its reads leave mapped in the process.

import Foundation
import GRDB
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

/// Query readers map the database file; the statistics housekeeping records every minute
/// scan whole tables, and must not leave those pages resident (counted in the RSS).
final class MappedPagesTests: Sendable {
    let logs = LogCapture()
    let scratch = TemporaryDirectories()

    /// Resident kilobytes of this process's mappings of `path` (Linux's /proc/self/smaps).
    static func residentKiB(mapping path: String) throws -> Int {
        var total = 0
        var inside = false
        for line in try smaps().split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5 {
                inside = fields.count >= 6 && fields[5...].joined(separator: " ") == path
            } else if inside, fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                total += kib
            }
        }
        return total
    }

    /// The whole of /proc/self/smaps (its size reads as 0, so it is read until its end).
    static func smaps() throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/smaps")))
    func statisticsLeaveNoPageMappedWhereAQueryDoes() async throws {
        let dir = try scratch.make("tsdb").path
        var options = TSDB.Options()
        options.chunkSize = 8
        let db = try await TSDB.open(directory: dir, logger: logs.logger, options: options)
        let names = (0..<2_000).map { series("m", ["i": "\($0)", "pad": String(repeating: "x", count: 64)]) }
        for t in 1...40 {
            var appender = db.appender()
            for labels in names { appender.append(labels, t: Int64(t), v: Double(t * 7)) }
            _ = try await appender.commit()
        }
        // Pages still in SQLite's WAL are read, never mapped: move them into the file.
        try await db.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let path = URL(fileURLWithPath: dir).appendingPathComponent("tollgate.db").resolvingSymlinksInPath().path
        let stats = try await db.stats()
        #expect(stats.chunks == 2_000 * 4, "the chunks sealed by the commits")
        #expect(try Self.residentKiB(mapping: path) == 0, "statistics read the tables without mapping them")
        // The same file is mapped by a query that reads every chunk: the measure above can see it.
        let found = try await db.select([try LabelMatcher(.equal, "__name__", "m")], minTime: 0, maxTime: .max)
        #expect(found.count == 2_000)
        #expect(try Self.residentKiB(mapping: path) > 0)
    }
}
