// Tollgate — TSDB: idle series leave the head, and come back when they get a sample.

import Chunks
import CoreMetrics
import Foundation
import GRDB
import Logging
import Model
import Synchronization

extension TSDB {
    /// Moves the series idle for ``Options/idleSeriesTime`` (no sample since the head's
    /// newest time minus that), and those ended by a staleness marker older than
    /// ``Options/staleSeriesTime``, out of the head; a cutoff whose option is 0 moves nothing.
    ///
    /// In transactions of at most ``evictionBatch`` series, the store's state free between
    /// them: scrapes commit and queries copy the head meanwhile.
    /// - Returns: the number of series moved.
    public func evictIdleSeries() async throws -> Int {
        let (idle, stale) = (options.idleSeriesTime, options.staleSeriesTime)
        guard idle > 0 || stale > 0 else { return 0 }
        return try await run {
            guard let newest = self.state.withLock({ $0.headMaxTime == .min ? nil : $0.headMaxTime }) else { return 0 }
            let cutoff = idle > 0 ? newest &- idle : .min
            let staleCutoff = stale > 0 ? newest &- stale : .min
            var moved = 0
            while true {
                let batch = try self.state.withLock { s in
                    try self.evictIdle(&s, before: cutoff, staleBefore: staleCutoff, limit: Self.evictionBatch)
                }
                moved += batch
                if batch < Self.evictionBatch { return moved }
            }
        }
    }

    /// The most series one eviction transaction moves. Large: each transaction rewrites the
    /// pages of `cold_postings` that its series' label pairs fall on, all over the B-tree:
    /// with 1.2 million postings stored, 20,000 series moved in one transaction write 7.3 MiB
    /// of WAL, in five transactions 26 MiB (`Benchmarks/cold_postings_cost.py`). Commits wait
    /// for the whole round either way (it holds the store); selections copy the head between
    /// transactions.
    static let evictionBatch = 65_536

    /// Moves the series whose newest sample is older than `cutoff`, or is a staleness marker
    /// older than `staleCutoff`, out of the head, at most `limit`.
    ///
    /// Prometheus drops such series from its head when it compacts it (their samples are in
    /// a block by then, and its index finds them). Here, in one transaction, each one's open
    /// chunk is sealed, its newest time goes to `cold_series` and its labels to
    /// `cold_postings`, and its checkpointed chunk is deleted; then the head forgets it:
    /// its chunk, its labels, its postings. Selections find it on disk (`TSDB+ColdQuery`), and a
    /// sample by its labels or its reference brings it back with the same id. Without this, a
    /// target set that changes (pods, deployments) grew the head for the life of the process,
    /// and every checkpoint rewrote the stale series' open chunks.
    ///
    /// A series ended by a staleness marker leaves sooner (`staleCutoff`): under churn (pods
    /// replaced), such series' open chunks never fill, so they never seal, every checkpoint
    /// saved them again, and, begun long ago, they held back the checkpoint's cut
    /// (``sealAlignedCut(_:last:)``) until it saved every open chunk.
    /// - Returns: the number of series moved.
    func evictIdle(_ s: inout State, before cutoff: Int64, staleBefore staleCutoff: Int64 = .min, limit: Int = .max) throws -> Int {
        guard !options.readOnly else { return 0 }
        let idle = Array(
            s.series.all.lazy.filter { _, series in
                series.hasSamples
                    && (series.maxTime < cutoff
                        || (series.maxTime < staleCutoff && series.ended))
            }.prefix(limit))
        guard !idle.isEmpty else { return 0 }
        let labels = idle.map { s.labels(of: $0.1) }
        try pool.write { db in
            try SealedChunkWriter.insert(idle.compactMap { $0.1.chunk.count > 0 ? ($0.0, $0.1.chunk.xorChunk) : nil }, of: self, into: db)
            let cold = try db.cachedStatement(sql: "INSERT OR REPLACE INTO cold_series (id, max_time) VALUES (?, ?)")
            let posting = try db.cachedStatement(sql: "INSERT OR IGNORE INTO cold_postings (name, value, series_id) VALUES (?, ?, ?)")
            let checkpointed = try db.cachedStatement(sql: "DELETE FROM head_chunks WHERE series_id = ?")
            for ((id, series), labels) in zip(idle, labels) {
                try cold.execute(arguments: [Int64(id), series.maxTime])
                for label in labels { try posting.execute(arguments: [label.name, label.value, Int64(id)]) }
                try checkpointed.execute(arguments: [Int64(id)])
            }
        }
        for ((id, series), labels) in zip(idle, labels) {
            s.series[id] = nil
            s.ids.remove(id, hash: labels.hashValue)
            s.cold.add(
                id, labels: LabelsCodec.encode(labels),
                ColdSeries.Entry(maxTime: series.maxTime, loggedFile: series.loggedFile, loggedBase: series.loggedBase))
        }
        s.postings.remove(zip(idle, labels).map { ($0.0.0, $0.1) })
        StorageMetrics.seriesRemoved.increment(by: idle.count)
        StorageMetrics.series.record(s.ids.count)
        return idle.count
    }

