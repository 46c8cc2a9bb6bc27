// Tollgate — CurlHTTP: response body buffers kept for the next transfer.

import Synchronization

/// Large body buffers given back after use (``HTTPClient/recycle(_:)``), for the next
/// transfer that expects a large body.
///
/// A scrape loop's body (300 KB for 2,000 series) lives for one parse. Reused, the same few
/// buffers serve every loop: no allocation of that size for each scrape, and, where glibc
/// maps such blocks (`MemoryAllocator` in `serve` keeps its threshold at 128 KiB), no
/// fresh pages faulted in for each body. On its own it changed the resident size of a
/// 300 s run with 200,000 series by nothing measurable (docs/performance.md).
///
/// At most `budget` bytes of capacity are kept, none in a buffer larger than a quarter of
/// it: a rare large body is freed, not kept for the life of the process.
final class BodyBuffers: Sendable {
    /// The smallest size hint that takes a kept buffer; smaller bodies grow as they come.
    static let smallest = 64 << 10

    private let budget: Int
    private let kept = Mutex<(buffers: [[UInt8]], bytes: Int)>(([], 0))

    /// Keeps at most `budget` bytes of capacity.
    init(budget: Int) { self.budget = budget }

    /// An empty buffer with room for `capacity` bytes: a kept one when there is one.
    func take(capacity: Int) -> [UInt8] {
        var buffer: [UInt8] = []
        if capacity >= Self.smallest {
            buffer = kept.withLock { kept in
                guard !kept.buffers.isEmpty else { return [] }
                // The smallest that is large enough, or else the largest (it grows once).
                var index = 0
                for (i, buffer) in kept.buffers.enumerated() {
                    let best = kept.buffers[index].capacity, this = buffer.capacity
                    let better = this >= capacity ? (best < capacity || this < best) : (best < capacity && this > best)
                    if better { index = i }
                }
                let buffer = kept.buffers.remove(at: index)
                kept.bytes -= buffer.capacity
                return buffer
            }
        }
        if buffer.capacity < capacity { buffer.reserveCapacity(capacity) }
        return buffer
    }

    /// Takes `buffer` (leaving it empty) and keeps it for a later ``take(capacity:)`` when
    /// the budget allows. Only a buffer referenced nowhere else is emptied in place (for
    /// another, an empty one of its capacity is made).
    func give(_ given: inout [UInt8]) {
        var buffer: [UInt8] = []
        swap(&buffer, &given)
        let capacity = buffer.capacity
        guard capacity >= Self.smallest, capacity <= budget / 4 else { return }
        buffer.removeAll(keepingCapacity: true)
        kept.withLock { kept in
            guard kept.bytes + capacity <= budget else { return }
            kept.buffers.append(buffer)
            kept.bytes += capacity
        }
    }

    /// The buffers kept and their capacity in bytes.
    var keptBuffers: (count: Int, bytes: Int) { kept.withLock { ($0.buffers.count, $0.bytes) } }
}
