// Tollgate — TSDB: committing a batch durably.

import Chunks
import Foundation
import GRDB
import Logging
import Synchronization
import Model
import Storage

extension TSDB {
    /// Validates and stores one batch in one SQLite transaction: new series, the log
    /// record, any chunks the batch sealed, and a chunk per series of the samples the
    /// out-of-order window took. The head is changed in place and put back as it was if the
    /// transaction fails, so a failed commit leaves no trace (out-of-order samples never
    /// touch the head).
    func commitNow(_ batch: [(Labels, Int64, Double)], _ byRef: [(UInt32, Int64, Double)] = []) throws -> CommitResult {
        try commitNowGivingIDs(batch, byRef).0
    }

    /// ``commitNow(_:_:)``, and the id of the series of each sample of `batch`, in order.
    func commitNowGivingIDs(_ batch: [(Labels, Int64, Double)], _ byRef: [(UInt32, Int64, Double)]) throws -> (CommitResult, [UInt32]) {
        var ids: [UInt32] = []
        ids.reserveCapacity(batch.count)
        let result = try state.withLock { s -> CommitResult in
            // Read before anything changes: a failed read leaves no trace.
            let returning = try coldSeriesReturning(batch, byRef, s)
            var result = CommitResult()
            var newSeries: [(id: UInt32, labels: Data)] = []
            var logged = LogRecord.SampleEncoder(capacity: batch.count + byRef.count)
            // By id, not by reference: an array of plain values is freed without a release per element.
            var undo: [HeadSeries.Undo] = []
            var restore: [HeadSeries.Restore] = []
            undo.reserveCapacity(min(batch.count + byRef.count, s.series.count))
            let stamp = s.nextBatch()
            var created: [(UInt32, Labels)] = []
            var pending: [Labels: UInt32] = [:]
            var sealed: [(UInt32, XORChunk)] = []
            var nextID = s.nextID
            let chunkSize = options.chunkSize
            // The number this batch's log record gets, when it has one.
            let recordSeq = s.nextLogSeq
            // The log file the record goes to: values are coded against the series' base there.
            let file = s.log.nextFile
            let window = s.outOfOrderTimeWindow
            // The head's newest time as this commit starts: the out-of-order window counts back from it.
            let headMax = s.headMaxTime
            var batchMax = headMax
            var outOfOrder: [OutOfOrderSample] = []
            // Cold series this batch brings back to the head (see TSDB+Eviction).
            var returned: [(UInt32, Labels)] = []
            for (id, data) in returning {
                guard let (series, labels) = returningSeries(id, data, &s) else { continue }
                s.series[id] = series
                pending[labels] = id
                returned.append((id, labels))
            }
            /// Validates one sample and appends it to its series in place.
            func accept(_ id: UInt32, _ t: Int64, _ v: Double) {
                s.series.unretained(id)?._withUnsafeGuaranteedRef { accept($0, id, t, v) }
            }
            func accept(_ series: HeadSeries, _ id: UInt32, _ t: Int64, _ v: Double) {
                if series.hasSamples && t < series.maxTime {
                    // Out of order: kept for the transaction when the window takes it (see TSDB+OutOfOrder).
                    if window > 0 && Self.isInsideWindow(t, reference: max(headMax, series.maxTime), window: window) {
                        outOfOrder.append(OutOfOrderSample(id: id, t: t, v: v))
                    } else {
                        result.outOfOrder += 1
                    }
                    return
                }
                if series.hasSamples && t == series.maxTime {
                    // The same sample again is ignored; another value at that time is a duplicate.
                    if series.lastValue?.bitPattern != v.bitPattern { result.duplicate += 1 }
                    return
                }
                if series.batch != stamp {
                    series.batch = stamp
                    series.noteUndo(id, &undo, &restore)
                }
                series.append(t, v, seq: recordSeq, chunkSize: chunkSize) { sealed.append((id, $0)) }
                if series.loggedFile == file {
                    logged.append(id, t, v, base: series.loggedBase)
                } else {
                    logged.append(id, t, v)
                    series.loggedFile = file
                    series.loggedBase = v
                }
                result.appended += 1
                if t > batchMax { batchMax = t }
            }
            // Samples by reference reach series all over the head. They are taken sixteen
            // at a time: first each series' object and the head of its chunk's bytes are
            // read in a tight loop of independent loads, so their cache misses overlap; then,
            // in a second such loop, the last byte of each chunk, where the appends write;
            // then the samples are appended with the series already in cache.
            var ahead = 0
            byRef.withUnsafeBufferPointer { refs in
                var start = 0
                while start < refs.count {
                    let end = min(start + 16, refs.count)
                    for i in start..<end {
                        ahead &+= s.series.unretained(refs[i].0)?._withUnsafeGuaranteedRef { $0.chunk.byteCount } ?? 0
                    }
                    for i in start..<end {
                        ahead &+= s.series.unretained(refs[i].0)?._withUnsafeGuaranteedRef { Int($0.chunk.lastByte) } ?? 0
                    }
                    for i in start..<end { accept(refs[i].0, refs[i].1, refs[i].2) }
                    start = end
                }
            }
            s.readAhead &+= ahead
            for (labels, t, v) in batch {
                let id: UInt32
                if let known = s.headID(of: labels) ?? pending[labels] {
                    id = known
                } else {
                    id = nextID
                    nextID += 1
                    pending[labels] = id
                    created.append((id, labels))
                    newSeries.append((id, LabelsCodec.encode(labels)))
                    s.series[id] = s.makeSeries(labels)
                }
                ids.append(id)
                accept(id, t, v)
            }
            let logs = !created.isEmpty || logged.count > 0
            guard logs || !outOfOrder.isEmpty || !returned.isEmpty else { return result }
            // Each series' out-of-order samples with a copy of its head chunk (as this batch left it).
            let late = outOfOrder.isEmpty ? [] : Self.group(outOfOrder, s.series)
            // Log readers (remote write) also need the out-of-order samples stored: a record of their own.
            let logsLate = !s.logReaders.isEmpty
            var seq = s.nextLogSeq
            // The record goes to the log file first, and is taken back if the transaction fails.
            var mark: HeadLog.Mark?
            var lateUnlogged = false
            do {
                if logs {
                    mark = try s.log.append(seq, LogRecord.encoded(newSeries: newSeries, samples: logged))
                    seq += 1
                }
                // Most batches only append to open chunks: the log holds them, and SQLite has
                // nothing to store. An empty transaction still took a tenth of a scrape's CPU
                // (taking SQLite's write lock, BEGIN and COMMIT through the writer's queue).
                let storesRows = !created.isEmpty || !returned.isEmpty || !sealed.isEmpty || !late.isEmpty
                let stored = !storesRows ? OutOfOrderCounts() : try pool.write { db -> OutOfOrderCounts in
                    if !created.isEmpty {
                        let insert = try db.cachedStatement(sql: "INSERT INTO series (id, labels) VALUES (?, ?)")
                        for (id, data) in newSeries { try insert.execute(arguments: [Int64(id), data]) }
                    }
                    try Self.storeReturned(returned.map(\.0), db)
                    try SealedChunkWriter.insert(sealed, of: self, into: db)
                    // After this batch's sealed chunks, which the duplicate checks must see.
                    guard !late.isEmpty else { return OutOfOrderCounts() }
                    return try self.storeOutOfOrder(late, db, keepingSamples: logsLate)
                }
                result.appended += stored.appended
                result.outOfOrderAppended = stored.appended
                result.duplicate += stored.duplicate
                if !stored.samples.isEmpty {
                    // Stored already: a record that cannot be written only keeps them from the log's readers.
                    var record = LogRecord()
                    record.late = stored.samples
                    do {
                        _ = try s.log.append(seq, record.encoded())
                        seq += 1
                    } catch {
                        noteWriteFailure(error, during: "logging out-of-order samples for remote write")
                        lateUnlogged = true
                    }
                }
            } catch {
                if let mark { s.log.undo(mark) }
                for (id, _) in created { s.series[id] = nil }
                for previous in undo {
                    s.series[previous.id]?.restore(previous, firstSealed: sealed.first { $0.0 == previous.id }?.1)
                }
                for previous in restore { s.series[previous.id]?.restore(previous) }
                for (id, _) in returned { s.series[id] = nil }
                throw noteWriteFailure(error, during: "commit")
            }
            if !lateUnlogged { noteWriteSuccess() }
            s.nextID = nextID
            s.nextLogSeq = seq
            s.headMaxTime = batchMax
            for (id, labels) in created { s.index(id, labels) }
            for (id, labels) in returned { indexReturned(id, labels, &s) }
            if logs { s.logRecords += 1 }
            s.logSamples += logged.count
            result.newSeries = created.count
            if checkpointDue(s) {
                // The batch is durable already: a checkpoint that fails (a full disk) is counted,
                // logged once, and tried again at the next commit; the log still holds everything.
                do {
                    try checkpointAfterCommit(&s)
                } catch {
                    noteWriteFailure(error, during: "checkpoint")
                }
            }
            return result
        }
        return (result, ids)
    }

