// Tollgate — TSDB: the number of series held, without the statistics' scans (the web UI's overview).

import Storage
import Synchronization

extension TSDB {
    /// The series in the registry, counted under the state lock (``stats()`` also walks every
    /// head chunk and sums the chunk table).
    public func seriesCount() async throws -> Int {
        state.withLock { $0.series.count }
    }
}
