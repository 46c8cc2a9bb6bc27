// Tollgate — TSDB: reading the sealed samples of many series through one statement.

import Chunks
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Reads the sealed samples of one series after another through one prepared statement,
/// stepping it with SQLite's own calls and decoding each payload where SQLite holds it:
/// a query reads tens of thousands of series, and a row copied into GRDB's `Row`, `Data`
/// and then an array per chunk cost more than the decoding itself.
struct ChunkReader {
    private let db: Database
    private let statement: Statement
    /// The store, whose decoded timestamp sets outlive one query.
    private let store: TSDB
    /// Decoded timestamp sets, by id: every series scraped together shares one.
    private var timestampSets: [Int64: [Int64]] = [:]
    private var scratch: [Double] = []

    /// The windows that hold rows, as `db`'s transaction sees them (``ChunkWindows``).
    private let windows: ChunkWindows
    /// The windows of the last range read, and the range: a query reads many series over one.
    private var probed: (minTime: Int64, maxTime: Int64, windows: [Int64])?

    init(_ db: Database, store: TSDB) throws {
        self.db = db
        self.store = store
        statement = try db.cachedStatement(sql: ChunkWindows.probe("count, encoding, timestamps_id, data") + " ORDER BY min_time")
        windows = try ChunkWindows(db)
    }

    /// Appends the sealed samples of series `id` in `[minTime, maxTime]`, in time order, one
    /// per timestamp.
    ///
    /// Chunks come in `min_time` order; while each starts after the one before ends (in-order
    /// data) they are appended as they are. Chunks of out-of-order samples overlap others:
    /// then the series' samples are sorted once at the end (`TSDB.sortByTime`).
    mutating func read(_ id: UInt32, _ minTime: Int64, _ maxTime: Int64, _ timestamps: inout [Int64], _ values: inout [Double]) throws {
        let start = timestamps.count
        if try readChunks(id, minTime, maxTime, &timestamps, &values) { TSDB.sortByTime(&timestamps, &values, from: start) }
    }

    /// Appends the samples of each chunk in `min_time` order: window after window, and in
    /// `min_time` order inside each.
    /// - Returns: whether a chunk started at or before the end of the one before it.
    private mutating func readChunks(_ id: UInt32, _ minTime: Int64, _ maxTime: Int64, _ timestamps: inout [Int64], _ values: inout [Double]) throws -> Bool {
        let start = timestamps.count
        var overlapping = false
        if probed?.minTime != minTime || probed?.maxTime != maxTime {
            probed = (minTime, maxTime, windows.windows(overlapping: minTime, maxTime))
        }
        for window in probed?.windows ?? [] {
            if try readWindow(window, id, minTime, maxTime, from: start, &timestamps, &values) { overlapping = true }
        }
        return overlapping
    }

    /// Appends the samples of series `id`'s chunks in one window.
    /// - Returns: whether a chunk started at or before the end of the one before it, counting
    ///   from the samples at `start`.
    private mutating func readWindow(
        _ window: Int64, _ id: UInt32, _ minTime: Int64, _ maxTime: Int64, from start: Int, _ timestamps: inout [Int64], _ values: inout [Double]
    ) throws -> Bool {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        sqlite3_bind_int64(s, 1, window)
        sqlite3_bind_int64(s, 2, Int64(id))
        sqlite3_bind_int64(s, 3, minTime)
        sqlite3_bind_int64(s, 4, maxTime)
        var overlapping = false
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return overlapping }
            guard code == SQLITE_ROW else { throw TSDBError("reading the chunks of series \(id): \(db.lastErrorMessage ?? "SQLite error \(code)")") }
            let count = Int(sqlite3_column_int64(s, 0))
            let blob = UnsafeRawBufferPointer(start: sqlite3_column_blob(s, 3), count: Int(sqlite3_column_bytes(s, 3)))
            let chunkStart = timestamps.count
            defer {
                // One compare per chunk: in-order chunks never start before the last one ended.
                if chunkStart > start && chunkStart < timestamps.count && timestamps[chunkStart] <= timestamps[chunkStart - 1] { overlapping = true }
            }
            let encoding = sqlite3_column_int64(s, 1)
            if encoding == 1 || encoding == Int64(TSDB.outOfOrderEncoding) {
                TSDB.decodeXOR(Array(blob), count: count, minTime, maxTime, &timestamps, &values)
                continue
            }
            let ts = try timestampSet(sqlite3_column_int64(s, 2))
            scratch.removeAll(keepingCapacity: true)
            guard SampleBlock.decodeValues(blob, count: count, appendingTo: &scratch), scratch.count == ts.count else {
                throw TSDBError("a block of series \(id) is corrupt")
            }
            if let first = ts.first, let last = ts.last, first >= minTime, last <= maxTime {
                timestamps.append(contentsOf: ts)
                values.append(contentsOf: scratch)
            } else {
                for i in ts.indices where ts[i] >= minTime && ts[i] <= maxTime {
                    timestamps.append(ts[i])
                    values.append(scratch[i])
                }
            }
        }
    }

    private mutating func timestampSet(_ id: Int64) throws -> [Int64] {
        if let known = timestampSets[id] { return known }
        let decoded: [Int64]
        if let shared = store.decodedTimestampSets.withLock({ $0.sets[id] }) {
            decoded = shared
        } else {
            guard let read = try TimestampSets.read(id, db) else { throw TSDBError("timestamp set \(id) is missing or corrupt") }
            store.decodedTimestampSets.withLock { $0.insert(id, read) }
            decoded = read
        }
        timestampSets[id] = decoded
        return decoded
    }
}

/// Decoded timestamp sets kept between queries (sealed sets never change; the ones
/// deleted are forgotten with them), up to a million timestamps in all.
struct DecodedTimestampSets {
    static let limit = 1 << 20
    private(set) var sets: [Int64: [Int64]] = [:]
    private var held = 0

    mutating func insert(_ id: Int64, _ timestamps: [Int64]) {
        if held + timestamps.count > Self.limit { self = DecodedTimestampSets() }
        guard timestamps.count <= Self.limit else { return }
        sets[id] = timestamps
        held += timestamps.count
    }
}
