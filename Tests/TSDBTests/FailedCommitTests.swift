// Tollgate — the store: a commit whose transaction fails leaves the head as it was.

import Foundation
import GRDB
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class FailedCommitTests: Sendable {
    let logs = LogCapture()
    let scratch = TemporaryDirectories()

    /// A trigger makes every insert of a sealed chunk fail, so a batch that seals one fails
    /// in its transaction, after the head took its samples in place. The head must be put
    /// back exactly: series whose chunk sealed, series that only grew, series whose chunk
    /// the batch started, and series the batch created. Once inserts work again, the same
    /// batch commits and every sample reads back once, in order.
    ///
    /// Run a second time with the commit count about to wrap as the batch fails: its stamp
    /// comes round to 1, the stamp the first commit gave `full`, and without every series'
    /// stamp cleared at the wrap `full` would look noted already and keep the failed samples.
    @Test(arguments: [false, true]) func aFailedTransactionPutsEverySeriesBack(atTheWrap: Bool) async throws {
        let dir = try scratch.make("tsdb").path
        var options = TSDB.Options()
        options.chunkSize = 4
        let db = try await TSDB.open(directory: dir, logger: logs.logger, options: options)
        let full = series("m", ["s": "full"]), growing = series("m", ["s": "growing"])
        let restarted = series("m", ["s": "restarted"]), created = series("m", ["s": "created"])
        var expected: [Labels: [(Int64, Double)]] = [:]
        func commit(_ samples: [(Labels, Int64, Double)]) async throws {
            var appender = db.appender()
            for (labels, t, v) in samples { appender.append(labels, t: t, v: v) }
            _ = try await appender.commit()
            for (labels, t, v) in samples { expected[labels, default: []].append((t, v)) }
        }
        // `full` fills its chunk; `restarted` fills one and has one sample in the next.
        try await commit((1...4).map { (full, Int64($0), Double($0) * 1.5) })
        try await commit((1...5).map { (restarted, Int64($0), Double($0)) })
        try await commit((1...2).map { (growing, Int64($0), Double($0 * 100)) })
        func contents() async throws -> [Labels: [(Int64, Double)]] {
            let found = try await db.select([try LabelMatcher(.equal, "__name__", "m")], minTime: .min, maxTime: .max)
            return Dictionary(uniqueKeysWithValues: found.map { ($0.labels, Array(zip($0.timestamps, $0.values))) })
        }
        func same(_ a: [Labels: [(Int64, Double)]], _ b: [Labels: [(Int64, Double)]]) -> Bool {
            a.count == b.count && a.allSatisfy { key, samples in
                b[key].map { $0.elementsEqual(samples) { $0.0 == $1.0 && $0.1.bitPattern == $1.1.bitPattern } } ?? false
            }
        }
        #expect(same(try await contents(), expected))

        let writer = try DatabaseQueue(path: dir + "/tollgate.db")
        try await writer.write { try $0.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON chunks BEGIN SELECT RAISE(ABORT, 'refused by the test'); END") }
        // `full` seals (and goes on past a second seal), `growing` grows, `restarted` fills
        // its second chunk, `created` is new.
        var failing: [(Labels, Int64, Double)] = (5...10).map { (full, Int64($0), Double($0) * 1.5) }
        failing += [(growing, 3, 300), (growing, 4, 301)]
        failing += (6...8).map { (restarted, Int64($0), Double($0)) }
        failing.append((created, 1, 1))
        if atTheWrap { db.state.withLock { $0.batch = .max } }
        var appender = db.appender()
        for (labels, t, v) in failing { appender.append(labels, t: t, v: v) }
        await #expect(throws: (any Error).self) { try await appender.commit() }
        if atTheWrap { #expect(db.state.withLock { $0.batch } == 1) }
        #expect(same(try await contents(), expected), "the failed batch left no sample behind")

        try await writer.write { try $0.execute(sql: "DROP TRIGGER refuse") }
        try await commit(failing)
        try await commit([(full, 11, 16.5), (growing, 5, 302), (restarted, 9, 9), (created, 2, 2)])
        #expect(same(try await contents(), expected))
    }
}
