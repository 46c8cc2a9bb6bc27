// Tollgate — TSDB: selected series in label order.

import Foundation
import Model
import Storage

/// Selected series with their sort keys, for putting a selection in label order.
///
/// A series' key is its labels as `name 0 value 0 …`, which bytewise orders as
/// label-by-label, name-then-value comparison does; keys are compared with one `memcmp`.
/// All keys live in one buffer and sorting moves only indices, so no series is copied
/// (nor retained and released) until the result is built.
struct KeyedSeries {
    private(set) var series: [SeriesSamples] = []
    private var keyBytes: [UInt8] = []
    private var keyStarts: [Int] = [0]
    /// Indices into `series`, in key order once `sort()` ran.
    private var order: [Int] = []

    mutating func append(_ samples: SeriesSamples) {
        for label in samples.labels {
            keyBytes.append(contentsOf: label.name.utf8)
            keyBytes.append(0)
            keyBytes.append(contentsOf: label.value.utf8)
            keyBytes.append(0)
        }
        keyStarts.append(keyBytes.count)
        order.append(series.count)
        series.append(samples)
    }

    /// Puts `order` in key order.
    mutating func sort() {
        keyBytes.withUnsafeBufferPointer { bytes in
            keyStarts.withUnsafeBufferPointer { starts in
                order.sort { Self.precedes(bytes, starts, $0, bytes, starts, $1) }
            }
        }
    }

    /// One list in label order from selections each sorted.
    static func merge(_ parts: [KeyedSeries]) -> [SeriesSamples] {
        // (part, position in its order) of the head of each part, merged two at a time.
        var merged = parts.first.map { first in first.order.map { (0, $0) } } ?? []
        for (p, next) in parts.enumerated().dropFirst() {
            var out: [(Int, Int)] = []
            out.reserveCapacity(merged.count + next.order.count)
            var i = 0, j = 0
            while i < merged.count && j < next.order.count {
                let (mp, mi) = merged[i]
                if less(parts[p], next.order[j], parts[mp], mi) {
                    out.append((p, next.order[j]))
                    j += 1
                } else {
                    out.append(merged[i])
                    i += 1
                }
            }
            out.append(contentsOf: merged[i...])
            out.append(contentsOf: next.order[j...].map { (p, $0) })
            merged = out
        }
        return merged.map { parts[$0.0].series[$0.1] }
    }

    private static func less(_ a: KeyedSeries, _ i: Int, _ b: KeyedSeries, _ j: Int) -> Bool {
        a.keyBytes.withUnsafeBufferPointer { x in
            a.keyStarts.withUnsafeBufferPointer { xs in
                b.keyBytes.withUnsafeBufferPointer { y in
                    b.keyStarts.withUnsafeBufferPointer { ys in precedes(x, xs, i, y, ys, j) }
                }
            }
        }
    }

    private static func precedes(
        _ x: UnsafeBufferPointer<UInt8>, _ xs: UnsafeBufferPointer<Int>, _ i: Int,
        _ y: UnsafeBufferPointer<UInt8>, _ ys: UnsafeBufferPointer<Int>, _ j: Int
    ) -> Bool {
        let xCount = xs[i + 1] - xs[i], yCount = ys[j + 1] - ys[j]
        let common = min(xCount, yCount)
        if common > 0, let px = x.baseAddress, let py = y.baseAddress {
            let c = memcmp(px + xs[i], py + ys[j], common)
            if c != 0 { return c < 0 }
        }
        return xCount < yCount
    }
}
