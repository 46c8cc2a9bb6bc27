// Tollgate — Model: work that runs as a child of an owner's task group and stops on its own (scrape loops, rule groups).

import Synchronization

/// One piece of long-running work (a target's scrape loop, a job's file discovery, a rule
/// group) that runs as a child task of its manager's task group, yet can be stopped alone
/// when its target, job or group goes away. Shutting the group down cancels it like any child task.
///
/// ```swift
/// let child = ChildTask()
/// group.addTask { await child.run { await loop() } }   // in the owner's task group
/// await child.stop()                                    // from anywhere; waits for the end
/// ```
package final class ChildTask: Sendable {
    private enum Phase { case waiting, running, stopped }

    private let phase = Mutex(Phase.waiting)
    private let stopRequested = Latch()
    private let finished = Latch()

    /// Work that has not begun.
    package init() {}

    /// Runs `body` until it returns, ``stop()`` is called, or the calling task is cancelled
    /// (`body` is then cancelled and awaited). Returns at once if stopped before it began.
    package func run(_ body: @escaping @Sendable () async -> Void) async {
        let begins = phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .running
            return true
        }
        guard begins else { return }
        defer { finished.open() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await body() }
            group.addTask { await self.stopRequested.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Stops the work and waits until it has ended; work that has not begun never will.
    package func stop() async {
        let wasRunning = phase.withLock { phase in
            defer { phase = .stopped }
            return phase == .running
        }
        stopRequested.open()
        if wasRunning { await finished.wait() }
    }
}

/// A one-way gate: waiters wait until it opens; once open it stays open.
package final class Latch: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// A closed gate.
    package init() {}

    /// Opens the gate and lets every waiter through.
    package func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.isOpen else { return [] }
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the gate opens; a cancelled waiter opens it (the owner is shutting down).
    package func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let passes = state.withLock { state in
                    if state.isOpen { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if passes { continuation.resume() }
            }
        } onCancel: {
            open()
        }
    }
}
