// Tollgate — RemoteWrite: how far a queue has sent the log, with shards finishing out of order.

import Synchronization

/// A queue's position in the log while its shards send independently.
///
/// Each read of the log is a step: the records up to `through` and the samples kept from
/// them, spread over the shards. A shard reports each request it finished (taken or
/// dropped) with how many samples of which steps it carried; the position is the
/// `through` of the last step whose samples are all finished, together with every step
/// before it. So a slow shard holds the position back, never the other shards' sending.
final class QueueProgress: Sendable {
    private struct Step {
        var through: Int64
        var remaining: Int
    }

    private struct State {
        var steps: [Step] = []
        /// The number of `steps[0]`: steps are numbered from 0 for the queue's life.
        var first = 0
        var position: Int64
        var unsent = 0
    }

    private let state: Mutex<State>

    /// Progress from the reader's position `position`.
    init(position: Int64) { state = Mutex(State(position: position)) }

    /// Everything up to here is sent (or dropped).
    var position: Int64 { state.withLock { $0.position } }

    /// Samples read and not yet finished.
    var unsent: Int { state.withLock { $0.unsent } }

    /// Records a step of `count` samples through record `through`; returns its number.
    func begin(through: Int64, count: Int) -> Int {
        state.withLock { s in
            s.steps.append(Step(through: through, remaining: count))
            s.unsent += count
            let number = s.first + s.steps.count - 1
            Self.advance(&s)
            return number
        }
    }

    /// A request finished: `parts` are (step number, samples of that step).
    func finish(_ parts: [(step: Int, count: Int)]) {
        state.withLock { s in
            for part in parts {
                let index = part.step - s.first
                guard s.steps.indices.contains(index) else { continue }
                s.steps[index].remaining -= part.count
                s.unsent -= part.count
            }
            Self.advance(&s)
        }
    }

    private static func advance(_ s: inout State) {
        var done = 0
        while done < s.steps.count && s.steps[done].remaining <= 0 {
            s.position = s.steps[done].through
            done += 1
        }
        if done > 0 {
            s.steps.removeFirst(done)
            s.first += done
        }
    }
}
