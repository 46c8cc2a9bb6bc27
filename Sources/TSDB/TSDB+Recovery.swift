// Tollgate — TSDB: rebuilding the head after a restart or a crash.

import Chunks
import Foundation
import GRDB
import Logging
import Synchronization
import Model

extension TSDB {
    /// Loads the series, restores the open chunks of the last checkpoint, and replays
    /// the log. A record whose checksum or encoding is bad ends the usable log: it and
    /// everything after it are deleted with a warning.
    ///
    /// Out-of-order samples are never in the log (their commit wrote them as chunks), so the
    /// replay only meets in-order ones. A checkpointed head chunk is dropped when a sealed
    /// chunk or block reaches its start (it was sealed since); chunks of out-of-order samples
    /// do not count, and compaction keeps them out of blocks while they reach into the open
    /// head chunk's range, so neither can make recovery drop a head chunk that was never sealed.
    ///
    /// Read-only, nothing is written: the replayed samples stay in the head chunks, however
    /// many, and a bad record only ends the replay.
    func recover() throws {
        let readOnly = options.readOnly
        let chunkSize = readOnly ? Int.max : options.chunkSize
        let started = ContinuousClock.now
        try state.withLock { s in
            var sealedMax: [UInt32: Int64] = [:]
            var lateMax: [UInt32: Int64] = [:]
            var legacy: [(Int64, Data)] = []
            var checkpointSeq: Int64 = 0
            // Records before this made series that retention deleted since (see dropEmptyColdSeries).
            var droppedBefore: Int64 = 0
            try pool.read { db in
                let highest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM series") ?? 0
                s.series.reserveCapacity(Int(highest))
                s.ids.reserveCapacity(Int(highest))
                // Decoded here, indexed on a second thread meanwhile (see SeriesIndexLoader).
                let loader = SeriesIndexLoader(series: s.series, ids: s.ids, postings: s.postings, symbols: s.symbols)
                s.series = SeriesTable()
                s.ids = SeriesIDs()
                s.postings = Postings()
                s.symbols = SymbolTable()
                // The loader's thread ends only once it is finished: on every way out.
                do {
                    // Cold series stay on disk: only their ids, newest times and labels' hashes are kept.
                    var coldMax: [UInt32: Int64] = [:]
                    for row in try Row.fetchAll(db, sql: "SELECT id, max_time FROM cold_series") {
                        coldMax[UInt32(truncatingIfNeeded: row[0] as Int64)] = row[1]
                    }
                    var batch: [(UInt32, Labels)] = []
                    batch.reserveCapacity(4096)
                    let series = try Row.fetchCursor(db, sql: "SELECT id, labels FROM series ORDER BY id")
                    while let row = try series.next() {
                        let id = UInt32(truncatingIfNeeded: row[0] as Int64)
                        s.nextID = max(s.nextID, id + 1)
                        if let maxTime = coldMax[id] {
                            s.cold.add(id, labels: row[1], ColdSeries.Entry(maxTime: maxTime))
                            continue
                        }
                        // Decoded from SQLite's own buffer; the loader numbers the strings.
                        let decoded = try row.withUnsafeData(atIndex: 1) { data in data.flatMap { LabelsCodec.decode($0) } }
                        guard let labels = decoded else { throw TSDBError("series \(id) has corrupt labels in \(path)") }
                        batch.append((id, labels))
                        if batch.count == 4096 {
                            loader.add(batch)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                    // Ids are never given twice, also after retention deleted the newest series' row.
                    if let next = try Int64.fetchOne(db, sql: "SELECT value FROM log_state WHERE key = 'next_series_id'") {
                        s.nextID = max(s.nextID, UInt32(clamping: next))
                    }
                    loader.add(batch)
                    // One scan, two maxima: chunks of out-of-order samples apart, since they may reach
                    // into the range of a checkpointed head chunk that was never sealed (see below).
                    // The rows in table order (no index leads with the series: ChunkWindows), the
                    // maxima kept here rather than in a temporary tree of SQLite's.
                    let rows = try Row.fetchCursor(db, sql: "SELECT series_id, max_time, encoding FROM chunks")
                    while let row = try rows.next() {
                        // A damaged page may read as a row of NULLs rather than fail.
                        guard let seriesID = row[0] as Int64?, let maxTime = row[1] as Int64?, let encoding = row[2] as Int? else {
                            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "database disk image is malformed: a chunk row without its series, end or encoding")
                        }
                        let id = UInt32(truncatingIfNeeded: seriesID)
                        if encoding == Self.outOfOrderEncoding {
                            lateMax[id] = max(lateMax[id] ?? .min, maxTime)
                        } else {
                            sealedMax[id] = max(sealedMax[id] ?? .min, maxTime)
                        }
                    }
                } catch {
                    _ = loader.finish()
                    throw error
                }
                (s.series, s.ids, s.postings, s.symbols) = loader.finish()
                for (id, maxTime) in sealedMax {
                    s.series[id]?.hasSamples = true
                    s.series[id]?.maxTime = maxTime
                }
                let checkpoint = try Row.fetchCursor(db, sql: "SELECT series_id, count, data, state FROM head_chunks")
                while let row = try checkpoint.next() {
                    let id = UInt32(truncatingIfNeeded: row[0] as Int64)
                    guard let series = s.series[id], let chunk = Self.restoreChunk(row[2], count: row[1], state: row[3]) else {
                        logger.warning("dropping an unreadable checkpointed head chunk", metadata: ["series": "\(id)"])
                        continue
                    }
                    // A chunk sealed since the checkpoint already holds these samples.
                    if series.hasSamples && series.maxTime >= chunk.minTime { continue }
                    series.chunk.replace(with: chunk)
                    series.hasSamples = true
                    series.maxTime = chunk.maxTime
                }
                droppedBefore = try Int64.fetchOne(db, sql: "SELECT value FROM log_state WHERE key = 'series_dropped_before_seq'") ?? 0
                // Records up to the last checkpoint's are kept only for log readers: not replayed.
                checkpointSeq = try Int64.fetchOne(db, sql: "SELECT value FROM log_state WHERE key = 'checkpoint_seq'") ?? 0
                s.checkpointSeq = checkpointSeq
                // A store written before the log moved to files keeps it in this table.
                legacy = try Row.fetchAll(db, sql: "SELECT seq, data FROM head_log ORDER BY seq").map { ($0[0], $0[1]) }
                for row in try Row.fetchAll(db, sql: "SELECT name, seq FROM log_readers") { s.logReaders[row[0]] = row[1] }
            }
            if !legacy.isEmpty && !readOnly {
                try moveLegacyLog(legacy, &s)
                legacy = []
            }
            let (log, lastSeq) = try readHeadLog(&s, after: checkpointSeq, legacy: legacy)
            // Numbers are never given twice: past every record, checkpoint and reader position.
            s.nextLogSeq = max(lastSeq, checkpointSeq, s.logReaders.values.max() ?? 0) + 1
            var sealed: [(UInt32, XORChunk)] = []
            // Cold series with logged samples newer than their sealed ones: a commit that brought
            // them back logged its record, and stopped before its transaction ended.
            var returned: [UInt32] = []
            // Series made by replayed records: a commit whose transaction a crash cut short logged
            // them, and their rows are written now (else the next start would not know them).
            var made: [(UInt32, Data)] = []
            var replayed = 0
            var values = LogValues()
            var file: Int64?
            for (index, entry) in log.enumerated() {
                let seq = entry.seq
                if entry.segment != file {
                    file = entry.segment
                    values = LogValues()
                }
                let decoded = LogRecord(entry.record, values: &values)
                // A record a checkpoint covers is read only for the values later ones build on.
                guard entry.replay else { continue }
                guard let record = decoded else {
                    // The last record may be torn; one followed by sound records was damaged, and
                    // truncating there would throw the sound ones away: refuse, and let a repair keep them.
                    let after = log[(index + 1)...]
                    if !readOnly, after.contains(where: { LogRecord.checksumHolds([UInt8]($0.record)) }) {
                        throw TSDBError(
                            "head log record \(seq) (\(entry.place)) fails its CRC-32 check or does not decode (\(entry.record.count) bytes), and \(after.count) record\(after.count == 1 ? "" : "s") after it \(after.count == 1 ? "is" : "are") still there")
                    }
                    logger.warning(
                        readOnly ? "head log is corrupt or torn; replaying it only up to here" : "head log is corrupt or torn; truncating it",
                        metadata: ["record": "\(seq)", "dropped_records": "\(log.count { $0.replay } - replayed)", "path": "\(entry.place)"])
                    if !readOnly, let segment = entry.segment {
                        try s.log.truncate(segment: segment, at: entry.offset, lastKept: seq - 1)
                    }
                    break
                }
                replayed += 1
                // A series that left the head since stays cold: its samples below bring it back if they
                // must. One that retention deleted since is not made again.
                for (id, data) in record.newSeries where s.series[id] == nil && !s.cold.contains(id) && seq >= droppedBefore {
                    guard let labels = LabelsCodec.decode(data) else { continue }
                    made.append((id, data))
                    s.series[id] = s.makeSeries(labels)
                    s.index(id, labels)
                    s.nextID = max(s.nextID, id + 1)
                }
                for (id, t, v) in record.samples {
                    if s.series[id] == nil, let coldMax = s.cold.entries[id]?.maxTime, t > coldMax, try returnForReplay(id, &s) { returned.append(id) }
                    guard let series = s.series[id] else { continue }
                    if series.hasSamples && t <= series.maxTime { continue }  // already sealed
                    series.append(t, v, seq: seq, chunkSize: chunkSize) { sealed.append((id, $0)) }
                }
            }
            if (!sealed.isEmpty || !returned.isEmpty || !made.isEmpty) && !readOnly {
                try pool.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO series (id, labels) VALUES (?, ?)")
                    for (id, data) in made { try insert.execute(arguments: [Int64(id), data]) }
                    try Self.storeReturned(returned, db)
                    try SealedChunkWriter.insert(sealed, of: self, into: db)
                }
            }
            // Only after the replay, which must not skip logged samples older than an out-of-order
            // one: a series' newest sample is an out-of-order one only when retention deleted the
            // in-order data after it.
            for (id, maxTime) in lateMax {
                guard let series = s.series[id], !series.hasSamples || series.maxTime < maxTime else { continue }
                series.hasSamples = true
                series.maxTime = maxTime
            }
            if !readOnly { for (_, series) in s.series.all { series.reserveFullChunk(chunkSize: chunkSize) } }
            s.logRecords = replayed
            s.headMaxTime = s.series.all.reduce(Int64.min) { $1.1.hasSamples ? max($0, $1.1.maxTime) : $0 }
            if replayed > 0 && !readOnly { try self.checkpoint(&s) }
            logger.info(
                "storage opened",
                metadata: [
                    "path": "\(path)", "series": "\(s.series.count)", "replayed_batches": "\(replayed)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
        }
    }

    /// Brings cold series `id` back to the head for the replay of its logged samples.
    /// - Returns: whether it came back (its stored labels were found and decode).
    private func returnForReplay(_ id: UInt32, _ s: inout State) throws -> Bool {
        guard let data = try pool.read({ db in try Self.storedLabelBytes(id, db) }),
            let (series, labels) = returningSeries(id, data, &s)
        else { return false }
        s.series[id] = series
        indexReturned(id, labels, &s)
        return true
    }

    /// The bytes of `data` in one copy (`[UInt8](data)` went byte by byte through `Data`'s iterator).
    static func byteArray(_ data: Data) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: data.count) { buffer, count in count = data.copyBytes(to: buffer) }
    }

    /// A checkpointed chunk: continued from its saved encoder state when there is one
    /// that fits, else decoded and re-encoded.
    static func restoreChunk(_ data: Data, count: Int, state: Data?) -> XORChunk? {
        let bytes = byteArray(data)
        if let state {
            var reader = VarintReader(bytes: byteArray(state), position: 0)
            var values: [Int64] = []
            values.reserveCapacity(8)
            while let value = reader.next() { values.append(value) }
            if reader.atEnd, let chunk = XORChunk(bytes: bytes, encoderState: values), chunk.count == count { return chunk }
        }
        return XORChunk.restore(bytes: bytes, count: count)
    }
}
