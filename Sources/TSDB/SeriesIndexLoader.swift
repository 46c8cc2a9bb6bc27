// Tollgate — TSDB: the head's series index built on a second thread while start-up decodes the series.

import Dispatch
import Foundation
import Model
import Synchronization

/// Builds the head's index of series (the table of `HeadSeries`, labels → id, postings)
/// on a thread of its own, from batches the caller hands it as it decodes the series rows.
///
/// With a million series, start-up spent about as long decoding label sets as indexing
/// them (docs/performance.md); on two cores the two now overlap. The caller owns the index
/// again once ``finish()`` returns.
///
/// ```swift
/// let loader = SeriesIndexLoader(series: s.series, ids: s.ids, postings: s.postings)
/// loader.add([(id, labels)])   // as often as needed
/// (s.series, s.ids, s.postings) = loader.finish()
/// ```
final class SeriesIndexLoader: @unchecked Sendable {
    // Only the loader's thread touches these between `init` and `finish()`.
    private var series: SeriesTable
    private var ids: SeriesIDs
    private var postings: Postings
    private var symbols: SymbolTable
    /// Batches waiting, and whether the caller is done; `ready` counts batches and the end.
    private let queue = Mutex<(batches: [[(UInt32, Labels)]], done: Bool)>(([], false))
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(series: SeriesTable, ids: SeriesIDs, postings: Postings, symbols: SymbolTable) {
        self.series = series
        self.ids = ids
        self.postings = postings
        self.symbols = symbols
        // A thread of its own, not a dispatch queue's: it waits for batches, and a waiting
        // worker of a global queue is one fewer for everything else in the process.
        let thread = Thread { self.run() }
        thread.name = "tollgate.tsdb.index-loader"
        thread.start()
    }

    /// Hands over decoded series (ids need not be new: a later one replaces an earlier one).
    func add(_ batch: [(UInt32, Labels)]) {
        guard !batch.isEmpty else { return }
        queue.withLock { $0.batches.append(batch) }
        ready.signal()
    }

    /// Waits for every batch to be indexed, and gives the index back. Call it exactly once,
    /// also when decoding failed (the thread ends only then).
    func finish() -> (SeriesTable, SeriesIDs, Postings, SymbolTable) {
        queue.withLock { $0.done = true }
        ready.signal()
        finished.wait()
        return (series, ids, postings, symbols)
    }

    private func run() {
        while true {
            ready.wait()
            let (batches, done) = queue.withLock { state in
                defer { state.batches = [] }
                return (state.batches, state.done)
            }
            for batch in batches {
                for (id, labels) in batch {
                    series[id] = HeadSeries.make(labelSymbols: symbols.symbols(labels))
                    ids.insert(id, hash: labels.hashValue)
                    postings.add(id, labels)
                }
            }
            if done { break }
        }
        finished.signal()
    }
}
