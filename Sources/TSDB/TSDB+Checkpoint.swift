// Tollgate — TSDB: checkpoints of the head, which let the head log be emptied.

import Chunks
import Foundation
import GRDB

extension TSDB {
    /// Whether the log has grown enough since the last checkpoint for a commit to make one,
    /// counting `records` and `samples` about to be committed.
    func checkpointDue(_ s: State, adding records: Int = 0, samples: Int = 0) -> Bool {
        s.logRecords + records >= max(options.checkpointInterval, s.checkpointRecheck)
            && s.logSamples + samples >= options.checkpointSamplesPerSeries * s.series.count
    }

    /// The checkpoint a commit makes once ``checkpointDue(_:adding:samples:)``.
    ///
    /// A checkpoint used to save every open chunk, so that the whole log could go: with
    /// 200,000 series it rewrote every open chunk (twice, with SQLite's WAL) every couple of
    /// minutes, about a fifth of all the bytes the store wrote (docs/performance.md). But
    /// the series of a scrape fill their chunks at the same pace and seal them together,
    /// and the records before that moment are then only needed for the few series whose
    /// open chunk is older. So the
    /// checkpoint goes only as far as ``sealAlignedCut(_:last:)``, saving those few chunks,
    /// when that drops at least half of the records it could; otherwise it waits for the next
    /// seal, until the log holds ``fullCheckpointSamples`` per series, and then saves every
    /// open chunk as before. Recovery replays at most about that much.
    func checkpointAfterCommit(_ s: inout State) throws {
        let last = s.nextLogSeq - 1
        let cut = sealAlignedCut(s, last: last)
        if cut - s.checkpointSeq >= (last - s.checkpointSeq + 1) / 2 {
            try checkpoint(&s, through: cut)
        } else if s.logSamples >= fullCheckpointSamples * s.series.count {
            try checkpoint(&s)
        } else {
            // Looked at again once the log has grown by an eighth: each look sorts the open chunks.
            s.checkpointRecheck = s.logRecords + max(16, options.checkpointInterval / 8, s.logRecords / 8)
        }
    }

    /// The samples per series the log holds before a checkpoint saves every open chunk:
    /// two chunks' worth, and the usual gap (``Options/checkpointSamplesPerSeries``); none
    /// when that gap is 0 (checkpoints counted in records only).
    ///
    /// Series that seal out of step with each other (created at different times: a tenth of
    /// the targets replaced at each step of a churn run, or targets started one by one) put
    /// the cut up to a chunk behind the newest record, so a partial checkpoint drops half of
    /// the log only once it holds about two chunks. With twice the usual gap (128 samples),
    /// such a store saved every open chunk about every eight minutes.
    var fullCheckpointSamples: Int {
        options.checkpointSamplesPerSeries == 0 ? 0 : 2 * options.chunkSize + options.checkpointSamplesPerSeries
    }

    /// The newest log record a checkpoint may cover while saving at most a tenth of the
    /// open chunks: those that began at or before it. For every other series, the samples
    /// of the records up to there are in sealed chunks already.
    ///
    /// The chunks of series ended by a staleness marker are left out of that tenth: they
    /// never fill, so they would hold the cut at their start until they leave the head
    /// (``Options/staleSeriesTime``); each checkpoint saves them meanwhile. Under churn, a
    /// tenth of the series replaced at once would otherwise make every checkpoint save
    /// every open chunk.
    func sealAlignedCut(_ s: State, last: Int64) -> Int64 {
        var starts: [Int64] = []
        starts.reserveCapacity(s.series.count)
        for (_, series) in s.series.all where series.chunk.count > 0 && !series.ended { starts.append(series.chunkStartSeq) }
        guard !starts.isEmpty else { return last }
        starts.sort()
        return min(last, starts[starts.count / 10] - 1)
    }

    /// Saves the open chunks that records up to `through` (default: the newest record)
    /// contributed to, in one transaction, then deletes the log files up to there that no reader still needs; the records after `through` are what recovery replays.
    func checkpoint(_ s: inout State, through cut: Int64? = nil) throws {
        let last = s.nextLogSeq - 1
        let through = cut ?? last
        let open = s.series.all.filter { $0.1.chunk.count > 0 && $0.1.chunkStartSeq <= through }
        let keptAfter = logKeptAfter(&s, last: through)
        try pool.write { db in
            try db.execute(sql: "DELETE FROM head_chunks")
            let insert = try db.cachedStatement(sql: "INSERT INTO head_chunks (series_id, count, data, state) VALUES (?, ?, ?, ?)")
            for (id, series) in open {
                var state: [UInt8] = []
                for value in series.chunk.encoderState { SampleBlock.appendVarint(value, to: &state) }
                let bytes = series.chunk.withUnsafeBytes { Data($0) }
                try insert.execute(arguments: [Int64(id), series.chunk.count, bytes, Data(state)])
            }
            try db.execute(sql: "INSERT OR REPLACE INTO log_state (key, value) VALUES ('checkpoint_seq', ?)", arguments: [through])
        }
        // Once the checkpoint is committed: the files it covers, whole, that no reader still needs.
        s.log.drop(through: keptAfter)
        // What is left to replay: the records after the cut, and their share of the samples.
        let remaining = max(0, last - through)
        let pending = max(1, last - s.checkpointSeq)
        s.logSamples = remaining == 0 ? 0 : Int(Double(s.logSamples) * Double(remaining) / Double(pending))
        s.logRecords = Int(remaining)
        s.checkpointSeq = through
        s.checkpointRecheck = 0
    }
}
