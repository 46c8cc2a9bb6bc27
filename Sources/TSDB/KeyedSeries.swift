// Tollgate — TSDB: selected series in label order.

import Foundation
import Model

/// A selected series with its sort key: its labels as `name 0 value 0 …`, which bytewise
/// orders as label-by-label, name-then-value comparison does, compared with one `memcmp`
/// instead of label by label.
struct KeyedSeries {
    let key: [UInt8]
    let samples: SeriesSamples

    init(_ samples: SeriesSamples) {
        var key: [UInt8] = []
        for label in samples.labels {
            key.append(contentsOf: label.name.utf8)
            key.append(0)
            key.append(contentsOf: label.value.utf8)
            key.append(0)
        }
        self.key = key
        self.samples = samples
    }

    static func precedes(_ a: KeyedSeries, _ b: KeyedSeries) -> Bool {
        a.key.withUnsafeBufferPointer { x in
            b.key.withUnsafeBufferPointer { y in
                let common = min(x.count, y.count)
                if common > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let c = memcmp(px, py, common)
                    if c != 0 { return c < 0 }
                }
                return x.count < y.count
            }
        }
    }

    /// One list in label order from lists each already in label order.
    static func merge(_ lists: [[KeyedSeries]]) -> [SeriesSamples] {
        var merged = lists.first ?? []
        for next in lists.dropFirst() {
            var out: [KeyedSeries] = []
            out.reserveCapacity(merged.count + next.count)
            var i = 0, j = 0
            while i < merged.count && j < next.count {
                if precedes(next[j], merged[i]) {
                    out.append(next[j])
                    j += 1
                } else {
                    out.append(merged[i])
                    i += 1
                }
            }
            out.append(contentsOf: merged[i...])
            out.append(contentsOf: next[j...])
            merged = out
        }
        return merged.map(\.samples)
    }
}
