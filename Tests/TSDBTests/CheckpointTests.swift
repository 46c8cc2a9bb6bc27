// Tollgate — the store: checkpoints that follow the chunks' seals save only the older open
// chunks, and a restart after any of them gives back every sample.

import Foundation
import GRDB
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class CheckpointTests: Sendable {
    let logs = LogCapture()
    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    func open(_ dir: String) async throws -> TSDB {
        var options = TSDB.Options()
        options.chunkSize = 10
        options.checkpointInterval = 4
        options.checkpointSamplesPerSeries = 4
        options.logSegmentBytes = 1  // a file per record: a checkpoint deletes exactly the records it covers
        return try await TSDB.open(directory: dir, logger: logs.logger, options: options)
    }

    /// Head chunks saved by the last checkpoint, the last record it covered, and the oldest
    /// record left in the log (read from the file, beside the open store).
    func checkpointState(_ dir: String) throws -> (savedChunks: Int, checkpointSeq: Int64, oldestRecord: Int64?) {
        let file = try DatabaseQueue(path: dir + "/tollgate.db")
        let oldest = try HeadLog.recordNumbers(dir).min()
        return try file.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM head_chunks") ?? -1,
                try Int64.fetchOne(db, sql: "SELECT value FROM log_state WHERE key = 'checkpoint_seq'") ?? 0,
                oldest
            )
        }
    }

    /// 50 series scraped together (one commit per scrape, so their chunks seal together) and
    /// `idle` series that stop after three scrapes, their chunks open for good. Without idle
    /// series, or with few, checkpoints stop at the last seal and save only the idle series'
    /// chunks; with many (a fifth of the store) they save every open chunk, as before, unless
    /// a staleness marker ended them (`ended`: their targets replaced). Either way, a store
    /// opened again without a graceful stop holds every sample.
    @Test(arguments: [(0, false), (2, false), (13, false), (13, true)])
    func checkpointsFollowTheSealsAndLoseNothing(idle: Int, ended: Bool) async throws {
        let dir = try scratch.make("tsdb").path
        let active = (0..<50).map { Labels(["__name__": "scraped", "i": "\($0)"]) }
        let stopped = (0..<idle).map { Labels(["__name__": "scraped", "idle": "\($0)"]) }
        var reference: [Labels: [(Int64, Double)]] = [:]
        do {
            let db = try await open(dir)
            for step in 1...40 {
                var appender = db.appender()
                let t = Int64(step) * 1_000
                for (index, labels) in active.enumerated() {
                    let v = Double(step * 7 + index) / 4
                    appender.append(labels, t: t, v: v)
                    reference[labels, default: []].append((t, v))
                }
                for labels in stopped where step <= 3 {
                    appender.append(labels, t: t, v: -Double(step))
                    reference[labels, default: []].append((t, -Double(step)))
                }
                for labels in stopped where ended && step == 4 {
                    appender.append(labels, t: t, v: SampleValue.staleMarker)
                    reference[labels, default: []].append((t, SampleValue.staleMarker))
                }
                _ = try await appender.commit()
            }
            let state = try checkpointState(dir)
            #expect(state.checkpointSeq > 0, "a checkpoint was made")
            #expect(state.oldestRecord.map { $0 > state.checkpointSeq } ?? true, "the log holds nothing up to the checkpoint")
            if idle < 5 || ended {
                // The last checkpoint stopped at the record before a seal (scrape 21 or 31,
                // as the looks fell): the records up to there hold sealed chunks, and only the
                // idle series' open chunks had to be saved.
                #expect(state.savedChunks == idle)
                #expect([20, 30].contains(state.checkpointSeq))
            } else {
                #expect(state.savedChunks == 50 + idle)
            }
        }
        let reopened = try await open(dir)
        let got = try await reopened.select([try LabelMatcher(.equal, "__name__", "scraped")], minTime: .min, maxTime: .max)
        #expect(got.count == active.count + idle)
        for series in got {
            let want = reference[series.labels] ?? []
            #expect(series.timestamps == want.map(\.0), "\(series.labels)")
            #expect(series.values.map(\.bitPattern) == want.map(\.1.bitPattern), "\(series.labels)")
        }
        // The restored chunks carry on: the next samples are taken and kept.
        var appender = reopened.appender()
        for labels in active { appender.append(labels, t: 41_000, v: 1) }
        #expect(try await appender.commit().appended == active.count)
    }

    /// Two groups of 25 series that seal out of step, the second started half a chunk after
    /// the first (a tenth of the targets replaced, or targets started one by one): the cut
    /// trails the newest record by up to a chunk, so the log must hold about two chunks
    /// before a partial checkpoint drops half of it. None of the checkpoints over 60 scrapes
    /// saves every open chunk, and a store opened again without a graceful stop has every sample.
    @Test func seriesOutOfStepStillGetPartialCheckpoints() async throws {
        let dir = try scratch.make("tsdb").path
        let first = (0..<25).map { Labels(["__name__": "scraped", "group": "a", "i": "\($0)"]) }
        let second = (0..<25).map { Labels(["__name__": "scraped", "group": "b", "i": "\($0)"]) }
        var reference: [Labels: [(Int64, Double)]] = [:]
        var saved: [Int] = []
        var checkpoints = Set<Int64>()
        do {
            let db = try await open(dir)
            for step in 1...60 {
                var appender = db.appender()
                let t = Int64(step) * 1_000
                for (index, labels) in (first + (step > 5 ? second : [])).enumerated() {
                    let v = Double(step * 3 + index) / 8
                    appender.append(labels, t: t, v: v)
                    reference[labels, default: []].append((t, v))
                }
                _ = try await appender.commit()
                let state = try checkpointState(dir)
                if state.checkpointSeq > 0, checkpoints.insert(state.checkpointSeq).inserted { saved.append(state.savedChunks) }
            }
        }
        #expect(checkpoints.count >= 3, "checkpoints kept the log short: \(checkpoints.sorted())")
        #expect(saved.allSatisfy { $0 < 50 }, "open chunks saved by each checkpoint: \(saved)")
        let reopened = try await open(dir)
        let got = try await reopened.select([try LabelMatcher(.equal, "__name__", "scraped")], minTime: .min, maxTime: .max)
        #expect(got.count == 50)
        for series in got {
            let want = reference[series.labels] ?? []
            #expect(series.timestamps == want.map(\.0), "\(series.labels)")
            #expect(series.values.map(\.bitPattern) == want.map(\.1.bitPattern), "\(series.labels)")
        }
    }
}
