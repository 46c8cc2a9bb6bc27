// Tollgate — TSDB: what housekeeping's sweeps of the chunk table last covered.

/// What the last compaction and the last time retention covered, and the oldest row
/// written since, so that a sweep with nothing new to find reads nothing.
///
/// Both sweeps select rows by `max_time`, which no index holds (one would cost every sealed
/// chunk another index entry, written twice): each reads every row up to the cutoff's window
/// (``ChunkWindows``), the store's whole history below the cutoff. Run every
/// minute, they read a store's whole history every minute. Housekeeping gives them cutoffs
/// aligned to the block range, which move once per range; in between, a sweep runs only if
/// a row below its last cutoff was written since (a backfill, an out-of-order chunk).
struct SweepMarks {
    /// The highest cutoff a compaction swept: every row it merges ending before it was
    /// merged, but for those written since (``lowestSinceCompaction``).
    private var compacted: Int64 = .min
    /// The lowest `max_time` of a row compaction merges, written since the last compaction
    /// (or left by it: out-of-order chunks that reach into their series' open head chunk).
    private var lowestSinceCompaction: Int64 = .max
    /// The highest cutoff time retention swept.
    private var retained: Int64 = .min
    /// The lowest `max_time` of any row written since the last time retention.
    private var lowestSinceRetention: Int64 = .max

    /// Notes a row written with `maxTime`; `merges` when compaction would merge it (a sealed
    /// chunk, not a block).
    mutating func wrote(maxTime: Int64, merges: Bool) {
        if merges { lowestSinceCompaction = min(lowestSinceCompaction, maxTime) }
        lowestSinceRetention = min(lowestSinceRetention, maxTime)
    }

    /// Whether a compaction before `cutoff` would find nothing to merge.
    func compactionCovers(_ cutoff: Int64) -> Bool { cutoff <= compacted && lowestSinceCompaction >= cutoff }

    /// Notes a compaction before `cutoff` that left rows ending at `lowestLeft` and later.
    mutating func compacted(before cutoff: Int64, lowestLeft: Int64) {
        if cutoff >= compacted {
            compacted = cutoff
            lowestSinceCompaction = lowestLeft
        } else {
            lowestSinceCompaction = min(lowestSinceCompaction, lowestLeft)
        }
    }

    /// Whether time retention before `cutoff` would find nothing to delete.
    func retentionCovers(_ cutoff: Int64) -> Bool { cutoff <= retained && lowestSinceRetention >= cutoff }

    /// Notes a time retention that deleted every row ending before `cutoff`.
    mutating func retained(before cutoff: Int64) {
        guard cutoff >= retained else { return }
        retained = cutoff
        lowestSinceRetention = .max
    }
}
