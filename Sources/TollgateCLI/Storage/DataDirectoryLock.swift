// Tollgate — the data directory and its lock.

#if canImport(Glibc)
import Glibc
#endif

/// Creates the data directory if needed and holds an exclusive lock on
/// `DIR/lock`, so two servers never share one directory.
final class DataDirectoryLock {
    private var fd: Int32

    /// Why the directory could not be used.
    struct LockError: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates (if missing) and locks the directory.
    /// - Throws: ``LockError`` naming the path and the reason.
    init(path: String) throws(LockError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw LockError(description: "cannot create data directory \(path): \(String(cString: strerror(errno)))")
        }
        let lockPath = path + "/lock"
        fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LockError(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw LockError(description: "data directory \(path) is in use by another process (\(lockPath) is locked)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock; safe to call more than once.
    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
