// Tollgate — Model: independent work spread over the machine's cores.

import Dispatch
import Foundation

/// Runs independent shares of one piece of work on several cores at once, for the few
/// places where one request holds a lot of work (a query reading and evaluating tens of
/// thousands of series). The caller's thread takes part and blocks until every share is done.
package enum Parallel {
    /// How many shares work is split into at most: one per core, at most four.
    package static let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))

    /// `body(0)`, …, `body(count - 1)`, run concurrently; the results in index order.
    package static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let slots = Slots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
        return slots.values
    }

    /// `0..<count` as contiguous shares, one per core, none smaller than `minimum`
    /// (so small work stays on the calling thread as one share).
    package static func shares(_ count: Int, minimum: Int) -> [Range<Int>] {
        let parts = max(1, min(width, count / max(minimum, 1)))
        let size = (count + parts - 1) / parts
        guard size > 0 else { return [0..<0] }
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}

/// One result slot per share; each share writes only its own, through a pointer fixed
/// at creation (no shared array is mutated from several threads).
private final class Slots<T>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(_ count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: T) { storage[index] = value }

    var values: [T] { storage.compactMap { $0 } }
}