    /// Ends a graceful stop: checkpoints the head, so that the next start replays nothing,
    /// and moves SQLite's WAL file into the database and empties it (else it stays on disk at
    /// its largest size while the store is closed). Nothing may be committed afterwards.
    public func close() async throws {
        try await run {
            try self.state.withLock { s in
                if s.logRecords > 0 { try self.checkpoint(&s) }
                s.log.close()
            }
            try self.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
    }

    /// Seals every open chunk and checkpoints: afterwards all samples are in sealed
    /// chunks and the log is empty (used after an import and before compaction).
    public func flush() async throws {
        try await run {
            try self.state.withLock { s in
                let open = s.series.all.filter { $0.1.chunk.count > 0 }
                try self.pool.write { db in
                    try SealedChunkWriter.insert(open.map { ($0.0, $0.1.chunk.xorChunk) }, of: self, into: db)
                }
                for (id, _) in open { s.series[id]?.chunk.removeAll() }
                try self.checkpoint(&s)
            }
        }
    }
}

extension TSDB.State {
    /// The stamp of the next commit, never 0. Before the count wraps (after 2^32 commits,
    /// well over a year at a hundred a second) every series' stamp is cleared, so that none
    /// of them looks changed already by a commit whose number comes round again.
    mutating func nextBatch() -> UInt32 {
        if batch == .max {
            for (_, series) in series.all { series.batch = 0 }
            batch = 0
        }
        batch += 1
        return batch
    }
}