    /// The cold series a batch brings back, with their stored labels: those it names by
    /// reference, and those whose labels it gives (the stored labels are compared, not only
    /// their hash). Reads only: nothing in the head changes, so a failure leaves no trace.
    func coldSeriesReturning(_ batch: [(Labels, Int64, Double)], _ byRef: [(UInt32, Int64, Double)], _ s: State) throws -> [(UInt32, Data)] {
        guard s.cold.count > 0 else { return [] }
        var byID: [UInt32] = []
        var seen = Set<UInt32>()
        for (id, _, _) in byRef where s.series[id] == nil && s.cold.contains(id) && seen.insert(id).inserted { byID.append(id) }
        var byLabels: [(Data, [UInt32])] = []
        var asked = Set<Labels>()
        for (labels, _, _) in batch where s.headID(of: labels) == nil && asked.insert(labels).inserted {
            let encoded = LabelsCodec.encode(labels)
            let candidates = s.cold.candidates(encoded)
            if !candidates.isEmpty { byLabels.append((encoded, candidates)) }
        }
        guard !byID.isEmpty || !byLabels.isEmpty else { return [] }
        return try pool.read { db in
            var found: [(UInt32, Data)] = []
            for id in byID {
                if let data = try Self.storedLabelBytes(id, db) { found.append((id, data)) }
            }
            for (encoded, candidates) in byLabels {
                for id in candidates where !seen.contains(id) {
                    guard try Self.storedLabelBytes(id, db) == encoded else { continue }
                    seen.insert(id)
                    found.append((id, encoded))
                    break
                }
            }
            return found
        }
    }

    /// A head series for cold series `id` coming back: its newest time kept, so older
    /// samples are still out of order, and its base in the head log. Nil when its stored
    /// labels do not decode; its labels with it.
    func returningSeries(_ id: UInt32, _ data: Data, _ s: inout State) -> (HeadSeries, Labels)? {
        guard let labels = LabelsCodec.decode(data) else {
            logger.warning("a cold series' stored labels do not decode; it stays cold", metadata: ["series": "\(id)"])
            return nil
        }
        let series = s.makeSeries(labels)
        if let entry = s.cold.entries[id] {
            series.hasSamples = true
            series.maxTime = entry.maxTime
            series.loggedFile = entry.loggedFile
            series.loggedBase = entry.loggedBase
        }
        return (series, labels)
    }

    /// Indexes a series that came back once its return is stored.
    func indexReturned(_ id: UInt32, _ labels: Labels, _ s: inout State) {
        s.ids.insert(id, hash: labels.hashValue)
        s.postings.insert(id, labels)
        s.cold.remove(id)
    }

    /// Notes in `db` that series came back to the head (their postings stay: selections
    /// join them with `cold_series`, and the next eviction finds them there).
    static func storeReturned(_ ids: some Sequence<UInt32>, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM cold_series WHERE id = ?")
        for id in ids { try statement.execute(arguments: [Int64(id)]) }
    }
}
