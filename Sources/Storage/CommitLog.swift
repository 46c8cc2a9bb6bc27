// Tollgate — Storage: the log of committed batches, read by remote-write queues.

public import Model

/// A store's log of committed batches, read in commit order by named readers (each
/// `remote_write` queue), as Prometheus's queue manager tails its write-ahead log.
///
/// Records are numbered without gaps. A reader's position is the number of the last record
/// it is done with; the store keeps every record after the slowest reader's position, for
/// at most its log retention, so a receiver's outage or a restart loses nothing within it.
/// Positions are durable: a reader that comes back after a restart reads on from its
/// position as last moved.
public protocol CommitLog: Sendable {
    /// Registers a reader (or finds it again after a restart) and returns its position; a
    /// new reader starts at the log's end, so it reads only what is committed from now on.
    func openLogReader(_ name: String) async throws -> Int64

    /// Moves a reader forward (never back): the store may drop the records up to `position`
    /// once no other reader needs them. Durable when this returns.
    func moveLogReader(_ name: String, to position: Int64) async throws

    /// Forgets a reader: its records are no longer kept for it.
    func closeLogReader(_ name: String) async throws

    /// The samples of the records after `position`, whole records only, as many as fit in
    /// `maxSamples` (at least one record when there is one).
    func readLog(after position: Int64, maxSamples: Int) async throws -> LoggedSamples

    /// The label sets of stored series, by reference (a reference the store no longer has is left out).
    func labels(of refs: some Sequence<SeriesRef>) -> [SeriesRef: Labels]
}

/// Samples read from a ``CommitLog``, in commit order, as parallel arrays.
public struct LoggedSamples: Sendable {
    /// The number of the last record read (the reader's position once these are sent);
    /// the position asked for when nothing was read.
    public var through: Int64
    /// Records between the position asked for and the first one read that the log no longer
    /// has (they outlived its retention); 0 when none.
    public var missedRecords: Int64 = 0
    /// Each sample's series.
    public var refs: [SeriesRef] = []
    /// Each sample's time, milliseconds since the epoch.
    public var timestamps: [Int64] = []
    /// Each sample's value, every bit kept.
    public var values: [Double] = []

    /// Nothing read, at `through`.
    public init(through: Int64) { self.through = through }

    /// The number of samples.
    public var count: Int { refs.count }
}
