// Tollgate — TSDB: the lock that guards the head, whose waiters sleep.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a POSIX mutex, for the store's long-held locks.
///
/// The standard library's `Mutex` uses a priority-inheritance futex on Linux, and the
/// kernel makes a waiter spin for as long as the holder runs. A commit that creates a
/// scrape's 2,000 series holds the head for milliseconds: every other scrape that looked
/// up a series or committed meanwhile spun on a core of its own, about a tenth of the
/// process's CPU while the first scrapes ran (docs/performance.md). A glibc mutex spins
/// briefly in user space (adaptive) and then sleeps. swift-nio's `NIOLock` wraps the same
/// mutex but has no `tryLock`, which commits run inline need.
final class StoreLock<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = UnsafeMutablePointer.allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        #if canImport(Glibc)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        #endif
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Runs `body` with the value if the lock is free now; nil, without waiting, if it is held.
    func withLockIfAvailable<R>(_ body: (inout Value) throws -> R) rethrows -> R? {
        guard pthread_mutex_trylock(mutex) == 0 else { return nil }
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
