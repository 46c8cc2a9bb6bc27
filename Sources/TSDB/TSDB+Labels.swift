// Tollgate — TSDB: a stored series' label set by its reference.

public import Model
public import Storage
import Synchronization

extension TSDB {
    /// The label set of the series `ref` refers to (a reference ``ref(for:)`` handed out),
    /// for a writer in front of the store that needs the labels of appends by reference
    /// (remote write's fan-out); nil for a reference this store never handed out.
    public func labels(for ref: SeriesRef) -> Labels? {
        guard ref.rawValue <= UInt64(UInt32.max) else { return nil }
        return state.withLock { $0.series[UInt32(ref.rawValue)]?.labels }
    }
}
