// Tollgate — the head log's files: a torn append cut at start-up, a failed commit's record
// taken back, files rolled and deleted whole.

import Foundation
import Model
import Storage
import Synchronization
import TestSupport
import Testing

@testable import TSDB

final class HeadLogTests: Sendable {
    let logs = LogCapture()
    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    func commit(_ db: TSDB, _ t: Int64) async throws {
        var appender = db.appender()
        appender.append(Labels(["__name__": "head_log_test", "i": "1"]), t: t, v: Double(t))
        _ = try await appender.commit()
    }

    func values(_ db: TSDB) async throws -> [Double] {
        try await db.select([try LabelMatcher(.equal, "__name__", "head_log_test")], minTime: .min, maxTime: .max).first?.values ?? []
    }

    /// A crash in the middle of an append leaves a frame cut short: the store opens with a
    /// warning, keeps every record before it, and appends after the cut.
    @Test func aTornAppendIsCutAtStartAndTheLogGoesOnAfterIt() async throws {
        let dir = try scratch.make("log").path
        do {
            let db = try await TSDB.open(directory: dir, logger: logs.logger)
            for t in 1...5 { try await commit(db, Int64(t)) }
        }
        try HeadLog.tear(dir, bytes: 5)
        do {
            let db = try await TSDB.open(directory: dir, logger: logs.logger)
            #expect(try await values(db) == [1, 2, 3, 4])
            #expect(logs.messages.withLock { $0.contains { $0.hasPrefix("warning head log ends in a torn frame; cutting it there") } })
            try await commit(db, 6)
        }
        let db = try await TSDB.open(directory: dir, logger: logs.logger)
        #expect(try await values(db) == [1, 2, 3, 4, 6])
    }

    /// The record of a commit whose transaction fails is taken back; a record that starts a
    /// file takes the file with it.
    @Test func anUndoneAppendLeavesTheFileAsItWas() throws {
        let dir = try scratch.make("log").path + "/head-log"
        var log = try HeadLog(directory: dir, segmentBytes: 72, readOnly: false)
        _ = try log.append(1, Data(repeating: 1, count: 20))
        let mark = try log.append(2, Data(repeating: 2, count: 20))
        log.undo(mark)
        _ = try log.append(2, Data(repeating: 3, count: 20))
        #expect(try HeadLog.read(dir).flatMap { $0.frames.map { [$0.seq, Int64($0.record.first ?? 0)] } } == [[1, 1], [2, 3]])
        // Frames of 36 bytes, files of 72: the third record starts a second file; taken back, the file goes.
        let rolled = try log.append(3, Data(repeating: 4, count: 20))
        #expect(HeadLog.list(dir) == [1, 3])
        log.undo(rolled)
        #expect(HeadLog.list(dir) == [1] && log.last == 2)
        _ = try log.append(3, Data(repeating: 5, count: 20))
        _ = try log.append(4, Data(repeating: 6, count: 20))
        #expect(HeadLog.list(dir) == [1, 3])
        log.drop(through: 3)
        #expect(HeadLog.list(dir) == [3], "a file goes only once every record in it is covered")
        log.drop(through: 4)
        #expect(HeadLog.list(dir).isEmpty)
        _ = try log.append(5, Data(repeating: 7, count: 20))
        #expect(HeadLog.list(dir) == [5])
        log.close()
    }
}
